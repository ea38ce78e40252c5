"""The timeline: every change with who, why, when and what, filterable, a page at a time."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from backend.bootstrap import Services
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.names import name_events
from tests.support.roadmap import ask, build_sre_roadmap, errors_of, new_workspace

TIMELINE = """
query ($subject: ID, $types: [String!], $actor: String, $since: DateTime, $until: DateTime,
       $first: Int, $after: String) {
  timeline(subjectId: $subject, types: $types, actor: $actor, since: $since, until: $until,
           first: $first, after: $after) {
    edges {
      cursor
      node {
        position type at recordedAt actor reason summary
        decision { title }
        subject { __typename id }
        changes { field from to }
      }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def nodes(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in data["timeline"]["edges"]]


async def test_every_change_is_on_the_timeline_newest_first_with_a_one_line_summary(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    await story.projected(services)

    entries = nodes(await ask(client, ws.token, TIMELINE, first=100))

    move = entries[0]
    assert move["type"] == "InitiativeMoved"
    assert move["summary"] == "Moved 'New CI final phase' from 3 to 1: compliance audit moved up"
    assert move["actor"] == "alice"
    assert move["reason"] == "compliance audit moved up"
    assert move["decision"] == {"title": "Finish the migration before the compliance audit"}
    assert move["subject"] == {
        "__typename": "Initiative",
        "id": to_global_id("Initiative", sre.final_phase),
    }
    assert move["changes"] == [{"field": "position", "from": "3", "to": "1"}]
    assert move["at"] == sre.moved_at.isoformat()
    assert int(move["position"]) == story.position
    assert move["recordedAt"] > move["at"]  # recorded today, backdated to 2025
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
    summaries = [e["summary"] for e in entries]
    assert "Created team 'SRE'" in summaries
    assert "Placed 'New CI pilot' at 1 on 'SRE roadmap'" in summaries
    assert "Changed the status of 'Runner fleet' from PLANNED to IN_PROGRESS" in summaries
    assert "Estimated 'Runner fleet' at 3 weeks (generation 1)" in summaries
    assert (
        "Recorded decision 'Finish the migration before the compliance audit' (ACCEPTED)"
        in summaries
    )
    # One entry per event, but the reservations of names.
    assert len(entries) == story.position - name_events(services.app)


async def test_estimates_effort_and_targets_show_what_they_were_and_what_they_became(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story, move=False)
    refs = {"initiative_id": sre.pilot, "deliverable_id": sre.runners}
    story.later().run("estimate_deliverable", weeks=Decimal("4.5"), reason="more runners", **refs)
    story.later().run("log_effort", weeks=Decimal("1.5"), **refs)
    story.later().run("log_effort", weeks=Decimal("1"), **refs)
    story.later().run("retarget_deliverable", target_date=date(2025, 5, 1), reason="slip", **refs)
    await story.projected(services)
    deliverable = to_global_id("Deliverable", sre.pilot, sre.runners)

    entries = nodes(await ask(client, ws.token, TIMELINE, subject=deliverable))

    changes = [(e["type"], e["changes"]) for e in entries[:4]]
    assert changes == [
        (
            "DeliverableRetargeted",
            [
                {
                    "field": "targetCycle",
                    "from": json.dumps(to_global_id("Cycle", sre.roadmap, sre.cycle)),
                    "to": None,
                },
                {"field": "targetDate", "from": None, "to": '"2025-05-01"'},
            ],
        ),
        ("EffortLogged", [{"field": "actualWeeks", "from": '"1.5"', "to": '"2.5"'}]),
        ("EffortLogged", [{"field": "actualWeeks", "from": '"0"', "to": '"1.5"'}]),
        ("DeliverableEstimated", [{"field": "estimateWeeks", "from": '"3"', "to": '"4.5"'}]),
    ]
    assert entries[0]["summary"] == (
        "Retargeted 'Runner fleet' from 2025-Q1 to 2025-05-01 (slip): slip"
    )
    assert {e["subject"]["id"] for e in entries} == {deliverable}


async def test_the_timeline_filters_by_subject_type_actor_and_period(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    bob = replace(story, caller=replace(ws.caller, actor="bob"))
    bob.at(story.clock).later().run(
        "update_initiative", initiative_id=sre.final_phase, goal="Only one CI to maintain"
    )
    await bob.projected(services)

    def of(kind: str, id: Any) -> str:
        return to_global_id(kind, id)

    history = nodes(
        await ask(client, ws.token, TIMELINE, subject=of("Initiative", sre.final_phase))
    )
    driven = nodes(await ask(client, ws.token, TIMELINE, subject=of("Decision", sre.decision)))
    moves = nodes(
        await ask(client, ws.token, TIMELINE, types=["InitiativeMoved", "InitiativePlaced"])
    )
    by_bob = nodes(await ask(client, ws.token, TIMELINE, actor="bob"))
    window = nodes(
        await ask(
            client,
            ws.token,
            TIMELINE,
            since=sre.before_move.isoformat(),
            until=(sre.moved_at + timedelta(seconds=1)).isoformat(),
        )
    )

    assert [e["type"] for e in history] == [
        "InitiativeUpdated",
        "InitiativeMoved",
        "DecisionRecorded",  # the decision links to it
        "InitiativePlaced",
        "DeliverableAdded",
        "InitiativeProposed",
    ]
    assert history[0]["summary"] == "Changed goal of 'New CI final phase'"
    assert [e["type"] for e in driven] == ["InitiativeMoved", "DecisionRecorded"]
    assert [e["type"] for e in moves] == ["InitiativeMoved"] + ["InitiativePlaced"] * 3
    assert [(e["actor"], e["type"]) for e in by_bob] == [("bob", "InitiativeUpdated")]
    assert [e["type"] for e in window] == ["InitiativeMoved"]


async def test_the_timeline_comes_in_pages_of_50_by_default(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    for n in range(60):
        story.later().run("create_team", name=f"team {n:02}")
    await story.projected(services)

    first = await ask(client, ws.token, TIMELINE)
    rest = await ask(
        client, ws.token, TIMELINE, after=first["timeline"]["pageInfo"]["endCursor"], first=100
    )
    small = await ask(client, ws.token, TIMELINE, first=0)

    names = [e["summary"] for e in nodes(first) + nodes(rest)]
    assert len(nodes(first)) == 50
    assert first["timeline"]["pageInfo"]["hasNextPage"] is True
    assert rest["timeline"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": rest["timeline"]["edges"][0]["cursor"],
        "endCursor": rest["timeline"]["edges"][-1]["cursor"],
    }
    assert names == [f"Created team 'team {n:02}'" for n in reversed(range(60))]
    assert nodes(small) == []
    assert small["timeline"]["pageInfo"]["hasNextPage"] is True
    errors = await errors_of(client, ws.token, TIMELINE, first=1000)
    assert errors[0]["extensions"]["code"] == "LIMIT_EXCEEDED"


async def test_an_initiative_tells_its_own_history(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    await story.projected(services)
    query = """
    query ($id: ID!) {
      roadmap(id: $id) {
        initiatives {
          title
          history(first: 2) {
            edges { node { type summary } }
            pageInfo { hasNextPage }
          }
        }
      }
    }
    """

    data = await ask(client, ws.token, query, id=to_global_id("Roadmap", sre.roadmap))

    final = data["roadmap"]["initiatives"][0]
    assert final["title"] == "New CI final phase"
    assert final["history"]["edges"][0]["node"] == {
        "type": "InitiativeMoved",
        "summary": "Moved 'New CI final phase' from 3 to 1: compliance audit moved up",
    }
    assert final["history"]["pageInfo"]["hasNextPage"] is True


LABELLED_TIMELINE = """
query ($subject: ID, $types: [String!]) {
  timeline(subjectId: $subject, types: $types) {
    edges { node { type summary changes { field from to fromLabel toLabel } } }
  }
}
"""


async def test_retargets_name_cycles_as_named_then_and_label_them_as_named_now(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story, move=False)
    spring = story.later().run(
        "create_cycle",
        roadmap_id=sre.roadmap,
        name="2025-Q2",
        starts_on=date(2025, 4, 1),
        ends_on=date(2025, 6, 30),
    )
    refs = {"initiative_id": sre.pilot, "deliverable_id": sre.runners}
    story.later().run("retarget_deliverable", target_cycle_id=spring, reason="slip", **refs)
    story.later().run(
        "update_cycle",
        roadmap_id=sre.roadmap,
        cycle_id=spring,
        name="Spring cycle",
        reason="named by season",
    )
    story.later().run("retarget_deliverable", target_cycle_id=sre.cycle, reason="pulled in", **refs)
    await story.projected(services)

    entries = nodes(
        await ask(
            client,
            ws.token,
            LABELLED_TIMELINE,
            subject=to_global_id("Deliverable", sre.pilot, sre.runners),
            types=["DeliverableRetargeted"],
        )
    )

    assert [e["summary"] for e in entries] == [
        "Retargeted 'Runner fleet' from Spring cycle to 2025-Q1: pulled in",
        "Retargeted 'Runner fleet' from 2025-Q1 to 2025-Q2 (slip): slip",
        "Retargeted 'Runner fleet' from no target to 2025-Q1",
    ]
    assert [
        [(c["field"], c["fromLabel"], c["toLabel"]) for c in e["changes"]] for e in entries
    ] == [
        [("targetCycle", "Spring cycle", "2025-Q1")],
        [("targetCycle", "2025-Q1", "Spring cycle")],
        [("targetCycle", None, "2025-Q1")],
    ]


async def test_timeline_changes_label_parents_teams_kinds_decimals_and_months(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story, move=False)
    story.later().run(
        "estimate_deliverable",
        initiative_id=sre.pilot,
        deliverable_id=sre.runners,
        weeks=Decimal("4.250"),
    )
    story.later().run("set_fiscal_year", fiscal_year_start_month=2, reason="finance")
    await story.projected(services)

    proposed = nodes(
        await ask(
            client,
            ws.token,
            LABELLED_TIMELINE,
            subject=to_global_id("Initiative", sre.final_phase),
            types=["InitiativeProposed"],
        )
    )
    estimated = nodes(
        await ask(
            client,
            ws.token,
            LABELLED_TIMELINE,
            subject=to_global_id("Deliverable", sre.pilot, sre.runners),
            types=["DeliverableEstimated"],
        )
    )

    [entry] = proposed
    labels = {c["field"]: (c["fromLabel"], c["toLabel"]) for c in entry["changes"]}
    assert labels["parent"] == (None, "New CI pilot")
    assert labels["team"] == (None, "SRE")
    assert labels["kind"] == (None, "Tech debt")
    assert labels["stakeholders"] == (None, "none")
    assert [(c["fromLabel"], c["toLabel"]) for e in estimated for c in e["changes"]] == [
        ("3", "4.25"),
        (None, "3"),
    ]
    assert estimated[0]["summary"] == "Estimated 'Runner fleet' at 4.25 weeks (generation 2)"
    fiscal = nodes(await ask(client, ws.token, LABELLED_TIMELINE, types=["FiscalYearSet"]))
    assert [(c["fromLabel"], c["toLabel"]) for c in fiscal[0]["changes"]] == [
        ("January", "February")
    ]


async def test_timeline_changes_label_objectives_and_key_results_by_their_titles(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story, move=False)
    reliable = story.later().run(
        "create_objective", title="Reliable", period="2026-Q1", level="COMPANY"
    )
    ci = story.later().run(
        "create_objective",
        title="CI fast",
        period="2026-Q1",
        level="TEAM",
        team_id=sre.team,
        parent_id=reliable,
    )
    build = story.later().run(
        "add_key_result",
        objective_id=ci,
        title="Build minutes",
        unit="min",
        start_value=30.0,
        target_value=12.5,
    )
    story.later().run(
        "align_initiative",
        initiative_id=sre.pilot,
        objective_id=ci,
        key_result_id=build,
        kind="CONTRIBUTES",
    )
    await story.projected(services)

    async def labels_of(entry_type: str, subject: str) -> dict[str, Any]:
        found = await ask(client, ws.token, LABELLED_TIMELINE, subject=subject, types=[entry_type])
        [entry] = nodes(found)
        return {c["field"]: (c["fromLabel"], c["toLabel"]) for c in entry["changes"]}

    created = await labels_of("ObjectiveCreated", to_global_id("Objective", ci))
    assert created["parent"] == (None, "Reliable")
    assert created["team"] == (None, "SRE")
    assert created["level"] == (None, "Team")
    added = await labels_of("KeyResultAdded", to_global_id("Objective", ci))
    assert (added["startValue"], added["targetValue"]) == ((None, "30"), (None, "12.5"))
    aligned = await labels_of("InitiativeAligned", to_global_id("Initiative", sre.pilot))
    assert aligned == {"keyResult": (None, "Build minutes"), "kind": (None, "Contributes")}
