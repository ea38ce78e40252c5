"""Kubernetes releases as cycles: plausible dates that never overlap."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from backend.importing.releases import release_cycle, release_minor, release_name


def test_only_v1_nn_names_a_release() -> None:
    assert release_minor("v1.25") == 25
    assert release_minor("v1.4") == 4
    for other in ("TBD", "x.y", "v1.yy", "v1.21, v1.37", "pre-1.0", "1.25", None, "0.0"):
        assert release_minor(other) is None
    assert release_name(25) == "v1.25"


def test_release_cycles_tile_the_calendar_without_overlapping() -> None:
    cycles = [release_cycle(minor) for minor in range(60)]
    for (_, ends_on), (starts_on, next_ends_on) in pairwise(cycles):
        assert starts_on == ends_on + timedelta(days=1)
        assert starts_on < next_ends_on
    for starts_on, ends_on in cycles:
        assert timedelta(days=40) < ends_on - starts_on < timedelta(days=200)


def test_known_releases_end_on_their_release_day_and_later_ones_are_projected() -> None:
    assert release_cycle(24) == (date(2021, 12, 8), date(2022, 5, 3))
    assert release_cycle(36)[1] == date(2026, 4, 17)
    assert release_cycle(0)[0] == date(2015, 3, 21)
