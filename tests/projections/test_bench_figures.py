"""The benchmark's own figures: statements per event, and the figures of an earlier release."""

from __future__ import annotations

import json
from pathlib import Path

from eventsourcing.domain import Aggregate

from backend.application import Roadlog
from benchmarks.figures import Figure, figure, with_before
from benchmarks.projector_bench import statements_per_event
from projections.read_model import Fact, FactTable, ReadModel
from tests.projections.toys import COUNTS, Counter, record

SEEN = FactTable("seen", "position bigint, kind text")


def seen(any_event: Aggregate.Event, position: int) -> list[Fact]:
    return [Fact(SEEN, (position, type(any_event).__name__))]


FACTS = ReadModel("toy_facts", {Counter.Created: seen, Counter.Ticked: seen}, facts=(SEEN,))


def test_statements_per_event_count_a_batch_of_facts_as_one_statement(app: Roadlog) -> None:
    events = record(app, counters=5, ticks=5)  # 30 events: batches of 10, 10 and 10, then none

    written = statements_per_event(app, [COUNTS, FACTS], batch_size=10)

    # Per batch: a statement per event for the counts, one insert for all ten facts.
    assert written.batched == (events + 3) / events
    assert written.handled == 2


def test_figures_carry_their_namesakes_from_an_earlier_release(tmp_path: Path) -> None:
    earlier = [figure("rebuild throughput", 500, "events/s", 100, ">= 10")]
    recorded = {"commit": "d8d5144", "date": "2026-12-07", "figures": earlier}
    (tmp_path / "before-read-side.json").write_text(json.dumps(recorded))
    now: list[Figure] = [
        figure("rebuild throughput", 2000, "events/s", 100, ">= 10"),
        figure("lag p99", 12, "ms", None, "< 50"),
    ]

    joined = with_before(now, sorted(tmp_path.glob("before-*.json")))

    assert joined[0]["before"] == {
        "release": "d8d5144 (before-read-side)",
        "value": 500,
        "baseline": 100,
        "ratio": 5.0,
    }
    assert "before" not in joined[1]
