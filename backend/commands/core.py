"""What every command shares: who calls, what it returns, loading, recording, retrying.

A command loads what it needs, decides (raising a ``DomainError`` before any event
exists), then records all of its events in ONE ``save``, so they commit together or not
at all. ``@retried`` runs it again on fresh state when another writer saved first.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Concatenate, ParamSpec, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import BaseAggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding
from eventsourcing.popo import POPOApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import get_topic
from psycopg.sql import SQL, Identifier

from backend.domain.base import (
    Meta,
    RoadlogAggregate,
    require_backfill_allowed,
    require_storable,
)
from backend.domain.decision import Decision
from backend.domain.errors import AlreadyExists, Conflict, Contention, DomainError, NotFound
from backend.domain.initiative import Initiative
from backend.domain.receipt import (
    CommandReceipt,
    check_idempotency_key,
    receipt_id,
    request_digest,
)
from backend.domain.roadmap import Roadmap
from backend.domain.team import Team

MAX_ATTEMPTS = 25
"""How often a command runs before giving up on a contended aggregate (Contention)."""

P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A", bound=RoadlogAggregate)
C = TypeVar("C", bound="RoadlogCore")


class DateAsISO(Transcoding):
    """Calendar dates in event payloads, as ISO 8601 strings."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class EntityTranscoding(Transcoding):
    """An entity dataclass inside an aggregate's state (for snapshots), field by field."""

    def __init__(self, entity: type) -> None:
        self.type = entity
        self.name = f"roadlog_{entity.__name__}"

    def encode(self, obj: object) -> dict[str, object]:
        return dict(vars(obj))

    def decode(self, data: dict[str, object]) -> object:
        return self.type(**data)


def register_entities(transcoder: JSONTranscoder, *entities: type) -> None:
    """Register a transcoding for each entity dataclass kept in aggregate state."""
    for entity in entities:
        transcoder.register(EntityTranscoding(entity))


@dataclass(frozen=True)
class Caller:
    """Who runs a command: the token's workspace, its name as the actor, and its rights."""

    workspace_id: UUID
    actor: str
    may_backfill: bool = False


@dataclass(frozen=True)
class Recorded:
    """What a command returns: the id of what it changed and the log position it reached.

    ``position`` is the notification id of the last event recorded, or None when the
    command recorded nothing (e.g. moving an initiative to where it already is).
    """

    id: UUID
    position: int | None


