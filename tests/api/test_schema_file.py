"""The committed SDL is the schema the code serves, and it keeps the API contract."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema, find_breaking_changes

from schema.export import SDL_FILE, sorted_sdl

CONTRACT = Path(__file__).parents[3] / "shared" / "contract.graphql"


def test_the_committed_sdl_matches_the_code() -> None:
    assert SDL_FILE.read_text() == sorted_sdl(), (
        "schema/schema.graphql is stale: run `.venv/bin/python -m schema.export`"
    )


def test_the_schema_is_a_compatible_superset_of_the_contract() -> None:
    assert CONTRACT.exists(), f"the API contract is expected at {CONTRACT}"
    contract = build_schema(CONTRACT.read_text())
    ours = build_schema(SDL_FILE.read_text())
    assert [change.description for change in find_breaking_changes(contract, ours)] == []
