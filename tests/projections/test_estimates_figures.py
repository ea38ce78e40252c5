"""The pure definitions behind the reports: estimate figures and fiscal quarters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projections.estimate_figures import CompletedWork, estimate_figures, fiscal_quarter, normalized
from tests.support.retro_model import fiscal_quarter_name


def work(
    first: str | None, final: str | None, actual: str, generations: int = 1, slips: int = 0
) -> CompletedWork:
    return CompletedWork(
        first_estimate_weeks=None if first is None else Decimal(first),
        final_estimate_weeks=None if final is None else Decimal(final),
        generations=0 if first is None else generations,
        actual_weeks=Decimal(actual),
        slips=slips,
    )


def test_a_deliverable_without_effort_has_no_percentage_error_but_still_underruns() -> None:
    figures = estimate_figures([work("2", "2", "0"), work("1", "3", "2", generations=3)])
    assert figures.mape == pytest.approx(0.5)
    assert (figures.overrun, figures.underrun, figures.reestimates) == (1, 1, 2)
    assert figures.ratio == pytest.approx(2 / 3)
    assert estimate_figures([work("2", "2", "0")]).mape is None


def test_unestimated_deliverables_count_only_as_deliverables_and_slips() -> None:
    figures = estimate_figures([work(None, None, "5", slips=2), work("1", "1", "1")])
    assert (figures.deliverables, figures.slipped, figures.slips) == (2, 1, 2)
    assert (figures.first_estimate_weeks, figures.actual_weeks) == (Decimal(1), Decimal(1))
    assert (figures.overrun, figures.underrun, figures.mape) == (0, 0, 0.0)
    alone = estimate_figures([work(None, None, "5")])
    assert (alone.ratio, alone.mape, alone.actual_weeks) == (None, None, Decimal(0))


def test_weeks_are_shown_without_trailing_zeros_or_exponents() -> None:
    assert [str(normalized(Decimal(v))) for v in ("3.50", "10.0", "0.000", "2.25")] == [
        "3.5",
        "10",
        "0",
        "2.25",
    ]


def test_weeks_recorded_before_they_were_bounded_are_still_shown() -> None:
    # Estimates of 1e28 and 1e309 weeks were once accepted; reports must not fail on them.
    assert str(normalized(Decimal("1e28"))) == "1" + "0" * 28
    assert str(normalized(Decimal("1e309"))) == "1" + "0" * 309


@pytest.mark.parametrize(
    ("at", "start_month", "name"),
    [
        (datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC), 2, "FY2026 Q4"),
        (datetime(2026, 2, 1, tzinfo=UTC), 2, "FY2027 Q1"),
        (datetime(2026, 4, 30, 23, 59, 59, tzinfo=UTC), 2, "FY2027 Q1"),
        (datetime(2026, 5, 1, tzinfo=UTC), 2, "FY2027 Q2"),
        (datetime(2026, 12, 31, tzinfo=UTC), 1, "FY2026 Q4"),
        (datetime(2026, 1, 1, tzinfo=UTC), None, "FY2026 Q1"),
        (datetime(2026, 10, 31, tzinfo=UTC), 11, "FY2026 Q4"),
        (datetime(2026, 11, 1, tzinfo=UTC), 11, "FY2027 Q1"),
        # 00:30 on Feb 1 in UTC+1 is still January 31 in UTC
        (datetime(2026, 2, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))), 2, "FY2026 Q4"),
    ],
)
def test_fiscal_quarters_at_their_boundaries(
    at: datetime, start_month: int | None, name: str
) -> None:
    assert fiscal_quarter(at, start_month).name == name


@given(
    at=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    start_month=st.integers(1, 12),
)
def test_fiscal_quarters_agree_with_an_independent_definition(
    at: datetime, start_month: int
) -> None:
    assert fiscal_quarter(at, start_month).name == fiscal_quarter_name(at, start_month)
