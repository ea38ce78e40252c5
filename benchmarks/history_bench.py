"""Long histories: commands and loads of aggregates that grew with use.

Side by side in one run, on a fresh database, an initiative of 5,099 events (5,000+
estimate generations of one deliverable) against one of 99 events, the most a load ever
replays after a snapshot (every 100 events):

- loading each without the aggregate cache (a process that just started, or one that
  evicted it), alternating: loads per second. Target: flat, at least 0.8 (without
  snapshots the long one replays every event, some 50 times slower).
- re-estimating each through the Application, with its cache, alternating: commands
  per second. Target: flat, at least 0.8 (when state grew with each generation, a
  command on the long one was some 13 times slower).
- moving an initiative on a roadmap of 500 initiatives against one of 5, alternating:
  moves per second. Target: flat, at least 0.8 (when every command rebuilt each id of
  the priority order while copying the roadmap, a move there was 3.6 times slower).

    .venv/bin/python -m benchmarks.history_bench
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
import uuid
from collections.abc import Callable
from decimal import Decimal

from eventsourcing.application import Repository

from backend.application import Caller, Roadlog
from backend.database import DatabaseTarget
from backend.domain.deliverable import NewDeliverable
from backend.eventstore import open_event_store
from benchmarks.figures import Figure, figure
from benchmarks.scratch import scratch_database

LONG = 5_099
SHORT = 99
"""Both stand 99 events past their last snapshot (the short one has none yet)."""
ROUNDS = 5
COMMANDS_PER_ROUND = 40
LOADS_PER_ROUND = 20
BIG_ROADMAP = 500
SMALL_ROADMAP = 5


def an_initiative(app: Roadlog, caller: Caller) -> tuple[uuid.UUID, uuid.UUID]:
    """A new initiative with one deliverable: (initiative id, deliverable id)."""
    roadmap_id = app.create_roadmap(caller, name=f"history {uuid.uuid4().hex[:6]}").id
    deliverable_id = uuid.uuid4()
    initiative_id = app.propose_initiative(
        caller,
        roadmap_id=roadmap_id,
        title="long-lived",
        goal="be estimated often",
        deliverables=[NewDeliverable(title="it", id=deliverable_id)],
    ).id
    return initiative_id, deliverable_id


def a_roadmap(app: Roadlog, caller: Caller, initiatives: int) -> tuple[uuid.UUID, uuid.UUID]:
    """A roadmap of ``initiatives`` initiatives: (roadmap id, its first initiative's id)."""
    roadmap_id = app.create_roadmap(caller, name=f"history {uuid.uuid4().hex[:6]}").id
    first, *_ = [
        app.propose_initiative(caller, roadmap_id=roadmap_id, title=f"i{n}", goal="g").id
        for n in range(initiatives)
    ]
    return roadmap_id, first


def rate(action: Callable[[], object], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        action()
    return count / (time.perf_counter() - started)


def alternating(
    first: Callable[[], object], second: Callable[[], object], count: int
) -> tuple[float, float]:
    """The mean rates of ``first`` and ``second`` over ROUNDS rounds of ``count`` calls
    of each, alternating, so that a drift of the machine weighs on both alike."""
    firsts, seconds = [], []
    for _ in range(ROUNDS):
        firsts.append(rate(first, count))
        seconds.append(rate(second, count))
    return sum(firsts) / ROUNDS, sum(seconds) / ROUNDS


def _measure(target: DatabaseTarget, say: Callable[[str], None]) -> list[Figure]:
    caller = Caller(workspace_id=uuid.uuid4(), actor="bench")
    app = open_event_store(target, pool_size=2, create_tables=True)
    try:
        long, short = an_initiative(app, caller), an_initiative(app, caller)

        def estimate(initiative: tuple[uuid.UUID, uuid.UUID]) -> Callable[[], object]:
            initiative_id, deliverable_id = initiative
            return lambda: app.estimate_deliverable(
                caller, initiative_id=initiative_id, deliverable_id=deliverable_id, weeks=Decimal(3)
            )

        def load(initiative: tuple[uuid.UUID, uuid.UUID]) -> Callable[[], object]:
            # A repository without a cache, as after a start or an eviction.
            repository = Repository(event_store=app.events, snapshot_store=app.snapshots)
            return lambda: repository.get(initiative[0])

        for initiative, events in ((long, LONG), (short, SHORT)):
            say(f"re-estimating one deliverable until its initiative has {events:,} events")
            rate(estimate(initiative), events - app.repository.get(initiative[0]).version)
        loads = alternating(load(long), load(short), LOADS_PER_ROUND)
        commands = alternating(estimate(long), estimate(short), COMMANDS_PER_ROUND)

        say(f"a roadmap of {BIG_ROADMAP} initiatives and one of {SMALL_ROADMAP}")
        big, small = a_roadmap(app, caller, BIG_ROADMAP), a_roadmap(app, caller, SMALL_ROADMAP)

        def move(roadmap: tuple[uuid.UUID, uuid.UUID], size: int) -> Callable[[], object]:
            roadmap_id, initiative_id = roadmap
            positions = itertools.cycle([size, 1])  # to the bottom and back
            return lambda: app.move_initiative(
                caller,
                roadmap_id=roadmap_id,
                initiative_id=initiative_id,
                to_position=next(positions),
                reason="bench",
            )

        moves = alternating(move(big, BIG_ROADMAP), move(small, SMALL_ROADMAP), COMMANDS_PER_ROUND)
    finally:
        app.close()
    versus = f"initiative of {LONG:,} events vs one of {SHORT}"
    return [
        figure(f"cold load, {versus}", loads[0], "loads/s", loads[1], ">= 0.8"),
        figure(f"re-estimate, {versus}", commands[0], "commands/s", commands[1], ">= 0.8"),
        figure(
            f"move, roadmap of {BIG_ROADMAP} initiatives vs one of {SMALL_ROADMAP}",
            moves[0],
            "moves/s",
            moves[1],
            ">= 0.8",
        ),
    ]


def run(
    *, server: DatabaseTarget | None = None, say: Callable[[str], None] = lambda _message: None
) -> list[Figure]:
    """The three figures on a fresh database of ``server`` (default: an embedded one)."""
    with scratch_database(server) as (target, _scratch):
        return _measure(target, say)


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    for item in run(say=lambda message: print(message, flush=True)):
        print(json.dumps(item))


if __name__ == "__main__":
    main()
