-- History is immutable in the database too: no statement may rewrite or remove an event.
CREATE FUNCTION roadlog.refuse_event_rewrite() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'roadlog events are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER roadlog_events_append_only
    BEFORE UPDATE OR DELETE ON public.roadlog_events
    FOR EACH ROW EXECUTE FUNCTION roadlog.refuse_event_rewrite();

CREATE TRIGGER roadlog_events_no_truncate
    BEFORE TRUNCATE ON public.roadlog_events
    FOR EACH STATEMENT EXECUTE FUNCTION roadlog.refuse_event_rewrite();
