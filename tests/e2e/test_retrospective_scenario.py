"""The SRE roadmap, continued into a retrospective and OKRs, against a real ``roadlog serve``.

The server runs as its own process on the test's database, with an admin token made by
``roadlog token create``. Everything goes through GraphQL over HTTP: the writes are
mutations, backfilled in business time (``effectiveAt``) so that the cycle really lasts
six weeks; each request waits for the writes before it with the
``Roadlog-Consistent-With`` header.

The scenario: a 6-week cycle starts with the CI initiatives' work committed; work is
estimated, re-estimated and logged; one deliverable is dropped (WONT_DO), one carried
over to the next cycle; the cycle closes. A company objective has a team objective with
a key result; one initiative CONTRIBUTES to it, one SUPPORTS it, one is an orphan.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from backend.database import DatabaseTarget
from tests.support.process import roadlog, serving
from tests.support.settings import database_environment

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


class Api:
    """GraphQL over HTTP with one (admin) token; every write at the scenario's clock."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.clock = datetime(2025, 12, 1, 9, tzinfo=UTC)
        self.position = 0

    def post(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables},
            headers={
                "authorization": f"Bearer {self.token}",
                "roadlog-consistent-with": str(self.position),
            },
            timeout=30,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def ask(self, query: str, **variables: Any) -> dict[str, Any]:
        """A query answered once every write so far is visible."""
        return self.post(query, variables)

    def at(self, when: datetime) -> Api:
        assert when >= self.clock
        self.clock = when
        return self

    def later(self, days: int = 1) -> Api:
        return self.at(self.clock + timedelta(days=days))

    def mutate(self, mutation: str, select: str = "", /, **input: Any) -> dict[str, Any]:
        """Run ``mutation`` at the clock; its payload (it must have no userErrors)."""
        input_type = mutation[0].upper() + mutation[1:] + "Input"
        query = (
            f"mutation Write($input: {input_type}!) {{ {mutation}(input: $input) {{"
            f" {select} userErrors {{ field code message }} position }} }}"
        )
        input["effectiveAt"] = self.clock.isoformat()
        payload: dict[str, Any] = self.post(query, {"input": input})[mutation]
        assert payload["userErrors"] == [], (mutation, payload["userErrors"])
        self.position = max(self.position, int(payload["position"] or 0))
        return payload


def sre_roadmap(api: Api) -> dict[str, str]:
    """The SRE roadmap: the three CI initiatives, the final phase moved to the top."""
    ids = {"team": api.mutate("createTeam", "team { id }", name="SRE")["team"]["id"]}
    ids["roadmap"] = api.mutate(
        "createRoadmap",
        "roadmap { id }",
        name="SRE",
        teamId=ids["team"],
        cadence={"cycleWeeks": 6, "anchorDate": "2026-01-05"},
    )["roadmap"]["id"]
    for name, starts_on in (("Cycle 1", date(2026, 1, 5)), ("Cycle 2", date(2026, 2, 16))):
        ids[name] = api.mutate(
            "createCycle",
            "cycle { id }",
            roadmapId=ids["roadmap"],
            name=name,
            startsOn=starts_on.isoformat(),
            endsOn=(starts_on + timedelta(weeks=6, days=-1)).isoformat(),
        )["cycle"]["id"]
    cycle = ids["Cycle 1"]
    plans = {
        "New CI pilot": [
            {"title": "Runner fleet", "estimateWeeks": "3", "targetCycleId": cycle},
            {"title": "Pipeline templates", "estimateWeeks": "2", "targetCycleId": cycle},
            {"title": "Runner autoscaling", "estimateWeeks": "2"},
        ],
        "New CI general availability": [
            {"title": "Migrate services", "estimateWeeks": "5", "targetCycleId": cycle},
            {"title": "Docs", "estimateWeeks": "1", "targetCycleId": cycle},
        ],
        "New CI final phase": [
            {"title": "Decommission Jenkins", "estimateWeeks": "2", "targetCycleId": cycle},
        ],
        "On-call tooling": [{"title": "Pager rotation", "estimateWeeks": "2"}],
    }
    for title, deliverables in plans.items():
        initiative = api.mutate(
            "proposeInitiative",
            "initiative { id deliverables { id title } }",
            roadmapId=ids["roadmap"],
            title=title,
            goal="Faster, safer builds for every team",
            teamId=ids["team"],
            deliverables=deliverables,
        )["initiative"]
        ids[title] = initiative["id"]
        ids.update((d["title"], d["id"]) for d in initiative["deliverables"])
    decision = api.mutate(
        "recordDecision",
        "decision { id }",
        title="Finish the CI migration first",
        context="The compliance audit needs Jenkins gone",
        outcome="Final phase first",
        rationale="Audit in March",
    )["decision"]["id"]
    api.mutate(
        "moveInitiative",
        roadmapId=ids["roadmap"],
        initiativeId=ids["New CI final phase"],
        toPosition=1,
        reason="compliance audit moved up",
        decisionId=decision,
    )
    return ids


def run_the_cycle(api: Api, ids: dict[str, str]) -> None:
    """Six weeks of work on Cycle 1, then its close."""

    def on(deliverable: str, mutation: str, **input: Any) -> None:
        api.later(2).mutate(mutation, deliverableId=ids[deliverable], **input)

    api.at(datetime(2026, 1, 5, 9, tzinfo=UTC)).mutate("startCycle", cycleId=ids["Cycle 1"])
    on("Runner fleet", "changeDeliverableStatus", status="IN_PROGRESS")
    on("Runner fleet", "estimateDeliverable", weeks="4", reason="vendor API")
    on("Runner fleet", "logEffort", weeks="4.5")
    on("Runner fleet", "changeDeliverableStatus", status="DONE")
    on("Pipeline templates", "logEffort", weeks="2")
    on("Pipeline templates", "changeDeliverableStatus", status="DONE")
    on("Migrate services", "changeDeliverableStatus", status="IN_PROGRESS")
    on("Migrate services", "logEffort", weeks="3")
    on("Docs", "changeDeliverableStatus", status="WONT_DO", reason="the templates say it")
    on("Decommission Jenkins", "logEffort", weeks="1.5")
    on("Decommission Jenkins", "changeDeliverableStatus", status="DONE")
    on("Migrate services", "retargetDeliverable", targetCycleId=ids["Cycle 2"], reason="not ready")
    api.at(datetime(2026, 2, 16, 9, tzinfo=UTC)).mutate("closeCycle", cycleId=ids["Cycle 1"])


def set_objectives(api: Api, ids: dict[str, str]) -> None:
    """Ship reliably > Faster CI (SRE) with one key result; two initiatives aligned."""
    company = api.mutate(
        "createObjective",
        "objective { id }",
        title="Ship reliably",
        period="2026-Q1",
        level="COMPANY",
    )["objective"]["id"]
    team = api.mutate(
        "createObjective",
        "objective { id }",
        title="Faster CI",
        period="2026-Q1",
        level="TEAM",
        teamId=ids["team"],
        parentId=company,
    )["objective"]["id"]
    build = api.mutate(
        "addKeyResult",
        "keyResult { id }",
        objectiveId=team,
        title="Median build time",
        unit="min",
        startValue=30.0,
        targetValue=10.0,
    )["keyResult"]["id"]
    api.later().mutate("checkInKeyResult", keyResultId=build, value=22.0, note="runners")
    for initiative, kind in (
        ("New CI general availability", "CONTRIBUTES"),
        ("New CI pilot", "SUPPORTS"),
    ):
        api.later().mutate(
            "alignInitiative", initiativeId=ids[initiative], keyResultId=build, kind=kind
        )


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
