-- Commands decide against snapshots as much as against events: they are history too, and
-- no statement may rewrite or remove one (a new snapshot is inserted instead). One
-- function refuses both, so its message speaks of history, not only of events.
CREATE OR REPLACE FUNCTION roadlog.refuse_event_rewrite() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'roadlog history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER roadlog_snapshots_append_only
    BEFORE UPDATE OR DELETE ON public.roadlog_snapshots
    FOR EACH ROW EXECUTE FUNCTION roadlog.refuse_event_rewrite();

CREATE TRIGGER roadlog_snapshots_no_truncate
    BEFORE TRUNCATE ON public.roadlog_snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION roadlog.refuse_event_rewrite();
