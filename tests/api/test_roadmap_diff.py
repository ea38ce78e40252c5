"""``roadmapDiff``: what was added, removed, moved and changed between two instants."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from backend.bootstrap import Services
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
