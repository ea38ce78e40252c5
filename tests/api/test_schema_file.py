"""The committed SDL is the schema the code serves."""

from __future__ import annotations

from schema.export import SDL_FILE, sorted_sdl


def test_the_committed_sdl_matches_the_code() -> None:
    assert SDL_FILE.read_text() == sorted_sdl(), (
        "schema/schema.graphql is stale: run `.venv/bin/python -m schema.export`"
    )
