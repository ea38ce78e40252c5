-- The timeline read model: one entry per event (command receipts aside), every table
-- append-only, keyed by log position, written in bulk (projections/timeline.py).
--
-- subject_kind/subject_ids name the entry's subject as a global id does (parent first);
-- entry_subjects lists every id an entry is about (its subject, the owning initiative of a
-- deliverable, the roadmap of a move, the decision that drove it, ...) so that a history
-- of anything is one index range. Newest first is (at DESC, position DESC): business time,
-- then log order.

CREATE TABLE entries (
    position        bigint PRIMARY KEY,
    workspace_id    uuid NOT NULL,
    type            text NOT NULL,
    subject_kind    text NOT NULL,
    subject_ids     uuid[] NOT NULL,
    at              timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    actor           text NOT NULL,
    reason          text NOT NULL,
    decision_id     uuid,
    -- [{"field": "position", "from": "3", "to": "1"}]: from/to are JSON-encoded values.
    changes         jsonb NOT NULL,
    summary         text NOT NULL,
    -- The weeks an estimate or an effort entry records, and its deliverable: the "from" of
    -- the next such entry of that deliverable (its previous estimate, its effort so far).
    deliverable_id  uuid,
    weeks           numeric
);
CREATE INDEX entries_newest ON entries (workspace_id, at DESC, position DESC);
CREATE INDEX entries_by_actor ON entries (workspace_id, actor, at DESC, position DESC);
CREATE INDEX entries_by_type ON entries (workspace_id, type, at DESC, position DESC);
-- When each position was recorded: the roadmap as recorded at an instant reads the log up
-- to the latest entry recorded by then (projections.roadmap_queries.recorded_position).
CREATE INDEX entries_recorded ON entries (workspace_id, recorded_at DESC, position DESC);
CREATE INDEX entries_of_deliverable ON entries (deliverable_id, type, position)
    WHERE deliverable_id IS NOT NULL;

CREATE TABLE entry_subjects (
    subject_id    uuid NOT NULL,
    position      bigint NOT NULL,
    workspace_id  uuid NOT NULL,
    at            timestamptz NOT NULL,
    PRIMARY KEY (subject_id, position)
);
CREATE INDEX entry_subjects_newest ON entry_subjects (subject_id, at DESC, position DESC);

-- Each name a thing is given (a creation, a rename), at the position of the event giving
-- it: summaries quote the latest before their own position. Kept by this model itself so
-- that it rebuilds on its own. Cycles are named here too (planned, changed): a retarget's
-- summary names its cycles as they were then ("from Cycle 1 to Cycle 2 (slip)").
CREATE TABLE names (
    id            uuid NOT NULL,
    position      bigint NOT NULL,
    workspace_id  uuid NOT NULL,
    kind          text NOT NULL,
    name          text NOT NULL,
    global_id     text NOT NULL,
    PRIMARY KEY (id, position)
);
