"""Unique names are kept by reservations: found by id, saved with the change, raced safely."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError, Notification
from eventsourcing.popo import POPOApplicationRecorder

from backend.application import Caller
from backend.domain.base import Meta
from backend.domain.errors import DomainError, NameTaken
from backend.domain.name import NameReservation, reservation_id
from backend.domain.roadmap import Roadmap
from backend.domain.team import Team
from tests.domain.helpers import ObservedRoadlog, current, kinds, names_after, rejected, replayed


class CountingRecorder(POPOApplicationRecorder):
    """The in-memory store, counting the reads of the notification log."""

    def __init__(self) -> None:
        super().__init__()
        self.log_reads = 0

    def select_notifications(self, *args: Any, **kwargs: Any) -> Sequence[Notification]:
        self.log_reads += 1
        return super().select_notifications(*args, **kwargs)


class CountingRoadlog(ObservedRoadlog):
    """The application on a store that counts reads of its log."""

    def construct_recorder(self) -> CountingRecorder:
        return CountingRecorder()


class SlowSaving(ObservedRoadlog):
    """Decides, then waits a little before saving: two commands at once both decide
    before either saves (what a check-then-save would let through twice)."""

    def __init__(self) -> None:
        super().__init__()
        self.collisions = 0

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        time.sleep(0.05)
        try:
            return super().save(*objs, **kwargs)
        except IntegrityError:
            self.collisions += 1
            raise


def saved_before_reservations(app: ObservedRoadlog, caller: Caller, name: str) -> UUID:
    """A team recorded the way teams were before names were reserved: its event alone."""
    meta = Meta(workspace_id=caller.workspace_id, actor=caller.actor, reason="")
    team = Team.create(id=uuid4(), name=name, meta=meta, at=datetime.now(UTC))
    app.save(team)
    return team.id


def test_a_create_saves_the_reservation_of_its_name_with_its_own_event(
    app: ObservedRoadlog, editor: Caller
) -> None:
    team_id = app.create_team(editor, name=" SRE ").id
    reserved = current(app, NameReservation, reservation_id(editor.workspace_id, "Team", "sre"))
    assert (reserved.holder_id, reserved.holder_name) == (team_id, "SRE")
    assert kinds(names_after(app, 0)) == ["NamesIndexed.Marked", "NameReservation.Reserved"]


def test_a_rename_releases_the_old_name_which_another_can_take_again(
    app: ObservedRoadlog, editor: Caller
) -> None:
    first = app.create_roadmap(editor, name="Platform").id
    app.rename_roadmap(editor, roadmap_id=first, name="Infra")
    second = app.create_roadmap(editor, name="PLATFORM").id
    platform = current(
        app, NameReservation, reservation_id(editor.workspace_id, "Roadmap", "platform")
    )
    assert (platform.holder_id, platform.holder_name) == (second, "PLATFORM")
    error = rejected(
        app,
        NameTaken,
        "name",
        lambda: app.rename_roadmap(editor, roadmap_id=first, name="platform"),
    )
    assert isinstance(error, NameTaken)
    assert error.holder_id == second
    assert current(app, Roadmap, first).name == "Infra"


def test_a_teams_names_and_a_roadmaps_names_are_reserved_apart(
    app: ObservedRoadlog, editor: Caller
) -> None:
    app.create_team(editor, name="Platform")
    app.create_roadmap(editor, name="Platform")
    rejected(app, NameTaken, "name", lambda: app.create_team(editor, name="platform"))


def test_names_from_before_reservations_still_count_and_duplicates_stay_readable(
    app: ObservedRoadlog, editor: Caller
) -> None:
    oldest = saved_before_reservations(app, editor, "SRE")
    duplicate = saved_before_reservations(app, editor, "sre")
    other = saved_before_reservations(app, editor, "Web")

    error = rejected(app, NameTaken, "name", lambda: app.create_team(editor, name="Sre"))
    assert isinstance(error, NameTaken)
    assert error.holder_id == oldest
    assert [current(app, Team, id).name for id in (oldest, duplicate)] == ["SRE", "sre"]
    rejected(app, NameTaken, "name", lambda: app.rename_team(editor, team_id=other, name="SRE "))

    # The duplicate holds no name: renaming it frees nothing the oldest holds.
    app.rename_team(editor, team_id=duplicate, name="Reliability")
    rejected(app, NameTaken, "name", lambda: app.create_team(editor, name="sre"))
    assert current(app, Team, duplicate).name == "Reliability"


def test_the_earlier_names_are_read_from_the_log_once_and_never_again() -> None:
    app = CountingRoadlog()
    editor = Caller(workspace_id=uuid4(), actor="ed")
    saved_before_reservations(app, editor, "SRE")
    recorder = app.recorder
    assert isinstance(recorder, CountingRecorder)
    app.create_team(editor, name="Web")
    assert recorder.log_reads > 0, "the earlier names were not read at all"

    recorder.log_reads = 0
    for n in range(20):
        team_id = app.create_team(editor, name=f"Team {n}").id
        app.rename_team(editor, team_id=team_id, name=f"Renamed {n}")
    rejected(app, NameTaken, "name", lambda: app.create_team(editor, name="sre"))
    assert recorder.log_reads == 0


def test_two_creates_of_one_name_at_once_give_one_team_and_one_conflict() -> None:
    app = SlowSaving()
    editor = Caller(workspace_id=uuid4(), actor="ed")
    app.create_team(editor, name="Earlier")  # the workspace's names are marked reserved
    barrier = threading.Barrier(2)
    created: list[UUID] = []
    refused: list[DomainError] = []

    def create(name: str) -> None:
        barrier.wait()
        try:
            created.append(app.create_team(editor, name=name).id)
        except NameTaken as error:
            refused.append(error)

    threads = [threading.Thread(target=create, args=(n,)) for n in ("SRE", "sre")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert app.collisions > 0, "the creates never collided: the test proves nothing"
    assert len(created) == 1
    assert [error.code for error in refused] == ["CONFLICT"]
    teams = [a for a in app.decided.values() if isinstance(a, Team)]
    assert sorted(t.name.casefold() for t in teams) == ["earlier", "sre"]


def test_reservations_replay_to_what_was_decided(app: ObservedRoadlog, editor: Caller) -> None:
    team_id = app.create_team(editor, name="SRE").id
    app.rename_team(editor, team_id=team_id, name="Reliability")
    app.create_team(editor, name="sre")
    assert len(app.names_decided) == 3
    for id, decided in app.names_decided.items():
        assert replayed(app, id) == decided
