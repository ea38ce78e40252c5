-- The updates read model: the status updates posted for stakeholders, only ever inserted.

CREATE TABLE status_updates (
    id             uuid PRIMARY KEY,
    position       bigint NOT NULL UNIQUE,
    workspace_id   uuid NOT NULL,
    roadmap_id     uuid NOT NULL,
    -- Set when the update is about one initiative of the roadmap, NULL for the roadmap.
    initiative_id  uuid,
    health         text NOT NULL,
    body           text NOT NULL,
    at             timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL,
    actor          text NOT NULL
);
-- A roadmap's updates newest first (all of them, and those of one subject: the previous
-- update of a subject bounds its digest).
CREATE INDEX status_updates_newest ON status_updates (roadmap_id, at DESC, position DESC);
CREATE INDEX status_updates_of_subject
    ON status_updates (roadmap_id, initiative_id, at DESC, position DESC);
