"""The roadlog Application: its methods are the commands users run (load, decide, save)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoding


class DateAsISO(Transcoding):
    """Calendar dates in event payloads, as ISO 8601 strings."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


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


class Roadlog(Application[UUID]):
    """Every roadmap change, priority move and decision, recorded as immutable events."""

    name = "Roadlog"
    env: ClassVar[dict[str, str]] = {"AGGREGATE_CACHE_MAXSIZE": "1000"}

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
