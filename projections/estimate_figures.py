"""The retrospective figures, defined once: estimate versus actual, fiscal quarters.

Pure functions over plain data; the estimate report and the cycle report both use them.

Definitions (issue 6), over completed (DONE) deliverables:

- ``deliverables``, ``slipped`` (target moved later at least once) and ``slips`` (times
  it moved later) count every one of them;
- the estimate figures use only those with at least one estimate: the sums of first
  estimates (generation 1), final estimates (the latest generation) and actuals (effort
  logged); ``ratio`` = sum of actuals / sum of first estimates; ``overrun`` / ``underrun``:
  actual above / below the first estimate; ``reestimates``: generations after the first;
- ``mape`` = mean over deliverables of |actual - first| / actual. A deliverable with no
  effort logged (actual 0) has no percentage error (it would divide by zero), so it is
  left out of the MAPE, and only of the MAPE; with none left, ``mape`` is None. ``ratio``
  is None when no deliverable has an estimate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, localcontext

from backend.domain.roadmap import DEFAULT_FISCAL_YEAR_START_MONTH

ZERO = Decimal(0)


@dataclass(frozen=True)
class CompletedWork:
    """What the figures need of one completed deliverable."""

    first_estimate_weeks: Decimal | None
    final_estimate_weeks: Decimal | None
    generations: int
    actual_weeks: Decimal
    slips: int


@dataclass(frozen=True)
class EstimateFigures:
    """Estimate versus actual for one group of completed deliverables."""

    deliverables: int
    first_estimate_weeks: Decimal
    final_estimate_weeks: Decimal
    actual_weeks: Decimal
    ratio: float | None
    mape: float | None
    overrun: int
    underrun: int
    reestimates: int
    slipped: int
    slips: int


def estimate_figures(completed: Iterable[CompletedWork]) -> EstimateFigures:
    """The figures of a group of completed deliverables (see the module docstring)."""
    work = list(completed)
    estimated = [w for w in work if w.first_estimate_weeks is not None]
    first = sum((w.first_estimate_weeks or ZERO for w in estimated), ZERO)
    final = sum((w.final_estimate_weeks or ZERO for w in estimated), ZERO)
    actual = sum((w.actual_weeks for w in estimated), ZERO)
    errors = [
        abs(w.actual_weeks - (w.first_estimate_weeks or ZERO)) / w.actual_weeks
        for w in estimated
        if w.actual_weeks > 0
    ]
    return EstimateFigures(
        deliverables=len(work),
        first_estimate_weeks=normalized(first),
        final_estimate_weeks=normalized(final),
        actual_weeks=normalized(actual),
        ratio=float(actual / first) if estimated and first > 0 else None,
        mape=float(sum(errors, ZERO) / len(errors)) if errors else None,
        overrun=sum(1 for w in estimated if w.actual_weeks > (w.first_estimate_weeks or ZERO)),
        underrun=sum(1 for w in estimated if w.actual_weeks < (w.first_estimate_weeks or ZERO)),
        reestimates=sum(max(w.generations - 1, 0) for w in estimated),
        slipped=sum(1 for w in work if w.slips > 0),
        slips=sum(w.slips for w in work),
    )


def normalized(weeks: Decimal) -> Decimal:
    """Weeks without trailing zeros or exponent: 3.50 -> 3.5, 10.0 -> 10."""
    if weeks == weeks.to_integral_value():
        # Exact however many digits: history from before weeks were bounded holds some
        # with more than the context's 28 (quantize would fail on them).
        with localcontext() as exact:
            exact.prec = max(exact.prec, weeks.adjusted() + 1)
            return weeks.quantize(Decimal(1))
    return weeks.normalize()


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    """A fiscal quarter, named after the calendar year its fiscal year ends in.

    With the fiscal year starting in February, February 2026 to January 2027 is FY2027:
    2026-02-01 is in "FY2027 Q1" and 2026-01-31 in "FY2026 Q4". With a January start
    the fiscal year is the calendar year ("FY2026 Q1" = January to March 2026).
    """

    fiscal_year: int
    quarter: int

    @property
    def name(self) -> str:
        return f"FY{self.fiscal_year} Q{self.quarter}"


def fiscal_quarter(at: datetime, start_month: int | None) -> FiscalQuarter:
    """The fiscal quarter of an instant, in UTC (business time is UTC).

    ``start_month`` is the workspace's fiscal-year start month (None: never set, January),
    whatever the cadence of the deliverable's roadmap.
    """
    month = DEFAULT_FISCAL_YEAR_START_MONTH if start_month is None else start_month
    assert 1 <= month <= 12, f"fiscal-year start month {month!r} is not a month"
    utc = at.astimezone(UTC)
    months_in = (utc.month - month) % 12
    fiscal_year = utc.year + 1 if month != 1 and utc.month >= month else utc.year
    return FiscalQuarter(fiscal_year, months_in // 3 + 1)
