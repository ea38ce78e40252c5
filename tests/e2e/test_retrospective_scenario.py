"""The SRE roadmap, continued into a retrospective and OKRs, against a real ``roadlog serve``.

The server runs as its own process on the test's database, with an admin token made by
``roadlog token create``. Everything goes through GraphQL over HTTP: the writes are
mutations, backfilled in business time (``effectiveAt``) so that the cycle really lasts
six weeks; each request waits for the writes before it with the
``Roadlog-Consistent-With`` header.

The scenario: a 6-week cycle starts with the CI initiatives' work committed; work is
estimated, re-estimated and logged; one deliverable is dropped (WONT_DO), one carried
over to the next cycle; the cycle closes. A company objective has a team objective with
a key result; one initiative CONTRIBUTES to it, one SUPPORTS it, one is an orphan. The
story is ``tests.support.sre_story``'s (the board's browser tests seed it too).
"""

from __future__ import annotations

import pytest

from backend.database import DatabaseTarget
from tests.support.process import roadlog, serving
from tests.support.settings import database_environment
from tests.support.sre_story import Api, run_the_cycle, set_objectives, sre_roadmap

pytestmark = pytest.mark.slow

CYCLE_REPORT = """
query Retro($cycleId: ID!) {
  cycleReport(cycleId: $cycleId) {
    cycle { name startsOn endsOn state }
    committed { title } unplanned { title } completed { title }
    carriedOver { title targetCycle { name } } dropped { title }
    predictability
    estimates {
      group deliverables firstEstimateWeeks finalEstimateWeeks actualWeeks ratio mape
      overrun underrun reestimates slipped slips
    }
    statusChanges { type summary }
  }
}
"""

ESTIMATE_REPORT = """
query Estimates($roadmapId: ID) {
  byCycle: estimateReport(groupBy: CYCLE, filter: {roadmapId: $roadmapId}) {
    group deliverables firstEstimateWeeks finalEstimateWeeks actualWeeks ratio mape
    overrun underrun reestimates slipped slips
  }
  byTeam: estimateReport(groupBy: TEAM, filter: {roadmapId: $roadmapId}) {
    group deliverables
  }
}
"""

ALIGNMENT = """
query Alignment($roadmapId: ID) {
  objectives(period: "2026-Q1") {
    title level progress team { name } parent { title }
    keyResults { title currentValue progress alignments { kind initiative { title } } }
  }
  alignment(period: "2026-Q1", roadmapId: $roadmapId) {
    coverage alignedEffortWeeks totalEffortWeeks
    byObjective {
      objective { title } effortWeeks initiatives { title } supportingInitiatives { title }
    }
    orphanInitiatives { title }
    objectivesWithoutWork { title }
  }
}
"""

FIGURES = {
    "group": "Cycle 1",
    "deliverables": 3,
    "firstEstimateWeeks": "7",
    "finalEstimateWeeks": "8",
    "actualWeeks": "8",
    "ratio": pytest.approx(8 / 7),
    # Runner fleet |4.5 - 3| / 4.5, Pipeline templates 0, Decommission |1.5 - 2| / 1.5
    "mape": pytest.approx((1 / 3 + 0 + 1 / 3) / 3),
    "overrun": 1,
    "underrun": 1,
    "reestimates": 1,
    "slipped": 0,
    "slips": 0,
}


def test_the_sre_cycle_retrospective_and_alignment(database: DatabaseTarget) -> None:
    env = database_environment(database)
    created = roadlog("token", "create", "--role", "admin", "--name", "lead", env=env)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    with serving(env=env) as served:
        api = Api(served.url, token)
        ids = sre_roadmap(api)
        run_the_cycle(api, ids)
        set_objectives(api, ids)

        report = api.ask(CYCLE_REPORT, cycleId=ids["Cycle 1"])["cycleReport"]
        assert report["cycle"] == {
            "name": "Cycle 1",
            "startsOn": "2026-01-05",
            "endsOn": "2026-02-15",
            "state": "CLOSED",
        }

        def titles(name: str) -> list[str]:
            return [d["title"] for d in report[name]]

        assert titles("committed") == [
            "Decommission Jenkins",
            "Runner fleet",
            "Pipeline templates",
            "Migrate services",
            "Docs",
        ]
        assert titles("unplanned") == []
        assert sorted(titles("completed")) == [
            "Decommission Jenkins",
            "Pipeline templates",
            "Runner fleet",
        ]
        assert report["carriedOver"] == [
            {"title": "Migrate services", "targetCycle": {"name": "Cycle 2"}}
        ]
        assert titles("dropped") == ["Docs"]
        assert report["predictability"] == pytest.approx(3 / 5)
        assert report["estimates"] == FIGURES
        summaries = [change["summary"] for change in report["statusChanges"]]
        assert len(summaries) == 6
        assert all(
            change["type"] == "DeliverableStatusChanged" for change in report["statusChanges"]
        )

        estimates = api.ask(ESTIMATE_REPORT, roadmapId=ids["roadmap"])
        assert estimates["byCycle"] == [FIGURES]
        assert estimates["byTeam"] == [{"group": "SRE", "deliverables": 3}]

        okr = api.ask(ALIGNMENT, roadmapId=ids["roadmap"])
        assert [(o["title"], o["level"], o["progress"]) for o in okr["objectives"]] == [
            ("Ship reliably", "COMPANY", pytest.approx(0.4)),
            ("Faster CI", "TEAM", pytest.approx(0.4)),
        ]
        faster = okr["objectives"][1]
        assert faster["team"] == {"name": "SRE"} and faster["parent"] == {"title": "Ship reliably"}
        [build] = faster["keyResults"]
        assert (build["currentValue"], build["progress"]) == (22.0, pytest.approx(0.4))
        assert build["alignments"] == [
            {"kind": "CONTRIBUTES", "initiative": {"title": "New CI general availability"}},
            {"kind": "SUPPORTS", "initiative": {"title": "New CI pilot"}},
        ]
        view = okr["alignment"]
        # Active: pilot 4 + 2 + 2 = 8, GA 5 (Docs is WONT_DO), on-call 2; the final phase is
        # DONE. Aligned (CONTRIBUTES): GA's 5 of 15.
        assert (view["alignedEffortWeeks"], view["totalEffortWeeks"]) == ("5", "15")
        assert view["coverage"] == pytest.approx(1 / 3)
        assert view["byObjective"] == [
            {
                "objective": {"title": "Ship reliably"},
                "effortWeeks": "0",
                "initiatives": [],
                "supportingInitiatives": [],
            },
            {
                "objective": {"title": "Faster CI"},
                "effortWeeks": "5",
                "initiatives": [{"title": "New CI general availability"}],
                "supportingInitiatives": [{"title": "New CI pilot"}],
            },
        ]
        assert view["orphanInitiatives"] == [{"title": "On-call tooling"}]
        assert view["objectivesWithoutWork"] == []
