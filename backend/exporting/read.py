"""What the exports read: the read models, through the queries the GraphQL API uses.

Names (roadmap, cycle) are matched case- and space-insensitively, as the importers match
them. Every read is scoped to one workspace.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from backend.exporting.roadmap import RoadmapDeliverable, RoadmapInitiative
from backend.importing.ids import match_key
from projections.cycles_queries import CycleReportData, cycle_report
from projections.estimates_queries import EstimateGroup, EstimateQuery, Grouping, estimate_report
from projections.global_ids import global_id
from projections.readers import Connection
from projections.roadmap_queries import (
    initiative_rows,
    roadmap_rows,
    roadmaps_of_workspace,
    teams_by_ids,
)
from projections.roadmap_recorded import cycles_of_view, recorded_position, roadmap_rows_recorded


class NotInReadModels(Exception):
    """What the export names does not exist (yet) in the read models."""


def _one(kind: str, name: str, found: Sequence[tuple[UUID, str]], known: Sequence[str]) -> UUID:
    if not found:
        listed = ", ".join(repr(n) for n in known) or "none"
        raise NotInReadModels(f"no {kind} named {name!r} (known: {listed})")
    if len(found) > 1:
        ids = ", ".join(global_id(kind.capitalize(), id) for id, _ in found)
        raise NotInReadModels(
            f"{len(found)} {kind}s are named {name!r}: name one by its id ({ids})"
        )
    return found[0][0]


async def roadmap_named(conn: Connection, workspace_id: UUID, name: str) -> UUID:
    """The id of the workspace's roadmap with this name, or whose global id this is (the
    one way to name either of two roadmaps named alike before names had to be unique)."""
    rows = await roadmaps_of_workspace(conn, workspace_id)
    found = [
        (row["id"], row["name"])
        for row in rows
        if match_key(row["name"]) == match_key(name)
        or global_id("Roadmap", row["id"]) == name.strip()
    ]
    return _one("roadmap", name, found, [row["name"] for row in rows])


async def cycle_names(
    conn: Connection,
    workspace_id: UUID,
    roadmap_id: UUID,
    at: datetime | None = None,
    recorded: int | None = None,
) -> dict[UUID, str]:
    """The roadmap's cycles: name by id, now (None) or as they were named at a business
    time, as the log stood at position ``recorded`` (None: all of it)."""
    rows = await cycles_of_view(conn, workspace_id, roadmap_id, at, recorded)
    return {row["cycle_id"]: row["name"] for row in sorted(rows, key=lambda r: r["starts_on"])}


async def cycle_named(conn: Connection, workspace_id: UUID, roadmap_id: UUID, name: str) -> UUID:
    """The id of the roadmap's cycle with this name."""
    names = await cycle_names(conn, workspace_id, roadmap_id)
    found = [(id, n) for id, n in names.items() if match_key(n) == match_key(name)]
    return _one("cycle", name, found, list(names.values()))


def _weeks(value: object) -> Decimal | None:
    """Weeks as the store gives them (numeric, or numeric as text to keep its scale)."""
    return None if value is None else Decimal(str(value))


async def roadmap_initiatives(
    conn: Connection,
    workspace_id: UUID,
    roadmap_id: UUID,
    at: datetime | None,
    recorded_at: datetime | None = None,
) -> list[RoadmapInitiative]:
    """The roadmap's initiatives in priority order, now (None) or as of a business time;
    with ``recorded_at``, from the events recorded by then only (``at`` defaults to it)."""
    if recorded_at is None:
        rows = await roadmap_rows(conn, workspace_id, roadmap_id, at)
        when = "yet" if at is None else f"at {at.isoformat()}"
    else:
        at = recorded_at if at is None else at
        position = await recorded_position(conn, workspace_id, recorded_at)
        rows = await roadmap_rows_recorded(conn, workspace_id, roadmap_id, at, position)
        when = f"at {at.isoformat()} as recorded by {recorded_at.isoformat()}"
    if rows is None:
        raise NotInReadModels(f"the roadmap did not exist {when}")
    cycles = await cycle_names(conn, workspace_id, roadmap_id, at, rows.recorded)
    team_ids = list({row["team_id"] for row in rows.initiatives if row["team_id"] is not None})
    teams = {team["id"]: team["name"] for team in await teams_by_ids(conn, workspace_id, team_ids)}
    return [
        RoadmapInitiative(
            title=row["title"],
            stakeholders=tuple(row["stakeholders"]),
            goal=row["goal"],
            team=teams.get(row["team_id"]),
            kind=row["kind"],
            status=rows.status_of(row["initiative_id"]),
            deliverables=tuple(
                RoadmapDeliverable(
                    title=d["title"],
                    status=d["status"],
                    estimate_weeks=_weeks(d["estimate_weeks"]),
                    stretch=d["stretch"],
                    target=(
                        cycles.get(d["target_cycle_id"])
                        if d["target_cycle_id"] is not None
                        else d["target_date"].isoformat()
                        if d["target_date"]
                        else None
                    ),
                )
                for d in rows.deliverables.get(row["initiative_id"], [])
            ),
        )
        for row in rows.initiatives
    ]


async def estimate_groups(
    conn: Connection, workspace_id: UUID, group_by: str, roadmap_id: UUID | None
) -> list[EstimateGroup]:
    """The estimate report's rows (completed deliverables), grouped."""
    query = EstimateQuery(workspace_id=workspace_id, roadmap_id=roadmap_id)
    return await estimate_report(conn, query, Grouping[group_by.upper()])


async def cycle_report_of(
    conn: Connection, workspace_id: UUID, roadmap_id: UUID, cycle_id: UUID
) -> tuple[CycleReportData, dict[UUID, str]]:
    """A cycle's report and the titles of the initiatives it names."""
    report = await cycle_report(conn, workspace_id, roadmap_id, cycle_id)
    if report is None:
        raise NotInReadModels("the cycle is not in the cycle report yet")
    ids = list(dict.fromkeys(d.initiative_id for d in report.deliverables))
    initiatives, _ = await initiative_rows(conn, workspace_id, ids, None)
    return report, {row["initiative_id"]: row["title"] for row in initiatives}
