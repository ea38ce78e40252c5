"""Property: ``roadmap(asOf:)`` is the log replayed up to that instant, whatever the history.

Random command sequences run through the Roadlog application on PostgreSQL, each
aggregate on a business-time clock of its own (so events of different aggregates are
recorded out of business-time order, as backfills are); the projector applies them; then
at random instants (event times, the instant just before one, points in between) the
roadmap read through the GraphQL schema must equal a replay of the log up to that instant
by the simple model below — written from the events alone, independently of the SQL — and
``roadmapDiff`` must equal the difference of two such replays.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.application import Caller
from backend.bootstrap import Services, bootstrap
from backend.database import DatabaseTarget
from backend.domain.deliverable import FINISHED, STATUSES, NewDeliverable
from backend.domain.errors import DomainError
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from backend.settings import Settings
from backend.tokens import Principal, Role
from schema.context import Context
from schema.relay import to_global_id
from schema.root import build_schema
from tests.api.test_roadmap_shaped import FakeRequest

START = datetime(2020, 1, 1, tzinfo=UTC)

QUERY = """
query ($id: ID!, $asOf: DateTime) {
  roadmap(id: $id, asOf: $asOf) {
    initiatives {
      id title goal stakeholders position status version
      deliverables { id title stretch status estimateWeeks actualWeeks targetDate
                     targetCycle { id } }
    }
  }
}
"""

DIFF = """
query ($id: ID!, $from: DateTime!, $to: DateTime!) {
  roadmapDiff(id: $id, from: $from, to: $to) {
    added { id position } removed { id position }
    moved { initiative { id } fromPosition toPosition }
    changed {
      initiative { id } changes { field from to }
      deliverableChanges { deliverable { id } changes { field from to } }
    }
  }
}
"""


def by_deliverable(listed: list[dict[str, Any]]) -> list[tuple[str, str | None, str | None]]:
    """``deliverableChanges`` keyed as ``changes`` keys them: ``deliverables.<id>.<field>``,
    or ``deliverables.<id>`` for a deliverable added or removed in between (its title from
    or to null)."""
    keyed = []
    for entry in listed:
        path = f"deliverables.{entry['deliverable']['id']}"
        for f in entry["changes"]:
            whole = f["field"] == "title" and None in (f["from"], f["to"])
            keyed.append((path if whole else f"{path}.{f['field']}", f["from"], f["to"]))
    return keyed


# --- the model: the log replayed up to an instant ---------------------------------------


@dataclass
class DeliverableState:
    title: str
    stretch: bool
    status: str = "PLANNED"
    estimate: Decimal | None = None
    actual: Decimal = Decimal(0)
    cycle: UUID | None = None
    target_date: date | None = None
    completed_at: datetime | None = None


@dataclass
class InitiativeState:
    title: str
    goal: str
    stakeholders: list[str]
    deliverables: dict[UUID, DeliverableState] = field(default_factory=dict)

    @property
    def status(self) -> str:
        statuses = {d.status for d in self.deliverables.values()}
        if statuses == {"WONT_DO"}:
            return "WONT_DO"
        if statuses and statuses <= set(FINISHED):
            return "DONE"
        for status in ("AT_RISK", "POSSIBLE_DELAY", "IN_PROGRESS"):
            if status in statuses:
                return status
        return "PLANNED"


def replay(events: list[Any], at: datetime) -> tuple[list[UUID], dict[UUID, InitiativeState]]:
    """The order and the initiatives after every event at or before ``at``, in log order."""
    order: list[UUID] = []
    initiatives: dict[UUID, InitiativeState] = {}
    for event in events:
        if event.effective_at > at:
            continue
        if isinstance(event, Roadmap.InitiativePlaced):
            order.insert(event.position - 1, event.initiative_id)
        elif isinstance(event, Roadmap.InitiativeMoved):
            order.remove(event.initiative_id)
            order.insert(event.to_position - 1, event.initiative_id)
        elif isinstance(event, Roadmap.InitiativeRemoved):
            order.remove(event.initiative_id)
        elif isinstance(event, Initiative.Proposed):
            initiatives[event.originator_id] = InitiativeState(
                event.title, event.goal, list(event.stakeholders)
            )
        elif isinstance(event, Initiative.Updated):
            state = initiatives[event.originator_id]
            for name, (_, new) in event.changes.items():
                setattr(state, name, new)
        elif isinstance(event, Initiative.DeliverableAdded):
            initiatives[event.originator_id].deliverables[event.deliverable_id] = DeliverableState(
                event.title, event.stretch
            )
        elif isinstance(event, Initiative.DeliverableRemoved):
            del initiatives[event.originator_id].deliverables[event.deliverable_id]
        elif hasattr(event, "deliverable_id"):
            deliverable = initiatives[event.originator_id].deliverables[event.deliverable_id]
            if isinstance(event, Initiative.DeliverableUpdated):
                for name, (_, new) in event.changes.items():
                    setattr(deliverable, name, new)
            elif isinstance(event, Initiative.DeliverableStatusChanged):
                deliverable.status = event.to_status
                deliverable.completed_at = event.completed_at
            elif isinstance(event, Initiative.DeliverableEstimated):
                deliverable.estimate = event.weeks
            elif isinstance(event, Initiative.EffortLogged):
                deliverable.actual += event.weeks
            elif isinstance(event, Initiative.DeliverableRetargeted):
                deliverable.cycle, deliverable.target_date = event.to_cycle_id, event.to_date
    return order, initiatives


def as_shown(
    roadmap_id: UUID, initiative_id: UUID, state: InitiativeState, n: int, version: int
) -> Any:
    """An initiative of the model as the QUERY shows it (``version``: its current one)."""
    return {
        "id": to_global_id("Initiative", initiative_id),
        "title": state.title,
        "goal": state.goal,
        "stakeholders": state.stakeholders,
        "position": n,
        "status": state.status,
        "version": version,
        "deliverables": [
            {
                "id": to_global_id("Deliverable", initiative_id, deliverable_id),
                "title": d.title,
                "stretch": d.stretch,
                "status": d.status,
                "estimateWeeks": None if d.estimate is None else Decimal(d.estimate),
                "actualWeeks": d.actual,
                "targetDate": None if d.target_date is None else d.target_date.isoformat(),
                "targetCycle": None
                if d.cycle is None
                else {"id": to_global_id("Cycle", roadmap_id, d.cycle)},
            }
            for deliverable_id, d in state.deliverables.items()
        ],
    }


def with_decimals(initiative: Any) -> Any:
    """An answer with its decimal strings as Decimals (3 and 3.0 are the same weeks)."""
    for deliverable in initiative["deliverables"]:
        for name in ("estimateWeeks", "actualWeeks"):
            if deliverable[name] is not None:
                deliverable[name] = Decimal(deliverable[name])
    return initiative


def model_diff(
    roadmap_id: UUID, events: list[Any], before: datetime, after: datetime
) -> dict[str, Any]:
    """The difference of two replays, as roadmapDiff defines it."""
    old_order, old = replay(events, before)
    new_order, new = replay(events, after)
    changed = {}
    for id in new_order:
        if id not in old_order:
            continue
        fields: dict[str, tuple[Any, Any]] = {}
        a, b = old[id], new[id]
        for name in ("title", "goal", "stakeholders", "status"):
            if getattr(a, name) != getattr(b, name):
                fields[name] = (getattr(a, name), getattr(b, name))
        for deliverable_id, d in b.deliverables.items():
            path = f"deliverables.{to_global_id('Deliverable', id, deliverable_id)}"
            was = a.deliverables.get(deliverable_id)
            if was is None:
                fields[path] = (None, d.title)
                continue
            for name, attribute in (
                ("title", "title"),
                ("stretch", "stretch"),
                ("status", "status"),
                ("estimateWeeks", "estimate"),
                ("actualWeeks", "actual"),
                ("targetDate", "target_date"),
                ("completedAt", "completed_at"),
            ):
                old_value, new_value = getattr(was, attribute), getattr(d, attribute)
                if old_value != new_value:
                    fields[f"{path}.{name}"] = (old_value, new_value)
            if was.cycle != d.cycle:
                fields[f"{path}.targetCycle"] = tuple(  # type: ignore[assignment]
                    None if c is None else to_global_id("Cycle", roadmap_id, c)
                    for c in (was.cycle, d.cycle)
                )
        for deliverable_id, d in a.deliverables.items():
            if deliverable_id not in b.deliverables:
                path = f"deliverables.{to_global_id('Deliverable', id, deliverable_id)}"
                fields[path] = (d.title, None)
        if fields:
            changed[to_global_id("Initiative", id)] = fields
    return {
        "added": [
            (to_global_id("Initiative", id), n)
            for n, id in enumerate(new_order, 1)
            if id not in old_order
        ],
        "removed": [
            (to_global_id("Initiative", id), n)
            for n, id in enumerate(old_order, 1)
            if id not in new_order
        ],
        "moved": [
            (to_global_id("Initiative", id), old_order.index(id) + 1, n)
            for n, id in enumerate(new_order, 1)
            if id in old_order and old_order.index(id) + 1 != n
        ],
        "changed": changed,
    }


def decoded(value: str | None) -> Any:
    """A FieldChange value back to the model's terms."""
    if value is None:
        return None
    plain = json.loads(value)
    if isinstance(plain, str):
        try:
            return Decimal(plain) if plain[:1].isdigit() and "-" not in plain else plain
        except ArithmeticError:
            return plain
    return plain


