"""Reading what a digest needs: a roadmap's state at both ends of a period, and the facts
of the period that explain the differences.

Nothing here is stored for digests: the roadmap model's versions give the state at an
instant (one backward probe per entity), its facts (``status_changes``, ``retargets``,
``estimates``) the last change of each deliverable that differs, the priorities model the
explicit moves of the roadmap in the period, the decisions and updates models what was
decided and posted. The timeline's entries, keyed by the same log positions, add the
decision behind a fact that does not carry one, and who added or removed a deliverable.
``$1`` is the roadmap, ``$2`` the workspace; a period is ``(since, until]`` in business time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from operator import itemgetter
from typing import NamedTuple
from uuid import UUID

from projections.readers import Reader
from projections.roadmap_queries import POSITIONS_AT, Row, cycles_of_roadmap

ROADMAP = """
    SELECT id, name, created_at FROM roadmap.roadmaps WHERE id = $1 AND workspace_id = $2
"""

STATE = "title, status, target_cycle_id, target_date, estimate_weeks, roadmap_id"
"""What a digest compares of a deliverable at both ends of a period (and the roadmap whose
cycle it targets)."""


def version_at(alias: str, at: str, only_if: str = "true") -> str:
    """The version of deliverable ``d`` whose validity starts last at or before ``at``
    (none unless ``only_if``, a condition on ``d`` checked before the probe)."""
    return f"""(
        SELECT v.valid_from, v.valid_to, {", ".join(f"v.{c}" for c in STATE.split(", "))}
        FROM roadmap.deliverable_versions v
        WHERE v.initiative_id = d.initiative_id AND v.deliverable_id = d.deliverable_id
          AND v.valid_from <= {at} AND {only_if}
        ORDER BY v.valid_from DESC LIMIT 1
    ) AS {alias}"""


CHANGED_DELIVERABLES = f"""
    SELECT d.initiative_id, d.deliverable_id, d.added_position, b.valid_to > $4 AS exists_after,
        {", ".join(f"b.{c}" for c in STATE.split(", "))},
        a.status IS NOT NULL AS exists_before,
        {", ".join(f"a.{c} AS then_{c}" for c in STATE.split(", "))}
    FROM roadmap.deliverables d
    CROSS JOIN LATERAL {version_at("b", "$4")}
    LEFT JOIN LATERAL {version_at("a", "$3", "d.added_at <= $3")} ON a.valid_to > $3
    WHERE d.roadmap_id = $1 AND d.workspace_id = $2 AND d.added_at <= $4
      AND b.valid_to > $3 AND (b.valid_from > $3 OR b.valid_to <= $4)
    ORDER BY d.initiative_id, d.deliverable_id
"""
"""The roadmap's deliverables that may differ between ``$3`` and ``$4``, with their state
at both: one probe each for the others, whose version at ``$4`` was already valid at
``$3`` and still is (the same version: nothing changed), none for those removed before
``$3``, and one for those added since ``$3``. In the order of their ids."""


TITLES_AT = """
    SELECT asked.id AS initiative_id, v.title
    FROM unnest($1::uuid[]) AS asked (id)
    CROSS JOIN LATERAL (
        SELECT v.title FROM roadmap.initiative_versions v
        WHERE v.initiative_id = asked.id AND v.valid_from <= $3 AND v.workspace_id = $2
        ORDER BY v.valid_from DESC LIMIT 1
    ) AS v
"""
"""The initiatives' titles as of ``$3``."""

PRIORITY_CHANGES = """
    SELECT position, initiative_id, from_position, to_position, at, actor, reason, decision_id
    FROM priorities.priority_changes
    WHERE roadmap_id = $1 AND workspace_id = $2 AND at > $3 AND at <= $4
    ORDER BY at, position
"""
"""The placements, moves and removals of the roadmap in the period, in business-time order."""


