"""``roadmapAsRecorded``: the roadmap as of a business instant, as the log stood at a
recording instant; changes recorded later, backfills included, are left out."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from backend.bootstrap import Services
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.retro import Story
from tests.support.roadmap import SreRoadmap, ask, build_sre_roadmap, errors_of, new_workspace

FIELDS = """
    asOf
    cycles { name state }
    initiatives {
      title position status
      deliverables {
        title status estimateWeeks estimates { weeks } targetCycle { name state }
      }
    }
"""

AS_RECORDED = f"""
query ($id: ID!, $asOf: DateTime, $recordedAsOf: DateTime!) {{
  roadmapAsRecorded(id: $id, asOf: $asOf, recordedAsOf: $recordedAsOf) {{ {FIELDS} }}
}}
"""

AS_OF = f"""
query ($id: ID!, $asOf: DateTime) {{
  roadmap(id: $id, asOf: $asOf) {{ {FIELDS} }}
}}
"""

AS_RECORDED_RAW = """
query ($id: ID!, $recordedAsOf: DateTime!) {
  roadmapAsRecorded(id: $id, recordedAsOf: $recordedAsOf) { name }
}
"""


def titles(roadmap: dict[str, Any]) -> list[str]:
    return [initiative["title"] for initiative in roadmap["initiatives"]]


def backfill(story: Story, sre: SreRoadmap) -> datetime:
    """Changes recorded now, effective at a business instant after the move: a status, an
    estimate, a move, a removed deliverable, an initiative taken off, a cycle started and
    one planned; that instant."""
    backfilled_at = story.later().clock
    story.run("start_cycle", roadmap_id=sre.roadmap, cycle_id=sre.cycle)
    story.run(
        "create_cycle",
        roadmap_id=sre.roadmap,
        name="2025-Q2",
        starts_on=date(2025, 4, 1),
        ends_on=date(2025, 6, 30),
    )
    story.run(
        "change_deliverable_status",
        initiative_id=sre.pilot,
        deliverable_id=sre.runners,
        status="AT_RISK",
        reason="from the standup notes",
    )
    story.run(
        "estimate_deliverable",
        initiative_id=sre.pilot,
        deliverable_id=sre.runners,
        weeks=Decimal("4.5"),
    )
    story.run(
        "move_initiative",
        roadmap_id=sre.roadmap,
        initiative_id=sre.general_availability,
        to_position=1,
        reason="a customer asked first",
    )
    story.run(
        "remove_deliverable",
        initiative_id=sre.pilot,
        deliverable_id=sre.retrospective,
        reason="folded into the GA review",
    )
    story.run(
        "remove_initiative",
        roadmap_id=sre.roadmap,
        initiative_id=sre.final_phase,
        reason="postponed to next year",
    )
    return backfilled_at


async def recording_instant() -> datetime:
    """Now, with the log's clock moved past it before the next event is recorded."""
    instant = datetime.now(UTC)
    await asyncio.sleep(0.005)
    return instant


