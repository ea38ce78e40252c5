"""The name reservations in a log: events that no read model shows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventsourcing.utils import get_topic

from backend.application import Roadlog
from backend.domain.name import NAME_EVENTS, NameReservation, NamesIndexed


def without_names(events: Iterable[Any]) -> list[Any]:
    """The events but those that reserve names (saved with each create and rename)."""
    return [event for event in events if not isinstance(event, NAME_EVENTS)]


NAME_TOPICS = [
    get_topic(cls)
    for cls in (
        NamesIndexed.Marked,
        NameReservation.Reserved,
        NameReservation.Taken,
        NameReservation.Released,
    )
]
"""The topics of the events that reserve names, as the log stores them."""


def name_events(app: Roadlog) -> int:
    """How many events of the log reserve names."""
    return len(app.recorder.select_notifications(1, 1_000_000, topics=NAME_TOPICS))