def last_fact(facts: str) -> str:
    """The last fact of ``facts`` (a roadmap fact table) in the period about deliverable
    ``changed``, with the decision its timeline entry names: one walk down the table's
    ``*_by_deliverable`` index, then one probe of the timeline for that fact alone."""
    return f"""(
        SELECT last.at, last.actor, last.reason, e.decision_id
        FROM ({last_of(facts, "f.position")}) AS last
        LEFT JOIN timeline.entries e ON e.position = last.position
    )"""


def last_of(facts: str, decision: str) -> str:
    """The last fact of ``facts`` in the period about deliverable ``changed``, with
    ``decision`` (an expression over its row ``f``) as its ``decision_id``: the first
    entry of a backward walk down the table's ``*_by_deliverable`` index, in business time
    (by log position, each probe sorted its facts of the period: 2 ms more on the bench's
    fortnight)."""
    return f"""
            SELECT f.position, f.at, f.actor, f.reason, {decision} AS decision_id
            FROM roadmap.{facts} f
            WHERE f.initiative_id = changed.initiative_id
              AND f.deliverable_id = changed.deliverable_id
              AND f.workspace_id = $2 AND f.at > $3 AND f.at <= $4
            ORDER BY f.at DESC, f.position DESC
            LIMIT 1"""


LAST_STATUS_CHANGE = f"({last_of('status_changes', 'f.decision_id')})"
"""The last status change in the period of deliverable ``changed``: it carries its own
decision (the event's, as its timeline entry does), so no timeline probe."""


ADDING = """(
        SELECT e.at, e.actor, e.reason, e.decision_id
        FROM (
            SELECT * FROM timeline.entries WHERE position = changed.added_position LIMIT 1
        ) AS e
        WHERE e.type = 'DeliverableAdded' AND e.workspace_id = $2 AND e.at > $3 AND e.at <= $4
    )"""
"""The timeline entry of the event that added deliverable ``changed``, if in the period:
one probe by its position, the only condition of the inner query, so that no plan walks
another index of the timeline instead (walking down all the deliverable's entries of the
period, newest first, reached the one that added it last)."""

REMOVAL = """(
        SELECT e.at, e.actor, e.reason, e.decision_id
        FROM timeline.entry_subjects s
        JOIN timeline.entries e ON e.position = s.position
        WHERE s.subject_id = changed.deliverable_id AND s.workspace_id = $2
          AND s.at > $3 AND s.at <= $4 AND e.type = 'DeliverableRemoved'
        ORDER BY s.at DESC, s.position DESC
        LIMIT 1
    )"""
"""The last timeline entry in the period that removed deliverable ``changed``: one walk
down ``entry_subjects_newest``."""


BOTH = "changed.exists_before AND changed.exists_after"
"""A deliverable at both ends of the period."""


def due_on(prefix: str, at: str) -> str:
    """When deliverable ``changed`` was due at ``at`` (its columns of ``STATE`` then named
    with ``prefix``): on its target date, or on its target cycle's end as the cycle was at
    ``at``. Only for the deliverables retargeted: one probe of the cycle's versions each."""
    return f"""COALESCE(changed.{prefix}target_date, (
        SELECT c.ends_on FROM roadmap.cycle_versions c
        WHERE c.roadmap_id = changed.{prefix}roadmap_id
          AND c.cycle_id = changed.{prefix}target_cycle_id
          AND c.valid_from <= {at} AND {at} < c.valid_to
    ))"""


def both_ends(column: str, written: str = "{}") -> tuple[str, str]:
    """Column ``column`` of ``changed`` at both ends, each as ``written`` (a format)."""
    return written.format(f"changed.{column}"), written.format(f"changed.then_{column}")


WEEKS = "trim_scale({})::text"
"""Resource-weeks as people write them (2.5, 10): written by PostgreSQL, as a Decimal read
and normalised in Python took three times as long (on the bench's fortnight, 1,700 of
them: 2 ms more)."""

COMPARED = {
    "status": ("text", *both_ends("status")),
    "target_cycle_id": ("uuid", *both_ends("target_cycle_id")),
    "target_date": ("date", *both_ends("target_date")),
    "due_on": ("date", due_on("", "$4"), due_on("then_", "$3")),
    "estimate_weeks": ("text", *both_ends("estimate_weeks", WEEKS)),
}
"""What a difference may show of a deliverable at both ends: each column's type, its value
at ``$4`` and at ``$3``."""


