-- The okr read model: objectives per period with their key results and check-ins, the
-- alignments of initiatives to key results (kept in business time, so they can be read
-- as of an instant). Effort is counted from the roadmap read model's deliverables.

CREATE TABLE objectives (
    objective_id      uuid PRIMARY KEY,
    workspace_id      uuid NOT NULL,
    title             text NOT NULL,
    period            text NOT NULL,
    level             text NOT NULL,
    team_id           uuid,
    parent_id         uuid,
    archived          boolean NOT NULL DEFAULT false,
    created_position  bigint NOT NULL
);
CREATE INDEX objectives_by_period ON objectives (workspace_id, period);

CREATE TABLE key_results (
    objective_id    uuid NOT NULL,
    key_result_id   uuid NOT NULL,
    workspace_id    uuid NOT NULL,
    title           text NOT NULL,
    unit            text NOT NULL,
    start_value     double precision NOT NULL,
    target_value    double precision NOT NULL,
    current_value   double precision NOT NULL,
    removed         boolean NOT NULL DEFAULT false,
    added_position  bigint NOT NULL,
    PRIMARY KEY (objective_id, key_result_id)
);

-- Every check-in, by log position (never updated).
CREATE TABLE check_ins (
    position        bigint PRIMARY KEY,
    workspace_id    uuid NOT NULL,
    objective_id    uuid NOT NULL,
    key_result_id   uuid NOT NULL,
    value           double precision NOT NULL,
    confidence      double precision,
    note            text NOT NULL,
    at              timestamptz NOT NULL,
    actor           text NOT NULL
);
CREATE INDEX check_ins_by_key_result ON check_ins (objective_id, key_result_id, position);

-- One row per Initiative.Aligned; Unaligned (or a re-alignment with another kind) ends it.
CREATE TABLE alignments (
    initiative_id       uuid NOT NULL,
    key_result_id       uuid NOT NULL,
    aligned_position    bigint NOT NULL,
    objective_id        uuid NOT NULL,
    workspace_id        uuid NOT NULL,
    kind                text NOT NULL,
    aligned_at          timestamptz NOT NULL,
    ended_position      bigint,
    ended_at            timestamptz,
    PRIMARY KEY (initiative_id, key_result_id, aligned_position)
);
CREATE INDEX alignments_by_key_result ON alignments (objective_id, key_result_id)
    WHERE ended_position IS NULL;

-- One row per event of a versioned aggregate (projections.read_model.AGGREGATE_VERSIONS):
-- an entity's version is the max(version) of its rows, read beside the entity's row.
CREATE TABLE aggregate_versions (
    originator_id  uuid NOT NULL,
    version        integer NOT NULL,
    position       bigint NOT NULL,
    PRIMARY KEY (originator_id, version)
);
