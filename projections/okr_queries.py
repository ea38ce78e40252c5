"""Objectives, key results and alignment, read from the okr read model; their figures.

Initiatives and their deliverables are the roadmap read model's current rows.

Definitions (issue 6):

- a key result's progress is ``key_result_progress(start, target, current)`` (the
  domain's one definition), current being the latest check-in (the start value before);
- an objective's progress is the mean of the progress of its key results and of its
  children (each counts once); an objective with neither has progress 0;
- an initiative counts when it is on its roadmap (one taken off its roadmap no longer
  counts anywhere in the alignment view) and, with a roadmap asked for, on that roadmap;
  it is active unless its rolled-up status is DONE or WONT_DO, i.e. unless it has
  deliverables and every one is DONE or WONT_DO; its effort is the sum of the latest
  estimates of its deliverables that are not WONT_DO (an unestimated one adds nothing);
- effort per objective: the effort of the active initiatives with a CONTRIBUTES
  alignment to one of that objective's own key results (each initiative once);
- coverage: the effort of active initiatives with a CONTRIBUTES alignment to a key result
  of an objective of the period / the effort of all active initiatives; None when that
  is 0;
- orphan: an active initiative aligned to no key result at all (of any period);
- an objective has work when an initiative (either kind, active or not) is aligned to a
  key result of it or of one of its descendants.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from backend.domain.objective import key_result_progress
from projections.estimate_figures import ZERO, normalized
from projections.read_model import version_of
from projections.readers import Connection, Reader

OBJECTIVES_OF_PERIODS = f"""
    SELECT objective_id, title, period, level, team_id, parent_id, archived,
        {version_of("okr", "objective_id")} AS version
    FROM okr.objectives
    WHERE workspace_id = $1 AND period = ANY($2::text[])
    ORDER BY created_position
"""

PERIODS_OF_WORKSPACE = """
    SELECT DISTINCT period FROM okr.objectives
    WHERE workspace_id = $1 AND NOT archived
    ORDER BY period
"""

PERIODS_OF_OBJECTIVES = """
    SELECT DISTINCT period FROM okr.objectives
    WHERE workspace_id = $1 AND objective_id = ANY($2::uuid[])
"""

KEY_RESULTS_OF_OBJECTIVES = """
    SELECT objective_id, key_result_id, title, unit, start_value, target_value, current_value,
        removed
    FROM okr.key_results
    WHERE workspace_id = $1 AND objective_id = ANY($2::uuid[])
    ORDER BY added_position
"""

CHECK_INS = """
    SELECT c.objective_id, c.key_result_id, c.value, c.confidence, c.note, c.at, c.actor
    FROM okr.check_ins c
    JOIN unnest($2::uuid[], $3::uuid[]) AS ref (objective_id, key_result_id)
        ON c.objective_id = ref.objective_id AND c.key_result_id = ref.key_result_id
    WHERE c.workspace_id = $1
    ORDER BY c.position
"""

ALIGNMENTS_OF_KEY_RESULTS = """
    SELECT a.initiative_id, a.objective_id, a.key_result_id, a.kind
    FROM okr.alignments a
    JOIN unnest($2::uuid[], $3::uuid[]) AS ref (objective_id, key_result_id)
        ON a.objective_id = ref.objective_id AND a.key_result_id = ref.key_result_id
    WHERE a.workspace_id = $1 AND a.ended_position IS NULL
    ORDER BY a.aligned_position
"""

ALIGNMENTS_OF_INITIATIVES = """
    SELECT initiative_id, objective_id, key_result_id, kind
    FROM okr.alignments
    WHERE workspace_id = $1 AND initiative_id = ANY($2::uuid[])
      AND CASE WHEN $3::timestamptz IS NULL THEN ended_position IS NULL
          ELSE aligned_at <= $3 AND (ended_at IS NULL OR ended_at > $3) END
    ORDER BY aligned_position
"""

ALL_ALIGNMENTS = """
    SELECT initiative_id, objective_id, key_result_id, kind
    FROM okr.alignments
    WHERE workspace_id = $1 AND ended_position IS NULL
    ORDER BY aligned_position
