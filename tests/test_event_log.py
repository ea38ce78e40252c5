"""The event log: append-only in the database itself, recorded in order, once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from decimal import Decimal
from functools import partial
from typing import Any

import asyncpg
import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent

from backend import recorder as recorder_module
from backend.application import Caller
from backend.bootstrap import Services
from backend.database import DatabaseTarget
from backend.domain.deliverable import NewDeliverable
from backend.eventstore import open_event_store
from backend.recorder import OrderedInsertRecorder


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE public.roadlog_events SET topic = 'rewritten'",
        "DELETE FROM public.roadlog_events",
        "TRUNCATE public.roadlog_events",
    ],
)
async def test_updating_deleting_or_truncating_events_is_refused_even_to_the_owner(
    services: Services, statement: str
) -> None:
    """The triggers hold for the owner too (the runtime role has no such rights at all:
    tests/test_runtime_role.py)."""
    caller = Caller(workspace_id=uuid.uuid4(), actor="a")
    services.app.create_team(caller, name="SRE")
    conn = await asyncpg.connect(**services.target.migrator.asyncpg_kwargs())
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await conn.execute(statement)
        # The team's creation, the reservation of its name and the mark that the
        # workspace's names are reserved, saved together: all still there.
        assert await conn.fetchval("SELECT count(*) FROM public.roadlog_events") == 3
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM public.roadlog_events WHERE topic = 'rewritten'"
            )
            == 0
        )
    finally:
        await conn.close()


async def test_a_command_commits_its_events_under_the_table_lock(services: Services) -> None:
    """Notification ids are drawn and committed under the library's EXCLUSIVE table lock.

    A transaction holding ROW EXCLUSIVE does not block a plain INSERT, only one that
    takes the lock first; so the command must wait for it, and then record.
    """
    caller = Caller(workspace_id=uuid.uuid4(), actor="a")
    # Another writer that inserts without the function: only the owner may (the runtime
    # role can neither insert nor lock the table but through roadlog_insert_events).
    conn = await asyncpg.connect(**services.target.migrator.asyncpg_kwargs())
    try:
        transaction = conn.transaction()
        await transaction.start()
        await conn.execute("LOCK TABLE public.roadlog_events IN ROW EXCLUSIVE MODE")
        command = asyncio.create_task(
            asyncio.to_thread(partial(services.app.create_team, caller, name="SRE"))
        )
        done, _ = await asyncio.wait([command], timeout=0.5)
        assert not done, "the command recorded without taking the table lock"
        await transaction.rollback()
        recorded = await asyncio.wait_for(command, timeout=10)
        assert recorded.position == await conn.fetchval(
            "SELECT max(notification_id) FROM public.roadlog_events"
        )
    finally:
        await conn.close()


async def test_the_events_of_one_command_get_consecutive_positions(services: Services) -> None:
    caller = Caller(workspace_id=uuid.uuid4(), actor="a")
    roadmap = services.app.create_roadmap(caller, name="Platform")
    # Proposed, two DeliverableAdded, InitiativePlaced: four events in one save.
    recorded = services.app.propose_initiative(
        caller,
        roadmap_id=roadmap.id,
        title="Faster builds",
        goal="ship sooner",
        deliverables=[NewDeliverable(title="cache"), NewDeliverable(title="remote runners")],
    )
    async with services.pool.acquire() as conn:
        positions = await conn.fetchval(
            "SELECT array_agg(notification_id ORDER BY notification_id)"
            " FROM public.roadlog_events WHERE notification_id > $1",
            roadmap.position,
        )
    assert recorded.position is not None and roadmap.position is not None
    assert positions == list(range(roadmap.position + 1, recorded.position + 1))
    assert len(positions) == 4


def test_a_command_records_once_after_the_server_dropped_its_connection(
    database: DatabaseTarget,
) -> None:
    """A pooled connection the server killed is replaced; the events are recorded once."""
    app = open_event_store(database, pool_size=1, create_tables=False)
    try:
        caller = Caller(workspace_id=uuid.uuid4(), actor="a")
        app.create_team(caller, name="SRE")
        assert isinstance(app.recorder, OrderedInsertRecorder)
        with app.recorder.datastore.get_connection() as conn:
            pid = conn.info.backend_pid
        with psycopg.connect(database.url, autocommit=True) as admin:
            killed = admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()
        assert killed == (True,)
        recorded = app.create_team(caller, name="Platform")
        with psycopg.connect(database.url) as reader:
            rows = reader.execute(
                "SELECT notification_id FROM public.roadlog_events ORDER BY notification_id"
            ).fetchall()
        # Each create records its team and its name's reservation (the first also the
        # mark that the workspace's names are reserved), once.
        assert [row[0] for row in rows] == [1, 2, 3, 4, 5] and recorded.position == 5
    finally:
        app.close()


def test_a_command_whose_commit_went_unanswered_is_recorded_once(
    database: DatabaseTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection dies after PostgreSQL committed: the retry finds its own events there
    and reports them, rather than a conflict that would run the command a second time."""
    monkeypatch.setattr(recorder_module, "RETRY_SECONDS", 0.0)
    app = open_event_store(database, pool_size=2, create_tables=False)
    try:
        caller = Caller(workspace_id=uuid.uuid4(), actor="a")
        roadmap = app.create_roadmap(caller, name="Platform")
        deliverable_id = uuid.uuid4()
        initiative = app.propose_initiative(
            caller,
            roadmap_id=roadmap.id,
            title="CI",
            goal="green builds",
            deliverables=[NewDeliverable(title="runners", id=deliverable_id)],
        )
        recorder = app.recorder
        assert isinstance(recorder, OrderedInsertRecorder)
        insert_once = recorder_module._library_insert
        unanswered: list[Sequence[int] | None] = []

        def commit_then_lose_the_answer(
            owner: OrderedInsertRecorder, stored_events: Sequence[StoredEvent], **kwargs: Any
        ) -> Sequence[int] | None:
            ids: Sequence[int] | None = insert_once(owner, stored_events, **kwargs)
            if not unanswered:
                unanswered.append(ids)
                raise OperationalError("server closed the connection unexpectedly")
            return ids

        monkeypatch.setattr(recorder_module, "_library_insert", commit_then_lose_the_answer)
        recorded = app.estimate_deliverable(
            caller, initiative_id=initiative.id, deliverable_id=deliverable_id, weeks=Decimal(3)
        )
        with psycopg.connect(database.url) as reader:
            rows = reader.execute(
                "SELECT notification_id FROM public.roadlog_events WHERE notification_id > %s",
                (initiative.position,),
            ).fetchall()
    finally:
        app.close()
    assert len(unanswered) == 1 and unanswered[0] is not None
    [committed] = unanswered[0]
    assert [row[0] for row in rows] == [committed]
    assert recorded.position == committed


