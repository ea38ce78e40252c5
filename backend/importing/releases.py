"""Kubernetes releases as cycles of a roadmap: names ``v1.NN``, approximate dates.

A release's cycle ends on the day the release came out and starts the day after the
previous release, so the cycles tile the calendar without overlapping (as the domain
requires). The dates are APPROXIMATE: the release days v1.0 to v1.35 are the general
availability dates announced on kubernetes.io, to the day as far as known; later
releases are projected every 4 months after v1.35 (Kubernetes has shipped three
releases a year since 2020). v1.0's cycle starts 4 months before its release.

Only ``milestone.*`` values reading exactly ``v1.NN`` name a release; anything else
(``TBD``, ``x.y``, ``v1.21, v1.37``, ``pre-1.0``) names none.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

RELEASE_NAME = re.compile(r"v1\.(\d{1,2})")

RELEASED_ON: dict[int, date] = {
    0: date(2015, 7, 21),
    1: date(2015, 11, 9),
    2: date(2016, 3, 16),
    3: date(2016, 7, 1),
    4: date(2016, 9, 26),
    5: date(2016, 12, 12),
    6: date(2017, 3, 28),
    7: date(2017, 6, 29),
    8: date(2017, 9, 28),
    9: date(2017, 12, 15),
    10: date(2018, 3, 26),
    11: date(2018, 6, 27),
    12: date(2018, 9, 27),
    13: date(2018, 12, 3),
    14: date(2019, 3, 25),
    15: date(2019, 6, 19),
    16: date(2019, 9, 18),
    17: date(2019, 12, 9),
    18: date(2020, 3, 25),
    19: date(2020, 8, 26),
    20: date(2020, 12, 8),
    21: date(2021, 4, 8),
    22: date(2021, 8, 4),
    23: date(2021, 12, 7),
    24: date(2022, 5, 3),
    25: date(2022, 8, 23),
    26: date(2022, 12, 9),
    27: date(2023, 4, 11),
    28: date(2023, 8, 15),
    29: date(2023, 12, 13),
    30: date(2024, 4, 17),
    31: date(2024, 8, 13),
    32: date(2024, 12, 11),
    33: date(2025, 4, 23),
    34: date(2025, 8, 27),
    35: date(2025, 12, 17),
}
"""Release days of v1.0 .. v1.35 (approximate where the announcement and the tag differ)."""

LAST_KNOWN = max(RELEASED_ON)
PROJECTED_MONTHS = 4


def release_minor(value: object) -> int | None:
    """The NN of a ``v1.NN`` milestone value, or None for anything else (TBD, x.y, null)."""
    if not isinstance(value, str):
        return None
    match = RELEASE_NAME.fullmatch(value)
    return int(match.group(1)) if match else None


def release_name(minor: int) -> str:
    """The cycle name of a release: ``v1.25``."""
    return f"v1.{minor}"


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    # Capped at the 28th, a day every month has.
    return date(year, month, min(day.day, 28))


def released_on(minor: int) -> date:
    """The (approximate) release day of v1.NN: the cycle's last day."""
    if minor < 0:
        raise ValueError(f"v1.{minor} is not a release")
    if minor in RELEASED_ON:
        return RELEASED_ON[minor]
    return _add_months(RELEASED_ON[LAST_KNOWN], PROJECTED_MONTHS * (minor - LAST_KNOWN))


def release_cycle(minor: int) -> tuple[date, date]:
    """The cycle of v1.NN: (starts_on, ends_on), inclusive, adjacent to its neighbours."""
    ends_on = released_on(minor)
    if minor == 0:
        return _add_months(ends_on, -PROJECTED_MONTHS), ends_on
    return released_on(minor - 1) + timedelta(days=1), ends_on
