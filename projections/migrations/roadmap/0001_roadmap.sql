-- The roadmap read model: teams, roadmaps, cycles, initiatives, priority order and
-- deliverables, kept temporal in BUSINESS time. A versioned table has one row per version,
-- valid over [valid_from, valid_to); the current one has valid_to = 'infinity'.
--
-- Reading the current roadmap uses the partial "current" indexes (one range scan per
-- table). Reading it as of an instant t takes, per entity, the last version starting at
-- or before t: one backward probe of the (key, valid_from) primary key each.
--
-- Each version keeps the log positions of the events that opened and closed it
-- (closed_position NULL while current): the roadmap as the log stood at a position P takes
-- per entity the earlier of two probes, the last version starting at or before t and the
-- last one opened at or before P, a version closed after P still holding
-- (projections.roadmap_recorded). When each position was recorded is the timeline's.

CREATE TABLE teams (
    id            uuid PRIMARY KEY,
    workspace_id  uuid NOT NULL,
    name          text NOT NULL,
    archived      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL
);
CREATE INDEX teams_by_name ON teams (workspace_id, name, id);

-- The workspace's fiscal calendar, once set (no row: the fiscal year starts in January).
-- Quarters in reports follow it, whatever a roadmap's cadence.
CREATE TABLE fiscal_years (
    workspace_id  uuid PRIMARY KEY,
    start_month   integer NOT NULL,
    set_at        timestamptz NOT NULL
);

CREATE TABLE roadmaps (
    id                       uuid PRIMARY KEY,
    workspace_id             uuid NOT NULL,
    name                     text NOT NULL,
    team_id                  uuid,
    fiscal_year_start_month  integer,
    cycle_weeks              integer,
    anchor_date              date,
    archived                 boolean NOT NULL DEFAULT false,
    created_at               timestamptz NOT NULL
);
CREATE INDEX roadmaps_by_name ON roadmaps (workspace_id, name, id);

-- Cycles change state twice: PLANNED, ACTIVE once started, CLOSED once closed. The log
-- positions of the start and the close bound what a cycle's report counts; with those of
-- its creation and its cancellation they also say its state as the log stood at a
-- position. Their names and dates are versioned in cycle_versions.
CREATE TABLE cycles (
    roadmap_id        uuid NOT NULL,
    cycle_id          uuid NOT NULL,
    workspace_id      uuid NOT NULL,
    state             text NOT NULL,
    created_at        timestamptz NOT NULL,
    created_position  bigint NOT NULL,
    started_at        timestamptz,
    started_position  bigint,
    closed_at         timestamptz,
    closed_position   bigint,
    cancelled_at      timestamptz,
    cancelled_position  bigint,
    PRIMARY KEY (roadmap_id, cycle_id)
);
-- A retarget names only the cycle: it finds the cycle (and its roadmap) by id.
CREATE UNIQUE INDEX cycles_by_id ON cycles (cycle_id);

-- A cycle's name and dates, one version per change (a planned cycle can be renamed or
-- moved), so a view as of an earlier instant shows them as they were then, and the
-- roadmap as recorded shows them as the log stood (opened/closed positions, as above).
CREATE TABLE cycle_versions (
    roadmap_id       uuid NOT NULL,
    cycle_id         uuid NOT NULL,
    valid_from       timestamptz NOT NULL,
    valid_to         timestamptz NOT NULL DEFAULT 'infinity',
    opened_position  bigint NOT NULL,
    closed_position  bigint,
    name             text NOT NULL,
    starts_on        date NOT NULL,
    ends_on          date NOT NULL,
    PRIMARY KEY (roadmap_id, cycle_id, valid_from),
    CHECK (valid_from <= valid_to)
);
CREATE UNIQUE INDEX cycle_versions_current
    ON cycle_versions (roadmap_id, cycle_id) WHERE valid_to = 'infinity';
CREATE INDEX cycle_versions_recorded ON cycle_versions (roadmap_id, cycle_id, opened_position);

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

-- What became of each deliverable of a closed cycle, as Roadmap.CycleClosed carries it
-- (never updated). Its generations and slips are counted from the facts before the close.
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
    actual_weeks          numeric NOT NULL,
    completed_at          timestamptz,
    PRIMARY KEY (roadmap_id, cycle_id, initiative_id, deliverable_id)
);

-- Every initiative ever proposed (an initiative belongs to one roadmap for life).
CREATE TABLE initiatives (
    id            uuid PRIMARY KEY,
    workspace_id  uuid NOT NULL,
    roadmap_id    uuid NOT NULL,
    proposed_at        timestamptz NOT NULL,
    proposed_position  bigint NOT NULL
);
CREATE INDEX initiatives_by_roadmap ON initiatives (roadmap_id, proposed_at);
-- The alignment view: a workspace's initiatives in the order they were proposed.
CREATE INDEX initiatives_by_workspace ON initiatives (workspace_id, proposed_position);

CREATE TABLE initiative_versions (
    initiative_id  uuid NOT NULL,
    valid_from     timestamptz NOT NULL,
    valid_to       timestamptz NOT NULL DEFAULT 'infinity',
    opened_position  bigint NOT NULL,
    closed_position  bigint,
    workspace_id   uuid NOT NULL,
    roadmap_id     uuid NOT NULL,
    title          text NOT NULL,
    goal           text NOT NULL,
    stakeholders   text[] NOT NULL,
    team_id        uuid,
    kind           text NOT NULL,
    parent_id      uuid,
    on_roadmap     boolean NOT NULL,
    PRIMARY KEY (initiative_id, valid_from),
    CHECK (valid_from <= valid_to)
);
CREATE UNIQUE INDEX initiative_versions_current
    ON initiative_versions (initiative_id) WHERE valid_to = 'infinity';
