"""cycleReport over HTTP against a model folded from the events of random histories.

The model freezes a cycle's report at its close; the API must answer the same at the end
of the history, whatever happened to the deliverables since.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.bootstrap import Services
from schema.relay import to_global_id
from tests.api.test_estimate_report_histories import FIGURES, assert_figures
from tests.support.graphql import GraphQLClient
from tests.support.retro import workspace
from tests.support.retro_driver import Driver
from tests.support.retro_model import Model

HISTORIES = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

REPORT = f"""
query Report($cycleId: ID!) {{
  cycleReport(cycleId: $cycleId) {{
    cycle {{ state }}
    committed {{ id }} unplanned {{ id }} completed {{ id }} carriedOver {{ id }} dropped {{ id }}
    predictability
    estimates {{ {FIGURES} }}
    statusChanges {{ position }}
  }}
}}
"""


def deliverable_ids(refs: Any) -> list[str]:
    return [to_global_id("Deliverable", *ref) for ref in refs]


def ids(report: dict[str, Any], name: str) -> list[str]:
    return [d["id"] for d in report[name]]


@HISTORIES
@given(data=st.data())
async def test_every_cycle_report_matches_the_model(
    services: Services, client: GraphQLClient, data: st.DataObject
) -> None:
    caller, token = await workspace(services)
    driver = Driver(services.app, caller, data.draw)
    driver.play(80, okr=False)
    await services.watcher.wait_for(driver.position, 30)
    model = Model(services.app, caller.workspace_id)
    for (roadmap_id, cycle_id), cycle in model.cycles.items():
        variables = {"cycleId": to_global_id("Cycle", roadmap_id, cycle_id)}
        found = (await client.execute(REPORT, variables, token=token))["cycleReport"]
        expected = model.cycle_report(cycle)
        assert found["cycle"]["state"] == cycle.state
        assert ids(found, "committed") == deliverable_ids(expected["committed"])
        for name in ("unplanned", "completed", "carriedOver", "dropped"):
            assert sorted(ids(found, name)) == sorted(deliverable_ids(expected[name])), name
        assert found["predictability"] == expected["predictability"]
        assert [int(c["position"]) for c in found["statusChanges"]] == expected["statusChanges"]
        if expected["estimates"] is None:
            assert found["estimates"] is None
        else:
            assert found["estimates"]["group"] == cycle.name
            assert_figures(found["estimates"], expected["estimates"])
