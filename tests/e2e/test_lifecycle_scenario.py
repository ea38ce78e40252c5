"""Running the roadmap for two 6-week cycles, against a real ``roadlog serve``.

A workspace whose fiscal year starts in February keeps two roadmaps on 6-week cycles:
"Family dinner" ("Make tacos", "Make dessert") and "SRE" (the "New CI" phases). The cycles
are planned from the cadence; a mistyped deliverable is corrected, one is removed, a phase
is re-parented, an objective is archived; both cycles start and close. Then the estimate
report's quarters follow the February fiscal year, the cycle reports say what happened
and the timeline tells each lifecycle change in its own words.

As in ``test_retrospective_scenario``: the server is its own process, and every write is
a mutation over HTTP, backfilled in business time with an admin token.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from backend.database import DatabaseTarget
from tests.support.process import roadlog, serving
from tests.support.settings import database_environment
from tests.support.sre_story import Api

pytestmark = pytest.mark.slow

CADENCE = {"cycleWeeks": 6, "anchorDate": "2026-02-02"}

CYCLE_REPORT = """
query Retro($cycleId: ID!) {
  cycleReport(cycleId: $cycleId) {
    cycle { name startsOn endsOn state }
    committed { title } completed { title } carriedOver { title } dropped { title }
    predictability
  }
}
"""

ESTIMATES = """
{
  estimateReport(groupBy: QUARTER) {
    group deliverables firstEstimateWeeks finalEstimateWeeks actualWeeks
  }
}
"""

ROADMAP = """
query Board($id: ID!) {
  roadmap(id: $id) {
    initiatives {
      title status parent { title } children { title status }
      deliverables { title status }
    }
    cycles { name startsOn endsOn state }
  }
}
"""

OBJECTIVES = """
{
  objectives(period: "FY2027-Q1") { title startsOn endsOn archived }
  workspace: viewer { workspace { fiscalYearStartMonth } }
}
"""

TIMELINE = """
query Told($types: [String!]) {
  timeline(types: $types, first: 50) { edges { node { type summary } } }
}
"""

LIFECYCLE_TYPES = [
    "FiscalYearSet",
    "CycleCreated",
    "DeliverableUpdated",
    "DeliverableRemoved",
    "InitiativeParentChanged",
    "ObjectiveArchived",
    "CycleStarted",
    "CycleClosed",
]


def plan(api: Api, roadmap: str) -> dict[str, str]:
    """Two cycles of the roadmap's cadence: their ids by name."""
    cycles = api.mutate(
        "planCycles", "cycles { id name startsOn endsOn }", roadmapId=roadmap, count=2
    )["cycles"]
    assert [(c["name"], c["startsOn"], c["endsOn"]) for c in cycles] == [
        ("Cycle 1", "2026-02-02", "2026-03-15"),
        ("Cycle 2", "2026-03-16", "2026-04-26"),
    ]
    return {c["name"]: c["id"] for c in cycles}


def propose(api: Api, roadmap: str, title: str, *deliverables: Any, **more: Any) -> dict[str, str]:
    """An initiative with its deliverables: ids by title, its own under its title."""
    initiative = api.mutate(
        "proposeInitiative",
        "initiative { id deliverables { id title } }",
        roadmapId=roadmap,
        title=title,
        goal="Everyone is happy",
        deliverables=list(deliverables),
        **more,
    )["initiative"]
    return {title: initiative["id"]} | {d["title"]: d["id"] for d in initiative["deliverables"]}


def deliverable(title: str, weeks: str, cycle: str) -> dict[str, Any]:
    return {"title": title, "estimateWeeks": weeks, "targetCycleId": cycle}


