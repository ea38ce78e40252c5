-- The decisions read model: decision records, what they link to, and supersession.

CREATE TABLE decisions (
    id                uuid PRIMARY KEY,
    workspace_id      uuid NOT NULL,
    title             text NOT NULL,
    context           text NOT NULL,
    options           text[] NOT NULL,
    outcome           text NOT NULL,
    rationale         text NOT NULL,
    decided_by        text[] NOT NULL,
    status            text NOT NULL,
    at                timestamptz NOT NULL,
    recorded_at       timestamptz NOT NULL,
    position          bigint NOT NULL,
    actor             text NOT NULL,
    superseded_by_id  uuid,
    superseded_at     timestamptz
);
CREATE INDEX decisions_newest ON decisions (workspace_id, at DESC, position DESC);
CREATE INDEX decisions_superseded_by ON decisions (superseded_by_id);

-- What a decision affects, in the order it was recorded with: an Initiative, a Roadmap,
-- an Objective, or a KeyResult (with its objective as parent_id).
CREATE TABLE decision_links (
    decision_id   uuid NOT NULL,
    ordinal       integer NOT NULL,
    workspace_id  uuid NOT NULL,
    kind          text NOT NULL,
    target_id     uuid NOT NULL,
    parent_id     uuid,
    PRIMARY KEY (decision_id, ordinal)
);
CREATE INDEX decision_links_by_target ON decision_links (target_id);

-- One row per event of a versioned aggregate (projections.read_model.AGGREGATE_VERSIONS):
-- an entity's version is the max(version) of its rows, read beside the entity's row.
CREATE TABLE aggregate_versions (
    originator_id  uuid NOT NULL,
    version        integer NOT NULL,
    position       bigint NOT NULL,
    PRIMARY KEY (originator_id, version)
);
