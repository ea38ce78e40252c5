-- The priorities read model: every placement (from_position NULL), move and removal
-- (to_position NULL) of an initiative on a roadmap, with who, why and which decision.
-- "Why did X move?" is one range of priority_changes_by_initiative.

CREATE TABLE priority_changes (
    position       bigint PRIMARY KEY,
    workspace_id   uuid NOT NULL,
    roadmap_id     uuid NOT NULL,
    initiative_id  uuid NOT NULL,
    from_position  integer,
    to_position    integer,
    at             timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL,
    actor          text NOT NULL,
    reason         text NOT NULL,
    decision_id    uuid,
    CHECK (from_position IS NOT NULL OR to_position IS NOT NULL)
);
CREATE INDEX priority_changes_newest ON priority_changes (workspace_id, at DESC, position DESC);
CREATE INDEX priority_changes_by_roadmap
    ON priority_changes (roadmap_id, at DESC, position DESC);
CREATE INDEX priority_changes_by_initiative
    ON priority_changes (initiative_id, at DESC, position DESC);

-- Where each initiative on a roadmap stands after the last change, in log order: what tells
-- which initiatives a placement, move or removal shifts. The model's own working state (its
-- handlers never read the roadmap model's placements, which are versioned in business time).
-- No unique position: a shift rewrites a range of positions in one statement.
CREATE TABLE standings (
    roadmap_id     uuid NOT NULL,
    initiative_id  uuid NOT NULL,
    position       integer NOT NULL,
    PRIMARY KEY (roadmap_id, initiative_id)
);
CREATE INDEX standings_by_position ON standings (roadmap_id, position);

-- Every initiative a change shifted by one position (DISPLACED): keyed by the change that
-- caused it (cause_position, a priority_changes row, whose time, actor, reason and decision
-- it shares) and the initiative.
CREATE TABLE displacements (
    cause_position bigint NOT NULL,
    initiative_id  uuid NOT NULL,
    from_position  integer NOT NULL,
    to_position    integer NOT NULL,
    PRIMARY KEY (cause_position, initiative_id)
);
CREATE INDEX displacements_by_initiative ON displacements (initiative_id, cause_position DESC);
