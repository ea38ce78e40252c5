"""Helpers of the domain tests: an observed application, the log, rejections, builders."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import Repository
from eventsourcing.domain import DomainEventProtocol

from backend.application import Caller, Roadlog
from backend.domain.base import RoadlogAggregate
from backend.domain.deliverable import NewDeliverable
from backend.domain.errors import DomainError
from backend.domain.initiative import Initiative
from backend.domain.name import NAME_EVENTS, NameReservation, NamesIndexed

Event = DomainEventProtocol[UUID]
A = TypeVar("A", bound=RoadlogAggregate)


class ObservedRoadlog(Roadlog):
    """The application on the in-memory store, remembering each aggregate as it was saved.

    What a command decided in memory (``decided``) can then be compared with what a
    replay of the stored events reproduces.
    """

    name = "Roadlog"

    def __init__(self) -> None:
        super().__init__(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        self.decided: dict[UUID, RoadlogAggregate] = {}
        self.names_decided: dict[UUID, RoadlogAggregate] = {}
        """The name reservations, apart: bookkeeping of the commands, not product state."""

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        recordings = super().save(*objs, **kwargs)
        for obj in objs:
            if isinstance(obj, (NameReservation, NamesIndexed)):
                self.names_decided[obj.id] = copy.deepcopy(obj)
            elif isinstance(obj, RoadlogAggregate):
                self.decided[obj.id] = copy.deepcopy(obj)
        return recordings


def event_count(app: Roadlog) -> int:
    """How many events the log holds (the highest notification id)."""
    return app.recorder.max_notification_id() or 0


def events_after(app: Roadlog, position: int) -> list[Event]:
    """The events recorded after a position, decoded as the projector would, but the
    name reservations saved with creates and renames (``names_after`` has those)."""
    notifications = app.recorder.select_notifications(position + 1, 10_000)
    events = [app.mapper.to_domain_event(n) for n in notifications]
    return [e for e in events if not isinstance(e, NAME_EVENTS)]


def names_after(app: Roadlog, position: int) -> list[Event]:
    """The name reservation events recorded after a position."""
    notifications = app.recorder.select_notifications(position + 1, 10_000)
    events = [app.mapper.to_domain_event(n) for n in notifications]
    return [e for e in events if isinstance(e, NAME_EVENTS)]


def kinds(events: Sequence[Event]) -> list[str]:
    """The events' class names, e.g. ["Initiative.Proposed", "Roadmap.InitiativePlaced"]."""
    return [type(e).__qualname__ for e in events]


def recorded(app: Roadlog, command: Callable[[], object]) -> list[Event]:
    """Run a command and return the events it recorded."""
    before = event_count(app)
    command()
    return events_after(app, before)


def rejected(
    app: Roadlog, error: type[DomainError], field: str | None, command: Callable[[], object]
) -> DomainError:
    """Run a command that must fail with exactly this error and field, recording nothing."""
    before = event_count(app)
    with pytest.raises(DomainError) as info:
        command()
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    assert info.value.field == field, info.value.message
    assert event_count(app) == before
    return info.value


def attrs(event: Event, *names: str) -> dict[str, Any]:
    """Some fields of an event, to compare with a dict."""
    return {name: getattr(event, name) for name in names}


def replayed(app: Roadlog, id: UUID, *, snapshots: bool = False) -> Any:
    """An aggregate rebuilt from the store by a fresh repository (no cache)."""
    repository: Repository[UUID] = Repository(
        event_store=app.events, snapshot_store=app.snapshots if snapshots else None
    )
    return repository.get(id)


def current(app: Roadlog, cls: type[A], id: UUID) -> A:
    """The current state of an aggregate, as the application loads it."""
    aggregate: Any = app.repository.get(id)
    assert isinstance(aggregate, cls), f"{aggregate!r} is not a {cls.__name__}"
    return aggregate


def state_size(app: Roadlog, cls: type[RoadlogAggregate], id: UUID) -> int:
    """Bytes of an aggregate's current state, pickled: every command copies that state,
    so it must not grow with use."""
    return len(pickle.dumps(vars(current(app, cls, id))))


def state_size_after(
    app: Roadlog, cls: type[RoadlogAggregate], id: UUID, command: Callable[[], object], times: int
) -> int:
    """``state_size`` of the aggregate after ``command`` has run ``times`` more times."""
    for _ in range(times):
        command()
    return state_size(app, cls, id)


def a_roadmap(app: Roadlog, caller: Caller, name: str = "Platform") -> UUID:
    """A roadmap of releases: its cycles take any dates (see the ``roadmap_id`` fixture)."""
    return app.create_roadmap(caller, name=name, releases=True).id


def initiatives_on(app: Roadlog, caller: Caller, roadmap_id: UUID, count: int) -> list[UUID]:
    """Propose ``count`` initiatives, in priority order."""
    return [
        app.propose_initiative(caller, roadmap_id=roadmap_id, title=f"I{n}", goal="g").id
        for n in range(1, count + 1)
    ]


