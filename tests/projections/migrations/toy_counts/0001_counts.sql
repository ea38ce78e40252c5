-- Test read model: events and ticks per counter (not idempotent, so a double apply shows).
CREATE TABLE counts (
    originator_id  uuid PRIMARY KEY,
    label          text NOT NULL,
    events         integer NOT NULL,
    ticks          bigint NOT NULL
);
