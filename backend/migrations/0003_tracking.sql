-- How far each read model has projected the event log (the notification id of its last event).
CREATE TABLE roadlog.tracking (
    name        text PRIMARY KEY,
    position    bigint NOT NULL CHECK (position >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
