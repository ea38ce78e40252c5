"""objectives and alignment over HTTP against a model folded from random histories."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.bootstrap import Services
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.retro import workspace
from tests.support.retro_driver import OBJECTIVE_PERIODS, Driver
from tests.support.retro_model import Model

HISTORIES = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

QUERY = """
query Okr($period: String!, $roadmapId: ID) {
  objectives(period: $period) {
    id progress
    parent { id }
    children { id }
    keyResults { id currentValue progress checkIns { value } }
  }
  alignment(period: $period, roadmapId: $roadmapId) {
    coverage
    objectives { id }
    byObjective {
      objective { id } effortWeeks initiatives { id } supportingInitiatives { id }
    }
    orphanInitiatives { id }
    objectivesWithoutWork { id }
  }
}
"""


def ids(kind: str, found: set[UUID]) -> set[str]:
    return {to_global_id(kind, id) for id in found}


@HISTORIES
@given(data=st.data())
async def test_objectives_and_alignment_match_the_model(
    services: Services, client: GraphQLClient, data: st.DataObject
) -> None:
    caller, token = await workspace(services)
    driver = Driver(services.app, caller, data.draw)
    driver.play(60, cycles=False)
    await services.watcher.wait_for(driver.position, 30)
    model = Model(services.app, caller.workspace_id)
    for period in OBJECTIVE_PERIODS:
        for roadmap in [None, *driver.roadmaps]:
            variables = {
                "period": period,
                "roadmapId": None if roadmap is None else to_global_id("Roadmap", roadmap),
            }
            found = await client.execute(QUERY, variables, token=token)
            mine = {
                o.id: o for o in model.objectives.values() if o.period == period and not o.archived
            }
            objectives = {o["id"]: o for o in found["objectives"]}
            assert set(objectives) == ids("Objective", set(mine))
            for objective in mine.values():
                api = objectives[to_global_id("Objective", objective.id)]
                assert abs(api["progress"] - model.objective_progress(objective)) < 1e-9
                parent = api["parent"] and api["parent"]["id"]
                assert parent == (objective.parent and to_global_id("Objective", objective.parent))
                children = {o.id for o in model.children(objective.id)}
                assert {c["id"] for c in api["children"]} == ids("Objective", children)
                key_results = {kr["id"]: kr for kr in api["keyResults"]}
                for kr_id, kr in objective.key_results.items():
                    got = key_results[to_global_id("KeyResult", objective.id, kr_id)]
                    assert got["currentValue"] == kr.current
                    assert got["progress"] == model.key_result_progress(kr)
                    assert [c["value"] for c in got["checkIns"]] == kr.check_ins
                assert len(key_results) == len(objective.key_results)

            view, wanted = found["alignment"], model.alignment(period, roadmap)
            assert {o["id"] for o in view["objectives"]} == ids("Objective", wanted["objectives"])
            by_objective = {
                e["objective"]["id"]: (
                    Decimal(e["effortWeeks"]),
                    {i["id"] for i in e["initiatives"]},
                    {i["id"] for i in e["supportingInitiatives"]},
                )
                for e in view["byObjective"]
            }
            assert by_objective == {
                to_global_id("Objective", objective): (
                    effort,
                    ids("Initiative", contributing),
                    ids("Initiative", supporting),
                )
                for objective, (effort, contributing, supporting) in wanted["byObjective"].items()
            }
            if wanted["coverage"] is None:
                assert view["coverage"] is None
            else:
                assert abs(view["coverage"] - wanted["coverage"]) < 1e-9
            assert {i["id"] for i in view["orphanInitiatives"]} == ids(
                "Initiative", wanted["orphans"]
            )
            assert {o["id"] for o in view["objectivesWithoutWork"]} == ids(
                "Objective", wanted["withoutWork"]
            )
