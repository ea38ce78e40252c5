"""The estimates read model: estimate versus actual per deliverable, for retrospectives.

Tables (schema ``estimates``): ``initiatives`` and ``deliverables`` (see
``projections.work``: first and latest estimate, generations, actual effort, slips,
completion and the cycle targeted at completion), plus what the report groups by:
``teams`` (names), ``roadmaps`` (fiscal-year start month) and ``cycles`` (names, start
dates). The figures themselves are computed when asked (``projections.estimate_figures``), so
that one definition serves the estimate report and the cycle report alike.
"""

from __future__ import annotations

from backend.domain.roadmap import Roadmap
from backend.domain.team import Team
from projections.read_model import ReadModel, Statement
from projections.work import with_work

INSERT_TEAM = """
    INSERT INTO {schema}.teams (team_id, workspace_id, name) VALUES ($1, $2, $3)
"""

INSERT_ROADMAP = """
    INSERT INTO {schema}.roadmaps (roadmap_id, workspace_id, fiscal_year_start_month)
    VALUES ($1, $2, $3)
"""

INSERT_CYCLE = """
    INSERT INTO {schema}.cycles (roadmap_id, cycle_id, workspace_id, name, starts_on)
    VALUES ($1, $2, $3, $4, $5)
"""


def team_created(event: Team.Created, _position: int) -> list[Statement]:
    return [Statement(INSERT_TEAM, (event.originator_id, event.workspace_id, event.name))]


def roadmap_created(event: Roadmap.Created, _position: int) -> list[Statement]:
    args = (event.originator_id, event.workspace_id, event.fiscal_year_start_month)
    return [Statement(INSERT_ROADMAP, args)]


def cycle_created(event: Roadmap.CycleCreated, _position: int) -> list[Statement]:
    args = (event.originator_id, event.cycle_id, event.workspace_id, event.name, event.starts_on)
    return [Statement(INSERT_CYCLE, args)]


ESTIMATES = ReadModel(
    "estimates",
    with_work(
        {
            Team.Created: team_created,
            Roadmap.Created: roadmap_created,
            Roadmap.CycleCreated: cycle_created,
        }
    ),
    # Handlers find rows by primary key only.
    query_indexes=("initiatives_by_roadmap", "deliverables_completed"),
)
