"""Unique names of teams and roadmaps: the reservations a create or a rename saves.

A create or rename loads at most two reservations by their derived ids (the new name
and, on a rename, the old one): the check does not read the log, however long it is.

Names given before reservations existed still count. The first create or rename of a
kind in a workspace finds no ``NamesIndexed`` mark, reads that workspace's names from the
log once, and saves a reservation for each with the mark, in the same save as its own
change (a second command racing to do the same fails on the mark's id and runs again,
finding it). Chosen over reserving lazily (a scan whenever a wanted name has no
reservation) because that would read the whole log on every new name, forever; this
reads it once per workspace and kind, and no event needs an upcaster. Where earlier
names were duplicates (from before they had to be unique), the oldest holds the name;
the others keep it, readable as ever, and give nothing up when renamed.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.utils import get_topic

from backend.commands.core import Caller, RoadlogCore
from backend.domain.base import Meta, RoadlogAggregate, require_storable
from backend.domain.name import (
    NameReservation,
    NamesIndexed,
    name_key,
    names_indexed_id,
    reservation_id,
)
from backend.domain.roadmap import Roadmap
from backend.domain.team import Team

NAMED = Team | Roadmap
NAME_BATCH = 1000
"""Notifications read at once while looking for the names of teams or roadmaps."""


class NameCommands(RoadlogCore):
    """Reserving and releasing names for the commands that create and rename."""

    def current_names(self, workspace_id: UUID, cls: type[NAMED]) -> dict[UUID, str]:
        """The current name of every team (or roadmap) of the workspace, oldest first.

        Read from the log (its Created and Renamed events), not from a read model: names
        recorded before they had to be unique count too, and a projector that lags (or
        does not run during a one-shot import) hides none. It reads the whole log: the
        uniqueness check uses it once per workspace and kind (see the module docstring).
        """
        topics = [get_topic(cls.Created), get_topic(cls.Renamed)]
        names: dict[UUID, str] = {}
        start = 1
        while batch := self.recorder.select_notifications(start, NAME_BATCH, topics=topics):
            for notification in batch:
                event = self.mapper.to_domain_event(notification)
                assert isinstance(event, (cls.Created, cls.Renamed)), f"{event!r} has no name"
                if event.workspace_id == workspace_id:
                    names[event.originator_id] = event.name
            start = batch[-1].id + 1
        return names

    def _reserve_name(
        self,
        caller: Caller,
        holder: NAMED,
        old_name: str | None,
        meta: Meta,
        at: datetime,
    ) -> list[RoadlogAggregate]:
        """The reservations (and, the first time, the mark) to save with ``holder``: its
        name taken (NameTaken if another holds it), its ``old_name`` released."""
        require_storable(holder.pending_events)
        kind = type(holder).__name__
        earlier = self._reserve_earlier_names(caller, type(holder), meta, at)
        changed: list[RoadlogAggregate] = []
        if earlier is not None:
            changed.append(NamesIndexed.mark(kind=kind, count=len(earlier), meta=meta, at=at))
            changed.extend(earlier.values())
        else:
            earlier = {}
        wanted = earlier.get(name_key(holder.name)) or self._reservation(caller, kind, holder.name)
        if wanted is None:
            wanted = NameReservation.reserve(
                kind=kind, holder_id=holder.id, name=holder.name, meta=meta, at=at
            )
        else:
            wanted.take(holder.id, holder.name, meta, at)
        changed.append(wanted)
        if old_name is not None and name_key(old_name) != name_key(holder.name):
            old = earlier.get(name_key(old_name)) or self._reservation(caller, kind, old_name)
            if old is not None:
                old.release(holder.id, meta, at)
                changed.append(old)
        return list({id(aggregate): aggregate for aggregate in changed}.values())

    def _reservation(self, caller: Caller, kind: str, name: str) -> NameReservation | None:
        """The reservation of a name, if it was ever reserved."""
        try:
            reservation: object = self.repository.get(
                reservation_id(caller.workspace_id, kind, name)
            )
        except AggregateNotFoundError:
            return None
        assert isinstance(reservation, NameReservation), f"{reservation!r} is no reservation"
        return reservation

    def _reserve_earlier_names(
        self, caller: Caller, cls: type[NAMED], meta: Meta, at: datetime
    ) -> dict[str, NameReservation] | None:
        """Reservations of the names given before reservations, by name key; None once
        the workspace's mark for the kind exists. The oldest holder of a name keeps it."""
        kind = cls.__name__
        if names_indexed_id(caller.workspace_id, kind) in self.repository:
            return None
        earlier: dict[str, NameReservation] = {}
        for holder_id, name in self.current_names(caller.workspace_id, cls).items():
            if name_key(name) not in earlier:
                earlier[name_key(name)] = NameReservation.reserve(
                    kind=kind, holder_id=holder_id, name=name, meta=meta, at=at
                )
        return earlier
