"""The roadmap benchmark's board and its long history (see ``benchmarks.roadmap_bench``).

The board is built through the application; its later history is synthesized as domain
events and written through the roadmap model's own handlers, a layer at a time, and
through the timeline's, which keeps when each of them was recorded (``roadmapAsRecorded``
reads it).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg

from backend.database import DatabaseTarget
from backend.domain.deliverable import STATUSES
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from projections.batch import render
from projections.read_model import Fact, FactTable, alone
from projections.roadmap import ROADMAP as ROADMAP_MODEL
from projections.script import ScriptWriter, run_script
from projections.timeline import TIMELINE

Say = Callable[[str], None]

# Event classes built by hand below (typed loosely: mypy does not see their dataclass init).
MOVED: Any = Roadmap.InitiativeMoved
UPDATED: Any = Initiative.Updated
STATUS_CHANGED: Any = Initiative.DeliverableStatusChanged
ESTIMATED: Any = Initiative.DeliverableEstimated
EFFORT_LOGGED: Any = Initiative.EffortLogged


SYNTHETIC_VERSIONS = 1_000_000
"""Synthesized events number their aggregates' versions from here: far above any version
the board's build recorded (the roadmap's own is over 500), below the 2**31 of a column."""


@dataclass
class Board:
    """The benchmark's roadmap: its ids, in priority order."""

    roadmap_id: UUID
    cycles: list[UUID]
    initiatives: list[UUID] = field(default_factory=list)
    deliverables: list[tuple[UUID, UUID]] = field(default_factory=list)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))


class History:
    """Synthesized events of the board's later life, in business-time order."""

    def __init__(
        self,
        board: Board,
        workspace_id: UUID,
        count: int,
        seed: int = 5,
        recorded_from: datetime | None = None,
    ) -> None:
        self.board = board
        self.workspace_id = workspace_id
        self.count = count
        self.random = random.Random(seed)
        self.generations = dict.fromkeys(board.deliverables, 1)
        self.versions: dict[UUID, int] = {}
        self.recorded_from = recorded_from
        """When the first event was recorded, each next one a microsecond later (after the
        board, which was recorded when built); None: each at its business time."""
        self.made = 0

    def recorded_at(self, n: int, at: datetime) -> datetime:
        """When the n-th event (business time ``at``) was recorded."""
        if self.recorded_from is None:
            return at
        return self.recorded_from + timedelta(microseconds=n)

    def meta(self, originator: UUID, at: datetime) -> dict[str, Any]:
        version = self.versions.get(originator, SYNTHETIC_VERSIONS) + 1
        self.versions[originator] = version
        recorded = self.recorded_at(self.made, at)
        self.made += 1
        return {
            "originator_id": originator,
            "originator_version": version,
            "timestamp": recorded,
            "workspace_id": self.workspace_id,
            "actor": "bench",
            "reason": "synthesized history",
            "effective_at": at,
            "decision_id": None,
        }

    def events(self, start: datetime, end: datetime) -> Iterator[Any]:
        step = (end - start) / max(self.count, 1)
        pick = self.random
        for n in range(self.count):
            at = start + step * n
            roll = pick.random()
            if roll < 0.08:
                initiative = pick.choice(self.board.initiatives)
                yield MOVED(
                    **self.meta(self.board.roadmap_id, at),
                    initiative_id=initiative,
                    from_position=1,
                    to_position=pick.randint(1, len(self.board.initiatives)),
                )
                continue
            if roll < 0.16:
                initiative = pick.choice(self.board.initiatives)
                yield UPDATED(
                    **self.meta(initiative, at),
                    changes={"title": ["?", f"Initiative renamed {n}"]},
                )
                continue
            initiative, deliverable = pick.choice(self.board.deliverables)
            meta = self.meta(initiative, at)
            if roll < 0.6:
                yield STATUS_CHANGED(
                    **meta,
                    deliverable_id=deliverable,
                    from_status="PLANNED",
                    to_status=pick.choice(STATUSES),
                    completed_at=None,
                )
            elif roll < 0.8:
                self.generations[(initiative, deliverable)] += 1
                yield ESTIMATED(
                    **meta,
                    deliverable_id=deliverable,
                    weeks=Decimal(pick.randint(1, 20)),
                    confidence=0.5,
                    generation=self.generations[(initiative, deliverable)],
                )
            else:
                yield EFFORT_LOGGED(**meta, deliverable_id=deliverable, weeks=Decimal("0.5"))


