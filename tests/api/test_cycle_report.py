"""cycleReport over HTTP: live while active, frozen at the close, isolated per workspace."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from backend.bootstrap import Services
from backend.domain.deliverable import NewDeliverable
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.retro import Story, deliverables_of, workspace

DELIVERABLE = """
  id title status estimateWeeks actualWeeks completedAt targetDate
  estimates { weeks reason }
  targetCycle { id state }
"""

REPORT = f"""
query Report($cycleId: ID!) {{
  cycleReport(cycleId: $cycleId) {{
    cycle {{ id name state }}
    committed {{ {DELIVERABLE} }}
    unplanned {{ {DELIVERABLE} }}
    completed {{ {DELIVERABLE} }}
    carriedOver {{ {DELIVERABLE} }}
    dropped {{ {DELIVERABLE} }}
    predictability
    estimates {{
      group groupId deliverables firstEstimateWeeks finalEstimateWeeks actualWeeks ratio mape
      overrun underrun reestimates slipped slips
    }}
    statusChanges {{ position type actor summary changes {{ field from to }} }}
  }}
}}
"""


class Retro:
    """The cycle of the tests: committed A, B, D, X; U comes in unplanned."""

    def __init__(self, services: Services, story: Story) -> None:
        self.services, self.story = services, story
        self.roadmap = story.run(
            "create_roadmap", name="SRE", cycle_weeks=6, anchor_date=date(2026, 1, 5)
        )
        self.c1 = self.cycle("C1", date(2026, 1, 5))
        self.c2 = self.cycle("C2", date(2026, 2, 16))
        self.initiative = story.run(
            "propose_initiative",
            roadmap_id=self.roadmap,
            title="New CI",
            goal="Faster builds",
            deliverables=[
                NewDeliverable("A", estimate_weeks=Decimal(2), target_cycle_id=self.c1),
                NewDeliverable("B", estimate_weeks=Decimal(3), target_cycle_id=self.c1),
                NewDeliverable("D", estimate_weeks=Decimal(1), target_cycle_id=self.c1),
                NewDeliverable("X", stretch=True, target_cycle_id=self.c1),
            ],
        )
        self.ids = deliverables_of(services.app, self.initiative)
        self.other = story.run(
            "propose_initiative", roadmap_id=self.roadmap, title="Ops", goal="Calm nights"
        )

    def cycle(self, name: str, starts_on: date) -> UUID:
        return self.story.run(
            "create_cycle",
            roadmap_id=self.roadmap,
            name=name,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=41),
        )

    def ref(self, title: str) -> dict[str, UUID]:
        initiative = self.other if title == "U" else self.initiative
        return {"initiative_id": initiative, "deliverable_id": self.ids[title]}

    def global_id(self, title: str) -> str:
        ref = self.ref(title)
        return to_global_id("Deliverable", ref["initiative_id"], ref["deliverable_id"])

    def status(self, title: str, status: str, reason: str = "") -> None:
        self.story.later().run(
            "change_deliverable_status", status=status, reason=reason, **self.ref(title)
        )

    def start(self) -> None:
        self.story.at(datetime(2026, 1, 5, 9, tzinfo=UTC))
        self.story.run("start_cycle", roadmap_id=self.roadmap, cycle_id=self.c1)

    def work(self) -> None:
        story = self.story
        self.status("A", "IN_PROGRESS")
        story.later().run(
            "estimate_deliverable", weeks=Decimal(3), reason="bigger", **self.ref("A")
        )
        story.later().run("log_effort", weeks=Decimal(3), **self.ref("A"))
        self.status("A", "DONE")
        story.later().run("log_effort", weeks=Decimal(1), **self.ref("B"))
        story.later().run(
            "retarget_deliverable", target_cycle_id=self.c2, reason="blocked", **self.ref("B")
        )
        self.status("D", "WONT_DO", "not needed")
        self.ids["U"] = story.later().run(
            "add_deliverable",
            initiative_id=self.other,
            deliverable=NewDeliverable("U", estimate_weeks=Decimal(1), target_cycle_id=self.c1),
        )
        story.later().run("log_effort", weeks=Decimal(2), **self.ref("U"))
        self.status("U", "DONE")

    def close(self) -> None:
        self.story.later(timedelta(days=1)).run(
            "close_cycle", roadmap_id=self.roadmap, cycle_id=self.c1
        )


async def cycle_report(client: GraphQLClient, token: str, cycle_id: str) -> dict[str, Any]:
    data = await client.execute(REPORT, {"cycleId": cycle_id}, token=token)
    found: dict[str, Any] = data["cycleReport"]
    return found


def ids(deliverables: list[dict[str, Any]]) -> list[str]:
    return [d["id"] for d in deliverables]


async def test_a_closed_cycle_shows_what_was_planned_against_what_happened(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    retro = Retro(services, Story(services.app, caller, clock=datetime(2026, 1, 2, tzinfo=UTC)))
    retro.start()
    retro.work()
    retro.close()
    await retro.story.projected(services)

    report = await cycle_report(client, token, to_global_id("Cycle", retro.roadmap, retro.c1))
    assert report["cycle"]["name"] == "C1" and report["cycle"]["state"] == "CLOSED"
    assert ids(report["committed"]) == [retro.global_id(t) for t in ("A", "B", "D", "X")]
    assert ids(report["unplanned"]) == [retro.global_id("U")]
    assert sorted(ids(report["completed"])) == sorted(retro.global_id(t) for t in ("A", "U"))
    assert ids(report["carriedOver"]) == [retro.global_id("B")]
    assert ids(report["dropped"]) == [retro.global_id("D")]
    assert report["predictability"] == 0.25
    assert report["estimates"] == {
        "group": "C1",
        "groupId": to_global_id("Cycle", retro.roadmap, retro.c1),
        "deliverables": 2,
        "firstEstimateWeeks": "3",
        "finalEstimateWeeks": "4",
        "actualWeeks": "5",
        "ratio": pytest.approx(5 / 3),
        "mape": pytest.approx((1 / 3 + 1 / 2) / 2),
        "overrun": 2,
        "underrun": 0,
        "reestimates": 1,
        "slipped": 0,
        "slips": 0,
    }
    changes = report["statusChanges"]
    assert [(c["type"], c["changes"][0]["to"]) for c in changes] == [
        ("DeliverableStatusChanged", '"IN_PROGRESS"'),
        ("DeliverableStatusChanged", '"DONE"'),
        ("DeliverableStatusChanged", '"WONT_DO"'),
        ("DeliverableStatusChanged", '"DONE"'),
    ]
    positions = [int(c["position"]) for c in changes]
    assert positions == sorted(positions)
    [a] = [d for d in report["completed"] if d["id"] == retro.global_id("A")]
    assert (a["estimateWeeks"], a["actualWeeks"], a["status"]) == ("3", "3", "DONE")
    assert [e["weeks"] for e in a["estimates"]] == ["2", "3"]
    [b] = report["carriedOver"]
    assert b["targetCycle"] == {
        "id": to_global_id("Cycle", retro.roadmap, retro.c2),
        "state": "PLANNED",
    }


async def test_a_closed_cycles_report_never_changes(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    retro = Retro(services, Story(services.app, caller, clock=datetime(2026, 1, 2, tzinfo=UTC)))
    retro.start()
    retro.work()
    retro.close()
    await retro.story.projected(services)
    cycle_id = to_global_id("Cycle", retro.roadmap, retro.c1)
    before = await cycle_report(client, token, cycle_id)

    story = retro.story
    story.later().run("estimate_deliverable", weeks=Decimal(8), reason="later", **retro.ref("A"))
    story.later().run("log_effort", weeks=Decimal(5), **retro.ref("A"))
    retro.status("A", "IN_PROGRESS", "regression")
    retro.status("X", "DONE")
    retro.status("D", "PLANNED", "needed after all")
    story.later().run(
        "retarget_deliverable", target_date=date(2026, 6, 1), reason="r", **retro.ref("B")
    )
    story.later().run("log_effort", weeks=Decimal(1), **retro.ref("U"))
    story.later().run(
        "add_deliverable",
        initiative_id=retro.initiative,
        deliverable=NewDeliverable("Late", target_cycle_id=retro.c1),
    )
    story.later().run("start_cycle", roadmap_id=retro.roadmap, cycle_id=retro.c2)
    await story.projected(services)

    assert await cycle_report(client, token, cycle_id) == before


async def test_a_closed_cycles_report_keeps_a_deliverable_removed_afterwards(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    retro = Retro(services, Story(services.app, caller, clock=datetime(2026, 1, 2, tzinfo=UTC)))
    retro.start()
    retro.work()
    retro.close()
    await retro.story.projected(services)
    cycle_id = to_global_id("Cycle", retro.roadmap, retro.c1)
    before = await cycle_report(client, token, cycle_id)

    for title in ("A", "D"):
        retro.story.later().run("remove_deliverable", reason="cleaning up", **retro.ref(title))
    await retro.story.projected(services)

    assert await cycle_report(client, token, cycle_id) == before


async def test_a_deliverable_removed_during_a_cycle_leaves_its_report(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    retro = Retro(services, Story(services.app, caller, clock=datetime(2026, 1, 2, tzinfo=UTC)))
    retro.start()
    retro.work()
    retro.story.later().run("remove_deliverable", reason="a duplicate of A", **retro.ref("X"))
    await retro.story.projected(services)
    cycle_id = to_global_id("Cycle", retro.roadmap, retro.c1)

    live = await cycle_report(client, token, cycle_id)
    assert ids(live["committed"]) == [retro.global_id(t) for t in ("A", "B", "D")]
    assert live["predictability"] == pytest.approx(1 / 3)

    retro.close()
    await retro.story.projected(services)
    closed = await cycle_report(client, token, cycle_id)
    assert ids(closed["committed"]) == [retro.global_id(t) for t in ("A", "B", "D")]
    assert ids(closed["completed"]) == [retro.global_id(t) for t in ("A", "U")]
    assert closed["predictability"] == pytest.approx(1 / 3)


async def test_committed_keeps_the_priority_order_of_the_start_once_closed(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    retro = Retro(services, Story(services.app, caller, clock=datetime(2026, 1, 2, tzinfo=UTC)))
    story = retro.story
    retro.ids["U"] = story.run(
        "add_deliverable",
        initiative_id=retro.other,
        deliverable=NewDeliverable("U", target_cycle_id=retro.c1),
    )
    retro.start()
    story.later().run(
        "move_initiative",
        roadmap_id=retro.roadmap,
        initiative_id=retro.other,
        to_position=1,
        reason="ops first",
    )
    at_start = [retro.global_id(t) for t in ("A", "B", "D", "X", "U")]
    await story.projected(services)
    cycle_id = to_global_id("Cycle", retro.roadmap, retro.c1)
    assert ids((await cycle_report(client, token, cycle_id))["committed"]) == at_start

    retro.close()
    await story.projected(services)

    closed = await cycle_report(client, token, cycle_id)
    assert closed["cycle"]["state"] == "CLOSED"
    assert ids(closed["committed"]) == at_start


async def test_an_active_cycles_report_is_live(services: Services, client: GraphQLClient) -> None:
    caller, token = await workspace(services)
    retro = Retro(services, Story(services.app, caller, clock=datetime(2026, 1, 2, tzinfo=UTC)))
    cycle_id = to_global_id("Cycle", retro.roadmap, retro.c1)
    await retro.story.projected(services)
    planned = await cycle_report(client, token, cycle_id)
    assert planned["cycle"]["state"] == "PLANNED"
    assert planned["committed"] == [] and planned["predictability"] is None
    assert planned["statusChanges"] == []

    retro.start()
    await retro.story.projected(services)
    started = await cycle_report(client, token, cycle_id)
    assert ids(started["committed"]) == [retro.global_id(t) for t in ("A", "B", "D", "X")]
    assert started["predictability"] == 0.0 and started["estimates"] is None

    retro.work()
    await retro.story.projected(services)
    live = await cycle_report(client, token, cycle_id)
    assert live["cycle"]["state"] == "ACTIVE"
    assert ids(live["unplanned"]) == [retro.global_id("U")]
    assert ids(live["carriedOver"]) == [retro.global_id("B")]
    assert live["predictability"] == 0.25
    assert len(live["statusChanges"]) == 4


async def test_another_workspaces_cycle_is_as_missing_as_an_unknown_one(
    services: Services, client: GraphQLClient
) -> None:
    caller, _ = await workspace(services)
    _, stranger = await workspace(services)
    retro = Retro(services, Story(services.app, caller, clock=datetime(2026, 1, 2, tzinfo=UTC)))
    await retro.story.projected(services)

    async def error_of(cycle_id: str) -> dict[str, Any]:
        response = await client.post(REPORT, {"cycleId": cycle_id}, token=stranger)
        body = response.json()
        assert body["data"] is None
        [error] = body["errors"]
        return {"code": error["extensions"]["code"], "message": error["message"]}

    theirs = to_global_id("Cycle", retro.roadmap, retro.c1)
    unknown = to_global_id("Cycle", uuid4(), uuid4())
    found = await error_of(theirs)
    assert found["code"] == "BAD_USER_INPUT"
    assert found["message"].replace(theirs, "?") == (await error_of(unknown))["message"].replace(
        unknown, "?"
    )
    assert (await error_of("nonsense"))["code"] == "BAD_USER_INPUT"
    assert (await error_of(to_global_id("Cycle", uuid4())))["code"] == "BAD_USER_INPUT"


async def test_carried_over_follows_the_end_of_the_cycle_a_deliverable_moved_to(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    retro = Retro(services, Story(services.app, caller, clock=datetime(2026, 1, 2, tzinfo=UTC)))
    cycle_id = to_global_id("Cycle", retro.roadmap, retro.c1)
    retro.start()
    retro.work()
    await retro.story.projected(services)
    assert ids((await cycle_report(client, token, cycle_id))["carriedOver"]) == [
        retro.global_id("B")
    ]
    # B is aimed at C2; C2 moves to end before C1 does: B is no longer due after C1.
    retro.story.later().run(
        "update_cycle",
        roadmap_id=retro.roadmap,
        cycle_id=retro.c2,
        starts_on=date(2025, 11, 24),
        ends_on=date(2026, 1, 4),
        reason="the holidays sprint",
    )
    await retro.story.projected(services)
    assert (await cycle_report(client, token, cycle_id))["carriedOver"] == []
    retro.close()
    await retro.story.projected(services)
    assert (await cycle_report(client, token, cycle_id))["carriedOver"] == []
