"""estimateReport over HTTP: figures, groupings, fiscal quarters, filters and isolation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from backend.bootstrap import Services
from backend.domain.deliverable import NewDeliverable
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.retro import Story, deliverables_of, workspace

REPORT = """
query Report($groupBy: EstimateGrouping!, $filter: EstimateFilter) {
  estimateReport(groupBy: $groupBy, filter: $filter) {
    group groupId deliverables firstEstimateWeeks finalEstimateWeeks actualWeeks
    ratio mape overrun underrun reestimates slipped slips
  }
}
"""


class Team:
    """A story with a roadmap, where deliverables are finished at chosen instants."""

    def __init__(self, services: Services, story: Story, name: str = "SRE", **roadmap: Any) -> None:
        self.services, self.story = services, story
        self.roadmap_id = story.run("create_roadmap", name=name, **roadmap)

    def deliverable(
        self,
        title: str,
        *,
        estimates: tuple[Decimal, ...] = (),
        effort: tuple[Decimal, ...] = (),
        slips: int = 0,
        done_at: datetime | None = None,
        **initiative: Any,
    ) -> tuple[UUID, UUID]:
        story = self.story
        new = NewDeliverable(title, target_date=date(2026, 1, 10))
        initiative_id = story.run(
            "propose_initiative",
            roadmap_id=self.roadmap_id,
            title=initiative.pop("initiative_title", f"{title} initiative"),
            goal="g",
            deliverables=[new],
            **initiative,
        )
        deliverable_id = deliverables_of(self.services.app, initiative_id)[title]
        ids = {"initiative_id": initiative_id, "deliverable_id": deliverable_id}
        for weeks in estimates:
            story.run("estimate_deliverable", weeks=weeks, **ids)
        for weeks in effort:
            story.run("log_effort", weeks=weeks, **ids)
        for n in range(slips):
            later = date(2026, 2, 1) + timedelta(days=30 * n)
            story.run("retarget_deliverable", target_date=later, reason="slipped", **ids)
        if done_at is not None:
            story.at(done_at).run("change_deliverable_status", status="DONE", **ids)
        return initiative_id, deliverable_id


async def report(
    client: GraphQLClient, token: str, group_by: str, **filter: Any
) -> list[dict[str, Any]]:
    data = await client.execute(REPORT, {"groupBy": group_by, "filter": filter}, token=token)
    rows: list[dict[str, Any]] = data["estimateReport"]
    return rows


async def test_every_figure_of_a_group(services: Services, client: GraphQLClient) -> None:
    caller, token = await workspace(services)
    team = Team(services, Story(services.app, caller, clock=datetime(2025, 6, 1, tzinfo=UTC)))
    done = datetime(2025, 7, 1, tzinfo=UTC)
    # first 2, re-estimated 3, actual 4: overrun, |4 - 2| / 4 = 0.5
    team.deliverable("A", estimates=(Decimal(2), Decimal(3)), effort=(Decimal(4),), done_at=done)
    # first 4, actual 2.5 + 0.5 = 3: underrun, 1 / 3
    team.deliverable(
        "B", estimates=(Decimal(4),), effort=(Decimal("2.5"), Decimal("0.5")), done_at=done
    )
    # first 1, no effort: underrun, no percentage error
    team.deliverable("C", estimates=(Decimal(1),), done_at=done)
    # never estimated, slipped twice: only in deliverables, slipped and slips
    team.deliverable("D", effort=(Decimal(9),), slips=2, done_at=done)
    # estimated 5, slipped once, still open: not in the report
    team.deliverable("E", estimates=(Decimal(5),), slips=1)
    await team.story.projected(services)

    [row] = await report(client, token, "KIND")
    assert row == {
        "group": "FEATURE",
        "groupId": None,
        "deliverables": 4,
        "firstEstimateWeeks": "7",
        "finalEstimateWeeks": "8",
        "actualWeeks": "7",
        "ratio": pytest.approx(1.0),
        "mape": pytest.approx((0.5 + 1 / 3) / 2),
        "overrun": 1,
        "underrun": 2,
        "reestimates": 1,
        "slipped": 1,
        "slips": 2,
    }


async def test_a_group_without_estimates_has_no_ratio_nor_mape(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    team = Team(services, Story(services.app, caller, clock=datetime(2025, 6, 1, tzinfo=UTC)))
    team.deliverable("A", effort=(Decimal(2),), done_at=datetime(2025, 7, 1, tzinfo=UTC))
    await team.story.projected(services)
    [row] = await report(client, token, "KIND")
    assert (row["deliverables"], row["ratio"], row["mape"]) == (1, None, None)
    assert (row["firstEstimateWeeks"], row["actualWeeks"], row["overrun"]) == ("0", "0", 0)


@pytest.mark.parametrize(
    ("start_month", "before", "after"),
    [
        (2, "FY2026 Q4", "FY2027 Q1"),
        (1, "FY2026 Q1", "FY2026 Q1"),
        (11, "FY2026 Q1", "FY2026 Q2"),
    ],
)
async def test_quarters_follow_the_workspaces_fiscal_year(
    services: Services, client: GraphQLClient, start_month: int, before: str, after: str
) -> None:
    caller, token = await workspace(services)
    story = Story(services.app, caller, clock=datetime(2025, 12, 1, tzinfo=UTC))
    story.run("set_fiscal_year", fiscal_year_start_month=start_month)
    # The roadmap's own cadence month is not what counts: the workspace's is.
    team = Team(services, story, fiscal_year_start_month=7)
    last_second = datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)
    team.deliverable("Jan 31", estimates=(Decimal(1),), effort=(Decimal(1),), done_at=last_second)
    team.deliverable("Feb 1", estimates=(Decimal(2),), done_at=datetime(2026, 2, 1, tzinfo=UTC))
    await story.projected(services)
    rows = await report(client, token, "QUARTER")
    expected = {before: 1, after: 1} if before != after else {before: 2}
    assert {row["group"]: row["deliverables"] for row in rows} == expected
    assert [row["group"] for row in rows] == sorted(expected)


async def test_quarters_count_from_january_until_the_fiscal_year_is_set(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    story = Story(services.app, caller, clock=datetime(2025, 12, 1, tzinfo=UTC))
    team = Team(services, story, cycle_weeks=6, anchor_date=date(2026, 1, 5))
    team.deliverable("A", done_at=datetime(2026, 4, 1, tzinfo=UTC))
    await story.projected(services)
    assert [row["group"] for row in await report(client, token, "QUARTER")] == ["FY2026 Q2"]


async def test_fixed_cycle_roadmaps_count_the_workspaces_fiscal_quarters(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    story = Story(services.app, caller, clock=datetime(2025, 12, 1, tzinfo=UTC))
    story.run("set_fiscal_year", fiscal_year_start_month=2)
    team = Team(services, story, cycle_weeks=6, anchor_date=date(2026, 1, 5))
    team.deliverable("A", done_at=datetime(2026, 4, 1, tzinfo=UTC))
    await story.projected(services)
    assert [row["group"] for row in await report(client, token, "QUARTER")] == ["FY2027 Q1"]


async def test_groups_by_current_team_kind_initiative_and_cycle_at_completion(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    story = Story(services.app, caller, clock=datetime(2025, 6, 1, tzinfo=UTC))
    sre, web = story.run("create_team", name="SRE"), story.run("create_team", name="Web")
    team = Team(services, story, releases=True)
    first = story.run(
        "create_cycle",
        roadmap_id=team.roadmap_id,
        name="C1",
        starts_on=date(2025, 6, 2),
        ends_on=date(2025, 7, 13),
    )
    second = story.run(
        "create_cycle",
        roadmap_id=team.roadmap_id,
        name="C2",
        starts_on=date(2025, 7, 14),
        ends_on=date(2025, 8, 24),
    )
    done = datetime(2025, 7, 1, tzinfo=UTC)
    moved, moved_deliverable = team.deliverable("A", team_id=sre, kind="OPERATIONS")
    ids = {"initiative_id": moved, "deliverable_id": moved_deliverable}
    story.run("retarget_deliverable", target_cycle_id=first, reason="plan", **ids)
    story.at(done).run("change_deliverable_status", status="DONE", **ids)
    # Completed in C1, retargeted afterwards: still C1's; moved to Web afterwards: Web's.
    story.run("retarget_deliverable", target_cycle_id=second, reason="oops", **ids)
    story.run("update_initiative", initiative_id=moved, team_id=web, title="Renamed")
    other, _ = team.deliverable("B", team_id=sre, done_at=done)
    await story.projected(services)

    by_team = await report(client, token, "TEAM")
    assert [(r["group"], r["groupId"], r["deliverables"]) for r in by_team] == [
        ("SRE", to_global_id("Team", sre), 1),
        ("Web", to_global_id("Team", web), 1),
    ]
    by_cycle = await report(client, token, "CYCLE")
    assert [(r["group"], r["groupId"]) for r in by_cycle] == [
        ("C1", to_global_id("Cycle", team.roadmap_id, first)),
        ("(no cycle)", None),
    ]
    by_kind = await report(client, token, "KIND")
    assert [(r["group"], r["deliverables"]) for r in by_kind] == [
        ("FEATURE", 1),
        ("OPERATIONS", 1),
    ]
    by_initiative = await report(client, token, "INITIATIVE")
    assert [(r["group"], r["groupId"]) for r in by_initiative] == [
        ("B initiative", to_global_id("Initiative", other)),
        ("Renamed", to_global_id("Initiative", moved)),
    ]


async def test_filters_by_roadmap_team_and_completion_period(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    story = Story(services.app, caller, clock=datetime(2025, 6, 1, tzinfo=UTC))
    sre = story.run("create_team", name="SRE")
    one, other = Team(services, story), Team(services, story, "Web")
    june, july = datetime(2025, 6, 30, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC)
    one.deliverable("A", team_id=sre, done_at=june)
    one.deliverable("B", done_at=july)
    other.deliverable("C", team_id=sre, done_at=july)
    await story.projected(services)

    def count(rows: list[dict[str, Any]]) -> int:
        return sum(row["deliverables"] for row in rows)

    roadmap = to_global_id("Roadmap", one.roadmap_id)
    assert count(await report(client, token, "KIND", roadmapId=roadmap)) == 2
    assert count(await report(client, token, "KIND", teamId=to_global_id("Team", sre))) == 2
    assert count(await report(client, token, "KIND", since=july.isoformat())) == 2
    assert count(await report(client, token, "KIND", until=july.isoformat())) == 1
    assert (
        count(await report(client, token, "KIND", roadmapId=roadmap, since=july.isoformat())) == 1
    )


async def test_a_reopened_deliverable_is_no_longer_completed(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    story = Story(services.app, caller, clock=datetime(2025, 6, 1, tzinfo=UTC))
    team = Team(services, story)
    ids = team.deliverable("A", done_at=datetime(2025, 6, 2, tzinfo=UTC))
    await story.projected(services)
    assert len(await report(client, token, "KIND")) == 1
    story.later().run(
        "change_deliverable_status",
        initiative_id=ids[0],
        deliverable_id=ids[1],
        status="IN_PROGRESS",
        reason="regression",
    )
    await story.projected(services)
    assert await report(client, token, "KIND") == []


async def test_a_removed_deliverable_no_longer_counts(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    story = Story(services.app, caller, clock=datetime(2025, 6, 1, tzinfo=UTC))
    team = Team(services, story)
    team.deliverable("A", estimates=(Decimal(2),), done_at=datetime(2025, 6, 2, tzinfo=UTC))
    twin = team.deliverable("A twin", done_at=datetime(2025, 6, 3, tzinfo=UTC))
    await story.projected(services)
    assert [row["deliverables"] for row in await report(client, token, "KIND")] == [2]
    story.later().run(
        "remove_deliverable",
        initiative_id=twin[0],
        deliverable_id=twin[1],
        reason="the same row twice in the sheet",
    )
    await story.projected(services)
    assert [row["deliverables"] for row in await report(client, token, "KIND")] == [1]


async def test_another_workspace_sees_nothing_and_its_ids_match_nothing(
    services: Services, client: GraphQLClient
) -> None:
    caller, _ = await workspace(services)
    _, stranger = await workspace(services)
    story = Story(services.app, caller, clock=datetime(2025, 6, 1, tzinfo=UTC))
    team = Team(services, story)
    team.deliverable("A", done_at=datetime(2025, 6, 2, tzinfo=UTC))
    await story.projected(services)
    assert await report(client, stranger, "TEAM") == []
    roadmap = to_global_id("Roadmap", team.roadmap_id)
    assert await report(client, stranger, "TEAM", roadmapId=roadmap) == []


@pytest.mark.parametrize(
    "filter",
    [
        {"roadmapId": "not an id"},
        {"teamId": to_global_id("Roadmap", UUID(int=1))},
        {"since": "2026-01-01T00:00:00"},
    ],
)
async def test_malformed_filters_are_bad_user_input(
    client: GraphQLClient, filter: dict[str, str]
) -> None:
    response = await client.post(REPORT, {"groupBy": "TEAM", "filter": filter})
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