def comparable(fields: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    def one(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return Decimal(value)
        return value

    return {name: (one(a), one(b)) for name, (a, b) in fields.items()}


# --- the commands: a random history ---------------------------------------------------------


COMMANDS = (
    "propose",
    "move",
    "remove",
    "update",
    "add",
    "status",
    "estimate",
    "effort",
    "target",
    "correct",
    "drop",
)

steps = st.lists(
    st.tuples(
        st.sampled_from(COMMANDS),
        st.integers(0, 50),
        st.integers(0, 50),
        st.sampled_from([0, 0, 1, 7, 90, 600]),  # minutes later (0: the same instant)
    ),
    min_size=3,
    max_size=22,
)


@dataclass
class History:
    """Runs random steps as commands, each aggregate on its own business-time clock."""

    services: Services
    caller: Caller
    roadmap: UUID
    cycle: UUID
    clocks: dict[UUID, datetime]
    initiatives: list[UUID] = field(default_factory=list)
    deliverables: list[tuple[UUID, UUID]] = field(default_factory=list)

    def at(self, minutes: int, *aggregates: UUID) -> datetime:
        latest = max(self.clocks.get(a, START) for a in aggregates)
        at = latest + timedelta(minutes=minutes)
        for aggregate in aggregates:
            self.clocks[aggregate] = at
        return at

    def run(self, command: str, a: int, b: int, minutes: int) -> None:
        app, caller = self.services.app, self.caller
        if command == "propose":
            id = uuid4()
            at = self.at(minutes, self.roadmap)
            self.clocks[id] = at
            deliverables = [
                NewDeliverable(f"d{n}", stretch=n == 1, id=uuid4()) for n in range(a % 3)
            ]
            app.propose_initiative(
                caller,
                roadmap_id=self.roadmap,
                title=f"initiative {len(self.initiatives)}",
                goal="g",
                position=None if b % 3 == 0 else b % (len(self.on_roadmap()) + 1) + 1,
                deliverables=deliverables,
                id=id,
                effective_at=at,
            )
            self.initiatives.append(id)
            self.deliverables += [(id, d.id) for d in deliverables if d.id]
            return
        if command in ("move", "remove"):
            on = self.on_roadmap()
            if not on:
                return
            initiative = on[a % len(on)]
            if command == "move":
                app.move_initiative(
                    caller,
                    roadmap_id=self.roadmap,
                    initiative_id=initiative,
                    to_position=b % len(on) + 1,
                    reason="r",
                    effective_at=self.at(minutes, self.roadmap),
                )
            else:
                app.remove_initiative(
                    caller,
                    roadmap_id=self.roadmap,
                    initiative_id=initiative,
                    reason="r",
                    effective_at=self.at(minutes, self.roadmap, initiative),
                )
            return
        if command in ("update", "add"):
            if not self.initiatives:
                return
            initiative = self.initiatives[a % len(self.initiatives)]
            at = self.at(minutes, initiative)
            if command == "update":
                app.update_initiative(
                    caller,
                    initiative_id=initiative,
                    title=f"renamed {b}" if b % 2 else None,
                    goal=f"goal {b}" if b % 3 else None,
                    stakeholders=[f"s{b % 4}"] if b % 5 == 0 else None,
                    effective_at=at,
                )
            else:
                id = uuid4()
                app.add_deliverable(
                    caller,
                    initiative_id=initiative,
                    deliverable=NewDeliverable(f"added {b}", id=id, status=STATUSES[b % 6]),
                    effective_at=at,
                )
                self.deliverables.append((initiative, id))
            return
        if not self.deliverables:
            return
        initiative, deliverable = self.deliverables[a % len(self.deliverables)]
        refs: dict[str, Any] = {
            "initiative_id": initiative,
            "deliverable_id": deliverable,
            "effective_at": self.at(minutes, initiative),
        }
        if command == "status":
            app.change_deliverable_status(caller, status=STATUSES[b % 6], reason="r", **refs)
        elif command == "estimate":
            app.estimate_deliverable(caller, weeks=Decimal(b % 7 + 1) / 2, **refs)
        elif command == "effort":
            app.log_effort(caller, weeks=Decimal("0.5"), **refs)
        elif command == "correct":
            app.update_deliverable(
                caller,
                title=f"corrected {b}" if b % 2 else None,
                stretch=b % 3 == 0 if b % 4 else None,
                **refs,
            )
        elif command == "drop":
            app.remove_deliverable(caller, reason="r", **refs)
        elif b % 2:
            app.retarget_deliverable(caller, target_cycle_id=self.cycle, reason="r", **refs)
        else:
            app.retarget_deliverable(
                caller, target_date=date(2020, 3, b % 28 + 1), reason="r", **refs
            )

    def on_roadmap(self) -> list[UUID]:
        roadmap: Any = self.services.app.repository.get(self.roadmap)
        assert isinstance(roadmap, Roadmap)
        return list(roadmap.priority)


@dataclass
class Harness:
    """One event loop and one set of services for every example of the test."""

    loop: asyncio.AbstractEventLoop
    services: Services


@pytest.fixture
def harness(database: DatabaseTarget, tmp_path: Path) -> Iterator[Harness]:
    loop = asyncio.new_event_loop()
    built = bootstrap(
        Settings(database_url=database.url, data_dir=tmp_path / "data", pool_max_size=4),
        database,
    )
    services = loop.run_until_complete(built.__aenter__())
    try:
        yield Harness(loop, services)
    finally:
        loop.run_until_complete(built.__aexit__(None, None, None))
        loop.close()


def instants(events: list[Any], rnd: random.Random, count: int) -> list[datetime]:
    """Event times, the instant just before them, points between, and beyond both ends."""
    times = sorted({event.effective_at for event in events})
    candidates = [times[0] - timedelta(days=1), times[-1] + timedelta(days=1)]
    for earlier, later in itertools.pairwise(times):
        candidates += [earlier, later - timedelta(microseconds=1), earlier + (later - earlier) / 2]
    return rnd.sample(candidates, min(count, len(candidates)))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(program=steps, rnd=st.randoms(use_true_random=False))
def test_as_of_and_diff_equal_replays_of_the_log(
    harness: Harness, program: list[tuple[str, int, int, int]], rnd: random.Random
) -> None:
    harness.loop.run_until_complete(check(harness.services, program, rnd))


async def check(
    services: Services, program: list[tuple[str, int, int, int]], rnd: random.Random
) -> None:
    workspace_id = uuid4()
    caller = Caller(workspace_id=workspace_id, actor="prop", may_backfill=True)
    app = services.app
    first = (app.recorder.max_notification_id() or 0) + 1
    roadmap = app.create_roadmap(caller, name="R", effective_at=START, releases=True).id
    cycle = app.create_cycle(
        caller,
        roadmap_id=roadmap,
        name="C",
        starts_on=date(2020, 1, 1),
        ends_on=date(2020, 2, 1),
        effective_at=START,
    ).id
    history = History(services, caller, roadmap, cycle, {roadmap: START})
    for command, x, y, minutes in program:
        # A rejected command (a deliverable reopened without reason...) records nothing.
        with contextlib.suppress(DomainError):
            history.run(command, x, y, minutes)
    head = app.recorder.max_notification_id() or 0
    await services.watcher.wait_for(head, 30)
    events = [
        app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(first, 10_000)
    ]
    events = [e for e in events if getattr(e, "workspace_id", None) == workspace_id]
    schema = build_schema(services.settings)
    principal = Principal(uuid4(), "prop", Role.VIEWER, workspace_id, "prop")

    async def ask(query: str, **variables: Any) -> Any:
        context = Context(
            request=FakeRequest(),  # type: ignore[arg-type]
            response=None,
            services=services,
            request_id="prop",
            principal=principal,
        )
        result = await schema.execute(query, variable_values=variables, context_value=context)
        assert result.errors is None, result.errors
        return result.data

    roadmap_gid = to_global_id("Roadmap", roadmap)
    # An aggregate's version: how many events it has, whatever the instant asked.
    versions = Counter(event.originator_id for event in events)
    for at in instants(events, rnd, 6):
        order, states = replay(events, at)
        data = await ask(QUERY, id=roadmap_gid, asOf=at.isoformat())
        expected = [
            as_shown(roadmap, id, states[id], n, versions[id]) for n, id in enumerate(order, 1)
        ]
        if at < START:
            assert data == {"roadmap": None}
            continue
        shown = [with_decimals(i) for i in data["roadmap"]["initiatives"]]
        assert shown == expected, f"as of {at.isoformat()}"
    for _ in range(2):
        earlier, later = sorted(instants(events, rnd, 2))
        data = (
            await ask(
                DIFF, id=roadmap_gid, **{"from": earlier.isoformat(), "to": later.isoformat()}
            )
        )["roadmapDiff"]
        expected_diff = model_diff(roadmap, events, earlier, later)
        assert [(i["id"], i["position"]) for i in data["added"]] == expected_diff["added"]
        assert [(i["id"], i["position"]) for i in data["removed"]] == expected_diff["removed"]
        assert [
            (m["initiative"]["id"], m["fromPosition"], m["toPosition"]) for m in data["moved"]
        ] == expected_diff["moved"]
        changed = {
            c["initiative"]["id"]: comparable(
                {f["field"]: (decoded(f["from"]), decoded(f["to"])) for f in c["changes"]}
            )
            for c in data["changed"]
        }
        assert changed == {
            id: comparable(fields) for id, fields in expected_diff["changed"].items()
        }, f"from {earlier.isoformat()} to {later.isoformat()}"
        for c in data["changed"]:
            assert by_deliverable(c["deliverableChanges"]) == [
                (f["field"], f["from"], f["to"])
                for f in c["changes"]
                if f["field"].startswith("deliverables.")
            ], "deliverableChanges are the id-keyed changes, by deliverable"
