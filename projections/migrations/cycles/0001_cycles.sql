-- The cycles read model: each cycle's committed scope (frozen at start), the deliverables
-- targeted to it while active (unplanned), and its outcome frozen at close; the status
-- changes and estimate generations of every deliverable, for the reports.

-- Initiatives and deliverables as this read model keeps them (projections/work.py); the
-- estimates, cycles and okr read models each have their own copy of these two tables.
CREATE TABLE initiatives (
    initiative_id      uuid PRIMARY KEY,
    workspace_id       uuid NOT NULL,
    roadmap_id         uuid NOT NULL,
    title              text NOT NULL,
    team_id            uuid,
    kind               text NOT NULL,
    on_roadmap         boolean NOT NULL,
    proposed_position  bigint NOT NULL
);
CREATE INDEX initiatives_by_roadmap ON initiatives (workspace_id, roadmap_id);

CREATE TABLE deliverables (
    initiative_id         uuid NOT NULL REFERENCES initiatives (initiative_id),
    deliverable_id        uuid NOT NULL,
    workspace_id          uuid NOT NULL,
    title                 text NOT NULL,
    stretch               boolean NOT NULL,
    status                text NOT NULL,
    target_cycle_id       uuid,
    target_date           date,
    due_on                date,
    completed_at          timestamptz,
    completed_cycle_id    uuid,
    first_estimate_weeks  numeric,
    estimate_weeks        numeric,
    generations           integer NOT NULL DEFAULT 0,
    actual_weeks          numeric NOT NULL DEFAULT 0,
    slips                 integer NOT NULL DEFAULT 0,
    added_position        bigint NOT NULL,
    PRIMARY KEY (initiative_id, deliverable_id)
);

CREATE TABLE cycles (
    roadmap_id        uuid NOT NULL,
    cycle_id          uuid NOT NULL,
    workspace_id      uuid NOT NULL,
    name              text NOT NULL,
    starts_on         date NOT NULL,
    ends_on           date NOT NULL,
    state             text NOT NULL,
    created_position  bigint NOT NULL,
    started_position  bigint,
    started_at        timestamptz,
    closed_position   bigint,
    closed_at         timestamptz,
    PRIMARY KEY (roadmap_id, cycle_id)
);

-- Who is in a started cycle: committed when it started (in priority order), or targeted to
-- it while it was active (unplanned: committed = false, ordinal NULL).
CREATE TABLE scope (
    roadmap_id       uuid NOT NULL,
    cycle_id         uuid NOT NULL,
    initiative_id    uuid NOT NULL,
    deliverable_id   uuid NOT NULL,
    workspace_id     uuid NOT NULL,
    committed        boolean NOT NULL,
    ordinal          integer,
    joined_position  bigint NOT NULL,
    PRIMARY KEY (roadmap_id, cycle_id, initiative_id, deliverable_id)
);

-- Every estimate generation of every deliverable.
CREATE TABLE estimates (
    initiative_id   uuid NOT NULL,
    deliverable_id  uuid NOT NULL,
    generation      integer NOT NULL,
    workspace_id    uuid NOT NULL,
    weeks           numeric NOT NULL,
    confidence      double precision,
    reason          text NOT NULL,
    at              timestamptz NOT NULL,
    actor           text NOT NULL,
    PRIMARY KEY (initiative_id, deliverable_id, generation)
);

-- Every status change of every deliverable, by log position (never updated).
CREATE TABLE status_changes (
    position        bigint PRIMARY KEY,
    workspace_id    uuid NOT NULL,
    initiative_id   uuid NOT NULL,
    deliverable_id  uuid NOT NULL,
    from_status     text NOT NULL,
    to_status       text NOT NULL,
    at              timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    actor           text NOT NULL,
    reason          text NOT NULL,
    decision_id     uuid
);
CREATE INDEX status_changes_by_deliverable
    ON status_changes (initiative_id, deliverable_id, position);

-- What became of each deliverable of a closed cycle (Roadmap.CycleClosed), never updated.
CREATE TABLE outcomes (
    roadmap_id            uuid NOT NULL,
    cycle_id              uuid NOT NULL,
    ordinal               integer NOT NULL,
    initiative_id         uuid NOT NULL,
    deliverable_id        uuid NOT NULL,
    workspace_id          uuid NOT NULL,
    committed             boolean NOT NULL,
    unplanned             boolean NOT NULL,
    title                 text NOT NULL,
    stretch               boolean NOT NULL,
    status                text NOT NULL,
    target_cycle_id       uuid,
    target_date           date,
    due_on                date,
    carried_over          boolean NOT NULL,
    first_estimate_weeks  numeric,
    estimate_weeks        numeric,
    generations           integer NOT NULL,
    actual_weeks          numeric NOT NULL,
    slips                 integer NOT NULL,
    completed_at          timestamptz,
    PRIMARY KEY (roadmap_id, cycle_id, initiative_id, deliverable_id)
);

-- The estimate generations of each outcome deliverable, as they were at the close.
CREATE TABLE outcome_estimates (
    roadmap_id      uuid NOT NULL,
    cycle_id        uuid NOT NULL,
    initiative_id   uuid NOT NULL,
    deliverable_id  uuid NOT NULL,
    generation      integer NOT NULL,
    weeks           numeric NOT NULL,
    confidence      double precision,
    reason          text NOT NULL,
    at              timestamptz NOT NULL,
    actor           text NOT NULL,
    PRIMARY KEY (roadmap_id, cycle_id, initiative_id, deliverable_id, generation)
);