@pytest.mark.parametrize(
    ("ours_topic", "ours_state"),
    [("tests:Estimated", b'{"weeks":3}'), ("tests:Retargeted", b'{"weeks":2}')],
    ids=["same topic, other state", "other topic, same state"],
)
def test_a_retry_that_finds_another_writers_events_is_still_a_conflict(
    database: DatabaseTarget, monkeypatch: pytest.MonkeyPatch, ours_topic: str, ours_state: bytes
) -> None:
    monkeypatch.setattr(recorder_module, "RETRY_SECONDS", 0.0)
    app = open_event_store(database, pool_size=2, create_tables=False)
    try:
        recorder = app.recorder
        assert isinstance(recorder, OrderedInsertRecorder)
        originator_id = uuid.uuid4()
        theirs = StoredEvent(originator_id, 1, "tests:Estimated", b'{"weeks":2}')
        recorder.insert_events([theirs])
        insert_once = recorder_module._library_insert
        failed: list[bool] = []

        def fail_once_before_recording(
            owner: OrderedInsertRecorder, stored_events: Sequence[StoredEvent], **kwargs: Any
        ) -> Sequence[int] | None:
            if not failed:
                failed.append(True)
                raise OperationalError("could not receive data from server")
            ids: Sequence[int] | None = insert_once(owner, stored_events, **kwargs)
            return ids

        monkeypatch.setattr(recorder_module, "_library_insert", fail_once_before_recording)
        with pytest.raises(IntegrityError):
            recorder.insert_events([StoredEvent(originator_id, 1, ours_topic, ours_state)])
        with psycopg.connect(database.url) as reader:
            rows = reader.execute("SELECT topic, state FROM public.roadlog_events").fetchall()
    finally:
        app.close()
    assert failed and rows == [("tests:Estimated", b'{"weeks":2}')]
