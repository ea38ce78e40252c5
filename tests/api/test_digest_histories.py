"""digest over HTTP against a model folded from the events of random histories.

For random histories of one roadmap and random periods (a, b], the digest must list
exactly what a direct comparison of the replayed states at a and b, plus the events in
between, says (``tests.support.digest_model``): nothing missing, nothing extra, in order.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.application import Caller, Roadlog
from backend.bootstrap import Services
from backend.domain.decision import DecisionLink
from backend.domain.deliverable import STATUSES, NewDeliverable
from backend.domain.errors import DomainError
from schema.relay import to_global_id
from tests.support.digest_model import digest_lines
from tests.support.graphql import GraphQLClient
from tests.support.retro import START, workspace

HISTORIES = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

DIGEST = """
query ($id: ID!, $since: DateTime, $until: DateTime) {
  digest(roadmapId: $id, since: $since, until: $until) { items { kind summary reason actor } }
}
"""

WEEKS = [Decimal(1), Decimal("2.5"), Decimal(4)]


class History:
    """Random commands on one roadmap, each a little later in business time."""

    def __init__(self, app: Roadlog, caller: Caller, draw: Any) -> None:
        self.app, self.caller, self.draw = app, caller, draw
        self.clock = START
        self.instants: list[datetime] = []
        self.count = 0
        roadmap = self.run("create_roadmap", name="Dinner")
        assert roadmap is not None
        self.roadmap: UUID = roadmap
        self.cycles = [
            self.run(
                "create_cycle",
                roadmap_id=self.roadmap,
                name=f"Cycle {n}",
                starts_on=date(2025, 1, 6) + timedelta(weeks=2 * n),
                ends_on=date(2025, 1, 19) + timedelta(weeks=2 * n),
            )
            for n in range(1, 4)
        ]
        self.initiatives: list[UUID] = []
        self.deliverables: list[tuple[UUID, UUID]] = []

    def run(self, command: str, **kwargs: Any) -> UUID | None:
        self.clock += timedelta(minutes=self.draw(st.sampled_from([1, 1, 60])))
        self.instants.append(self.clock)
        self.count += 1
        try:
            done = getattr(self.app, command)(self.caller, effective_at=self.clock, **kwargs)
        except DomainError:
            return None
        assert isinstance(done.id, UUID)
        return done.id

    def pick(self, items: list[Any]) -> Any:
        return self.draw(st.sampled_from(items))

    def a_deliverable(self) -> NewDeliverable:
        return NewDeliverable(
            f"d{self.count}",
            estimate_weeks=self.draw(st.sampled_from([None, *WEEKS])),
            target_cycle_id=self.draw(st.sampled_from([None, *self.cycles])),
        )

    def step(self) -> None:
        choices = ["propose", "decide", "update"]
        if self.initiatives:
            choices += ["move", "move", "remove", "rename", "add"]
        if self.deliverables:
            choices += ["status", "status", "estimate", "retarget", "drop"]
        choice = self.pick(choices)
        n = self.count
        if choice == "propose":
            found = self.run(
                "propose_initiative",
                roadmap_id=self.roadmap,
                title=f"i{n}",
                goal="g",
                deliverables=[self.a_deliverable() for _ in range(self.pick([0, 1, 2]))],
                reason=self.pick(["", f"why {n}"]),
            )
            if found is not None:
                self.initiatives.append(found)
                initiative: Any = self.app.repository.get(found)
                self.deliverables += [(found, d.deliverable_id) for d in initiative.deliverables]
        elif choice == "decide":
            self.run(
                "record_decision",
                title=f"decision {n}",
                context="c",
                outcome=f"outcome {n}",
                rationale=f"rationale {n}",
                links=[DecisionLink("Roadmap", self.roadmap)],
            )
        elif choice == "update":
            subject = self.pick([None, *self.initiatives])
            self.run(
                "post_status_update",
                roadmap_id=self.roadmap,
                initiative_id=subject,
                health=self.pick(["ON_TRACK", "AT_RISK", "OFF_TRACK"]),
                body=f"update {n}",
            )
        elif choice == "move":
            self.run(
                "move_initiative",
                roadmap_id=self.roadmap,
                initiative_id=self.pick(self.initiatives),
                to_position=self.pick([1, 2, 3]),
                reason=f"move {n}",
            )
        elif choice == "remove":
            self.run(
                "remove_initiative",
                roadmap_id=self.roadmap,
                initiative_id=self.pick(self.initiatives),
                reason=f"remove {n}",
            )
        elif choice == "rename":
            self.run("update_initiative", initiative_id=self.pick(self.initiatives), title=f"i{n}")
        elif choice == "add":
            initiative_id = self.pick(self.initiatives)
            added = self.a_deliverable()
            if self.run("add_deliverable", initiative_id=initiative_id, deliverable=added):
                initiative = self.app.repository.get(initiative_id)
                self.deliverables.append(
                    (initiative_id, initiative.deliverables[-1].deliverable_id)
                )
        elif choice == "status":
            initiative_id, deliverable_id = self.pick(self.deliverables)
            self.run(
                "change_deliverable_status",
                initiative_id=initiative_id,
                deliverable_id=deliverable_id,
                status=self.pick(list(STATUSES)),
                reason=f"status {n}",
            )
        elif choice == "estimate":
            initiative_id, deliverable_id = self.pick(self.deliverables)
            self.run(
                "estimate_deliverable",
                initiative_id=initiative_id,
                deliverable_id=deliverable_id,
                weeks=self.pick(WEEKS),
                reason=f"estimate {n}",
            )
        elif choice == "retarget":
            initiative_id, deliverable_id = self.pick(self.deliverables)
            self.run(
                "retarget_deliverable",
                initiative_id=initiative_id,
                deliverable_id=deliverable_id,
                target_cycle_id=self.pick(self.cycles),
                reason=f"retarget {n}",
            )
        else:
            initiative_id, deliverable_id = self.pick(self.deliverables)
            self.run(
                "remove_deliverable",
                initiative_id=initiative_id,
                deliverable_id=deliverable_id,
                reason=f"drop {n}",
            )


@HISTORIES
@given(data=st.data())
async def test_a_digest_is_the_difference_of_the_states_at_both_ends_and_the_events_between(
    services: Services, client: GraphQLClient, data: st.DataObject
) -> None:
    caller, token = await workspace(services)
    history = History(services.app, caller, data.draw)
    for _ in range(data.draw(st.integers(10, 40))):
        history.step()
    position = services.app.recorder.max_notification_id() or 0
    await services.watcher.wait_for(position, 30)
    instants = history.instants
    for _ in range(3):
        a = data.draw(st.sampled_from(instants))
        b = data.draw(st.sampled_from([t for t in instants if t >= a]))
        variables = {
            "id": to_global_id("Roadmap", history.roadmap),
            "since": a.isoformat(),
            "until": b.isoformat(),
        }
        found = (await client.execute(DIGEST, variables, token=token))["digest"]["items"]
        expected = digest_lines(services.app, caller.workspace_id, history.roadmap, a, b)
        assert [
            (item["kind"], item["summary"], item["reason"], item["actor"]) for item in found
        ] == expected, (a, b)
