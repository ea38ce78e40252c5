-- Test read model: one row per event applied (no key, so a double apply shows).
CREATE TABLE seen (
    position       bigint NOT NULL,
    originator_id  uuid NOT NULL,
    version        integer NOT NULL,
    kind           text NOT NULL
);
CREATE INDEX seen_position ON seen (position);