def a_cycle(
    app: Roadlog,
    caller: Caller,
    roadmap_id: UUID,
    name: str = "C1",
    starts_on: date = date(2026, 1, 5),
    ends_on: date = date(2026, 2, 13),
) -> UUID:
    """A planned cycle on the roadmap."""
    return app.create_cycle(
        caller, roadmap_id=roadmap_id, name=name, starts_on=starts_on, ends_on=ends_on
    ).id


def with_deliverable(
    app: Roadlog,
    caller: Caller,
    roadmap_id: UUID,
    *,
    title: str = "API",
    target_cycle_id: UUID | None = None,
    target_date: date | None = None,
    estimate_weeks: Decimal | None = None,
) -> tuple[UUID, UUID]:
    """An initiative with one deliverable: (initiative id, deliverable id)."""
    initiative_id = app.propose_initiative(
        caller,
        roadmap_id=roadmap_id,
        title=f"Initiative for {title}",
        goal="g",
        deliverables=[
            NewDeliverable(
                title,
                estimate_weeks=estimate_weeks,
                target_cycle_id=target_cycle_id,
                target_date=target_date,
            )
        ],
    ).id
    initiative = current(app, Initiative, initiative_id)
    return initiative_id, initiative.deliverables[0].deliverable_id


Command = Callable[[Caller, datetime | None], object]


