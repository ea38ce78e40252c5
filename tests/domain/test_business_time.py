"""Business time: admins may backfill effectiveAt, never into the future or out of order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from uuid import UUID, uuid4

import pytest

from backend.application import Caller, Roadlog
from backend.domain.errors import Forbidden, Invalid
from tests.domain.helpers import (
    ObservedRoadlog,
    attrs,
    every_command,
    initiatives_on,
    recorded,
    rejected,
)

PAST = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

COMMANDS = list(every_command(ObservedRoadlog(), Caller(UUID(int=1), "probe")))


@pytest.mark.parametrize("name", COMMANDS)
def test_an_editor_may_not_backfill_any_command(
    app: ObservedRoadlog, editor: Caller, admin: Caller, name: str
) -> None:
    command = every_command(app, admin)[name]
    error = rejected(app, Forbidden, "effective_at", lambda: command(editor, PAST))
    assert error.code == "FORBIDDEN"


def test_every_command_records_an_admins_business_time_on_its_events(
    app: ObservedRoadlog, admin: Caller
) -> None:
    commands = every_command(app, admin)
    for name, command in commands.items():
        # Just before the command: after everything recorded so far, and not in the future.
        effective_at = datetime.now(UTC)
        events = recorded(app, partial(command, admin, effective_at))
        assert events, name
        for event in events:
            assert attrs(event, "effective_at", "actor") == {
                "effective_at": effective_at,
                "actor": admin.actor,
            }, name


def test_forbidden_is_checked_before_anything_else(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, _ = initiatives_on(app, editor, roadmap_id, 2)
    rejected(
        app,
        Forbidden,
        "effective_at",
        lambda: app.move_initiative(
            editor,
            roadmap_id=roadmap_id,
            initiative_id=first,
            to_position=99,
            reason="",
            effective_at=PAST,
        ),
    )


def test_backfilled_time_is_stored_in_utc(app: ObservedRoadlog, admin: Caller) -> None:
    local = datetime(2025, 6, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    [event] = recorded(app, lambda: app.create_team(admin, name="T", effective_at=local))
    stored = attrs(event, "effective_at")["effective_at"]
    assert stored == PAST
    assert stored.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "effective_at",
    [datetime.now(UTC) + timedelta(days=1), datetime(2025, 6, 1, 12, 0)],
)
def test_a_future_or_offsetless_business_time_is_invalid(
    app: ObservedRoadlog, admin: Caller, effective_at: datetime
) -> None:
    rejected(
        app,
        Invalid,
        "effective_at",
        lambda: app.create_team(admin, name="T", effective_at=effective_at),
    )


def test_business_time_may_not_go_back_on_any_aggregate_the_command_changes(
    app: ObservedRoadlog, admin: Caller
) -> None:
    roadmap_id = app.create_roadmap(admin, name="R", effective_at=PAST).id
    initiative_id = app.propose_initiative(
        admin, roadmap_id=roadmap_id, title="T", goal="G", effective_at=PAST + timedelta(days=1)
    ).id
    app.update_initiative(
        admin, initiative_id=initiative_id, title="T2", effective_at=PAST + timedelta(days=3)
    )
    # The roadmap's latest change is day 1, but the initiative's is day 3.
    error = rejected(
        app,
        Invalid,
        "effective_at",
        lambda: app.remove_initiative(
            admin,
            roadmap_id=roadmap_id,
            initiative_id=initiative_id,
            reason="r",
            effective_at=PAST + timedelta(days=2),
        ),
    )
    assert "before" in error.message
    app.remove_initiative(
        admin,
        roadmap_id=roadmap_id,
        initiative_id=initiative_id,
        reason="r",
        effective_at=PAST + timedelta(days=3),
    )


def test_text_that_could_not_be_stored_is_invalid_and_records_nothing() -> None:
    app = Roadlog(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    caller = Caller(workspace_id=uuid4(), actor="a")
    for bad in ("SRE\x00", "SRE \ud800"):
        with pytest.raises(Invalid) as raised:
            app.create_team(caller, name=bad)
        assert raised.value.field == "name"
    roadmap = app.create_roadmap(caller, name="R").id
    with pytest.raises(Invalid) as raised:
        app.propose_initiative(
            caller, roadmap_id=roadmap, title="A", goal="g", stakeholders=["x\x00"]
        )
    assert raised.value.field == "stakeholders"
    # Only the roadmap's creation, with the reservation of its name (and the mark that the
    # workspace's names are reserved) saved alongside.
    notifications = app.recorder.select_notifications(start=1, limit=100)
    assert [type(app.mapper.to_domain_event(n)).__qualname__ for n in notifications] == [
        "NamesIndexed.Marked",
        "NameReservation.Reserved",
        "Roadmap.Created",
    ]
