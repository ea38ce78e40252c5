"""The SRE roadmap continued into a retrospective and OKRs, written through GraphQL over
HTTP against a real ``roadlog serve``: the end-to-end retrospective scenario and the
board's browser tests both tell this story.

The writes are mutations backfilled in business time (``effectiveAt``, so an admin
token), so that the cycle really lasts six weeks; each request waits for the writes
before it with the ``Roadlog-Consistent-With`` header.

The story: a 6-week cycle starts with the CI initiatives' work committed; work is
estimated, re-estimated and logged; one deliverable is dropped (WONT_DO), one carried
over to the next cycle; the cycle closes. A company objective has a team objective with
a key result; one initiative CONTRIBUTES to it, one SUPPORTS it, one is an orphan.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx


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
