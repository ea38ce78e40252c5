"""Settings handed to ``serve --workers`` processes through their environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.settings import Settings


def test_settings_survive_the_trip_through_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    given = Settings(
        database_url="postgresql://roadlog@db:5432/roadlog",
        data_dir=Path("/var/lib/roadlog"),
        port=9000,
        projector=False,
        cors_origins=["https://a.example", "https://b.example"],
        consistency_timeout_seconds=2.5,
        workers=3,
    )
    environment = given.environment()
    assert environment["DATABASE_URL"] == "postgresql://roadlog@db:5432/roadlog"
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    assert Settings() == given


def test_unset_settings_stay_unset() -> None:
    assert "DATABASE_URL" not in Settings(database_url=None).environment()
