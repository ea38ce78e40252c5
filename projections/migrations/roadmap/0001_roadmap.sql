-- The roadmap read model: teams, roadmaps, cycles, initiatives, priority order and
-- deliverables, kept temporal in BUSINESS time. A versioned table has one row per version,
-- valid over [valid_from, valid_to); the current one has valid_to = 'infinity'.
--
-- Reading the current roadmap uses the partial "current" indexes (one range scan per
-- table). Reading it as of an instant t takes, per entity, the last version starting at
-- or before t: one backward probe of the (key, valid_from) primary key each.

CREATE TABLE teams (
    id            uuid PRIMARY KEY,
    workspace_id  uuid NOT NULL,
    name          text NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX teams_by_name ON teams (workspace_id, name, id);

CREATE TABLE roadmaps (
    id                       uuid PRIMARY KEY,
    workspace_id             uuid NOT NULL,
    name                     text NOT NULL,
    team_id                  uuid,
    fiscal_year_start_month  integer,
    cycle_weeks              integer,
    anchor_date              date,
    created_at               timestamptz NOT NULL,
    -- Position of the last event that changed anything visible on the roadmap (its
    -- initiatives, their deliverables, alignments, order, cycles): subscriptions ask
    -- "which roadmaps changed after position p".
    last_position            bigint NOT NULL
);
CREATE INDEX roadmaps_by_name ON roadmaps (workspace_id, name, id);
CREATE INDEX roadmaps_by_change ON roadmaps (workspace_id, last_position);

-- Cycles change state twice; their instants are enough to know the state at any time.
CREATE TABLE cycles (
    roadmap_id    uuid NOT NULL,
    cycle_id      uuid NOT NULL,
    workspace_id  uuid NOT NULL,
    name          text NOT NULL,
    starts_on     date NOT NULL,
    ends_on       date NOT NULL,
    created_at    timestamptz NOT NULL,
    started_at    timestamptz,
    closed_at     timestamptz,
    PRIMARY KEY (roadmap_id, cycle_id)
);

-- Every initiative ever proposed (an initiative belongs to one roadmap for life).
CREATE TABLE initiatives (
    id            uuid PRIMARY KEY,
    workspace_id  uuid NOT NULL,
    roadmap_id    uuid NOT NULL,
    proposed_at   timestamptz NOT NULL
);
CREATE INDEX initiatives_by_roadmap ON initiatives (roadmap_id, proposed_at);

CREATE TABLE initiative_versions (
    initiative_id  uuid NOT NULL,
    valid_from     timestamptz NOT NULL,
    valid_to       timestamptz NOT NULL DEFAULT 'infinity',
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
    workspace_id   uuid NOT NULL,
    rank           numeric NOT NULL,
    PRIMARY KEY (roadmap_id, initiative_id, valid_from),
    CHECK (valid_from <= valid_to)
);
CREATE INDEX placements_current ON placements (roadmap_id, rank) WHERE valid_to = 'infinity';

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

CREATE TABLE deliverable_versions (
    initiative_id    uuid NOT NULL,
    deliverable_id   uuid NOT NULL,
    valid_from       timestamptz NOT NULL,
    valid_to         timestamptz NOT NULL DEFAULT 'infinity',
    workspace_id     uuid NOT NULL,
    roadmap_id       uuid NOT NULL,
    added_position   bigint NOT NULL,
    title            text NOT NULL,
    stretch          boolean NOT NULL,
    status           text NOT NULL,
    target_cycle_id  uuid,
    target_date      date,
    due_on           date,
    completed_at     timestamptz,
    estimate_weeks   numeric,
    actual_weeks     numeric NOT NULL,
    PRIMARY KEY (initiative_id, deliverable_id, valid_from),
    CHECK (valid_from <= valid_to)
);
CREATE INDEX deliverable_versions_current_by_roadmap
    ON deliverable_versions (roadmap_id) WHERE valid_to = 'infinity';
CREATE UNIQUE INDEX deliverable_versions_current
    ON deliverable_versions (initiative_id, deliverable_id) WHERE valid_to = 'infinity';

-- Estimate generations are never overwritten: one row each.
CREATE TABLE estimates (
    initiative_id   uuid NOT NULL,
    deliverable_id  uuid NOT NULL,
    generation      integer NOT NULL,
    workspace_id    uuid NOT NULL,
    roadmap_id      uuid NOT NULL,
    weeks           numeric NOT NULL,
    confidence      double precision,
    reason          text NOT NULL,
    actor           text NOT NULL,
    at              timestamptz NOT NULL,
    PRIMARY KEY (initiative_id, deliverable_id, generation)
);
CREATE INDEX estimates_by_roadmap ON estimates (roadmap_id, at);