-- An initiative's phases (Initiative.children, the roll-up of a parent's status).
CREATE INDEX initiative_versions_by_parent
    ON initiative_versions (parent_id, valid_from) WHERE parent_id IS NOT NULL;
-- The roadmap as recorded: an entity's last version opened by a log position.
CREATE INDEX initiative_versions_recorded ON initiative_versions (initiative_id, opened_position);

-- The priority order: one versioned row per (roadmap, initiative) while it is on the
-- roadmap, with a rank; position = order of rank among the rows valid at an instant. A
-- move closes one row and opens one (rank between its new neighbours), never rewriting
-- the others. Ranks are renumbered in place (order-preserving, over the roadmap's whole
-- history) when one gets too many decimals.
CREATE TABLE placements (
    roadmap_id     uuid NOT NULL,
    initiative_id  uuid NOT NULL,
    valid_from     timestamptz NOT NULL,
    valid_to       timestamptz NOT NULL DEFAULT 'infinity',
    opened_position  bigint NOT NULL,
    closed_position  bigint,
    workspace_id   uuid NOT NULL,
    rank           numeric NOT NULL,
    PRIMARY KEY (roadmap_id, initiative_id, valid_from),
    CHECK (valid_from <= valid_to)
);
CREATE INDEX placements_current ON placements (roadmap_id, rank) WHERE valid_to = 'infinity';
CREATE INDEX placements_recorded ON placements (roadmap_id, initiative_id, opened_position);

CREATE TABLE deliverables (
    initiative_id   uuid NOT NULL,
    deliverable_id  uuid NOT NULL,
    workspace_id    uuid NOT NULL,
    roadmap_id      uuid NOT NULL,
    added_at        timestamptz NOT NULL,
    added_position  bigint NOT NULL,
    PRIMARY KEY (initiative_id, deliverable_id)
);
CREATE INDEX deliverables_by_roadmap ON deliverables (roadmap_id, added_at);

-- A removed deliverable keeps its versions, but none is current: the last one ends at the
-- removal (valid_to = valid_from when it is removed at the instant of its last change).
CREATE TABLE deliverable_versions (
    initiative_id    uuid NOT NULL,
    deliverable_id   uuid NOT NULL,
    valid_from       timestamptz NOT NULL,
    valid_to         timestamptz NOT NULL DEFAULT 'infinity',
    opened_position  bigint NOT NULL,
    closed_position  bigint,
    workspace_id     uuid NOT NULL,
    roadmap_id       uuid NOT NULL,
    added_position   bigint NOT NULL,
    title            text NOT NULL,
    stretch          boolean NOT NULL,
    status           text NOT NULL,
    target_cycle_id  uuid,
    -- Due on target_date, or on the target cycle's ends_on (the cycle's, read from cycles:
    -- moving a planned cycle moves what is due on it).
    target_date      date,
    completed_at     timestamptz,
    -- The cycle it targeted when it became DONE (cleared when reopened).
    completed_cycle_id  uuid,
    estimate_weeks   numeric,
    actual_weeks     numeric NOT NULL,
    PRIMARY KEY (initiative_id, deliverable_id, valid_from),
    CHECK (valid_from <= valid_to)
);
CREATE INDEX deliverable_versions_current_by_roadmap
    ON deliverable_versions (roadmap_id) WHERE valid_to = 'infinity';
CREATE UNIQUE INDEX deliverable_versions_current
    ON deliverable_versions (initiative_id, deliverable_id) WHERE valid_to = 'infinity';
CREATE INDEX deliverable_versions_recorded
    ON deliverable_versions (initiative_id, deliverable_id, opened_position);
-- The estimate report: the completed deliverables of a workspace.
CREATE INDEX deliverable_versions_completed
    ON deliverable_versions (workspace_id, completed_at)
    WHERE valid_to = 'infinity' AND status = 'DONE';

-- Facts, keyed by log position and never updated. Each found by deliverable in business
-- time: a digest's last fact of a period is the first entry of a backward walk, no sort.

-- Every estimate generation (never overwritten).
CREATE TABLE estimates (
    position        bigint PRIMARY KEY,
    initiative_id   uuid NOT NULL,
    deliverable_id  uuid NOT NULL,
    generation      integer NOT NULL,
    workspace_id    uuid NOT NULL,
    weeks           numeric NOT NULL,
    confidence      double precision,
    reason          text NOT NULL,
    actor           text NOT NULL,
    at              timestamptz NOT NULL
);
CREATE INDEX estimates_by_deliverable
    ON estimates (initiative_id, deliverable_id, at, position);

-- Every status change.
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
    ON status_changes (initiative_id, deliverable_id, at, position);

-- Every change of target; slip: now due later than before.
CREATE TABLE retargets (
    position        bigint PRIMARY KEY,
    workspace_id    uuid NOT NULL,
    initiative_id   uuid NOT NULL,
    deliverable_id  uuid NOT NULL,
    from_cycle_id   uuid,
    from_date       date,
    from_due_on     date,
    to_cycle_id     uuid,
    to_date         date,
    to_due_on       date NOT NULL,
    slip            boolean NOT NULL,
    at              timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    actor           text NOT NULL,
    reason          text NOT NULL
);
CREATE INDEX retargets_by_deliverable
    ON retargets (initiative_id, deliverable_id, at, position);

-- One row per event of a versioned aggregate (projections.read_model.AGGREGATE_VERSIONS):
-- an entity's version is the max(version) of its rows, read beside the entity's row.
CREATE TABLE aggregate_versions (
    originator_id  uuid NOT NULL,
    version        integer NOT NULL,
    position       bigint NOT NULL,
    PRIMARY KEY (originator_id, version)
);