def set_up(api: Api) -> dict[str, str]:
    """Both roadmaps with their cycles and work, corrected and reshaped before the start."""
    api.mutate("setFiscalYear", fiscalYearStartMonth=2, reason="the company's books")
    ids = {
        "dinner": api.mutate(
            "createRoadmap", "roadmap { id }", name="Family dinner", cadence=CADENCE
        )["roadmap"]["id"],
        "sre": api.mutate("createRoadmap", "roadmap { id }", name="SRE", cadence=CADENCE)[
            "roadmap"
        ]["id"],
    }
    dinner, sre = plan(api, ids["dinner"]), plan(api, ids["sre"])
    ids |= {f"dinner {name}": id for name, id in dinner.items()}
    ids |= {f"sre {name}": id for name, id in sre.items()}
    one, two = dinner["Cycle 1"], dinner["Cycle 2"]
    ids |= propose(
        api,
        ids["dinner"],
        "Make tacos",
        deliverable("Buy tortillas", "1", one),
        deliverable("Slsa", "1", one),
        deliverable("Guacamole", "1", two),
    )
    ids |= propose(
        api,
        ids["dinner"],
        "Make dessert",
        deliverable("Flan", "2", one),
        deliverable("Churros", "1", one),
    )
    ids |= propose(api, ids["sre"], "New CI")
    ids |= propose(
        api,
        ids["sre"],
        "New CI: phase 1",
        deliverable("Runner fleet", "3", sre["Cycle 1"]),
        parentId=ids["New CI"],
    )
    ids |= propose(
        api, ids["sre"], "New CI: phase 2", deliverable("Pipeline templates", "2", sre["Cycle 2"])
    )
    ids["Salsa"] = ids.pop("Slsa")
    api.later().mutate(
        "updateDeliverable", deliverableId=ids["Salsa"], title="Salsa", reason="typo"
    )
    api.mutate("removeDeliverable", deliverableId=ids["Churros"], reason="no fryer")
    api.mutate(
        "updateInitiative",
        initiativeId=ids["New CI: phase 2"],
        parentId=ids["New CI"],
        reason="one migration",
    )
    for title in ("Eat together", "Cook at home"):
        ids[title] = api.mutate(
            "createObjective",
            "objective { id }",
            title=title,
            period="FY2027-Q1",
            level="COMPANY",
        )["objective"]["id"]
    api.mutate("archiveObjective", objectiveId=ids["Cook at home"], reason="same as eating")
    return ids


def run_cycles(api: Api, ids: dict[str, str]) -> None:
    """Both cycles of both roadmaps, from their start to their close."""

    def done(name: str, effort: str) -> None:
        api.later(3).mutate("logEffort", deliverableId=ids[name], weeks=effort)
        api.mutate("changeDeliverableStatus", deliverableId=ids[name], status="DONE")

    def both(mutation: str, name: str) -> None:
        for roadmap in ("dinner", "sre"):
            api.mutate(mutation, cycleId=ids[f"{roadmap} {name}"])

    api.at(datetime(2026, 2, 2, 9, tzinfo=UTC))
    both("startCycle", "Cycle 1")
    done("Buy tortillas", "1")
    done("Salsa", "2")
    done("Flan", "2")
    done("Runner fleet", "4")
    api.at(datetime(2026, 3, 16, 9, tzinfo=UTC))
    both("closeCycle", "Cycle 1")
    both("startCycle", "Cycle 2")
    done("Pipeline templates", "2")
    api.later(10).mutate(
        "retargetDeliverable",
        deliverableId=ids["Guacamole"],
        targetDate="2026-05-08",
        reason="the avocados are not ripe",
    )
    api.at(datetime(2026, 4, 27, 9, tzinfo=UTC))
    both("closeCycle", "Cycle 2")
    api.at(datetime(2026, 5, 4, 18, tzinfo=UTC))
    done("Guacamole", "1")


