-- The priorities read model: every placement (from_position NULL), move and removal
-- (to_position NULL) of an initiative on a roadmap, with who, why and which decision.
-- "Why did X move?" is one range of priority_changes_by_initiative.

CREATE TABLE priority_changes (
    position       bigint PRIMARY KEY,
    workspace_id   uuid NOT NULL,
    roadmap_id     uuid NOT NULL,
    initiative_id  uuid NOT NULL,
    from_position  integer,
    to_position    integer,
    at             timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL,
    actor          text NOT NULL,
    reason         text NOT NULL,
    decision_id    uuid,
    CHECK (from_position IS NOT NULL OR to_position IS NOT NULL)
);
CREATE INDEX priority_changes_newest ON priority_changes (workspace_id, at DESC, position DESC);
CREATE INDEX priority_changes_by_roadmap
    ON priority_changes (roadmap_id, at DESC, position DESC);
CREATE INDEX priority_changes_by_initiative
    ON priority_changes (initiative_id, at DESC, position DESC);
