"""Digests over HTTP: three weeks of a dinner roadmap, two status updates, and what the
second one tells stakeholders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

from backend.bootstrap import Services
from backend.domain.decision import DecisionLink
from backend.domain.deliverable import NewDeliverable
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.retro import START, Story
from tests.support.roadmap import ask, errors_of, new_workspace

DIGEST_FIELDS = """
  from to health markdown
  roadmap { name }
  items {
    kind summary reason actor at
    initiative { title } deliverable { title } decision { title }
  }
"""

UPDATES = f"""
query ($id: ID!) {{
  roadmap(id: $id) {{
    statusUpdates {{ edges {{ node {{ body health at digest {{ {DIGEST_FIELDS} }} }} }} }}
  }}
}}
"""

DIGEST = f"""
query ($id: ID!, $since: DateTime, $until: DateTime) {{
  digest(roadmapId: $id, since: $since, until: $until) {{ {DIGEST_FIELDS} }}
}}
"""

WEEK = timedelta(weeks=1)


@dataclass(frozen=True)
class Dinner:
    roadmap: UUID
    tacos: UUID
    dessert: UUID
    first_update: datetime
    second_update: datetime


def dinner(story: Story) -> Dinner:
    """Week 1: the plan and a first update; weeks 2 and 3: changes, then a second update;
    after it, one more move that the second update's digest must not show."""
    roadmap = story.run("create_roadmap", name="Dinner party", releases=True)
    first_cycle = story.later().run(
        "create_cycle",
        roadmap_id=roadmap,
        name="Cycle 1",
        starts_on=date(2025, 1, 6),
        ends_on=date(2025, 1, 19),
    )
    second_cycle = story.later().run(
        "create_cycle",
        roadmap_id=roadmap,
        name="Cycle 2",
        starts_on=date(2025, 1, 20),
        ends_on=date(2025, 2, 2),
    )
    food, tortillas = UUID(int=101), UUID(int=102)
    cake, plates, dishes = UUID(int=103), UUID(int=104), UUID(int=105)

    def propose(title: str, *deliverables: NewDeliverable) -> UUID:
        return story.later().run(
            "propose_initiative",
            roadmap_id=roadmap,
            title=title,
            goal="Guests have a good evening",
            deliverables=list(deliverables),
        )

    tacos = propose(
        "Make tacos",
        NewDeliverable(
            "cook food", estimate_weeks=Decimal(2), target_cycle_id=first_cycle, id=food
        ),
        NewDeliverable("buy tortillas", target_cycle_id=first_cycle, id=tortillas),
    )
    dessert = propose(
        "Make dessert", NewDeliverable("bake cake", estimate_weeks=Decimal(1), id=cake)
    )
    table = propose("Set the table", NewDeliverable("find plates", id=plates))
    wash_up = propose("Wash up", NewDeliverable("dry dishes", id=dishes))
    first_update = story.later().clock
    story.run("post_status_update", roadmap_id=roadmap, health="ON_TRACK", body="We start.")

    story.at(START + WEEK)
    decision = story.run(
        "record_decision",
        title="Dessert first",
        context="Guests arrive hungry for sweets",
        outcome="Serve dessert first",
        rationale="The children decide",
        links=[DecisionLink("Roadmap", roadmap)],
    )
    story.later().run(
        "move_initiative",
        roadmap_id=roadmap,
        initiative_id=dessert,
        to_position=1,
        reason="guests arrive early",
        decision_id=decision,
    )
    # Moved up and back down again: no net effect, so not in the digest.
    story.later().run(
        "move_initiative", roadmap_id=roadmap, initiative_id=table, to_position=1, reason="try"
    )
    story.later().run(
        "move_initiative", roadmap_id=roadmap, initiative_id=table, to_position=3, reason="undo"
    )
    story.later().run(
        "change_deliverable_status", initiative_id=tacos, deliverable_id=food, status="IN_PROGRESS"
    )
    story.later().run(
        "change_deliverable_status",
        initiative_id=tacos,
        deliverable_id=food,
        status="DONE",
        reason="served hot",
    )
    story.later().run(
        "change_deliverable_status",
        initiative_id=dessert,
        deliverable_id=cake,
        status="AT_RISK",
        reason="the oven is broken",
    )
    story.at(START + 2 * WEEK).run(
        "retarget_deliverable",
        initiative_id=tacos,
        deliverable_id=tortillas,
        target_cycle_id=second_cycle,
        reason="the shop was closed",
    )
    story.later().run(
        "estimate_deliverable",
        initiative_id=dessert,
        deliverable_id=cake,
        weeks=Decimal("3.5"),
        reason="three layers now",
    )
    story.later().run(
        "add_deliverable",
        initiative_id=tacos,
        deliverable=NewDeliverable("make salsa"),
        reason="guests asked",
    )
    story.later().run(
        "remove_deliverable",
        initiative_id=wash_up,
        deliverable_id=dishes,
        reason="paper towels will do",
    )
    story.later().run(
        "remove_initiative",
        roadmap_id=roadmap,
        initiative_id=wash_up,
        reason="the dishwasher does it",
    )
    propose("Light candles")
    # Proposed and taken off again within the period: no net effect.
    pizza = propose("Order pizza")
    story.later().run(
        "remove_initiative", roadmap_id=roadmap, initiative_id=pizza, reason="tacos suffice"
    )
    story.later().run(
        "post_status_update",
        roadmap_id=roadmap,
        initiative_id=dessert,
        health="OFF_TRACK",
        body="No oven.",
    )
    second_update = story.at(START + 3 * WEEK).clock
    story.run(
        "post_status_update",
        roadmap_id=roadmap,
        health="AT_RISK",
        body="Dessert is at risk.\n\nTacos are done.",
    )
    story.later().run(
        "move_initiative", roadmap_id=roadmap, initiative_id=tacos, to_position=1, reason="later"
    )
    return Dinner(roadmap, tacos, dessert, first_update, second_update)


