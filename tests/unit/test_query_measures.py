"""Depth, aliases and cost of documents: each fragment measured once, whatever it expands to."""

from __future__ import annotations

import time

import pytest
from graphql import (
    DocumentNode,
    GraphQLSchema,
    OperationDefinitionNode,
    get_introspection_query,
    parse,
    validate,
)

from backend.settings import Settings
from schema.cost import ASSUMED_LIST_SIZE, CostEstimate, ListSizes
from schema.limits import DocumentMeasure, Measure, depth_and_alias_limits
from schema.root import build_schema

SIZES = ListSizes(default_page=50, max_page=100)


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(Settings())._schema


def operation_of(document: DocumentNode) -> OperationDefinitionNode:
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return operation


def measure(query: str) -> Measure:
    document = parse(query)
    return DocumentMeasure(document).operation(operation_of(document))


def cost(schema: GraphQLSchema, query: str, **variables: object) -> int:
    document = parse(query)
    return CostEstimate(schema, document, variables, SIZES).operation(operation_of(document))


def doubling(levels: int, on: str = "Viewer", leaf: str = "a: actor") -> str:
    fragments = [f"fragment F0 on {on} {{ {leaf} }}"]
    for level in range(1, levels + 1):
        fragments.append(f"fragment F{level} on {on} {{ ...F{level - 1} ...F{level - 1} }}")
    return " ".join(fragments)


def test_depth_counts_fields_with_selections_and_skips_introspection() -> None:
    assert measure("{ viewer { actor } }") == Measure(1, 0)
    assert measure("{ viewer { workspace { name } } }").depth == 2
    assert measure("{ __schema { types { fields { name } } } }").depth == 0
    assert measure("{ v: viewer { a: actor ... on Viewer { r: role } } }") == Measure(1, 3)


def test_a_fragment_counts_where_it_is_spread() -> None:
    query = "{ viewer { ...W } } fragment W on Viewer { w: workspace { n: name } }"
    assert measure(query) == Measure(2, 2)
    twice = "{ a: viewer { ...W } b: viewer { ...W } } fragment W on Viewer { w: actor }"
    assert measure(twice) == Measure(1, 4)


def test_a_fan_out_of_two_hundred_levels_is_measured_at_once() -> None:
    started = time.monotonic()
    measured = measure("{ viewer { ...F200 } } " + doubling(200))
    assert measured == Measure(1, 2**200)
    assert time.monotonic() - started < 1


def test_fragment_cycles_and_unknown_fragments_end() -> None:
    cycle = "{ viewer { ...A } } fragment A on Viewer { a: actor ...B } "
    cycle += "fragment B on Viewer { b: role ...A }"
    assert measure(cycle).aliases == 2
    assert measure("{ viewer { ...Missing } }") == Measure(1, 0)


def test_the_rule_reports_depth_per_operation_and_aliases_over_the_document(
    schema: GraphQLSchema,
) -> None:
    rule = depth_and_alias_limits(max_depth=1, max_aliases=2)
    deep = "query Deep { viewer { workspace { name } } } query Flat { a: viewer { b: actor } }"
    errors = [error.message for error in validate(schema, parse(deep), [rule])]
    assert errors == ["'Deep' exceeds maximum operation depth of 1"]
    many = "{ a: viewer { b: actor c: role } }"
    [error] = validate(schema, parse(many), [rule])
    assert error.message == "3 aliases found. Allowed: 2"
    assert error.extensions == {"code": "LIMIT_EXCEEDED"}


def test_a_field_costs_one_for_each_time_it_is_resolved(schema: GraphQLSchema) -> None:
    assert cost(schema, "{ viewer { actor role } }") == 3
    # Unpaged lists are assumed to hold ASSUMED_LIST_SIZE items, and nested ones multiply.
    nested = '{ roadmap(id: "x") { initiatives { title deliverables { title } } } }'
    per_initiative = 1 + 1 + ASSUMED_LIST_SIZE * 2
    assert cost(schema, nested) == 1 + ASSUMED_LIST_SIZE * per_initiative


def test_a_connection_costs_its_page(schema: GraphQLSchema) -> None:
    page = "query ($n: Int) { roadmaps(first: $n) { edges { node { name } } "
    page += "pageInfo { hasNextPage } } }"
    # The connection, its edge, node and name, its pageInfo and hasNextPage: once per item.
    per_item = 1 + 3 + 2
    assert cost(schema, page, n=3) == 3 * per_item
    assert cost(schema, page) == 50 * per_item, "the default page"
    assert cost(schema, page, n=10_000) == 100 * per_item, "never more than a page"
    assert cost(schema, "{ roadmaps(first: 2) { edges { cursor } } }") == 2 * 3


def test_a_list_asked_for_by_ids_is_as_long_as_the_ids(schema: GraphQLSchema) -> None:
    query = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    assert cost(schema, query, ids=["a", "b", "c"]) == 3 * 2
    assert cost(schema, '{ nodes(ids: ["a"]) { id } }') == 2


def test_a_fragment_fan_out_costs_what_it_expands_to_computed_at_once(
    schema: GraphQLSchema,
) -> None:
    query = "{ ...F60 } " + doubling(60, on="Query", leaf="viewer { actor }")
    started = time.monotonic()
    assert cost(schema, query) == 2 * 2**60
    assert time.monotonic() - started < 1


def test_graphiql_introspection_fits_the_default_limit_and_nesting_abuse_does_not(
    schema: GraphQLSchema,
) -> None:
    limit = Settings().max_cost
    assert cost(schema, get_introspection_query(descriptions=True)) < limit
    # Nothing bounds the depth inside __schema but the cost: each level multiplies.
    nested = "{ __schema { types { " + "fields { type { " * 5 + "name" + " } }" * 5 + " } } }"
    assert cost(schema, nested) > limit