def entity_of(event: Any) -> Any:
    """What an event's versioned rows are keyed by."""
    return (event.originator_id, getattr(event, "deliverable_id", None))


WINDOW = 20_000


def layers(window: list[Any]) -> list[list[Any]]:
    """A window of events split so that each entity appears at most once per layer.

    Layer n holds the n-th event of each entity in the window, so applying the layers in
    order gives every entity's chain its events in order, as one by one would. Moves all
    touch the roadmap's order, so they go last, in order, as one more layer each time a
    move follows a move (their statements are sent together, which keeps their order).
    """
    found: list[list[Any]] = []
    seen: dict[Any, int] = {}
    moves = []
    for event in window:
        if isinstance(event, Roadmap.InitiativeMoved):
            moves.append(event)
            continue
        key = entity_of(event)
        n = seen.get(key, 0)
        seen[key] = n + 1
        if n == len(found):
            found.append([])
        found[n].append(event)
    return [*found, moves]


async def write_facts(
    conn: asyncpg.Connection, facts: dict[FactTable, list[tuple[Any, ...]]]
) -> None:
    """The timeline's facts of a layer, in bulk, as a projector's batch writes them."""
    writer = ScriptWriter()
    for table in TIMELINE.facts:
        rows = facts.get(table)
        if rows:
            statement = table.statement(rows)
            writer.add(render(statement.sql, TIMELINE.name), statement.args)
    await run_script(conn, writer.script)


async def write_history(
    target: DatabaseTarget, history: History, start: datetime, end: datetime, say: Say
) -> None:
    """Apply the history's statements to the roadmap model and the timeline, a layer at a
    time.

    Within a layer statements with the same SQL are sent together (``executemany``, in
    their order), which changes nothing: each entity's chain gets its statements in
    order. The renumbering checks of moves run after the layer's moves (ranks may get a
    few more decimals in between; their order is the same).
    """
    conn = await asyncpg.connect(**target.asyncpg_kwargs())
    position = 10**12  # beyond the real log: these events are not in it
    started = time.monotonic()
    try:
        window: list[Any] = []

        async def flush() -> None:
            nonlocal position
            async with conn.transaction():
                for layer in layers(window):
                    groups: dict[str, list[tuple[Any, ...]]] = {}
                    facts: dict[FactTable, list[tuple[Any, ...]]] = {}
                    for event in layer:
                        position += 1
                        for item in ROADMAP_MODEL.statements(event, position):
                            statement = alone(item)
                            groups.setdefault(statement.sql, []).append(statement.args)
                        for fact in TIMELINE.statements(event, position):
                            assert isinstance(fact, Fact), f"a timeline statement: {fact}"
                            facts.setdefault(fact.table, []).append(fact.row)
                    for text, rows in groups.items():
                        await conn.executemany(render(text, "roadmap"), rows)
                    await write_facts(conn, facts)
            window.clear()

        for event in history.events(start, end):
            window.append(event)
            if len(window) >= WINDOW:
                await flush()
                say(f"  {position - 10**12:,} events written")
        await flush()
        say(f"history written in {time.monotonic() - started:.0f} s")
        for table in ("placements", "initiative_versions", "deliverable_versions", "estimates"):
            await conn.execute(f"VACUUM ANALYZE roadmap.{table}")
        await conn.execute("VACUUM ANALYZE timeline.entries")
    finally:
        await conn.close()