async def test_a_backfilled_change_is_invisible_before_it_was_recorded_and_visible_after(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    nothing_recorded = await recording_instant()
    sre = build_sre_roadmap(story)
    await story.projected(services)
    before_backfill = await recording_instant()
    backfilled_at = backfill(story, sre)
    await story.projected(services)
    after_backfill = await recording_instant()
    roadmap_id = to_global_id("Roadmap", sre.roadmap)
    asked_at = (backfilled_at + timedelta(minutes=1)).isoformat()

    async def recorded(recorded_as_of: datetime, as_of: str | None = asked_at) -> Any:
        data = await ask(
            client,
            ws.token,
            AS_RECORDED,
            id=roadmap_id,
            asOf=as_of,
            recordedAsOf=recorded_as_of.isoformat(),
        )
        return data["roadmapAsRecorded"]

    then = await recorded(before_backfill)
    since = await recorded(after_backfill)
    business = (await ask(client, ws.token, AS_OF, id=roadmap_id, asOf=asked_at))["roadmap"]

    assert titles(then) == ["New CI final phase", "New CI pilot", "New CI general availability"]
    assert then["cycles"] == [{"name": "2025-Q1", "state": "PLANNED"}]
    pilot_then = then["initiatives"][1]
    assert pilot_then["status"] == "IN_PROGRESS"
    assert pilot_then["deliverables"] == [
        {
            "title": "Runner fleet",
            "status": "IN_PROGRESS",
            "estimateWeeks": "3",
            "estimates": [{"weeks": "3"}],
            "targetCycle": {"name": "2025-Q1", "state": "PLANNED"},
        },
        {
            "title": "Pilot retrospective",
            "status": "PLANNED",
            "estimateWeeks": None,
            "estimates": [],
            "targetCycle": None,
        },
    ]
    assert titles(since) == ["New CI general availability", "New CI pilot"]
    assert since["cycles"] == [
        {"name": "2025-Q1", "state": "ACTIVE"},
        {"name": "2025-Q2", "state": "PLANNED"},
    ]
    assert since["initiatives"][1]["deliverables"] == [
        {
            "title": "Runner fleet",
            "status": "AT_RISK",
            "estimateWeeks": "4.5",
            "estimates": [{"weeks": "3"}, {"weeks": "4.5"}],
            "targetCycle": {"name": "2025-Q1", "state": "ACTIVE"},
        }
    ]
    assert since == business
    assert await recorded(nothing_recorded) is None


async def test_as_of_defaults_to_the_recording_instant(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    await story.projected(services)
    before_backfill = await recording_instant()
    backfill(story, sre)
    await story.projected(services)
    roadmap_id = to_global_id("Roadmap", sre.roadmap)

    data = await ask(
        client, ws.token, AS_RECORDED, id=roadmap_id, recordedAsOf=before_backfill.isoformat()
    )
    now = (await ask(client, ws.token, AS_OF, id=roadmap_id))["roadmap"]

    then = data["roadmapAsRecorded"]
    assert then["asOf"] == before_backfill.isoformat()
    assert titles(then) == ["New CI final phase", "New CI pilot", "New CI general availability"]
    assert titles(now) == ["New CI general availability", "New CI pilot"]


async def test_a_recording_instant_in_the_future_and_bad_ids_are_refused(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    await story.projected(services)
    roadmap_id = to_global_id("Roadmap", sre.roadmap)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()

    future = await errors_of(
        client, ws.token, AS_RECORDED_RAW, id=roadmap_id, recordedAsOf=tomorrow
    )
    a_team = await errors_of(
        client,
        ws.token,
        AS_RECORDED_RAW,
        id=to_global_id("Team", sre.team),
        recordedAsOf=datetime.now(UTC).isoformat(),
    )
    malformed = await errors_of(
        client, ws.token, AS_RECORDED_RAW, id=roadmap_id, recordedAsOf="last tuesday"
    )
    missing = await errors_of(
        client, ws.token, "query ($id: ID!) { roadmapAsRecorded(id: $id) { name } }", id=roadmap_id
    )

    assert future[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert future[0]["path"] == ["roadmapAsRecorded"]
    assert "recordedAsOf" in future[0]["message"] and tomorrow in future[0]["message"]
    assert "in the future" in future[0]["message"]
    assert a_team[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert a_team[0]["message"].startswith("id:")
    assert "last tuesday" in malformed[0]["message"]
    assert "recordedAsOf" in missing[0]["message"]


async def test_another_workspace_sees_nothing_of_this_one(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    other = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    await story.projected(services)
    await asyncio.sleep(0.005)

    data = await ask(
        client,
        other.token,
        AS_RECORDED_RAW,
        id=to_global_id("Roadmap", sre.roadmap),
        recordedAsOf=datetime.now(UTC).isoformat(),
    )

    assert data == {"roadmapAsRecorded": None}


CYCLES_AS_RECORDED = """
query ($id: ID!, $asOf: DateTime, $recordedAsOf: DateTime!) {
  roadmapAsRecorded(id: $id, asOf: $asOf, recordedAsOf: $recordedAsOf) {
    cycles { name startsOn endsOn }
    initiatives { title deliverables { title targetCycle { name endsOn } } }
  }
}
"""


async def test_a_cycle_renamed_after_the_cut_shows_its_old_name_and_dates_until_recorded(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    await story.projected(services)
    before_rename = await recording_instant()
    renamed_at = story.later().clock
    story.run(
        "update_cycle",
        roadmap_id=sre.roadmap,
        cycle_id=sre.cycle,
        name="2025-Q2",
        starts_on=date(2025, 4, 1),
        ends_on=date(2025, 6, 30),
        reason="the pilot waits a quarter",
    )
    await story.projected(services)
    after_rename = await recording_instant()
    roadmap_id = to_global_id("Roadmap", sre.roadmap)

    async def cycles(recorded_as_of: datetime, as_of: datetime) -> tuple[Any, Any]:
        data = await ask(
            client,
            ws.token,
            CYCLES_AS_RECORDED,
            id=roadmap_id,
            asOf=as_of.isoformat(),
            recordedAsOf=recorded_as_of.isoformat(),
        )
        roadmap = data["roadmapAsRecorded"]
        [pilot] = [i for i in roadmap["initiatives"] if i["title"] == "New CI pilot"]
        [runners] = [d for d in pilot["deliverables"] if d["title"] == "Runner fleet"]
        return roadmap["cycles"], runners["targetCycle"]

    old = {"name": "2025-Q1", "startsOn": "2025-01-01", "endsOn": "2025-03-31"}
    new = {"name": "2025-Q2", "startsOn": "2025-04-01", "endsOn": "2025-06-30"}
    after = renamed_at + timedelta(minutes=1)
    assert await cycles(before_rename, after) == (
        [old],
        {"name": "2025-Q1", "endsOn": "2025-03-31"},
    )
    assert await cycles(after_rename, after) == (
        [new],
        {"name": "2025-Q2", "endsOn": "2025-06-30"},
    )
    # Recorded since, but effective later than the instant asked about: still the old name.
    assert await cycles(after_rename, renamed_at - timedelta(seconds=30)) == (
        [old],
        {"name": "2025-Q1", "endsOn": "2025-03-31"},
    )
