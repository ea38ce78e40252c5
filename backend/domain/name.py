"""Name reservations: what keeps team and roadmap names unique in a workspace.

A name (trimmed, case-folded) of a kind ("Team", "Roadmap") in a workspace is held by a
``NameReservation`` whose id is derived from exactly those three things, so every command
that wants the name loads or creates the same aggregate. It is saved in the same
``save`` as the team's or roadmap's own event: two creations of the same name at once
both try to record version 1 of the same reservation, and the loser fails on the event
store's unique (originator_id, version) key instead of recording a duplicate. A rename
takes the new name and releases the old one; a released reservation can be taken again.

``NamesIndexed`` marks that the names a workspace had before reservations existed were
reserved (see ``backend.commands.names``). Read models ignore both.
"""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from uuid import UUID, uuid5

from backend.domain.base import Meta, RoadlogAggregate
from backend.domain.errors import NameTaken

NAME_NAMESPACE = UUID("b7e2f4a9-1c3d-5e6f-8a9b-0c1d2e3f4a5b")


def name_key(name: str) -> str:
    """What two names must share to be the same name: trimmed, ignoring case."""
    return name.strip().casefold()


def reservation_id(workspace_id: UUID, kind: str, name: str) -> UUID:
    """The id of the reservation of a name of a kind in a workspace."""
    return uuid5(NAME_NAMESPACE, f"name:{workspace_id}:{kind}:{name_key(name)}")


def names_indexed_id(workspace_id: UUID, kind: str) -> UUID:
    """The id of the mark that a workspace's earlier names of a kind were reserved."""
    return uuid5(NAME_NAMESPACE, f"indexed:{workspace_id}:{kind}")


class NameReservation(RoadlogAggregate):
    """A name of a kind in a workspace, and who holds it (None once released)."""

    kind: str = field(init=False)
    holder_id: UUID | None = field(init=False)
    holder_name: str = field(init=False)

    class Reserved(RoadlogAggregate.Created):
        """The name was reserved for the first time, by ``holder_id`` as ``name``."""

        class_version = 1
        kind: str
        holder_id: UUID
        name: str

        def apply(self, aggregate: NameReservation) -> None:
            super().apply(aggregate)
            aggregate.kind = self.kind
            aggregate.holder_id = self.holder_id
            aggregate.holder_name = self.name

    class Taken(RoadlogAggregate.Event):
        """The name, free or already its own, is held by ``holder_id`` as ``name``."""

        class_version = 1
        holder_id: UUID
        name: str

        def apply(self, aggregate: NameReservation) -> None:
            aggregate.holder_id = self.holder_id
            aggregate.holder_name = self.name

    class Released(RoadlogAggregate.Event):
        """The holder took another name: this one is free again."""

        class_version = 1

        def apply(self, aggregate: NameReservation) -> None:
            aggregate.holder_id = None

    @classmethod
    def reserve(
        cls, *, kind: str, holder_id: UUID, name: str, meta: Meta, at: datetime
    ) -> NameReservation:
        """A new reservation of ``name`` for ``holder_id``."""
        return cls._create(
            cls.Reserved,
            id=reservation_id(meta.workspace_id, kind, name),
            kind=kind,
            holder_id=holder_id,
            name=name,
            **meta.event_fields(at),
        )

    def take(self, holder_id: UUID, name: str, meta: Meta, at: datetime) -> None:
        """Hold the name for ``holder_id`` as spelled in ``name``: NameTaken if another
        holds it; the same holder and spelling again records nothing."""
        if self.holder_id is not None and self.holder_id != holder_id:
            raise NameTaken(self.kind, name.strip(), self.holder_id, self.holder_name)
        if self.holder_id == holder_id and self.holder_name == name:
            return
        self.trigger_event(self.Taken, holder_id=holder_id, name=name, **meta.event_fields(at))

    def release(self, holder_id: UUID, meta: Meta, at: datetime) -> None:
        """Free the name if ``holder_id`` holds it (a duplicate from before reservations
        does not hold its name, and releases nothing)."""
        if self.holder_id == holder_id:
            self.trigger_event(self.Released, **meta.event_fields(at))


class NamesIndexed(RoadlogAggregate):
    """The names of a kind that a workspace had before reservations are reserved."""

    kind: str = field(init=False)

    class Marked(RoadlogAggregate.Created):
        """``count`` earlier names of ``kind`` were reserved."""

        class_version = 1
        kind: str
        count: int

        def apply(self, aggregate: NamesIndexed) -> None:
            super().apply(aggregate)
            aggregate.kind = self.kind

    @classmethod
    def mark(cls, *, kind: str, count: int, meta: Meta, at: datetime) -> NamesIndexed:
        """The mark, saved with the reservations of the earlier names."""
        return cls._create(
            cls.Marked,
            id=names_indexed_id(meta.workspace_id, kind),
            kind=kind,
            count=count,
            **meta.event_fields(at),
        )


NAME_EVENTS = (NameReservation.Event, NamesIndexed.Event)
"""The events that keep names unique: bookkeeping of the commands, on no read model."""
