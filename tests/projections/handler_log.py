"""The events a command records, for tests of handlers (event in, statements or facts out)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from backend.application import Caller, Roadlog
from tests.support.names import without_names

AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
"""The business time every command of a ``Log`` runs at."""


class Log:
    """The in-memory application and the events its commands recorded."""

    def __init__(self) -> None:
        self.app = Roadlog(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        self.caller = Caller(workspace_id=uuid4(), actor="alice", may_backfill=True)
        self.seen = 0

    def run(self, command: str, **kwargs: Any) -> list[Any]:
        """Run a command; the events it recorded (the reservations of names aside)."""
        getattr(self.app, command)(self.caller, effective_at=AT, **kwargs)
        notifications = self.app.recorder.select_notifications(self.seen + 1, 1000)
        self.seen = notifications[-1].id
        return without_names(self.app.mapper.to_domain_event(n) for n in notifications)

    def last(self, command: str, **kwargs: Any) -> Any:
        return self.run(command, **kwargs)[-1]


def a_roadmap(log: Log) -> UUID:
    [created] = log.run("create_roadmap", name="SRE roadmap")
    return UUID(str(created.originator_id))