EXPECTED = [
    (
        "STATUS_UPDATE",
        "Posted a status update on 'Dinner party' (At risk)",
        "",
        None,
        None,
        None,
    ),
    (
        "STATUS_UPDATE",
        "Posted a status update on 'Make dessert' (Off track)",
        "",
        "Make dessert",
        None,
        None,
    ),
    (
        "COMPLETED",
        "Completed 'cook food' of 'Make tacos'",
        "served hot",
        "Make tacos",
        "cook food",
        None,
    ),
    (
        "SLIPPED",
        "'buy tortillas' of 'Make tacos' slipped from Cycle 1 to Cycle 2",
        "the shop was closed",
        "Make tacos",
        "buy tortillas",
        None,
    ),
    (
        "STATUS_CHANGED",
        "'bake cake' of 'Make dessert' is now At risk (was Planned)",
        "the oven is broken",
        "Make dessert",
        "bake cake",
        None,
    ),
    (
        "ADDED",
        "Added deliverable 'make salsa' to 'Make tacos'",
        "guests asked",
        "Make tacos",
        "make salsa",
        None,
    ),
    ("ADDED", "Added 'Light candles' at 4", "", "Light candles", None, None),
    (
        "REMOVED",
        "Removed deliverable 'dry dishes' from 'Wash up'",
        "paper towels will do",
        "Wash up",
        None,
        None,
    ),
    ("REMOVED", "Removed 'Wash up' (was 4)", "the dishwasher does it", "Wash up", None, None),
    (
        "MOVED",
        "Moved 'Make dessert' from 2 to 1",
        "guests arrive early",
        "Make dessert",
        None,
        "Dessert first",
    ),
    (
        "ESTIMATE_CHANGED",
        "Re-estimated 'bake cake' of 'Make dessert' from 1 to 3.5 weeks",
        "three layers now",
        "Make dessert",
        "bake cake",
        None,
    ),
    (
        "DECISION_RECORDED",
        "Recorded decision 'Dessert first': Serve dessert first",
        "The children decide",
        None,
        None,
        "Dessert first",
    ),
]
"""What changed between the two updates: (kind, summary, reason, initiative, deliverable,
decision), in the digest's order."""


