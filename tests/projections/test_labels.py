"""Values as a person reads them (``projections.labels``)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from projections.labels import field_label, label, words


def test_statuses_and_other_enum_values_read_as_words() -> None:
    assert words("IN_PROGRESS") == "In progress"
    assert words("POSSIBLE_DELAY") == "Possible delay"
    assert words("WONT_DO") == "Won't do"
    assert words("TECH_DEBT") == "Tech debt"
    assert label("AT_RISK", enum=True) == "At risk"
    assert label("AT_RISK") == "AT_RISK", "free text stays as written"


def test_decimals_lose_trailing_zeros_and_never_show_an_exponent() -> None:
    assert label(Decimal("2.500")) == "2.5"
    assert label(Decimal("3.0")) == "3"
    assert label(Decimal("1E+1")) == "10"
    assert label(Decimal("0.00")) == "0"
    assert label(4) == "4"


def test_dates_and_instants_read_as_people_write_them() -> None:
    assert label(date(2026, 12, 13)) == "2026-12-13"
    assert label(datetime(2026, 12, 13, tzinfo=UTC)) == "2026-12-13"
    paris = timezone(timedelta(hours=1))
    assert label(datetime(2026, 12, 13, 15, 5, tzinfo=paris)) == "2026-12-13 14:05 UTC"


def test_booleans_lists_and_no_value() -> None:
    assert label(True) == "yes"
    assert label(False) == "no"
    assert label(["dev-productivity", "sre"]) == "dev-productivity, sre"
    assert label([]) == "none"
    assert label(None) is None


def test_stored_field_changes_are_labelled_by_their_field() -> None:
    assert field_label("status", json.dumps("IN_PROGRESS")) == "In progress"
    assert field_label("estimateWeeks", json.dumps("2.500")) == "2.5"
    assert field_label("completedAt", json.dumps("2026-12-13T09:30:00+00:00")) == (
        "2026-12-13 09:30 UTC"
    )
    assert field_label("targetDate", json.dumps("2026-12-13")) == "2026-12-13"
    assert field_label("position", "3") == "3"
    assert field_label("stretch", "true") == "yes"
    assert field_label("fiscalYearStartMonth", "2") == "February"
    assert field_label("title", json.dumps("IN_PROGRESS")) == "IN_PROGRESS"
    assert field_label("team", json.dumps("VGVhbTox")) is None, "a name the API looks up"
    assert field_label("status", None) is None
