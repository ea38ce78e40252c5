"""Settings handed to ``serve --workers`` processes through their environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

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


def settings_from(monkeypatch: pytest.MonkeyPatch, **variables: str) -> Settings:
    """Settings from exactly these environment variables."""
    for key in os.environ:
        if key.startswith("ROADLOG_") or key == "DATABASE_URL":
            monkeypatch.delenv(key)
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    return Settings()


@pytest.mark.parametrize(
    ("written", "origins"),
    [
        ("http://localhost:3000", ["http://localhost:3000"]),
        ("https://a.example, https://b.example", ["https://a.example", "https://b.example"]),
        ("https://a.example,,", ["https://a.example"]),
        ("", []),
        ("  ", []),
        ('["https://a.example", "https://b.example"]', ["https://a.example", "https://b.example"]),
        ("[]", []),
    ],
    ids=["one", "comma-separated", "trailing-commas", "empty", "blank", "json-list", "json-empty"],
)
def test_cors_origins_load_in_every_documented_form(
    monkeypatch: pytest.MonkeyPatch, written: str, origins: list[str]
) -> None:
    assert settings_from(monkeypatch, ROADLOG_CORS_ORIGINS=written).cors_origins == origins


@pytest.mark.parametrize("written", ["[https://a.example", '["https://a.example", 3]'])
def test_a_broken_json_list_is_a_validation_error_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, written: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        settings_from(monkeypatch, ROADLOG_CORS_ORIGINS=written)
    assert refused.value.errors()[0]["loc"][0] == "cors_origins"


def test_an_empty_variable_means_the_default_for_every_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What a template or a ConfigMap leaves behind when a value is not filled in.
    empty = dict.fromkeys(Settings().environment(), "")
    assert set(empty) >= {"ROADLOG_PORT", "ROADLOG_CORS_ORIGINS", "ROADLOG_DEV"}
    defaults = {
        name: field.get_default(call_default_factory=True)
        for name, field in Settings.model_fields.items()
    }
    assert settings_from(monkeypatch, DATABASE_URL="", **empty).model_dump() == defaults


def test_log_levels_are_checked_and_any_case_works(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings_from(monkeypatch, ROADLOG_LOG_LEVEL="WARNING").log_level == "warning"
    with pytest.raises(ValidationError, match="'loud' is not one of debug, info"):
        settings_from(monkeypatch, ROADLOG_LOG_LEVEL="loud")
