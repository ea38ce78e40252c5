"""The SRE roadmap, end to end: a real ``roadlog serve``, mutations and queries over HTTP.

Three phases of the new CI with their deliverables and statuses, a decision recorded,
then "New CI final phase" moved to the top with a reason and that decision. A client then
sees: the new order, the move in ``priorityChanges`` with its reason and decision, the
old order with ``roadmap(asOf:)`` just before the move, the move in ``roadmapDiff``, and
every change of the initiative in its ``history``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.database import DatabaseTarget
from tests.support.process import roadlog, serving
from tests.support.settings import database_environment

pytestmark = pytest.mark.slow


class Client:
    """GraphQL over HTTP with a bearer token; each write's position is remembered."""

    def __init__(self, url: str, token: str) -> None:
        self.http = httpx.Client(
            base_url=url, headers={"authorization": f"Bearer {token}"}, timeout=30
        )
        self.position: str | None = None

    def ask(self, query: str, **variables: Any) -> Any:
        response = self.http.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def write(self, mutation: str, **input: Any) -> Any:
        """Run a mutation that must succeed; its payload."""
        data = self.ask(mutation, input=input)
        [payload] = data.values()
        assert payload["userErrors"] == [], payload["userErrors"]
        self.position = payload["position"]
        return payload


CREATE_TEAM = """
mutation ($input: CreateTeamInput!) {
  createTeam(input: $input) { team { id } userErrors { code message } position }
}
"""
CREATE_ROADMAP = """
mutation ($input: CreateRoadmapInput!) {
  createRoadmap(input: $input) { roadmap { id } userErrors { code message } position }
}
"""
CREATE_CYCLE = """
mutation ($input: CreateCycleInput!) {
  createCycle(input: $input) { cycle { id } userErrors { code message } position }
}
"""
PROPOSE = """
mutation ($input: ProposeInitiativeInput!) {
  proposeInitiative(input: $input) {
    initiative { id deliverables { id title } }
    userErrors { code message }
    position
  }
}
"""
CHANGE_STATUS = """
mutation ($input: ChangeDeliverableStatusInput!) {
  changeDeliverableStatus(input: $input) {
    deliverable { status } userErrors { code message } position
  }
}
"""
RECORD_DECISION = """
mutation ($input: RecordDecisionInput!) {
  recordDecision(input: $input) { decision { id } userErrors { code message } position }
}
"""
UPDATE = """
mutation ($input: UpdateInitiativeInput!) {
  updateInitiative(input: $input) { initiative { goal } userErrors { code message } position }
}
"""
MOVE = """
mutation ($input: MoveInitiativeInput!) {
  moveInitiative(input: $input) {
    roadmap { initiatives { title position } }
    userErrors { code message }
    position
  }
}
"""

ORDER = """
query ($id: ID!, $asOf: DateTime, $position: String) {
  roadmap(id: $id, asOf: $asOf, consistentWith: $position) {
    initiatives {
      title position status
      deliverables { title status estimateWeeks targetCycle { name } }
    }
  }
}
"""
WHY = """
query ($initiative: ID!) {
  priorityChanges(initiativeId: $initiative) {
    edges { node { fromPosition toPosition at actor reason decision { title outcome } } }
  }
}
"""
DIFF = """
query ($id: ID!, $from: DateTime!, $to: DateTime!) {
  roadmapDiff(id: $id, from: $from, to: $to) {
    moved { initiative { title } fromPosition toPosition }
    added { title } removed { title } changed { initiative { title } }
  }
}
"""
HISTORY = """
query ($id: ID!) {
  node(id: $id) {
    ... on Initiative {
      title
      history(first: 100) { edges { node { type summary actor reason at } } }
    }
  }
}
"""