def lines(digest: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            item["kind"],
            item["summary"],
            item["reason"],
            item["initiative"] and item["initiative"]["title"],
            item["deliverable"] and item["deliverable"]["title"],
            item["decision"] and item["decision"]["title"],
        )
        for item in digest["items"]
    ]


async def test_the_second_updates_digest_lists_exactly_the_changes_since_the_first(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    plan = dinner(story)
    await story.projected(services)

    data = await ask(client, ws.token, UPDATES, id=to_global_id("Roadmap", plan.roadmap))

    second, on_dessert, first = [e["node"] for e in data["roadmap"]["statusUpdates"]["edges"]]
    assert (second["body"], on_dessert["body"], first["body"]) == (
        "Dessert is at risk.\n\nTacos are done.",
        "No oven.",
        "We start.",
    )
    digest = second["digest"]
    assert (digest["from"], digest["to"]) == (
        plan.first_update.isoformat(),
        plan.second_update.isoformat(),
    )
    assert digest["health"] == "AT_RISK"
    assert digest["roadmap"] == {"name": "Dinner party"}
    assert lines(digest) == EXPECTED
    assert all(item["actor"] == "alice" for item in digest["items"])
    assert digest["markdown"] == MARKDOWN
    # The update on one initiative covers that initiative only, since the roadmap began:
    # the initiative is new then, its deliverables come with it.
    assert [line[1] for line in lines(on_dessert["digest"])] == [
        "Posted a status update on 'Make dessert' (Off track)",
        "Added 'Make dessert' at 1",
    ]
    assert on_dessert["digest"]["health"] == "OFF_TRACK"


MARKDOWN = """\
# Dinner party: what changed

From 2025-01-01 00:07 UTC to 2025-01-22 00:00 UTC.

**Health: At risk**

## Status updates

- Posted a status update on 'Dinner party' (At risk). (alice, 2025-01-22 00:00 UTC)

  > Dessert is at risk.
  >
  > Tacos are done.
- Posted a status update on 'Make dessert' (Off track). (alice, 2025-01-15 00:08 UTC)

  > No oven.

## Completed

- Completed 'cook food' of 'Make tacos'. Served hot. (alice, 2025-01-08 00:05 UTC)

## Slipped

- 'buy tortillas' of 'Make tacos' slipped from Cycle 1 to Cycle 2. The shop was closed.\
 (alice, 2025-01-15 00:00 UTC)

## Status changes

- 'bake cake' of 'Make dessert' is now At risk (was Planned). The oven is broken.\
 (alice, 2025-01-08 00:06 UTC)

## Added

- Added deliverable 'make salsa' to 'Make tacos'. Guests asked. (alice, 2025-01-15 00:02 UTC)
- Added 'Light candles' at 4. (alice, 2025-01-15 00:05 UTC)

## Removed

- Removed deliverable 'dry dishes' from 'Wash up'. Paper towels will do.\
 (alice, 2025-01-15 00:03 UTC)
- Removed 'Wash up' (was 4). The dishwasher does it. (alice, 2025-01-15 00:04 UTC)

## Priority moves

- Moved 'Make dessert' from 2 to 1. Guests arrive early. Decision: 'Dessert first'.\
 (alice, 2025-01-08 00:01 UTC)

## Estimates

- Re-estimated 'bake cake' of 'Make dessert' from 1 to 3.5 weeks. Three layers now.\
 (alice, 2025-01-15 00:01 UTC)

## Decisions

- Recorded decision 'Dessert first': Serve dessert first. The children decide.\
 (alice, 2025-01-08 00:00 UTC)
"""


async def test_a_digest_defaults_to_the_period_since_the_latest_update(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    plan = dinner(story)
    await story.projected(services)
    roadmap_id = to_global_id("Roadmap", plan.roadmap)

    since_latest = await ask(client, ws.token, DIGEST, id=roadmap_id)
    assert since_latest["digest"]["from"] == plan.second_update.isoformat()
    assert lines(since_latest["digest"]) == [
        ("MOVED", "Moved 'Make tacos' from 2 to 1", "later", "Make tacos", None, None)
    ]
    between = await ask(
        client,
        ws.token,
        DIGEST,
        id=roadmap_id,
        since=plan.first_update.isoformat(),
        until=plan.second_update.isoformat(),
    )
    assert lines(between["digest"]) == EXPECTED
    nothing = await ask(
        client,
        ws.token,
        DIGEST,
        id=roadmap_id,
        since=plan.second_update.isoformat(),
        until=plan.second_update.isoformat(),
    )
    assert nothing["digest"]["items"] == []
    assert "Nothing changed in this period." in nothing["digest"]["markdown"]


async def test_a_period_written_with_an_offset_reads_in_utc_as_the_markdown_says(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    plan = dinner(story)
    await story.projected(services)
    paris = timezone(timedelta(hours=1))
    shifted = await ask(
        client,
        ws.token,
        DIGEST,
        id=to_global_id("Roadmap", plan.roadmap),
        since=plan.first_update.astimezone(paris).isoformat(),
        until=plan.second_update.astimezone(paris).isoformat(),
    )
    digest = shifted["digest"]
    assert lines(digest) == EXPECTED
    assert digest["from"] == plan.first_update.astimezone(UTC).isoformat()
    utc_minute = plan.first_update.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    assert f"From {utc_minute} UTC" in digest["markdown"]


async def test_a_missing_roadmap_or_a_backwards_period_is_refused(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    roadmap = story.run("create_roadmap", name="Dinner party", releases=True)
    await story.projected(services)
    other = await new_workspace(services)

    [error] = await errors_of(client, other.token, DIGEST, id=to_global_id("Roadmap", roadmap))
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == f"roadmapId: no roadmap {to_global_id('Roadmap', roadmap)!r}"
    [error] = await errors_of(
        client,
        ws.token,
        DIGEST,
        id=to_global_id("Roadmap", roadmap),
        since="2025-02-01T00:00:00+00:00",
        until="2025-01-01T00:00:00+00:00",
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "since (2025-02-01T00:00:00+00:00) is after until" in error["message"]
    [error] = await errors_of(client, ws.token, DIGEST, id="nonsense")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


SHAPED = """
query ($id: ID!, $since: DateTime, $until: DateTime, $withReason: Boolean!) {
  digest(roadmapId: $id, since: $since, until: $until) {
    __typename from to health markdown
    lines: items { __typename kind line: summary reason @include(if: $withReason) at actor }
    ... on Digest { again: items { kind } }
  }
}
"""

UNSHAPED = SHAPED.replace("health markdown", "health markdown roadmap { name }")


async def test_the_fast_path_answers_what_graphql_core_answers(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    plan = dinner(story)
    await story.projected(services)
    for with_reason in (True, False):
        variables = {
            "id": to_global_id("Roadmap", plan.roadmap),
            "since": plan.first_update.isoformat(),
            "until": plan.second_update.isoformat(),
            "withReason": with_reason,
        }
        shaped = (await ask(client, ws.token, SHAPED, **variables))["digest"]
        unshaped = (await ask(client, ws.token, UNSHAPED, **variables))["digest"]
        assert unshaped.pop("roadmap") == {"name": "Dinner party"}
        assert shaped == unshaped
        assert len(shaped["lines"]) == len(EXPECTED)
        keys = ["__typename", "kind", "line", "reason", "at", "actor"]
        assert list(shaped["lines"][0]) == [k for k in keys if with_reason or k != "reason"]