"""

INITIATIVES_AT_WORK = """
    SELECT i.initiative_id,
        COALESCE(sum(d.estimate_weeks) FILTER (WHERE d.status <> 'WONT_DO'), 0) AS effort,
        count(d.deliverable_id) AS deliverables,
        count(d.deliverable_id) FILTER (WHERE d.status IN ('DONE', 'WONT_DO')) AS finished
    FROM roadmap.initiatives r
    JOIN roadmap.initiative_versions i
        ON i.initiative_id = r.id AND i.valid_to = 'infinity'
    LEFT JOIN roadmap.deliverable_versions d
        ON d.initiative_id = r.id AND d.valid_to = 'infinity'
    WHERE r.workspace_id = $1 AND i.on_roadmap AND ($2::uuid IS NULL OR r.roadmap_id = $2)
    GROUP BY i.initiative_id
    ORDER BY min(r.proposed_position)
"""


@dataclass(frozen=True)
class KeyResultRow:
    """A key result, with its current value."""

    objective_id: UUID
    key_result_id: UUID
    title: str
    unit: str
    start_value: float
    target_value: float
    current_value: float
    removed: bool = False

    @property
    def ref(self) -> tuple[UUID, UUID]:
        return (self.objective_id, self.key_result_id)

    @property
    def progress(self) -> float:
        return key_result_progress(self.start_value, self.target_value, self.current_value)


@dataclass(frozen=True)
class ObjectiveRow:
    """An objective, with its children and key results and its rolled-up progress."""

    objective_id: UUID
    title: str
    period: str
    level: str
    team_id: UUID | None
    parent_id: UUID | None
    version: int
    archived: bool = False
    children: tuple[UUID, ...] = ()
    key_results: tuple[KeyResultRow, ...] = ()
    removed_key_results: tuple[KeyResultRow, ...] = ()
    """Removed ones: out of its key results and progress, still readable by id."""
    progress: float = 0.0


@dataclass(frozen=True)
class CheckInRow:
    """A key result's value at a moment."""

    objective_id: UUID
    key_result_id: UUID
    value: float
    confidence: float | None
    note: str
    at: datetime
    actor: str


@dataclass(frozen=True)
class AlignmentRow:
    """An initiative laddering up to a key result."""

    initiative_id: UUID
    objective_id: UUID
    key_result_id: UUID
    kind: str


@dataclass(frozen=True)
class InitiativeWork:
    """An initiative that counts in the alignment view: whether active, and its effort."""

    initiative_id: UUID
    active: bool
    effort: Decimal


@dataclass
class Period:
    """The objectives of one period, in tree order (see ``tree_order``), and apart from
    them the archived ones: out of the tree and its progress, still readable by id."""

    period: str
    objectives: list[ObjectiveRow] = field(default_factory=list)
    archived: list[ObjectiveRow] = field(default_factory=list)

    def by_id(self) -> dict[UUID, ObjectiveRow]:
        """The period's objectives in the tree."""
        return {o.objective_id: o for o in self.objectives}

    def every_by_id(self) -> dict[UUID, ObjectiveRow]:
        """The period's objectives, archived ones too."""
        return {o.objective_id: o for o in [*self.objectives, *self.archived]}


