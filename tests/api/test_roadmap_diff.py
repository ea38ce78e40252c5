"""``roadmapDiff``: what was added, removed, moved and changed between two instants."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from backend.bootstrap import Services
from backend.domain.deliverable import NewDeliverable
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.roadmap import ask, build_sre_roadmap, errors_of, new_workspace

DIFF = """
query ($id: ID!, $from: DateTime!, $to: DateTime!) {
  roadmapDiff(id: $id, from: $from, to: $to) {
    from to
    added { title position }
    removed { title position }
    moved { initiative { title } fromPosition toPosition }
    changed { initiative { title } changes { field from to } }
  }
}
"""


async def test_a_move_shows_with_its_positions_and_the_initiatives_it_shifted(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    await story.projected(services)

    data = await ask(
        client,
        ws.token,
        DIFF,
        id=to_global_id("Roadmap", sre.roadmap),
        **{"from": sre.before_move.isoformat(), "to": sre.moved_at.isoformat()},
    )

    diff = data["roadmapDiff"]
    assert diff["from"] == sre.before_move.isoformat()
    assert diff["to"] == sre.moved_at.isoformat()
    assert diff["moved"] == [
        {"initiative": {"title": "New CI final phase"}, "fromPosition": 3, "toPosition": 1},
        {"initiative": {"title": "New CI pilot"}, "fromPosition": 1, "toPosition": 2},
        {
            "initiative": {"title": "New CI general availability"},
            "fromPosition": 2,
            "toPosition": 3,
        },
    ]
    assert diff["added"] == diff["removed"] == diff["changed"] == []


async def test_additions_removals_and_field_changes_between_two_instants(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    story.later().run(
        "update_initiative",
        initiative_id=sre.pilot,
        title="New CI pilot (2 teams)",
        stakeholders=["sre"],
    )
    story.later().run(
        "change_deliverable_status",
        initiative_id=sre.pilot,
        deliverable_id=sre.runners,
        status="AT_RISK",
    )
    story.later().run(
        "log_effort", initiative_id=sre.pilot, deliverable_id=sre.runners, weeks=Decimal("1.5")
    )
    story.later().run(
        "remove_initiative",
        roadmap_id=sre.roadmap,
        initiative_id=sre.general_availability,
        reason="folded into the pilot",
    )
    later = story.later().clock
    await story.projected(services)
    roadmap_id = to_global_id("Roadmap", sre.roadmap)

    data = await ask(
        client,
        ws.token,
        DIFF,
        id=roadmap_id,
        **{"from": sre.moved_at.isoformat(), "to": later.isoformat()},
    )
    from_nothing = await ask(
        client,
        ws.token,
        DIFF,
        id=roadmap_id,
        **{"from": (sre.before_move - timedelta(days=30)).isoformat(), "to": later.isoformat()},
    )

    diff = data["roadmapDiff"]
    assert diff["added"] == []
    assert diff["removed"] == [{"title": "New CI general availability", "position": 3}]
    assert diff["moved"] == []
    [changed] = diff["changed"]
    assert changed["initiative"] == {"title": "New CI pilot (2 teams)"}
    runner = f"deliverables.{to_global_id('Deliverable', sre.pilot, sre.runners)}"
    assert changed["changes"] == [
        {"field": "title", "from": '"New CI pilot"', "to": '"New CI pilot (2 teams)"'},
        {"field": "stakeholders", "from": '["dev-productivity", "sre"]', "to": '["sre"]'},
        {"field": "status", "from": '"IN_PROGRESS"', "to": '"AT_RISK"'},
        {"field": f"{runner}.status", "from": '"IN_PROGRESS"', "to": '"AT_RISK"'},
        {"field": f"{runner}.actualWeeks", "from": '"0"', "to": '"1.5"'},
    ]
    assert json.loads(changed["changes"][0]["to"]) == "New CI pilot (2 teams)"
    everything = from_nothing["roadmapDiff"]
    assert [i["title"] for i in everything["added"]] == [
        "New CI final phase",
        "New CI pilot (2 teams)",
    ]
    assert everything["removed"] == everything["moved"] == everything["changed"] == []


async def test_from_must_not_be_after_to(client: GraphQLClient, services: Services) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    roadmap = story.run("create_roadmap", name="SRE roadmap")
    await story.projected(services)

    errors = await errors_of(
        client,
        ws.token,
        DIFF,
        id=to_global_id("Roadmap", roadmap),
        **{"from": "2025-02-01T00:00:00+00:00", "to": "2025-01-01T00:00:00+00:00"},
    )

    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "is after" in errors[0]["message"]


LABELLED_DIFF = """
query ($id: ID!, $from: DateTime!, $to: DateTime!) {
  roadmapDiff(id: $id, from: $from, to: $to) {
    changed {
      initiative { title }
      changes { field from to fromLabel toLabel }
      deliverableChanges {
        deliverable { id title }
        changes { field from to fromLabel toLabel }
      }
    }
  }
}
"""


def labels(changes: list[dict[str, Any]]) -> dict[str, tuple[str | None, str | None]]:
    return {c["field"]: (c["fromLabel"], c["toLabel"]) for c in changes}


async def test_each_kind_of_field_change_reads_with_names_words_dates_and_decimals(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    pilot, runners, retrospective = sre.pilot, sre.runners, sre.retrospective
    platform = story.later().run("create_team", name="Platform")
    spring = story.later().run(
        "create_cycle",
        roadmap_id=sre.roadmap,
        name="2025-Q2",
        starts_on=date(2025, 4, 1),
        ends_on=date(2025, 6, 30),
    )
    story.later().run(
        "update_initiative",
        initiative_id=pilot,
        title="New CI pilot (2 teams)",
        goal="Two teams build on it",
        stakeholders=["sre", "security"],
        team_id=platform,
        kind="FEATURE",
    )
    on_runners = {"initiative_id": pilot, "deliverable_id": runners}
    story.later().run("change_deliverable_status", status="AT_RISK", **on_runners)
    story.later().run("estimate_deliverable", weeks=Decimal("4.50"), **on_runners)
    story.later().run("log_effort", weeks=Decimal("1.50"), **on_runners)
    story.later().run("retarget_deliverable", target_cycle_id=spring, reason="slip", **on_runners)
    on_retrospective = {"initiative_id": pilot, "deliverable_id": retrospective}
    story.later().run("update_deliverable", title="Retrospective", stretch=True, **on_retrospective)
    story.later().run(
        "retarget_deliverable", target_date=date(2025, 3, 1), reason="r", **on_retrospective
    )
    story.at(datetime(2025, 3, 4, 14, 5, tzinfo=UTC)).run(
        "change_deliverable_status", status="DONE", **on_retrospective
    )
    dashboards = uuid4()
    story.later().run(
        "add_deliverable",
        initiative_id=pilot,
        deliverable=NewDeliverable("Build dashboards", id=dashboards),
    )
    later = story.later().clock
    await story.projected(services)

    data = await ask(
        client,
        ws.token,
        LABELLED_DIFF,
        id=to_global_id("Roadmap", sre.roadmap),
        **{"from": sre.moved_at.isoformat(), "to": later.isoformat()},
    )

    [changed] = data["roadmapDiff"]["changed"]
    assert changed["initiative"] == {"title": "New CI pilot (2 teams)"}
    assert labels(changed["changes"])["title"] == ("New CI pilot", "New CI pilot (2 teams)")
    assert labels(changed["changes"])["goal"] == (
        "Two teams build on the new CI, so that we learn before everyone moves",
        "Two teams build on it",
    )
    assert labels(changed["changes"])["stakeholders"] == (
        "dev-productivity, sre",
        "sre, security",
    )
    assert labels(changed["changes"])["team"] == ("SRE", "Platform")
    assert labels(changed["changes"])["kind"] == ("Operations", "Feature")
    assert labels(changed["changes"])["status"] == ("In progress", "At risk")

    by_deliverable = {d["deliverable"]["id"]: d["changes"] for d in changed["deliverableChanges"]}
    runner_id = to_global_id("Deliverable", pilot, runners)
    retrospective_id = to_global_id("Deliverable", pilot, retrospective)
    dashboards_id = to_global_id("Deliverable", pilot, dashboards)
    assert list(by_deliverable) == [runner_id, retrospective_id, dashboards_id]
    assert labels(by_deliverable[runner_id]) == {
        "status": ("In progress", "At risk"),
        "estimateWeeks": ("3", "4.5"),
        "targetCycle": ("2025-Q1", "2025-Q2"),
        "actualWeeks": ("0", "1.5"),
    }
    assert labels(by_deliverable[retrospective_id]) == {
        "title": ("Pilot retrospective", "Retrospective"),
        "stretch": ("no", "yes"),
        "status": ("Planned", "Done"),
        "targetDate": ("2025-02-15", "2025-03-01"),
        "completedAt": (None, "2025-03-04 14:05 UTC"),
    }
    assert by_deliverable[dashboards_id] == [
        {
            "field": "title",
            "from": None,
            "to": '"Build dashboards"',
            "fromLabel": None,
            "toLabel": "Build dashboards",
        }
    ]
    [retargeted] = [c for c in by_deliverable[runner_id] if c["field"] == "targetCycle"]
    assert retargeted["to"] == json.dumps(to_global_id("Cycle", sre.roadmap, spring))
    # The id-keyed form stays in `changes`, with the same values and labels.
    assert labels(changed["changes"])[f"deliverables.{runner_id}.targetCycle"] == (
        "2025-Q1",
        "2025-Q2",
    )
    assert labels(changed["changes"])[f"deliverables.{dashboards_id}"] == (
        None,
        "Build dashboards",
    )


async def test_a_deliverable_removed_in_between_is_listed_as_it_was(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    story.later().run(
        "remove_deliverable",
        initiative_id=sre.pilot,
        deliverable_id=sre.retrospective,
        reason="no longer needed",
    )
    later = story.later().clock
    await story.projected(services)

    data = await ask(
        client,
        ws.token,
        LABELLED_DIFF,
        id=to_global_id("Roadmap", sre.roadmap),
        **{"from": sre.moved_at.isoformat(), "to": later.isoformat()},
    )

    [changed] = data["roadmapDiff"]["changed"]
    assert changed["deliverableChanges"] == [
        {
            "deliverable": {
                "id": to_global_id("Deliverable", sre.pilot, sre.retrospective),
                "title": "Pilot retrospective",
            },
            "changes": [
                {
                    "field": "title",
                    "from": '"Pilot retrospective"',
                    "to": None,
                    "fromLabel": "Pilot retrospective",
                    "toLabel": None,
                }
            ],
        }
    ]


async def test_an_initiative_without_changed_deliverables_has_no_deliverable_changes(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    story.later().run("update_initiative", initiative_id=sre.final_phase, goal="One CI only")
    later = story.later().clock
    await story.projected(services)

    data = await ask(
        client,
        ws.token,
        LABELLED_DIFF,
        id=to_global_id("Roadmap", sre.roadmap),
        **{"from": sre.moved_at.isoformat(), "to": later.isoformat()},
    )

    [changed] = data["roadmapDiff"]["changed"]
    assert changed["deliverableChanges"] == []
    assert labels(changed["changes"]) == {
        "goal": ("The old CI is switched off, so that nobody maintains two", "One CI only")
    }


async def test_a_new_parent_reads_as_the_titles_of_the_old_and_the_new_one(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    story.later().run(
        "update_initiative",
        initiative_id=sre.final_phase,
        parent_id=sre.general_availability,
        reason="after general availability",
    )
    later = story.later().clock
    await story.projected(services)

    data = await ask(
        client,
        ws.token,
        LABELLED_DIFF,
        id=to_global_id("Roadmap", sre.roadmap),
        **{"from": sre.moved_at.isoformat(), "to": later.isoformat()},
    )

    [changed] = data["roadmapDiff"]["changed"]
    assert changed["initiative"] == {"title": "New CI final phase"}
    assert changed["changes"] == [
        {
            "field": "parent",
            "from": json.dumps(to_global_id("Initiative", sre.pilot)),
            "to": json.dumps(to_global_id("Initiative", sre.general_availability)),
            "fromLabel": "New CI pilot",
            "toLabel": "New CI general availability",
        }
    ]
