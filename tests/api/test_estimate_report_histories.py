"""estimateReport over HTTP against a model folded from the events of random histories.

Every grouping, with and without each kind of filter; the business clock lands on and
just before month starts, so completions fall on both sides of fiscal-quarter
boundaries (roadmaps start their fiscal year in January, February, April or November).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.bootstrap import Services
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.retro import workspace
from tests.support.retro_driver import Driver
from tests.support.retro_model import Model

HISTORIES = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

GROUPINGS = ("TEAM", "CYCLE", "QUARTER", "KIND", "INITIATIVE")
FIGURES = """
    group deliverables firstEstimateWeeks finalEstimateWeeks actualWeeks ratio mape
    overrun underrun reestimates slipped slips
"""
REPORTS = (
    "query Reports($filter: EstimateFilter) {"
    + "".join(
        f" {g}: estimateReport(groupBy: {g}, filter: $filter) {{ {FIGURES} }}" for g in GROUPINGS
    )
    + " }"
)


def assert_figures(found: dict[str, Any], expected: dict[str, Any]) -> None:
    """The API's row (decimals as strings, floats) against the model's figures."""
    for name, value in expected.items():
        if isinstance(value, Decimal):
            assert Decimal(found[name]) == value, (name, found, expected)
        elif isinstance(value, float):
            assert found[name] is not None and abs(found[name] - value) < 1e-9, (name, found)
        else:
            assert found[name] == value, (name, found, expected)


@HISTORIES
@given(data=st.data())
async def test_every_grouping_and_filter_matches_the_model(
    services: Services, client: GraphQLClient, data: st.DataObject
) -> None:
    caller, token = await workspace(services)
    driver = Driver(services.app, caller, data.draw)
    driver.play(60, okr=False)
    await services.watcher.wait_for(driver.position, 30)
    model = Model(services.app, caller.workspace_id)

    since, until = datetime(2025, 2, 1, tzinfo=UTC), datetime(2025, 5, 1, tzinfo=UTC)
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [({}, {})]
    cases += [({"roadmapId": to_global_id("Roadmap", r)}, {"roadmap": r}) for r in driver.roadmaps]
    cases += [({"teamId": to_global_id("Team", t)}, {"team": t}) for t in driver.teams[:2]]
    cases.append(
        (
            {"since": since.isoformat(), "until": until.isoformat()},
            {"since": since, "until": until},
        )
    )
    for api_filter, restriction in cases:
        found = await client.execute(REPORTS, {"filter": api_filter}, token=token)
        for grouping in GROUPINGS:
            rows = {row["group"]: row for row in found[grouping]}
            expected = model.estimate_report(grouping, **restriction)
            assert set(rows) == set(expected), (grouping, restriction)
            for name, figures in expected.items():
                assert_figures(rows[name], figures)
        quarters = [row["group"] for row in found["QUARTER"]]
        assert quarters == sorted(quarters), "quarters come in chronological order"