def test_the_sre_roadmap_shows_why_the_final_phase_moved_to_the_top(
    database: DatabaseTarget, tmp_path: Path
) -> None:
    data_dir = str(tmp_path / "data")
    env = {**database_environment(database), "ROADLOG_LOG_LEVEL": "warning"}
    created = roadlog(
        "token",
        "create",
        "--role",
        "editor",
        "--name",
        "sre-lead",
        "--workspace",
        "sre",
        "--data-dir",
        data_dir,
        env=env,
    )
    assert created.returncode == 0, created.stderr
    with serving("--data-dir", data_dir, env=env) as served:
        client = Client(served.url, created.stdout.strip())

        team = client.write(CREATE_TEAM, name="SRE")["team"]["id"]
        roadmap = client.write(CREATE_ROADMAP, name="SRE roadmap", teamId=team, cadence={})[
            "roadmap"
        ]["id"]
        cycle = client.write(
            CREATE_CYCLE,
            roadmapId=roadmap,
            name="2026-Q1",
            startsOn="2026-01-01",
            endsOn="2026-03-31",
        )["cycle"]["id"]
        pilot = client.write(
            PROPOSE,
            roadmapId=roadmap,
            title="New CI pilot",
            teamId=team,
            kind="OPERATIONS",
            goal="Two teams build on the new CI, so that we learn before everyone moves",
            stakeholders=["dev-productivity"],
            deliverables=[
                {"title": "Runner fleet", "estimateWeeks": "3", "targetCycleId": cycle},
                {"title": "Pilot retrospective", "targetDate": "2026-03-15"},
            ],
        )["initiative"]
        general_availability = client.write(
            PROPOSE,
            roadmapId=roadmap,
            title="New CI general availability",
            teamId=team,
            goal="Every team can build on the new CI",
            parentId=pilot["id"],
            deliverables=[{"title": "Self-service onboarding", "estimateWeeks": "5"}],
        )["initiative"]
        final = client.write(
            PROPOSE,
            roadmapId=roadmap,
            title="New CI final phase",
            teamId=team,
            kind="TECH_DEBT",
            goal="The old CI is switched off",
            parentId=pilot["id"],
            deliverables=[{"title": "Decommission old runners", "stretch": True}],
        )["initiative"]
        runners, retrospective = (d["id"] for d in pilot["deliverables"])
        client.write(CHANGE_STATUS, deliverableId=runners, status="IN_PROGRESS")
        client.write(CHANGE_STATUS, deliverableId=retrospective, status="DONE")
        client.write(
            CHANGE_STATUS,
            deliverableId=general_availability["deliverables"][0]["id"],
            status="AT_RISK",
        )
        decision = client.write(
            RECORD_DECISION,
            title="Finish the migration before the compliance audit",
            context="The audit covers build provenance; the old CI has none.",
            options=["Keep both CIs", "Switch off the old CI first"],
            outcome="Switch off the old CI first",
            rationale="Provenance is only available on the new CI",
            decidedBy=["head of platform"],
            linkIds=[roadmap, final["id"]],
        )["decision"]["id"]
        client.write(
            UPDATE,
            initiativeId=final["id"],
            goal="The old CI is switched off, so that nobody maintains two",
            reason="sharper goal",
        )
        moved = client.write(
            MOVE,
            roadmapId=roadmap,
            initiativeId=final["id"],
            toPosition=1,
            reason="compliance audit moved up",
            decisionId=decision,
        )

        now = client.ask(ORDER, id=roadmap, position=client.position)
        why = client.ask(WHY, initiative=final["id"])
        [move, placement] = [edge["node"] for edge in why["priorityChanges"]["edges"]]
        moved_at = datetime.fromisoformat(move["at"])
        before = client.ask(
            ORDER, id=roadmap, asOf=(moved_at - timedelta(microseconds=1)).isoformat()
        )
        diff = client.ask(
            DIFF,
            id=roadmap,
            **{
                "from": (moved_at - timedelta(microseconds=1)).isoformat(),
                "to": moved_at.isoformat(),
            },
        )
        history = client.ask(HISTORY, id=final["id"])["node"]

    order = [(i["position"], i["title"], i["status"]) for i in now["roadmap"]["initiatives"]]
    assert order == [
        (1, "New CI final phase", "PLANNED"),
        (2, "New CI pilot", "IN_PROGRESS"),
        (3, "New CI general availability", "AT_RISK"),
    ]
    assert moved["roadmap"]["initiatives"][0]["title"] == "New CI final phase"
    pilot_now = now["roadmap"]["initiatives"][1]
    assert pilot_now["deliverables"] == [
        {
            "title": "Runner fleet",
            "status": "IN_PROGRESS",
            "estimateWeeks": "3",
            "targetCycle": {"name": "2026-Q1"},
        },
        {
            "title": "Pilot retrospective",
            "status": "DONE",
            "estimateWeeks": None,
            "targetCycle": None,
        },
    ]

    assert move == {
        "fromPosition": 3,
        "toPosition": 1,
        "at": move["at"],
        "actor": "sre-lead",
        "reason": "compliance audit moved up",
        "decision": {
            "title": "Finish the migration before the compliance audit",
            "outcome": "Switch off the old CI first",
        },
    }
    assert (placement["fromPosition"], placement["toPosition"]) == (None, 3)

    assert [(i["position"], i["title"]) for i in before["roadmap"]["initiatives"]] == [
        (1, "New CI pilot"),
        (2, "New CI general availability"),
        (3, "New CI final phase"),
    ]

    assert diff["roadmapDiff"]["moved"][0] == {
        "initiative": {"title": "New CI final phase"},
        "fromPosition": 3,
        "toPosition": 1,
    }
    assert diff["roadmapDiff"]["added"] == diff["roadmapDiff"]["removed"] == []

    entries = [edge["node"] for edge in history["history"]["edges"]]
    assert [(e["type"], e["summary"]) for e in entries] == [
        ("InitiativeMoved", "Moved 'New CI final phase' from 3 to 1: compliance audit moved up"),
        ("InitiativeUpdated", "Changed goal of 'New CI final phase': sharper goal"),
        (
            "DecisionRecorded",
            "Recorded decision 'Finish the migration before the compliance audit' (ACCEPTED)",
        ),
        ("InitiativePlaced", "Placed 'New CI final phase' at 3 on 'SRE roadmap'"),
        (
            "DeliverableAdded",
            "Added deliverable 'Decommission old runners' to 'New CI final phase'",
        ),
        ("InitiativeProposed", "Proposed 'New CI final phase' on 'SRE roadmap'"),
    ]
    assert {e["actor"] for e in entries} == {"sre-lead"}