def retried(command: Callable[P, R]) -> Callable[P, R]:
    """Run a command again, on fresh state, when another writer saved the same version first.

    The loser of such a race recorded nothing (IntegrityError on save). Running it again
    reloads the aggregates: a command without an expected version then applies on top of
    the winner's change; one with an expected version now finds it stale (Conflict).
    Bounded: after MAX_ATTEMPTS the caller gets Contention.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(MAX_ATTEMPTS):
            try:
                return command(*args, **kwargs)
            except IntegrityError:
                # Jittered backoff, so that racing writers stop colliding in lockstep.
                ceiling = min(0.05, 0.001 * 2**attempt)
                time.sleep(random.uniform(0, ceiling))  # noqa: S311 (not cryptographic)
        raise Contention(MAX_ATTEMPTS)

    return run


@dataclass(frozen=True)
class Decided:
    """What a command that takes an idempotency key decided, before it is recorded: the id
    it returns, the who/why/when of its events, and the aggregates holding them."""

    id: UUID
    meta: Meta
    at: datetime
    aggregates: tuple[RoadlogAggregate, ...]


def idempotent(
    command: Callable[Concatenate[C, Caller, P], Decided],
) -> Callable[Concatenate[C, Caller, P], Recorded]:
    """Record a command's decision once per idempotency key (its ``idempotency_key``
    argument), and answer every repeat with the first result.

    A receipt, saved last in the same save as the command's events, keeps the first
    result and a digest of the input: a repeat with the same input gets that result, one
    with another input is KeyReused. Repeats that run at the same time all get the first
    result too: the one that loses the race to save finds the receipt when it runs again
    (``retried``); one that decides after the first was saved, on state the first already
    changed, looks for the receipt before answering on its own.
    """
    name = command.__name__

    @functools.wraps(command)
    def run(app: C, caller: Caller, /, *args: P.args, **kwargs: P.kwargs) -> Recorded:
        key = kwargs.get("idempotency_key")
        if key is None:
            decided = command(app, caller, *args, **kwargs)
            return app._save_all(decided.id, *decided.aggregates)
        assert isinstance(key, str), f"an idempotency key is text, not {key!r}"
        check_idempotency_key(key)
        request = request_digest(kwargs)
        if first := app._first_result(caller, name, key, request):
            return first
        try:
            decided = command(app, caller, *args, **kwargs)
        except DomainError:
            if first := app._first_result(caller, name, key, request):
                return first
            raise
        if not any(aggregate.pending_events for aggregate in decided.aggregates):
            # Nothing to record, maybe because a first run already did it: then its
            # answer is the answer. A command that records nothing leaves no receipt.
            first = app._first_result(caller, name, key, request)
            return first or Recorded(decided.id, None)
        receipt = CommandReceipt.issue(
            command=name,
            key=key,
            request=request,
            result_id=decided.id,
            meta=decided.meta,
            at=decided.at,
        )
        return app._save_all(decided.id, *decided.aggregates, receipt)

    return run


class RoadlogCore(Application[UUID]):
    """The helpers every command uses; the commands themselves are in the mixins."""

    def _meta(
        self,
        caller: Caller,
        *,
        reason: str = "",
        effective_at: datetime | None = None,
        decision_id: UUID | None = None,
    ) -> Meta:
        """The who, why and when of a command: backfilling is checked first, then the decision."""
        meta = Meta(
            workspace_id=caller.workspace_id,
            actor=caller.actor,
            reason=reason.strip(),
            effective_at=effective_at,
            decision_id=decision_id,
        )
        require_backfill_allowed(meta, caller.may_backfill)
        if decision_id is not None:
            self._load(caller, Decision, decision_id, "decision_id")
        return meta

    def _load(self, caller: Caller, cls: type[A], id: UUID, field: str) -> A:
        """An aggregate of the caller's workspace; anything else is NotFound, alike."""
        try:
            aggregate: BaseAggregate[UUID] = self.repository.get(id)
        except AggregateNotFoundError:
            raise NotFound(cls.__name__, id, field) from None
        if not isinstance(aggregate, cls) or aggregate.workspace_id != caller.workspace_id:
            raise NotFound(cls.__name__, id, field)
        return aggregate

    def _load_active_team(self, caller: Caller, team_id: UUID, field: str) -> Team:
        """A team of the caller's workspace that is not archived (work may name it)."""
        team = self._load(caller, Team, team_id, field)
        team.require_active(field)
        return team

    def _new_id(self, cls: type[RoadlogAggregate], id: UUID | None) -> UUID:
        """A fresh id, or the client's own if it is not taken (AlreadyExists otherwise)."""
        if id is None:
            return uuid4()
        if id in self.repository:
            raise AlreadyExists(cls.__name__, id)
        return id

    @staticmethod
    def _check_version(aggregate: RoadlogAggregate, expected_version: int | None) -> None:
        """A stale expected version is a Conflict naming the current one."""
        if expected_version is not None and expected_version != aggregate.version:
            raise Conflict(
                type(aggregate).__name__, aggregate.id, expected_version, aggregate.version
            )

    def _save_all(
        self, id: UUID, *aggregates: RoadlogAggregate, names: Sequence[RoadlogAggregate] = ()
    ) -> Recorded:
        """Save every pending event of the aggregates at once; the position of the last one.

        The name reservations that go with them (``names``) are saved first, in the same
        transaction: the last event stays the change's own (or its receipt's).
        """
        changed = (*names, *aggregates)
        self._require_writable(aggregates)
        require_storable(event for aggregate in changed for event in aggregate.pending_events)
        recordings = self.save(*changed)
        return Recorded(id, max((r.notification.id for r in recordings), default=None))

    def _require_writable(self, aggregates: Sequence[RoadlogAggregate]) -> None:
        """Nothing is recorded on what an archived roadmap holds: the last check before
        recording, for every command at once, so that none can forget it.

        A roadmap refuses its own changes (``Roadmap.trigger_event``); here its
        initiatives (with their deliverables and alignments) refuse theirs, and a
        decision being recorded refuses links to the roadmap or to its initiatives
        (ArchivedError). A decision recorded before keeps its links (it may be superseded).
        """
        saved = {aggregate.id: aggregate for aggregate in aggregates}
        for aggregate in aggregates:
            if not aggregate.pending_events:
                continue
            if isinstance(aggregate, Initiative):
                self._roadmap(aggregate.roadmap_id, saved).require_active("initiative_id")
            elif isinstance(aggregate, Decision) and any(
                isinstance(event, Decision.Recorded) for event in aggregate.pending_events
            ):
                for i, link in enumerate(aggregate.links):
                    if link["kind"] == "Roadmap":
                        roadmap_id = link["id"]
                    elif link["kind"] == "Initiative":
                        linked: object = self.repository.get(link["id"], deepcopy_from_cache=False)
                        assert isinstance(linked, Initiative), f"{linked!r} is no initiative"
                        roadmap_id = linked.roadmap_id
                    else:
                        continue
                    self._roadmap(roadmap_id, saved).require_active(f"links.{i}")

    def _roadmap(self, roadmap_id: UUID, saved: dict[UUID, RoadlogAggregate]) -> Roadmap:
        """The roadmap as the command left it if it saves it too, else as recorded.

        Only read, never changed: the cached copy itself, without the deep copy a command
        that changes it takes (some 130 µs for a roadmap of 500 initiatives).
        """
        roadmap = saved.get(roadmap_id) or self.repository.get(
            roadmap_id, deepcopy_from_cache=False
        )
        assert isinstance(roadmap, Roadmap), f"{roadmap!r} is no roadmap"
        return roadmap

    def _first_result(
        self, caller: Caller, command: str, key: str, request: str
    ) -> Recorded | None:
        """The first result of a command already run with this key, if any; the key
        reused for another input is KeyReused."""
        try:
            receipt: BaseAggregate[UUID] = self.repository.get(
                receipt_id(caller.workspace_id, command, key)
            )
        except AggregateNotFoundError:
            return None
        assert isinstance(receipt, CommandReceipt), f"{receipt!r} is not a receipt"
        receipt.check_request(request)
        return Recorded(receipt.result_id, self._receipt_position(receipt.id))

    def _receipt_position(self, id: UUID) -> int:
        """The notification id (global position) of a receipt's one event."""
        recorder = self.recorder
        if isinstance(recorder, PostgresApplicationRecorder):
            statement = SQL(
                "SELECT notification_id FROM {}.{}"
                " WHERE originator_id = %s AND originator_version = 1"
            ).format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
            with recorder.datastore.get_connection() as conn, conn.cursor() as curs:
                curs.execute(statement, (id,))
                row = curs.fetchone()
            assert row is not None, f"receipt {id} has no recorded event"
            return int(row["notification_id"])
        assert isinstance(recorder, POPOApplicationRecorder), f"unsupported {recorder!r}"
        # The in-memory store of the domain tests: scanning the receipts is fine there.
        topics = [get_topic(CommandReceipt.Issued)]
        start = 1
        while notifications := recorder.select_notifications(start, 1000, topics=topics):
            for notification in notifications:
                if notification.originator_id == id:
                    return notification.id
            start = notifications[-1].id + 1
        raise AssertionError(f"receipt {id} has no recorded event")