def rolled_up(
    objectives: Sequence[ObjectiveRow], key_results: Iterable[KeyResultRow]
) -> list[ObjectiveRow]:
    """The objectives with children, key results and progress: the mean over key results
    and children, 0 with neither."""
    ids = {o.objective_id for o in objectives}
    results: dict[UUID, list[KeyResultRow]] = {}
    removed: dict[UUID, list[KeyResultRow]] = {}
    for key_result in key_results:
        kept = removed if key_result.removed else results
        kept.setdefault(key_result.objective_id, []).append(key_result)
    children: dict[UUID, list[UUID]] = {}
    for objective in objectives:
        if objective.parent_id in ids:
            children.setdefault(objective.parent_id, []).append(objective.objective_id)
    progress: dict[UUID, float] = {}

    def progress_of(objective_id: UUID) -> float:
        # A re-parented objective may be older than its parent: children first, by
        # walking the tree (updateObjective keeps it free of cycles), not creation order.
        if objective_id not in progress:
            parts = [kr.progress for kr in results.get(objective_id, [])]
            parts += [progress_of(child) for child in children.get(objective_id, [])]
            progress[objective_id] = sum(parts) / len(parts) if parts else 0.0
        return progress[objective_id]

    for objective in objectives:
        progress_of(objective.objective_id)
    return [
        ObjectiveRow(
            objective_id=o.objective_id,
            title=o.title,
            period=o.period,
            level=o.level,
            team_id=o.team_id,
            parent_id=o.parent_id,
            version=o.version,
            archived=o.archived,
            children=tuple(children.get(o.objective_id, [])),
            key_results=tuple(results.get(o.objective_id, [])),
            removed_key_results=tuple(removed.get(o.objective_id, [])),
            progress=progress[o.objective_id],
        )
        for o in objectives
    ]


def tree_order(objectives: Sequence[ObjectiveRow]) -> list[ObjectiveRow]:
    """Depth first, parents before their children, siblings in creation order."""
    by_id = {o.objective_id: o for o in objectives}
    ordered: list[ObjectiveRow] = []
    stack = [o for o in reversed(objectives) if o.parent_id not in by_id]
    while stack:
        objective = stack.pop()
        ordered.append(objective)
        stack += [by_id[child] for child in reversed(objective.children)]
    return ordered


async def periods(conn: Reader, workspace_id: UUID, names: Sequence[str]) -> dict[str, Period]:
    """The objectives of each period named, rolled up, in tree order."""
    rows = await conn.fetch(OBJECTIVES_OF_PERIODS, workspace_id, list(names))
    objectives = [ObjectiveRow(**dict(row)) for row in rows]
    key_results = await conn.fetch(
        KEY_RESULTS_OF_OBJECTIVES, workspace_id, [o.objective_id for o in objectives]
    )
    found = {name: Period(name) for name in names}
    for name in names:
        own = [o for o in objectives if o.period == name]
        own_results = [
            KeyResultRow(**dict(kr))
            for kr in key_results
            if kr["objective_id"] in {o.objective_id for o in own}
        ]
        found[name].objectives = tree_order(
            rolled_up([o for o in own if not o.archived], own_results)
        )
        found[name].archived = rolled_up([o for o in own if o.archived], own_results)
    return found


async def period_names(conn: Reader, workspace_id: UUID) -> list[str]:
    """The periods that have an objective (not archived) in the workspace, by name."""
    return [row["period"] for row in await conn.fetch(PERIODS_OF_WORKSPACE, workspace_id)]


async def periods_of(conn: Reader, workspace_id: UUID, objective_ids: Sequence[UUID]) -> list[str]:
    """The periods of the objectives (of the workspace) among ``objective_ids``."""
    rows = await conn.fetch(PERIODS_OF_OBJECTIVES, workspace_id, list(objective_ids))
    return sorted(row["period"] for row in rows)


async def check_ins(
    conn: Reader,
    workspace_id: UUID,
    refs: Sequence[tuple[UUID, UUID]],
) -> list[CheckInRow]:
    """The check-ins of the key results, oldest first."""
    rows = await conn.fetch(
        CHECK_INS, workspace_id, [ref[0] for ref in refs], [ref[1] for ref in refs]
    )
    return [CheckInRow(**dict(row)) for row in rows]


async def alignments_of_key_results(
    conn: Reader,
    workspace_id: UUID,
    refs: Sequence[tuple[UUID, UUID]],
) -> list[AlignmentRow]:
    """The current alignments to the key results."""
    rows = await conn.fetch(
        ALIGNMENTS_OF_KEY_RESULTS, workspace_id, [ref[0] for ref in refs], [ref[1] for ref in refs]
    )
    return [AlignmentRow(**dict(row)) for row in rows]


