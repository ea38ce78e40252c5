"""DATABASE_URL parsing: every form a user writes, and clear errors for the rest."""

from __future__ import annotations

import pytest

from backend.database import DatabaseTarget
from backend.startup import StartupError


def test_a_tcp_url_gives_host_port_user_password_and_database() -> None:
    target = DatabaseTarget.from_url("postgresql://alice:s%40cret@db.example:6543/roadmaps")
    assert target == DatabaseTarget("db.example", 6543, "alice", "s@cret", "roadmaps")


def test_a_socket_directory_url_keeps_the_directory_as_host() -> None:
    target = DatabaseTarget.from_url("postgresql://postgres:@/postgres?host=/tmp/pg")
    assert target.host == "/tmp/pg"
    assert target.port == 5432
    assert DatabaseTarget.from_url(target.url) == target


def test_url_round_trips_with_special_characters() -> None:
    target = DatabaseTarget("db", 5432, "a b", "p:w/d@", "x")
    assert DatabaseTarget.from_url(target.url) == target


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x@y/z", "must start with postgresql://"),
        ("localhost:5432", "must start with postgresql://"),
        ("postgresql://u@h:notaport/db", "invalid port"),
        ("postgresql://u@h/db?sslmode", "malformed"),
        ("postgresql://u@h:70000/db", "invalid port"),
    ],
)
def test_a_malformed_url_is_refused_with_the_offending_value(url: str, message: str) -> None:
    with pytest.raises(StartupError, match=message) as raised:
        DatabaseTarget.from_url(url)
    assert "\n" not in str(raised.value)
