"""The fiscal calendar: quarters of a fiscal year that starts in a given month, and the
periods of objectives on it.

A fiscal year is named after the calendar year it ends in: with a February start,
February 2026 to January 2027 is FY2027, and its first quarter "FY2027 Q1" runs from
2026-02-01 to 2026-04-30. With a January start the fiscal year is the calendar year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from backend.domain.errors import Invalid


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


# Years 1000..2999: four digits, and every day of their quarters is a date.
YEAR = r"([12]\d{3})"
CALENDAR_PERIOD = re.compile(rf"{YEAR}(?:-Q([1-4]))?")
FISCAL_PERIOD = re.compile(rf"FY{YEAR}(?:-Q([1-4]))?")
LEGACY_PERIOD = re.compile(rf".*?\b{YEAR}(?:-H([12]))?\b.*")
PERIOD_FORMS = (
    "a calendar year (2026) or quarter (2026-Q1), or a fiscal year (FY2027) or quarter (FY2027-Q1)"
)
EARLIEST, LATEST = date.min, date.max


def period_dates(period: str, start_month: int) -> tuple[date, date] | None:
    """First and last day of an objective's period, or None when it is no period.

    Calendar periods ("2026", "2026-Q1") are calendar years and quarters; fiscal ones
    ("FY2027", "FY2027-Q1") follow the fiscal year that starts in ``start_month``.
    """
    if found := CALENDAR_PERIOD.fullmatch(period):
        year, quarter = int(found.group(1)), found.group(2)
        if quarter is None:
            return date(year, 1, 1), date(year, 12, 31)
        q = quarter_of(date(year, 3 * int(quarter), 1), 1)
        return q.starts_on, q.ends_on
    if found := FISCAL_PERIOD.fullmatch(period):
        fiscal_year, quarter = int(found.group(1)), found.group(2)
        first_year = fiscal_year - 1 if start_month != 1 else fiscal_year
        first = quarter_of(_month_start(first_year, start_month), start_month)
        quarters = [first]
        while len(quarters) < 4:
            quarters.append(quarter_after(quarters[-1], start_month))
        if quarter is None:
            return quarters[0].starts_on, quarters[-1].ends_on
        chosen = quarters[int(quarter) - 1]
        return chosen.starts_on, chosen.ends_on
    return None


def legacy_period_dates(period: str) -> tuple[date, date]:
    """The days of a period written before periods were checked ("2026-H1", "next year").

    A calendar year found in the text is that year (or its half, for "-H1"/"-H2"); text
    without a year is no known period, so it spans every date.
    """
    found = LEGACY_PERIOD.fullmatch(period)
    if found is None:
        return EARLIEST, LATEST
    year, half = int(found.group(1)), found.group(2)
    if half is None:
        return date(year, 1, 1), date(year, 12, 31)
    if half == "1":
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 7, 1), date(year, 12, 31)


def require_period(period: str) -> str:
    """An objective's period in one of the accepted forms; anything else is Invalid."""
    if period_dates(period, 1) is None:
        raise Invalid(f"period {period!r} is not a period: give {PERIOD_FORMS}", "period")
    return period