def every_command(app: ObservedRoadlog, caller: Caller) -> dict[str, Command]:
    """Each command of the application, ready to run with a caller and an effective_at."""
    roadmap_id = app.create_roadmap(caller, name="R").id
    cycle_id = a_cycle(app, caller, roadmap_id, "C1", date(2026, 1, 1), date(2026, 3, 31))
    spare_cycle = a_cycle(app, caller, roadmap_id, "Spare", date(2028, 1, 1), date(2028, 3, 31))
    initiative_id, deliverable_id = with_deliverable(app, caller, roadmap_id)
    other_initiative, _ = initiatives_on(app, caller, roadmap_id, 2)
    removable = with_deliverable(app, caller, roadmap_id, title="Removable")
    with_deliverable(app, caller, roadmap_id, title="spare", target_cycle_id=spare_cycle)
    objective_id = app.create_objective(caller, title="O", period="2026-Q1", level="COMPANY").id
    key_result_id = app.add_key_result(
        caller, objective_id=objective_id, title="KR", unit="", start_value=0, target_value=1
    ).id
    decision_id = app.record_decision(caller, title="D", context="c", outcome="o", rationale="r").id
    later_decision = app.record_decision(caller, title="E", context="c", outcome="o", rationale="r")
    spare_key_result_id = app.add_key_result(
        caller, objective_id=objective_id, title="KR2", unit="", start_value=0, target_value=1
    ).id
    spare_objective_id = app.create_objective(
        caller, title="Spare", period="2026-Q1", level="COMPANY"
    ).id
    team_id = app.create_team(caller, name="Shelved team").id
    shelf_id = app.create_roadmap(caller, name="Shelf").id
    return {
        "create_team": lambda c, at: app.create_team(c, name="T", effective_at=at),
        "create_roadmap": lambda c, at: app.create_roadmap(c, name="R2", effective_at=at),
        "rename_team": lambda c, at: app.rename_team(
            c, team_id=team_id, name="Old team", effective_at=at
        ),
        "archive_team": lambda c, at: app.archive_team(
            c, team_id=team_id, reason="disbanded", effective_at=at
        ),
        "rename_roadmap": lambda c, at: app.rename_roadmap(
            c, roadmap_id=shelf_id, name="Old shelf", effective_at=at
        ),
        "archive_roadmap": lambda c, at: app.archive_roadmap(
            c, roadmap_id=shelf_id, reason="done with it", effective_at=at
        ),
        "propose_initiative": lambda c, at: app.propose_initiative(
            c, roadmap_id=roadmap_id, title="T", goal="G", effective_at=at
        ),
        "update_initiative": lambda c, at: app.update_initiative(
            c, initiative_id=initiative_id, title="New", effective_at=at
        ),
        "move_initiative": lambda c, at: app.move_initiative(
            c,
            roadmap_id=roadmap_id,
            initiative_id=initiative_id,
            to_position=2,
            reason="r",
            effective_at=at,
        ),
        "remove_initiative": lambda c, at: app.remove_initiative(
            c, roadmap_id=roadmap_id, initiative_id=other_initiative, reason="r", effective_at=at
        ),
        "add_deliverable": lambda c, at: app.add_deliverable(
            c, initiative_id=initiative_id, deliverable=NewDeliverable("x"), effective_at=at
        ),
        "update_deliverable": lambda c, at: app.update_deliverable(
            c,
            initiative_id=initiative_id,
            deliverable_id=deliverable_id,
            title="Renamed",
            effective_at=at,
        ),
        "remove_deliverable": lambda c, at: app.remove_deliverable(
            c,
            initiative_id=removable[0],
            deliverable_id=removable[1],
            reason="r",
            effective_at=at,
        ),
        "change_deliverable_status": lambda c, at: app.change_deliverable_status(
            c,
            initiative_id=initiative_id,
            deliverable_id=deliverable_id,
            status="DONE",
            effective_at=at,
        ),
        "estimate_deliverable": lambda c, at: app.estimate_deliverable(
            c,
            initiative_id=initiative_id,
            deliverable_id=deliverable_id,
            weeks=Decimal(1),
            effective_at=at,
        ),
        "retarget_deliverable": lambda c, at: app.retarget_deliverable(
            c,
            initiative_id=initiative_id,
            deliverable_id=deliverable_id,
            target_date=date(2026, 9, 1),
            reason="r",
            effective_at=at,
        ),
        "log_effort": lambda c, at: app.log_effort(
            c,
            initiative_id=initiative_id,
            deliverable_id=deliverable_id,
            weeks=Decimal(1),
            effective_at=at,
        ),
        "create_cycle": lambda c, at: app.create_cycle(
            c,
            roadmap_id=roadmap_id,
            name="C9",
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 3, 31),
            effective_at=at,
        ),
        "update_cycle": lambda c, at: app.update_cycle(
            c, roadmap_id=roadmap_id, cycle_id=cycle_id, name="C1b", reason="r", effective_at=at
        ),
        "plan_cycles": lambda c, at: app.plan_cycles(
            c, roadmap_id=roadmap_id, cycle_ids=[uuid4()], effective_at=at
        ),
        "cancel_cycle": lambda c, at: app.cancel_cycle(
            c, roadmap_id=roadmap_id, cycle_id=spare_cycle, reason="r", effective_at=at
        ),
        "set_fiscal_year": lambda c, at: app.set_fiscal_year(
            c, fiscal_year_start_month=2, reason="r", effective_at=at
        ),
        "start_cycle": lambda c, at: app.start_cycle(
            c, roadmap_id=roadmap_id, cycle_id=cycle_id, effective_at=at
        ),
        "close_cycle": lambda c, at: app.close_cycle(
            c, roadmap_id=roadmap_id, cycle_id=cycle_id, effective_at=at
        ),
        "create_objective": lambda c, at: app.create_objective(
            c, title="O", period="2026-Q1", level="COMPANY", effective_at=at
        ),
        "update_objective": lambda c, at: app.update_objective(
            c, objective_id=objective_id, title="O2", effective_at=at
        ),
        "add_key_result": lambda c, at: app.add_key_result(
            c,
            objective_id=objective_id,
            title="KR",
            unit="",
            start_value=0,
            target_value=1,
            effective_at=at,
        ),
        "check_in_key_result": lambda c, at: app.check_in_key_result(
            c, objective_id=objective_id, key_result_id=key_result_id, value=1, effective_at=at
        ),
        "update_key_result": lambda c, at: app.update_key_result(
            c,
            objective_id=objective_id,
            key_result_id=key_result_id,
            target_value=2,
            effective_at=at,
        ),
        "align_initiative": lambda c, at: app.align_initiative(
            c,
            initiative_id=initiative_id,
            objective_id=objective_id,
            key_result_id=key_result_id,
            kind="SUPPORTS",
            effective_at=at,
        ),
        "unalign_initiative": lambda c, at: app.unalign_initiative(
            c,
            initiative_id=initiative_id,
            objective_id=objective_id,
            key_result_id=key_result_id,
            effective_at=at,
        ),
        "remove_key_result": lambda c, at: app.remove_key_result(
            c,
            objective_id=objective_id,
            key_result_id=spare_key_result_id,
            reason="r",
            effective_at=at,
        ),
        "archive_objective": lambda c, at: app.archive_objective(
            c, objective_id=spare_objective_id, reason="r", effective_at=at
        ),
        "record_decision": lambda c, at: app.record_decision(
            c, title="D", context="c", outcome="o", rationale="r", effective_at=at
        ),
        "supersede_decision": lambda c, at: app.supersede_decision(
            c, decision_id=decision_id, superseded_by_id=later_decision.id, effective_at=at
        ),
        "post_status_update": lambda c, at: app.post_status_update(
            c,
            roadmap_id=roadmap_id,
            initiative_id=initiative_id,
            health="AT_RISK",
            body="Waiting on the vendor",
            effective_at=at,
        ),
    }


def a_key_result(app: Roadlog, caller: Caller) -> tuple[UUID, UUID]:
    """A company objective with one key result from 0 to 40: (objective id, its id)."""
    objective_id = app.create_objective(caller, title="O", period="2026-Q3", level="COMPANY").id
    key_result_id = app.add_key_result(
        caller, objective_id=objective_id, title="KR", unit="", start_value=0, target_value=40
    ).id
    return objective_id, key_result_id
