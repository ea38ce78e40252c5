"""Unique names on PostgreSQL: racing creates of one name leave one team and conflicts."""

from __future__ import annotations

import threading
import uuid

from backend.application import Caller
from backend.database import DatabaseTarget
from backend.domain.errors import NameTaken
from backend.eventstore import open_event_store
from backend.recorder import OrderedInsertRecorder

WRITERS = 6


def test_writers_creating_one_name_at_once_get_one_team_and_the_rest_conflicts(
    database: DatabaseTarget,
) -> None:
    app = open_event_store(database, pool_size=WRITERS, create_tables=False)
    try:
        caller = Caller(workspace_id=uuid.uuid4(), actor="a")
        app.create_team(caller, name="Earlier")  # the workspace's names are marked reserved
        barrier = threading.Barrier(WRITERS)
        created: list[uuid.UUID] = []
        refused: list[str] = []

        def create(name: str) -> None:
            barrier.wait()
            try:
                created.append(app.create_team(caller, name=name).id)
            except NameTaken as error:
                refused.append(error.code)

        names = ["sre" if n % 2 else "SRE" for n in range(WRITERS)]
        threads = [threading.Thread(target=create, args=(name,)) for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert len(created) == 1
        assert refused == ["CONFLICT"] * (WRITERS - 1)
        assert isinstance(app.recorder, OrderedInsertRecorder)
        with app.recorder.datastore.get_connection() as conn:
            teams = conn.execute(
                "SELECT count(*) AS n FROM public.roadlog_events WHERE topic LIKE %s",
                ("%Team.Created",),
            ).fetchone()
        assert teams == {"n": 2}
    finally:
        app.close()
