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


def test_an_owner_url_prepares_the_database_the_runtime_url_runs_on() -> None:
    target = DatabaseTarget.configured(
        "postgresql://roadlog_app:a@db/roadlog", "postgresql://roadlog_owner:o@db/roadlog"
    )
    assert (target.user, target.runtime_role) == ("roadlog_app", "roadlog_app")
    assert target.migrator == DatabaseTarget("db", 5432, "roadlog_owner", "o", "roadlog")
    assert target.with_dbname("other").migrator.dbname == "other"


def test_without_an_owner_url_one_role_does_both_and_is_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    target = DatabaseTarget.configured("postgresql://roadlog@db/roadlog", None)
    assert target.migrator == target and target.runtime_role is None
    assert "ROADLOG_OWNER_DATABASE_URL" in caplog.text
    same = DatabaseTarget.configured(target.url, target.url)
    assert same.runtime_role is None


def test_an_owner_url_of_another_database_is_refused() -> None:
    with pytest.raises(StartupError, match="same database"):
        DatabaseTarget.configured("postgresql://a@db/roadlog", "postgresql://o@db/elsewhere")
