"""The committed SDL is the schema the code serves, and it keeps the API contract."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import (
    GraphQLSchema,
    build_schema,
    extend_schema,
    find_breaking_changes,
    parse,
    value_from_ast,
)

from schema.export import SDL_FILE, sorted_sdl

CONTRACTS = Path(__file__).parents[2] / "schema" / "contract"
"""The project's own copy of the API contract and of the extensions whose issues landed."""

EXTENSIONS = ["contract-lifecycle.graphql", "contract-communicate.graphql"]
"""The extensions the schema keeps, applied in this order on top of ``contract.graphql``."""


def the_contract() -> GraphQLSchema:
    """The contract with every landed extension applied, as graphql-core's ``extend_schema``."""
    contract = build_schema((CONTRACTS / "contract.graphql").read_text())
    for extension in EXTENSIONS:
        contract = extend_schema(contract, parse((CONTRACTS / extension).read_text()))
    return contract


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
    contract = the_contract()
    ours = build_schema(SDL_FILE.read_text())
    assert breaking_changes(contract, ours) == []


def test_a_field_missing_from_the_schema_breaks_the_contract() -> None:
    # The check above is only as good as the copy it reads: it must name real fields.
    contract = the_contract()
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


@pytest.mark.parametrize(
    ("type_line", "field", "qualified"),
    [
        ("type Initiative implements Node {", "children", "Initiative.children"),
        ("type Query {", "digest", "Query.digest"),
    ],
)
def test_a_field_missing_from_an_extension_breaks_the_contract(
    type_line: str, field: str, qualified: str
) -> None:
    # The extensions are checked too: a field only an extension asks for is required.
    sdl = SDL_FILE.read_text()
    start = sdl.index(type_line)
    end = sdl.index("\n}", start)
    narrowed = re.sub(rf"\n  {field}\b", f"\n  renamed_{field}", sdl[start:end], count=1)
    narrower = sdl[:start] + narrowed + sdl[end:]
    assert breaking_changes(the_contract(), build_schema(narrower)) == [
        f"FIELD_REMOVED: Field {qualified} was removed."
    ]


def test_priority_changes_can_include_displaced_ones() -> None:
    # Part of contract-communicate.graphql that an extension cannot express: an optional
    # argument on an existing field.
    ours = build_schema(SDL_FILE.read_text())
    assert ours.query_type is not None
    argument = ours.query_type.fields["priorityChanges"].args["includeDisplaced"]
    assert argument.ast_node is not None and argument.ast_node.default_value is not None
    assert str(argument.type) == "Boolean"
    assert value_from_ast(argument.ast_node.default_value, argument.type) is False
