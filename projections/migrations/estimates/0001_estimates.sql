-- The estimates read model: per deliverable, estimates against actuals and slips;
-- the names and cadences the estimate report groups by.

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
CREATE INDEX deliverables_completed ON deliverables (workspace_id, completed_at)
    WHERE status = 'DONE';

CREATE TABLE teams (
    team_id       uuid PRIMARY KEY,
    workspace_id  uuid NOT NULL,
    name          text NOT NULL
);

CREATE TABLE roadmaps (
    roadmap_id               uuid PRIMARY KEY,
    workspace_id             uuid NOT NULL,
    fiscal_year_start_month  integer
);

CREATE TABLE cycles (
    roadmap_id    uuid NOT NULL,
    cycle_id      uuid NOT NULL,
    workspace_id  uuid NOT NULL,
    name          text NOT NULL,
    starts_on     date NOT NULL,
    PRIMARY KEY (roadmap_id, cycle_id)
);
