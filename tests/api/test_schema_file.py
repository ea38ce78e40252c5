"""The committed SDL is the schema the code serves, and it keeps the API contract."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import GraphQLSchema, build_schema, find_breaking_changes

from schema.export import SDL_FILE, sorted_sdl

CONTRACT = Path(__file__).parents[2] / "schema" / "contract" / "contract.graphql"
"""The project's own copy of the API contract (extensions join it as their issues land)."""


def breaking_changes(contract: GraphQLSchema, ours: GraphQLSchema) -> list[str]:
    """What ``ours`` breaks of ``contract``, one line each."""
    return [
        f"{change.type.name}: {change.description}"
        for change in find_breaking_changes(contract, ours)
    ]


def test_the_committed_sdl_matches_the_code() -> None:
    assert SDL_FILE.read_text() == sorted_sdl(), (
        "schema/schema.graphql is stale: run `.venv/bin/python -m schema.export`"
    )


def test_the_schema_is_a_compatible_superset_of_the_contract() -> None:
    contract = build_schema(CONTRACT.read_text())
    ours = build_schema(SDL_FILE.read_text())
    assert breaking_changes(contract, ours) == []


def test_a_field_missing_from_the_schema_breaks_the_contract() -> None:
    # The check above is only as good as the copy it reads: it must name real fields.
    contract = build_schema(CONTRACT.read_text())
    assert contract.query_type is not None
    dropped = sorted(contract.query_type.fields)[0]
    sdl = SDL_FILE.read_text()
    start = sdl.index("type Query {")
    end = sdl.index("\n}", start)
    query = re.sub(rf"\n  {dropped}\b", f"\n  renamed_{dropped}", sdl[start:end], count=1)
    narrower = sdl[:start] + query + sdl[end:]
    assert breaking_changes(contract, build_schema(narrower)) == [
        f"FIELD_REMOVED: Field Query.{dropped} was removed."
    ]
