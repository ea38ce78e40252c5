"""The event store: the eventsourcing Application on PostgreSQL, built from a target."""

from __future__ import annotations

from backend.application import Roadlog
from backend.database import DatabaseTarget


def open_event_store(target: DatabaseTarget, *, pool_size: int, create_tables: bool) -> Roadlog:
    """The Roadlog application on ``target`` (psycopg; events go in through
    ``backend.recorder.OrderedInsertRecorder``).

    ``create_tables`` is for the one start-up step that holds the migrations lock; every
    other construction finds the tables there.
    """
    env = target.eventsourcing_env(pool_size)
    env["CREATE_TABLE"] = "y" if create_tables else "n"
    return Roadlog(env=env)