class Difference(NamedTuple):
    """One way a deliverable can differ between the two ends of a period: which rows of
    ``changed`` (of ``CHANGED_DELIVERABLES``) it is, the fact that explains it, the title
    it names the deliverable by and the columns of ``COMPARED`` it shows."""

    which: str
    fact: str
    title: str
    shows: tuple[str, ...] = ()


DIFFERENCES = {
    "ADDED": Difference(
        "changed.exists_after AND NOT changed.exists_before"
        " AND changed.initiative_id <> ALL($5::uuid[])",
        ADDING,
        "title",
    ),
    "REMOVED": Difference(
        "changed.exists_before AND NOT changed.exists_after",
        REMOVAL,
        "then_title",
    ),
    "STATUS": Difference(
        f"{BOTH} AND changed.status <> changed.then_status",
        LAST_STATUS_CHANGE,
        "title",
        ("status",),
    ),
    "TARGET": Difference(
        f"{BOTH} AND (changed.target_cycle_id, changed.target_date)"
        " IS DISTINCT FROM (changed.then_target_cycle_id, changed.then_target_date)",
        last_fact("retargets"),
        "title",
        ("target_cycle_id", "target_date", "due_on"),
    ),
    "ESTIMATE": Difference(
        f"{BOTH} AND changed.estimate_weeks IS DISTINCT FROM changed.then_estimate_weeks",
        last_fact("estimates"),
        "title",
        ("estimate_weeks",),
    ),
}


def differing(name: str) -> str:
    """The rows of ``changed`` that differ as ``DIFFERENCES[name]`` says, with the fact
    behind: the columns it does not show are null, which costs nothing to send and read."""
    difference = DIFFERENCES[name]
    shown = ", ".join(
        f"{now} AS {column}, {then} AS then_{column}"
        if column in difference.shows
        else f"NULL::{kind} AS {column}, NULL::{kind} AS then_{column}"
        for column, (kind, now, then) in COMPARED.items()
    )
    return f"""
    SELECT '{name}' AS difference, changed.initiative_id, changed.deliverable_id,
        changed.{difference.title} AS title, {shown},
        why.at, why.actor, why.reason, why.decision_id
    FROM changed LEFT JOIN LATERAL {difference.fact} AS why ON true
    WHERE {difference.which}"""


DELIVERABLE_DIFFERENCES = f"""
    WITH changed AS MATERIALIZED ({CHANGED_DELIVERABLES})
    {" UNION ALL ".join(differing(name) for name in DIFFERENCES)}
"""
"""One row per difference of a deliverable between ``$3`` and ``$4`` (``difference``, a key
of ``DIFFERENCES``): its title, the state it compares at both ends (the columns of
``COMPARED``, at ``$3`` as ``then_`` ones) and the last fact of the period behind it
(``at``, ``actor``, ``reason``, ``decision_id``; null when none explains it). Those added
with their initiative (``$5``) are left out.

No ORDER BY over the whole: it held every row back until the last probe, where without one
PostgreSQL sends the rows as it finds them and asyncpg decodes them meanwhile (on the
bench's fortnight, 3,000 rows, the statement took 25 ms to read instead of 33).
``BY_DELIVERABLE`` orders them in Python, cheaply: ``changed`` is in the order of the
deliverables' ids, so each kind of difference comes in that order as planned, and sorting
merges five runs.

All in one statement, the facts in lateral probes down each deliverable's own index
(joined to every fact of the period instead, the deliverables asked were planned well
with the actual ids, but asyncpg prepares its statements, and PostgreSQL's generic plan,
used after the fifth run, was a nested loop over both: on the bench's fortnight the three
fact tables took 90 ms instead of 25). One statement instead of six: no ids sent back and
forth, no state compared twice."""