def test_two_cycles_of_a_roadmap_kept_for_real(database: DatabaseTarget) -> None:
    env = database_environment(database)
    created = roadlog("token", "create", "--role", "admin", "--name", "lead", env=env)
    assert created.returncode == 0, created.stderr
    with serving(env=env) as served:
        api = Api(served.url, created.stdout.strip())
        api.at(datetime(2026, 1, 20, 9, tzinfo=UTC))
        ids = set_up(api)
        run_cycles(api, ids)

        # Quarters of the February fiscal year: February to April 2026 is FY2027 Q1 (a
        # January year would have cut it after March); the guacamole came in May.
        assert api.ask(ESTIMATES)["estimateReport"] == [
            {
                "group": "FY2027 Q1",
                "deliverables": 5,
                "firstEstimateWeeks": "9",
                "finalEstimateWeeks": "9",
                "actualWeeks": "11",
            },
            {
                "group": "FY2027 Q2",
                "deliverables": 1,
                "firstEstimateWeeks": "1",
                "finalEstimateWeeks": "1",
                "actualWeeks": "1",
            },
        ]

        first = api.ask(CYCLE_REPORT, cycleId=ids["dinner Cycle 1"])["cycleReport"]
        assert first == {
            "cycle": {
                "name": "Cycle 1",
                "startsOn": "2026-02-02",
                "endsOn": "2026-03-15",
                "state": "CLOSED",
            },
            "committed": [{"title": "Buy tortillas"}, {"title": "Salsa"}, {"title": "Flan"}],
            "completed": [{"title": "Buy tortillas"}, {"title": "Salsa"}, {"title": "Flan"}],
            "carriedOver": [],
            "dropped": [],
            "predictability": 1.0,
        }
        second = api.ask(CYCLE_REPORT, cycleId=ids["dinner Cycle 2"])["cycleReport"]
        assert second == {
            "cycle": {
                "name": "Cycle 2",
                "startsOn": "2026-03-16",
                "endsOn": "2026-04-26",
                "state": "CLOSED",
            },
            "committed": [{"title": "Guacamole"}],
            "completed": [],
            "carriedOver": [{"title": "Guacamole"}],
            "dropped": [],
            "predictability": 0.0,
        }

        board = api.ask(ROADMAP, id=ids["sre"])["roadmap"]
        assert [(i["title"], i["status"]) for i in board["initiatives"]] == [
            ("New CI", "DONE"),
            ("New CI: phase 1", "DONE"),
            ("New CI: phase 2", "DONE"),
        ]
        assert board["initiatives"][0]["children"] == [
            {"title": "New CI: phase 1", "status": "DONE"},
            {"title": "New CI: phase 2", "status": "DONE"},
        ]
        assert [c["state"] for c in board["cycles"]] == ["CLOSED", "CLOSED"]
        dinner = api.ask(ROADMAP, id=ids["dinner"])["roadmap"]
        assert [[d["title"] for d in i["deliverables"]] for i in dinner["initiatives"]] == [
            ["Buy tortillas", "Salsa", "Guacamole"],
            ["Flan"],
        ]

        okr = api.ask(OBJECTIVES)
        assert okr["objectives"] == [
            {
                "title": "Eat together",
                "startsOn": "2026-02-01",
                "endsOn": "2026-04-30",
                "archived": False,
            }
        ]
        assert okr["workspace"] == {"workspace": {"fiscalYearStartMonth": 2}}

        told = api.ask(TIMELINE, types=LIFECYCLE_TYPES)["timeline"]["edges"]
        summaries = [edge["node"]["summary"] for edge in reversed(told)]
        assert summaries == [
            "Set the fiscal year to start in February (was January): the company's books",
            "Planned cycle 'Cycle 1' on 'Family dinner' (2026-02-02..2026-03-15)",
            "Planned cycle 'Cycle 2' on 'Family dinner' (2026-03-16..2026-04-26)",
            "Planned cycle 'Cycle 1' on 'SRE' (2026-02-02..2026-03-15)",
            "Planned cycle 'Cycle 2' on 'SRE' (2026-03-16..2026-04-26)",
            "Renamed deliverable 'Slsa' to 'Salsa': typo",
            "Removed deliverable 'Churros' from 'Make dessert': no fryer",
            "Made 'New CI: phase 2' a phase of 'New CI': one migration",
            "Archived objective 'Cook at home': same as eating",
            "Started cycle 'Cycle 1' with 3 committed deliverables",
            "Started cycle 'Cycle 1' with 1 committed deliverable",
            "Closed cycle 'Cycle 1': 3 of 3 deliverables done",
            "Closed cycle 'Cycle 1': 1 of 1 deliverables done",
            "Started cycle 'Cycle 2' with 1 committed deliverable",
            "Started cycle 'Cycle 2' with 1 committed deliverable",
            "Closed cycle 'Cycle 2': 0 of 1 deliverables done",
            "Closed cycle 'Cycle 2': 1 of 1 deliverables done",
        ]