async def alignments_of_initiatives(
    conn: Reader,
    workspace_id: UUID,
    initiative_ids: Sequence[UUID],
    as_of: datetime | None = None,
) -> list[AlignmentRow]:
    """The alignments of the initiatives, now or as of an instant (business time)."""
    rows = await conn.fetch(ALIGNMENTS_OF_INITIATIVES, workspace_id, list(initiative_ids), as_of)
    return [AlignmentRow(**dict(row)) for row in rows]


@dataclass(frozen=True)
class ObjectiveEffortData:
    """Effort counted toward one objective, and the initiatives behind it."""

    objective_id: UUID
    effort: Decimal
    contributing: tuple[UUID, ...]
    supporting: tuple[UUID, ...]


@dataclass(frozen=True)
class AlignmentData:
    """The alignment view of a period (see the module docstring)."""

    period: Period
    by_objective: tuple[ObjectiveEffortData, ...]
    total_effort: Decimal
    aligned_effort: Decimal
    coverage: float | None
    orphans: tuple[UUID, ...]
    without_work: tuple[UUID, ...]


def alignment_figures(
    period: Period, initiatives: Sequence[InitiativeWork], alignments: Sequence[AlignmentRow]
) -> AlignmentData:
    """The alignment view from the period's objectives, the initiatives that count (in
    order) and every current alignment of the workspace."""
    counted = {i.initiative_id: i for i in initiatives}
    objectives = period.by_id()
    relevant = [a for a in alignments if a.initiative_id in counted]
    in_period = [a for a in relevant if a.objective_id in objectives]
    active = [i for i in initiatives if i.active]

    def with_kind(objective_id: UUID, kind: str) -> tuple[UUID, ...]:
        ids = {
            a.initiative_id for a in in_period if a.objective_id == objective_id and a.kind == kind
        }
        return tuple(i.initiative_id for i in active if i.initiative_id in ids)

    by_objective = []
    for objective in period.objectives:
        contributing = with_kind(objective.objective_id, "CONTRIBUTES")
        effort = sum((counted[i].effort for i in contributing), ZERO)
        supporting = with_kind(objective.objective_id, "SUPPORTS")
        by_objective.append(
            ObjectiveEffortData(
                objective.objective_id, normalized(effort), contributing, supporting
            )
        )
    contributes = {a.initiative_id for a in in_period if a.kind == "CONTRIBUTES"}
    total = sum((i.effort for i in active), ZERO)
    aligned = sum((i.effort for i in active if i.initiative_id in contributes), ZERO)
    anything = {a.initiative_id for a in relevant}
    with_work = _with_work(period, {a.objective_id for a in in_period})
    return AlignmentData(
        period=period,
        by_objective=tuple(by_objective),
        total_effort=normalized(total),
        aligned_effort=normalized(aligned),
        coverage=float(aligned / total) if total > 0 else None,
        orphans=tuple(i.initiative_id for i in active if i.initiative_id not in anything),
        without_work=tuple(
            o.objective_id for o in period.objectives if o.objective_id not in with_work
        ),
    )


def _with_work(period: Period, aligned_to: set[UUID]) -> set[UUID]:
    """The objectives with an alignment to themselves or to a descendant."""
    objectives = period.by_id()
    found: set[UUID] = set()
    for objective_id in aligned_to:
        current: UUID | None = objective_id
        while current is not None and current in objectives and current not in found:
            found.add(current)
            current = objectives[current].parent_id
    return found


async def alignment(
    conn: Connection, workspace_id: UUID, period: str, roadmap_id: UUID | None
) -> AlignmentData:
    """The alignment view of a period, optionally of one roadmap's initiatives."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        found = (await periods(conn, workspace_id, [period]))[period]
        rows = await conn.fetch(INITIATIVES_AT_WORK, workspace_id, roadmap_id)
        alignments = [
            AlignmentRow(**dict(row)) for row in await conn.fetch(ALL_ALIGNMENTS, workspace_id)
        ]
    initiatives = [
        InitiativeWork(
            initiative_id=row["initiative_id"],
            active=row["deliverables"] == 0 or row["finished"] < row["deliverables"],
            effort=row["effort"],
        )
        for row in rows
    ]
    return alignment_figures(found, initiatives, alignments)