BY_DELIVERABLE = itemgetter("initiative_id", "deliverable_id")
"""A difference's place in the order of the deliverables' ids (UUIDs order as their
integers); the differences of one deliverable are of different kinds, items of different
kinds, so their own order does not matter."""

DECISIONS = """
    SELECT d.id, d.title, d.outcome, d.rationale, d.at, d.actor, d.position,
        COALESCE(
            array_agg(l.target_id ORDER BY l.ordinal) FILTER (WHERE l.kind = 'Initiative'),
            '{}'
        ) AS initiative_ids
    FROM decisions.decisions d
    JOIN decisions.decision_links l ON l.decision_id = d.id
    WHERE d.workspace_id = $2 AND d.at > $3 AND d.at <= $4
    GROUP BY d.id
    HAVING bool_or(
        (l.kind = 'Roadmap' AND l.target_id = $1)
        OR (l.kind = 'Initiative' AND l.target_id IN (
            SELECT i.id FROM roadmap.initiatives i WHERE i.roadmap_id = $1
        ))
    )
    ORDER BY d.at, d.position
"""
"""The decisions recorded in the period that link to the roadmap or one of its initiatives,
with the initiatives they link to (in the order recorded): their links read in one join,
not once per decision (a subquery per decision was planned, on the bench's few hundred
links, as a scan of every link each time: 3.6 ms instead of 0.4)."""

DECISION_TITLES = """
    SELECT id, title FROM decisions.decisions WHERE workspace_id = $1 AND id = ANY($2::uuid[])
"""

UPDATE_FIELDS = "id, roadmap_id, initiative_id, health, body, at, recorded_at, actor, position"

UPDATES_IN = f"""
    SELECT {UPDATE_FIELDS} FROM updates.status_updates
    WHERE roadmap_id = $1 AND workspace_id = $2 AND at > $3 AND at <= $4
    ORDER BY at, position
"""

LATEST_OF_ROADMAP = f"""
    SELECT {UPDATE_FIELDS} FROM updates.status_updates
    WHERE roadmap_id = $1 AND workspace_id = $2 AND initiative_id IS NULL
      AND (at, position) < ($3, $4::bigint)
    ORDER BY at DESC, position DESC LIMIT 1
"""
"""The roadmap's own latest update before (business time, position) ``($3, $4)``."""

LATEST_OF_INITIATIVE = f"""
    SELECT {UPDATE_FIELDS} FROM updates.status_updates
    WHERE roadmap_id = $1 AND workspace_id = $2 AND initiative_id = $5
      AND (at, position) < ($3, $4::bigint)
    ORDER BY at DESC, position DESC LIMIT 1
"""
"""An initiative's latest update before (business time, position) ``($3, $4)``."""

UPDATES_BY_IDS = f"""
    SELECT {UPDATE_FIELDS} FROM updates.status_updates
    WHERE workspace_id = $1 AND id = ANY($2::uuid[])
"""

UPDATES_PAGE = f"""
    SELECT {UPDATE_FIELDS} FROM updates.status_updates
    WHERE roadmap_id = $1 AND workspace_id = $2 AND at <= $6
      AND ($3::timestamptz IS NULL OR (at, position) < ($3, $4::bigint))
    ORDER BY at DESC, position DESC
    LIMIT $5
"""

EVERY_POSITION = 2**63 - 1
"""A position after every event: "before (t, EVERY_POSITION)" is "at or before t"."""


async def roadmap_of(conn: Reader, workspace_id: UUID, roadmap_id: UUID) -> Row | None:
    """The roadmap's id, name and creation time, if it is in the workspace."""
    row: Row | None = await conn.fetchrow(ROADMAP, roadmap_id, workspace_id)
    return row


async def positions_at(
    conn: Reader, workspace_id: UUID, roadmap_id: UUID, at: datetime
) -> dict[UUID, int]:
    """The position of each initiative on the roadmap at ``at`` (1 = highest)."""
    rows = await conn.fetch(POSITIONS_AT, roadmap_id, workspace_id, at)
    return {row["initiative_id"]: n for n, row in enumerate(rows, start=1)}


