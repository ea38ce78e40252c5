"""Running the KEP import again, or after an interruption, records nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar
from uuid import UUID

import pytest

from backend.application import Roadlog
from backend.database import DatabaseTarget
from backend.eventstore import open_event_store
from backend.importing.kep import KepImporter
from backend.importing.kep_source import KepEvent
from backend.importing.lookup import roadmaps_named
from tests.importing.conftest import ImportedKep, workspace_id

pytestmark = pytest.mark.timeout(600)

P = ParamSpec("P")
R = TypeVar("R")


class Interrupted(Exception):
    """Stands for Ctrl-C in the middle of an import."""


def interrupting_after(calls: int, command: Callable[P, R]) -> Callable[P, R]:
    """The command, raising Interrupted on its ``calls``-th call (before running it)."""
    count = 0

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        nonlocal count
        count += 1
        if count == calls:
            raise Interrupted
        return command(*args, **kwargs)

    return run


def subset(events: list[KepEvent], every: int) -> list[KepEvent]:
    """The events of every ``every``-th KEP (by first appearance): a small, real history."""
    keps = list(dict.fromkeys(event.kep for event in events))
    chosen = set(keps[::every])
    return [event for event in events if event.kep in chosen]


def roadmap_state(app: Roadlog, workspace: UUID) -> list[tuple[Any, ...]]:
    """Everything the import decides, without ids: order, titles, statuses, targets, events."""
    [roadmap_id] = roadmaps_named(app, workspace, "Kubernetes enhancements")
    roadmap: Any = app.repository.get(roadmap_id)
    cycles = {cycle.cycle_id: cycle.name for cycle in roadmap.cycles}
    state: list[tuple[Any, ...]] = [("cycles", sorted(cycles.values()))]
    for initiative_id in roadmap.priority:
        initiative: Any = app.repository.get(initiative_id)
        events: list[Any] = list(app.events.get(initiative_id))
        history = [(type(e).__qualname__, e.effective_at, e.actor, e.reason) for e in events]
        state.append(
            (
                initiative.title,
                tuple(initiative.stakeholders),
                tuple((d.status, cycles.get(d.target_cycle_id)) for d in initiative.deliverables),
                tuple(history),
            )
        )
    return state


def test_running_the_full_import_again_records_nothing(
    kep_copy: DatabaseTarget, kep_imported: ImportedKep, kep_events: list[KepEvent]
) -> None:
    app = open_event_store(kep_copy, pool_size=2, create_tables=False)
    try:
        before = app.recorder.max_notification_id()
        summary = KepImporter(app, kep_imported.workspace_id).run(kep_events)
        assert app.recorder.max_notification_id() == before
    finally:
        app.close()
    assert sum(summary.changes.values()) == 0 and summary.recorded == 0
    assert summary.already_imported + summary.unchanged == summary.read
    assert summary.already_imported > 1000


@pytest.mark.parametrize("stop_at", [1, 37, 110])
def test_an_interrupted_import_resumes_to_the_same_history(
    database: DatabaseTarget, kep_events: list[KepEvent], stop_at: int
) -> None:
    events = subset(kep_events, every=9)
    whole, resumed = workspace_id(database, "whole"), workspace_id(database, "resumed")
    app = open_event_store(database, pool_size=2, create_tables=False)
    try:
        reference = KepImporter(app, whole).run(events)
        # Ctrl-C between the commands of one event: a retarget or a status change.
        flaky = open_event_store(database, pool_size=2, create_tables=False)
        try:
            flaky.change_deliverable_status = interrupting_after(  # type: ignore[method-assign]
                stop_at, flaky.change_deliverable_status
            )
            with pytest.raises(Interrupted):
                KepImporter(flaky, resumed).run(events)
        finally:
            flaky.close()
        again = KepImporter(app, resumed).run(events)
        assert again.already_imported > 0 or stop_at == 1
        total = sum(reference.changes.values())
        assert roadmap_state(app, resumed) == roadmap_state(app, whole)
        assert sum(again.changes.values()) < total
    finally:
        app.close()
