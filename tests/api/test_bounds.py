"""Numbers over HTTP: out-of-bounds estimates, effort and key-result values are refused,
and every report answers with the largest values that are accepted."""

from __future__ import annotations

from typing import Any

import pytest

from backend.database import DatabaseTarget
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

LARGEST_WEEKS = "5000"
LARGEST_MEASURE = 1e15

REPORTS = """
query Reports($roadmapId: ID!, $cycleId: ID!) {
  roadmap(id: $roadmapId) {
    initiatives { status deliverables { estimateWeeks actualWeeks estimates { weeks } } }
  }
  alignment(period: "2026-Q1") {
    coverage alignedEffortWeeks totalEffortWeeks byObjective { effortWeeks }
  }
  byTeam: estimateReport(groupBy: TEAM) { ...figures }
  byKind: estimateReport(groupBy: KIND) { ...figures }
  byCycle: estimateReport(groupBy: CYCLE) { ...figures }
  byQuarter: estimateReport(groupBy: QUARTER) { ...figures }
  byInitiative: estimateReport(groupBy: INITIATIVE) { ...figures }
  cycleReport(cycleId: $cycleId) {
    predictability
    completed { estimateWeeks actualWeeks }
    estimates { ...figures }
  }
  objectives(period: "2026-Q1") { keyResults { startValue targetValue currentValue progress } }
}
fragment figures on EstimateRow {
  group deliverables firstEstimateWeeks finalEstimateWeeks actualWeeks ratio mape
  overrun underrun reestimates
}
"""


async def a_deliverable(client: GraphQLClient) -> tuple[str, str]:
    """(roadmap id, deliverable id) of a fresh roadmap with one deliverable."""
    roadmap = await mutate(client, "createRoadmap", {"name": "R", "cadence": {}}, "roadmap { id }")
    proposed = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": roadmap["roadmap"]["id"],
            "title": "I",
            "goal": "g",
            "deliverables": [{"title": "D"}],
        },
        "initiative { deliverables { id } }",
    )
    [deliverable] = proposed["initiative"]["deliverables"]
    return roadmap["roadmap"]["id"], deliverable["id"]


@pytest.mark.parametrize(
    ("weeks", "bound"),
    [
        ("1e28", "at most 5000"),
        ("1e309", "at most 5000"),
        ("5000.01", "at most 5000"),
        ("2.005", "at most 2 decimals"),
        ("0", "positive"),
        ("NaN", "positive"),
    ],
)
async def test_weeks_beyond_the_bounds_are_invalid_and_record_nothing(
    client: GraphQLClient, database: DatabaseTarget, weeks: str, bound: str
) -> None:
    roadmap_id, deliverable_id = await a_deliverable(client)
    before = await event_count(database)
    for mutation in ("estimateDeliverable", "logEffort"):
        refused = await mutate(client, mutation, {"deliverableId": deliverable_id, "weeks": weeks})
        assert user_errors(refused) == [(["input", "weeks"], "INVALID")]
        assert bound in refused["userErrors"][0]["message"]
    proposed = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": roadmap_id,
            "title": "J",
            "goal": "g",
            "deliverables": [{"title": "D", "estimateWeeks": weeks}],
        },
    )
    assert user_errors(proposed) == [(["input", "deliverables", "0", "estimateWeeks"], "INVALID")]
    assert await event_count(database) == before


@pytest.mark.parametrize("value", [1e16, -1e300, 1.7e308])
async def test_key_result_values_beyond_the_magnitude_are_invalid(
    client: GraphQLClient, database: DatabaseTarget, value: float
) -> None:
    objective = await mutate(
        client,
        "createObjective",
        {"title": "O", "period": "2026-Q1", "level": "COMPANY"},
        "objective { id }",
    )
    objective_id = objective["objective"]["id"]
    before = await event_count(database)
    added = await mutate(
        client,
        "addKeyResult",
        {
            "objectiveId": objective_id,
            "title": "KR",
            "unit": "",
            "startValue": 0,
            "targetValue": value,
        },
    )
    assert user_errors(added) == [(["input", "targetValue"], "INVALID")]
    assert await event_count(database) == before


async def test_every_report_answers_with_the_largest_accepted_values(
    client: GraphQLClient,
) -> None:
    roadmap = await mutate(
        client,
        "createRoadmap",
        {"name": "R", "cadence": {"cycleWeeks": 6, "anchorDate": "2026-01-05"}},
        "roadmap { id }",
    )
    roadmap_id = roadmap["roadmap"]["id"]
    cycle = await mutate(
        client,
        "createCycle",
        {"roadmapId": roadmap_id, "name": "C1", "startsOn": "2026-01-05", "endsOn": "2026-02-15"},
        "cycle { id }",
    )
    cycle_id = cycle["cycle"]["id"]
    proposed = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": roadmap_id,
            "title": "I",
            "goal": "g",
            "deliverables": [
                {"title": "D", "estimateWeeks": LARGEST_WEEKS, "targetCycleId": cycle_id},
                {"title": "E", "estimateWeeks": "0.01", "targetCycleId": cycle_id},
            ],
        },
        "initiative { id deliverables { id } }",
    )
    initiative_id = proposed["initiative"]["id"]
    ids = [d["id"] for d in proposed["initiative"]["deliverables"]]
    await mutate(client, "startCycle", {"cycleId": cycle_id})
    for deliverable_id in ids:
        for weeks in (LARGEST_WEEKS, "0.01", LARGEST_WEEKS):
            for mutation in ("estimateDeliverable", "logEffort"):
                done = await mutate(
                    client, mutation, {"deliverableId": deliverable_id, "weeks": weeks}
                )
                assert done["userErrors"] == []
    # The first is finished (estimate reports), the second still open (alignment).
    await mutate(client, "changeDeliverableStatus", {"deliverableId": ids[0], "status": "DONE"})
    objective = await mutate(
        client,
        "createObjective",
        {"title": "O", "period": "2026-Q1", "level": "COMPANY"},
        "objective { id }",
    )
    key_result = await mutate(
        client,
        "addKeyResult",
        {
            "objectiveId": objective["objective"]["id"],
            "title": "KR",
            "unit": "",
            "startValue": -LARGEST_MEASURE,
            "targetValue": LARGEST_MEASURE,
        },
        "keyResult { id }",
    )
    key_result_id = key_result["keyResult"]["id"]
    checked_in = await mutate(
        client, "checkInKeyResult", {"keyResultId": key_result_id, "value": LARGEST_MEASURE}
    )
    assert checked_in["userErrors"] == []
    await mutate(
        client,
        "alignInitiative",
        {"initiativeId": initiative_id, "keyResultId": key_result_id, "kind": "CONTRIBUTES"},
    )
    closed = await mutate(client, "closeCycle", {"cycleId": cycle_id}, "cycle { id }")
    assert closed["userErrors"] == []

    data: dict[str, Any] = await client.execute(
        REPORTS, {"roadmapId": roadmap_id, "cycleId": cycle_id}
    )
    [initiative] = data["roadmap"]["initiatives"]
    assert [d["actualWeeks"] for d in initiative["deliverables"]] == ["10000.01", "10000.01"]
    assert data["alignment"]["totalEffortWeeks"] == "10000"
    assert data["alignment"]["coverage"] == 1.0
    assert [row["actualWeeks"] for row in data["byTeam"]] == ["10000.01"]
    assert data["cycleReport"]["predictability"] == 0.5
    [[key_result_row]] = [o["keyResults"] for o in data["objectives"]]
    assert key_result_row["progress"] == 1.0
    assert key_result_row["currentValue"] == LARGEST_MEASURE
