"""A rebuild's batches applied over several connections at once: one lane each.

A PostgreSQL backend runs on one core, and in a rebuild it is the backend applying the
batches that sets the pace: reading and composing the next batch, in Python, runs beside
it and waits. So a rebuild splits each batch between its lanes by read model. Each lane
applies its read models' part of the batch on a connection of its own, in a transaction
of its own that also advances their tracking rows (``commit_batch``, so each read model
still gets every batch exactly once). Read models own their tables, so two lanes never
write the same rows, and each read model's batches still commit in log order: the next
batch starts only once every lane has committed this one.

The read models are dealt to the lanes afresh for every batch, by how many statements each
has in it, so that the lanes finish close together. A crash between two lanes' commits
leaves the read models at different positions, which the batch reader handles already:
each event goes only to the read models still below it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import asyncpg

from projections.batch import Batch, Destination, Positions, StepHook, commit_batch

LANES = 2
"""Connections a rebuild applies its batches on: two backends keep two cores busy."""


def dealt(batch: Batch, destinations: Sequence[Destination], lanes: int) -> list[list[Destination]]:
    """The destinations of ``batch`` dealt to at most ``lanes`` lanes, by statements.

    The destination with the most statements goes first, to the lane with the fewest so
    far: no lane is left empty while another has two destinations.
    """
    sizes = {d.tracking_name: len(batch.scripts[d.tracking_name].lines) for d in destinations}
    loads = [0] * min(lanes, len(destinations))
    dealt_to: list[list[Destination]] = [[] for _ in loads]
    for destination in sorted(destinations, key=lambda d: sizes[d.tracking_name], reverse=True):
        lane = min(range(len(loads)), key=lambda index: (loads[index], len(dealt_to[index])))
        dealt_to[lane].append(destination)
        loads[lane] += sizes[destination.tracking_name]
    return dealt_to


async def commit_lanes(
    conns: Sequence[asyncpg.Connection],
    batch: Batch,
    destinations: Sequence[Destination],
    *,
    on_step: StepHook,
) -> Positions:
    """Apply ``batch`` over ``conns``, a lane each, without waiting for the WAL flush (as a
    rebuild's batches are); return the new positions once every lane has committed.

    If a lane fails, the others still finish (committed or not) before its error is raised:
    ProjectionFailed, TrackingMoved, or a transient error, as ``commit_batch`` raises them.
    ``on_step`` hears "batch-applied" from each lane, inside its transaction, and
    "batch-committed" once, when all lanes have committed.
    """

    def in_lane(name: str) -> None:
        if name != "batch-committed":
            on_step(name)

    lanes = dealt(batch, destinations, len(conns))
    outcomes = await asyncio.gather(
        *(
            commit_batch(
                conn,
                batch.only([destination.tracking_name for destination in lane]),
                lane,
                announce=False,
                durable=False,
                on_step=in_lane,
            )
            for conn, lane in zip(conns, lanes, strict=False)
        ),
        return_exceptions=True,
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    on_step("batch-committed")
    return batch.after
