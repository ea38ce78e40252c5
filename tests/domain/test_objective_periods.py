"""Objective periods: calendar or fiscal years and quarters, on the workspace's calendar."""

from __future__ import annotations

from datetime import date

import pytest

from backend.application import Caller
from backend.domain.errors import Invalid
from backend.domain.fiscal import legacy_period_dates, period_dates
from tests.domain.helpers import ObservedRoadlog, rejected


@pytest.mark.parametrize("period", ["2026", "2026-Q1", "FY2027", "FY2027-Q4"])
def test_calendar_and_fiscal_years_and_quarters_are_periods(
    app: ObservedRoadlog, editor: Caller, period: str
) -> None:
    app.create_objective(editor, title="O", period=period, level="COMPANY")


@pytest.mark.parametrize(
    "period", ["next year sometime", "2026-H1", "2026-Q5", "FY27", "fy2027", "2026 Q1", "0999"]
)
def test_anything_else_is_invalid_and_the_message_gives_the_accepted_forms(
    app: ObservedRoadlog, editor: Caller, period: str
) -> None:
    error = rejected(
        app,
        Invalid,
        "period",
        lambda: app.create_objective(editor, title="O", period=period, level="COMPANY"),
    )
    assert repr(period) in error.message
    for form in ("2026", "2026-Q1", "FY2027", "FY2027-Q1"):
        assert f"({form})" in error.message


@pytest.mark.parametrize(
    ("period", "start_month", "days"),
    [
        ("2026", 2, (date(2026, 1, 1), date(2026, 12, 31))),
        ("2026-Q2", 2, (date(2026, 4, 1), date(2026, 6, 30))),
        ("FY2027", 2, (date(2026, 2, 1), date(2027, 1, 31))),
        ("FY2027-Q1", 2, (date(2026, 2, 1), date(2026, 4, 30))),
        ("FY2027-Q4", 2, (date(2026, 11, 1), date(2027, 1, 31))),
        ("FY2026", 1, (date(2026, 1, 1), date(2026, 12, 31))),
        ("FY2027-Q1", 11, (date(2026, 11, 1), date(2027, 1, 31))),
    ],
)
def test_a_periods_days_follow_the_fiscal_year_only_when_it_is_fiscal(
    period: str, start_month: int, days: tuple[date, date]
) -> None:
    assert period_dates(period, start_month) == days


def test_old_free_text_periods_read_as_the_year_they_name_or_every_date() -> None:
    assert legacy_period_dates("2025-H1") == (date(2025, 1, 1), date(2025, 6, 30))
    assert legacy_period_dates("2025-H2") == (date(2025, 7, 1), date(2025, 12, 31))
    assert legacy_period_dates("Q3 2025") == (date(2025, 1, 1), date(2025, 12, 31))
    assert legacy_period_dates("next year sometime") == (date.min, date.max)
