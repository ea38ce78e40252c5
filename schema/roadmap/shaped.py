"""The roadmap's hot path: a whole roadmap completed straight from its rows.

A roadmap of 500 initiatives with 5 deliverables each is some 40,000 fields. graphql-core
completes each through a resolver call, a resolve-info object and a completion step,
which costs far more than reading the rows. So ``ShapingExecutionContext`` lets a value
complete itself: when a resolver returns a ``Shapeable`` (a ``Roadmap`` loaded with its
rows), its ``shape`` builds the response for the selection set directly — aliases,
fragments, ``@skip``/``@include`` and ``__typename`` included, since the selection is
collected by graphql-core itself — and hands every field it does not know (``history``,
``alignments``, fields added later) back to graphql-core to execute as usual, on the
strawberry object of that item. A shaped answer is the answer graphql-core would give;
``tests/api/test_roadmap_shaped.py`` checks both against each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from graphql import (
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    get_named_type,
    is_enum_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

Serializer = Callable[[Any], Any]


def iso(value: Any) -> Any:
    """A date or datetime shown in ISO 8601."""
    return None if value is None else value.isoformat()


def _text(value: Any) -> Any:
    return None if value is None else str(value)


def same(value: Any) -> Any:
    """A value shown as it is read."""
    return value


SERIALIZERS: dict[str, Serializer] = {
    "String": same,
    "ID": same,
    "Int": same,
    "Boolean": same,
    "Float": same,
    "DateTime": iso,
    "Date": iso,
    "Decimal": _text,
}
"""How a leaf value read from a row is shown, by GraphQL type (enums: by name, as is)."""


class NotShapeable(Exception):
    """The selection asks for something the shaper cannot answer exactly; execute as usual."""


class Shapeable(Protocol):
    """A resolver result that can complete its own selection set (when ``shapeable``)."""

    shapeable: bool

    def shape(
        self,
        executor: ShapingExecutionContext,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> AwaitableOrValue[dict[str, Any]]:
        """The completed value; raise NotShapeable to let graphql-core complete it."""
        ...


class ShapingExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context, letting ``Shapeable`` results complete themselves."""

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        # One attribute lookup on every value: the price of the fast path for the others.
        if getattr(result, "shapeable", False) is True:
            named = get_named_type(return_type)
            if isinstance(named, GraphQLObjectType):
                try:
                    shapeable: Shapeable = result
                    return shapeable.shape(self, named, field_details_list, path)
                except NotShapeable:
                    pass
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )


def serializer(named: GraphQLNamedType) -> Serializer:
    """How to show a leaf value of this type, or NotShapeable."""
    if is_enum_type(named):
        return same
    found = SERIALIZERS.get(named.name) if is_leaf_type(named) else None
    if found is None:
        raise NotShapeable(named.name)
    return found


class Pending:
    """Fields handed back to graphql-core whose values are still to be awaited."""

    def __init__(self) -> None:
        self.awaiting: list[tuple[dict[str, Any], str, Awaitable[Any]]] = []

    def put(self, target: dict[str, Any], key: str, value: Any, is_awaitable: Any) -> None:
        """``target[key] = value`` now, or once awaited (its place in the keys kept)."""
        target[key] = None
        if is_awaitable(value):
            self.awaiting.append((target, key, value))
        else:
            target[key] = value

    async def settled(self, result: dict[str, Any]) -> dict[str, Any]:
        """``result`` once every awaited value is in (concurrently, like graphql-core)."""
        values = await asyncio.gather(*(awaitable for _, _, awaitable in self.awaiting))
        for (target, key, _), value in zip(self.awaiting, values, strict=True):
            target[key] = value
        return result
