"""The fiscal calendar: quarters of a fiscal year that starts in a given month.

A fiscal year is named after the calendar year it ends in: with a February start,
February 2026 to January 2027 is FY2027, and its first quarter "FY2027 Q1" runs from
2026-02-01 to 2026-04-30. With a January start the fiscal year is the calendar year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Quarter:
    """One fiscal quarter and its first and last day."""

    fiscal_year: int
    quarter: int
    starts_on: date
    ends_on: date

    @property
    def name(self) -> str:
        return f"FY{self.fiscal_year} Q{self.quarter}"


def _month_start(year: int, month: int) -> date:
    """The first day of a month counted from January of ``year`` (month may pass 12)."""
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def quarter_of(day: date, start_month: int) -> Quarter:
    """The fiscal quarter that contains ``day``."""
    assert 1 <= start_month <= 12, f"fiscal-year start month {start_month!r} is not a month"
    months_in = (day.month - start_month) % 12
    fiscal_year = day.year + 1 if start_month != 1 and day.month >= start_month else day.year
    quarter = months_in // 3 + 1
    first_year = fiscal_year - 1 if start_month != 1 else fiscal_year
    starts_on = _month_start(first_year, start_month + 3 * (quarter - 1))
    ends_on = _month_start(first_year, start_month + 3 * quarter) - timedelta(days=1)
    return Quarter(fiscal_year, quarter, starts_on, ends_on)


def quarter_after(quarter: Quarter, start_month: int) -> Quarter:
    """The next fiscal quarter."""
    return quarter_of(quarter.ends_on + timedelta(days=1), start_month)
