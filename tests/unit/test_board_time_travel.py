"""The time-travel form's instants, and the notes that mark what changed since one."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from board.time_travel import BadInstant, change_notes, instant, picker_value
from schema.relay import to_global_id


def test_the_pickers_date_and_time_is_utc_and_a_bare_date_its_whole_day() -> None:
    assert instant("2026-12-07T14:05", "at") == datetime(2026, 12, 7, 14, 5, tzinfo=UTC)
    assert instant("2026-12-07T14:05:09", "at") == datetime(2026, 12, 7, 14, 5, 9, tzinfo=UTC)
    assert instant("2026-12-07", "at") == datetime(2026, 12, 7, 23, 59, 59, 999999, tzinfo=UTC)
    assert instant("2026-12-07T15:05+01:00", "at") == datetime(2026, 12, 7, 14, 5, tzinfo=UTC)
    assert picker_value(datetime(2026, 12, 7, 14, 5, 9, 123, tzinfo=UTC)) == "2026-12-07T14:05:09"


def test_an_instant_the_picker_cannot_send_is_refused_quoting_it() -> None:
    with pytest.raises(BadInstant, match=r"at: 'next week' is not a date"):
        instant("next week", "at")


def test_a_targets_cycle_and_date_make_one_note_with_the_cycles_name() -> None:
    roadmap, cycle = uuid.uuid4(), uuid.uuid4()
    cycles = {cycle: "Cycle 1"}
    old_cycle = to_global_id("Cycle", roadmap, cycle)
    assert change_notes(
        [("targetCycle", None, "x"), ("targetDate", date(2026, 3, 31), None)], cycles
    ) == ("target was 2026-03-31",)
    assert change_notes(
        [("targetCycle", old_cycle, None), ("targetDate", None, date(2026, 4, 1))], cycles
    ) == ("target was Cycle 1",)
    assert change_notes([("targetDate", None, date(2026, 4, 1))], cycles) == ("had no target",)


def test_notes_say_what_each_field_was() -> None:
    assert change_notes([("status", "AT_RISK", "DONE")], {}) == ("status was At risk",)
    assert change_notes([("status", "PLANNED", "DONE")], {}, rolled_up=True) == (
        "overall status was Planned",
    )
    assert change_notes([("estimateWeeks", Decimal("2.50"), Decimal("3"))], {}) == (
        "estimate was 2.5 w",
    )
    assert change_notes([("title", "Old", "New")], {}) == ('title was "Old"',)
    finished = [("status", "IN_PROGRESS", "DONE"), ("completedAt", None, "2026-12-07")]
    assert change_notes(finished, {}) == ("status was In progress",)
