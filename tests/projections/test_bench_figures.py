"""The benchmark's own figures: statements per event."""

from __future__ import annotations

from eventsourcing.domain import Aggregate

from backend.application import Roadlog
from benchmarks.projector_bench import statements_per_event
from projections.read_model import Fact, FactTable, ReadModel
from tests.projections.toys import COUNTS, Counter, record

SEEN = FactTable("seen", ("position", "kind"), ("bigint", "text"))


def seen(any_event: Aggregate.Event, position: int) -> list[Fact]:
    return [Fact(SEEN, (position, type(any_event).__name__))]


FACTS = ReadModel("toy_facts", {Counter.Created: seen, Counter.Ticked: seen}, facts=(SEEN,))


def test_statements_per_event_count_a_batch_of_facts_as_one_statement(app: Roadlog) -> None:
    events = record(app, counters=5, ticks=5)  # 30 events: batches of 10, 10 and 10, then none

    written = statements_per_event(app, [COUNTS, FACTS], batch_size=10)

    # Per batch: a statement per event for the counts, one insert for all ten facts.
    assert written.batched == (events + 3) / events
    assert written.handled == 2
