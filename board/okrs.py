"""The OKR page: a period's objective tree (a picker over the workspace's periods) with
key-result progress bars and check-in history, and how the roadmap's work ladders up to
it: alignment coverage, effort per objective, orphan initiatives, objectives without work.

Read through ``projections.okr_queries``, the queries the GraphQL ``objectives`` and
``alignment`` resolvers call (the alignment over this roadmap's initiatives, as the
``alignment(roadmapId:)`` argument asks for).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from board.charts import percent
from board.pages import page
from board.session import services_of
from board.subpages import Viewing, viewing
from projections import okr_queries
from projections.okr_queries import AlignmentData, AlignmentRow, CheckInRow, ObjectiveRow
from projections.readers import Connection
from projections.roadmap_queries import initiative_rows, teams_by_ids

KIND_WORDS = {"CONTRIBUTES": "contributes", "SUPPORTS": "supports"}


def number(value: float) -> str:
    """A key result's value as people write it: 22, 0.5, 99.9."""
    return f"{value:g}"


@dataclass(frozen=True)
class CheckInView:
    at: datetime
    value: str
    confidence: str | None
    note: str
    actor: str


class Progressing:
    """What shows a progress bar: its ``progress`` (0..1) in words and as a bar's value."""

    progress: float

    @property
    def percent(self) -> str:
        return percent(self.progress)

    @property
    def progress_value(self) -> int:
        return round(self.progress * 100)


@dataclass(frozen=True)
class KeyResultView(Progressing):
    title: str
    unit: str
    start: str
    target: str
    current: str
    progress: float
    check_ins: tuple[CheckInView, ...]
    aligned: tuple[tuple[str, str], ...]
    """(kind in words, initiative title) of the work aligned to it."""


@dataclass(frozen=True)
class ObjectiveView(Progressing):
    title: str
    level: str
    team: str | None
    depth: int
    progress: float
    key_results: tuple[KeyResultView, ...]
    effort_weeks: Decimal
    has_work: bool


@dataclass(frozen=True)
class OkrView:
    period: str
    objectives: tuple[ObjectiveView, ...]
    coverage: float | None
    aligned_effort: Decimal
    total_effort: Decimal
    orphans: tuple[str, ...]
    without_work: tuple[str, ...]

    @property
    def coverage_percent(self) -> str:
        return percent(self.coverage)


def depths(objectives: Sequence[ObjectiveRow]) -> dict[UUID, int]:
    """How deep each objective sits in the period's tree (0: no parent in the period);
    the rows come parents first."""
    found: dict[UUID, int] = {}
    for objective in objectives:
        parent = objective.parent_id
        found[objective.objective_id] = found[parent] + 1 if parent in found else 0
    return found


def okr_view(
    data: AlignmentData,
    check_ins: Sequence[CheckInRow],
    aligned: Sequence[AlignmentRow],
    titles: dict[UUID, str],
    teams: dict[UUID, str],
) -> OkrView:
    history: dict[tuple[UUID, UUID], list[CheckInView]] = {}
    for row in check_ins:
        history.setdefault((row.objective_id, row.key_result_id), []).append(
            CheckInView(
                at=row.at,
                value=number(row.value),
                confidence=None if row.confidence is None else percent(row.confidence),
                note=row.note,
                actor=row.actor,
            )
        )
    work: dict[tuple[UUID, UUID], list[tuple[str, str]]] = {}
    for alignment in aligned:
        work.setdefault((alignment.objective_id, alignment.key_result_id), []).append(
            (
                KIND_WORDS.get(alignment.kind, alignment.kind.lower()),
                titles.get(alignment.initiative_id, "(an initiative no longer readable)"),
            )
        )
    efforts = {e.objective_id: e.effort for e in data.by_objective}
    without = set(data.without_work)
    level = depths(data.period.objectives)
    objectives = tuple(
        ObjectiveView(
            title=o.title,
            level=o.level,
            team=None if o.team_id is None else teams.get(o.team_id),
            depth=level[o.objective_id],
            progress=o.progress,
            key_results=tuple(
                KeyResultView(
                    title=kr.title,
                    unit=kr.unit,
                    start=number(kr.start_value),
                    target=number(kr.target_value),
                    current=number(kr.current_value),
                    progress=kr.progress,
                    check_ins=tuple(history.get(kr.ref, ())),
                    aligned=tuple(work.get(kr.ref, ())),
                )
                for kr in o.key_results
            ),
            effort_weeks=efforts.get(o.objective_id, Decimal(0)),
            has_work=o.objective_id not in without,
        )
        for o in data.period.objectives
    )
    names = data.period.by_id()
    return OkrView(
        period=data.period.period,
        objectives=objectives,
        coverage=data.coverage,
        aligned_effort=data.aligned_effort,
        total_effort=data.total_effort,
        orphans=tuple(titles.get(i, "(an initiative no longer readable)") for i in data.orphans),
        without_work=tuple(names[o].title for o in data.without_work),
    )


async def okrs_of(conn: Connection, found: Viewing, period: str) -> OkrView:
    """The period's objectives, and the alignment of the roadmap's work to them."""
    workspace_id = found.principal.workspace_id
    data = await okr_queries.alignment(conn, workspace_id, period, found.roadmap.uuid)
    refs = [kr.ref for o in data.period.objectives for kr in o.key_results]
    check_ins = await okr_queries.check_ins(conn, workspace_id, refs)
    aligned = await okr_queries.alignments_of_key_results(conn, workspace_id, refs)
    titles = {i.uuid: i.title for i in found.roadmap.initiatives}
    elsewhere = sorted({a.initiative_id for a in aligned} - titles.keys())
    if elsewhere:
        # Work of other roadmaps aligned to the same key results: named too.
        rows, _ = await initiative_rows(conn, workspace_id, elsewhere, None)
        titles.update((row["initiative_id"], row["title"]) for row in rows)
    team_ids = sorted({o.team_id for o in data.period.objectives if o.team_id is not None})
    teams = {row["id"]: row["name"] for row in await teams_by_ids(conn, workspace_id, team_ids)}
    return okr_view(data, check_ins, aligned, titles, teams)


async def okrs_page(request: Request) -> Response:
    found = await viewing(request)
    if not isinstance(found, Viewing):
        return found
    asked = request.query_params.get("period")
    async with services_of(request).pool.acquire() as conn:
        periods = await okr_queries.period_names(conn, found.principal.workspace_id)
        # The latest period by name unless one is asked for (also one without objectives:
        # the page then says so).
        period = asked or (periods[-1] if periods else None)
        view = None if period is None else await okrs_of(conn, found, period)
    if period is not None and period not in periods:
        periods = sorted([*periods, period])
    return page(
        request,
        "okrs.html",
        principal=found.principal,
        roadmap=found.roadmap,
        section="okrs",
        periods=periods,
        period=period,
        okrs=view,
    )