async def deliverable_differences(
    conn: Reader,
    workspace_id: UUID,
    roadmap_id: UUID,
    since: datetime,
    until: datetime,
    added_initiatives: Sequence[UUID],
) -> list[Row]:
    """The differences of the roadmap's deliverables between ``since`` and ``until``, with
    the fact behind each (see ``DELIVERABLE_DIFFERENCES``), those of the initiatives
    ``added_initiatives`` left out, in the order of ``BY_DELIVERABLE``."""
    rows = await conn.fetch(
        DELIVERABLE_DIFFERENCES, roadmap_id, workspace_id, since, until, list(added_initiatives)
    )
    return sorted(rows, key=BY_DELIVERABLE)


async def titles_at(
    conn: Reader, workspace_id: UUID, ids: Sequence[UUID], at: datetime
) -> dict[UUID, str]:
    """The initiatives' titles as of ``at``."""
    rows = await conn.fetch(TITLES_AT, list(ids), workspace_id, at)
    return {row["initiative_id"]: row["title"] for row in rows}


async def cycle_names(conn: Reader, workspace_id: UUID, roadmap_id: UUID) -> dict[UUID, str]:
    """The current names of the roadmap's cycles."""
    rows = await cycles_of_roadmap(conn, workspace_id, roadmap_id)
    return {row["cycle_id"]: row["name"] for row in rows}


async def priority_changes(
    conn: Reader, workspace_id: UUID, roadmap_id: UUID, since: datetime, until: datetime
) -> list[Row]:
    return list(await conn.fetch(PRIORITY_CHANGES, roadmap_id, workspace_id, since, until))


async def decisions_in(
    conn: Reader, workspace_id: UUID, roadmap_id: UUID, since: datetime, until: datetime
) -> list[Row]:
    return list(await conn.fetch(DECISIONS, roadmap_id, workspace_id, since, until))


async def decision_titles(conn: Reader, workspace_id: UUID, ids: Sequence[UUID]) -> dict[UUID, str]:
    if not ids:
        return {}
    rows = await conn.fetch(DECISION_TITLES, workspace_id, list(ids))
    return {row["id"]: row["title"] for row in rows}


async def updates_in(
    conn: Reader, workspace_id: UUID, roadmap_id: UUID, since: datetime, until: datetime
) -> list[Row]:
    """The roadmap's status updates (on it and on its initiatives) in the period."""
    return list(await conn.fetch(UPDATES_IN, roadmap_id, workspace_id, since, until))


async def latest_update_before(
    conn: Reader,
    workspace_id: UUID,
    roadmap_id: UUID,
    initiative_id: UUID | None,
    at: datetime,
    position: int = EVERY_POSITION,
) -> Row | None:
    """The latest update of a subject (the roadmap, or one initiative of it) before
    (``at``, ``position``); by default, at or before ``at``."""
    row: Row | None
    if initiative_id is None:
        row = await conn.fetchrow(LATEST_OF_ROADMAP, roadmap_id, workspace_id, at, position)
    else:
        row = await conn.fetchrow(
            LATEST_OF_INITIATIVE, roadmap_id, workspace_id, at, position, initiative_id
        )
    return row


async def updates_by_ids(conn: Reader, workspace_id: UUID, ids: Sequence[UUID]) -> list[Row]:
    """The status updates of these ids that exist in the workspace, in no particular order."""
    return list(await conn.fetch(UPDATES_BY_IDS, workspace_id, list(ids)))


async def updates_newest_first(
    conn: Reader,
    workspace_id: UUID,
    roadmap_id: UUID,
    as_of: datetime,
    before: tuple[datetime, int] | None,
    limit: int,
) -> list[Row]:
    """Up to ``limit`` updates of the roadmap (on it and on its initiatives) posted at or
    before ``as_of`` and older than ``before`` (business time, position), newest first."""
    at, position = before if before is not None else (None, None)
    return list(
        await conn.fetch(UPDATES_PAGE, roadmap_id, workspace_id, at, position, limit, as_of)
    )
