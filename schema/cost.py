"""The cost of an operation: how many fields it may resolve, estimated before it runs.

Each field costs one for every time it is resolved, so a field inside a list costs as
many times as the list is long, and nested lists multiply:

- a connection (a field with a ``first`` argument) is as long as the page it asks for:
  ``first`` (a literal or a variable's value), else the default page size, at most the
  maximum page size; its ``edges`` are that page, not a list of their own;
- a list asked for by a list argument (``nodes(ids:)``) is as long as that list;
- any other list (a roadmap's initiatives, an initiative's deliverables, an objective's
  key results, the lists of introspection) is assumed to hold ``ASSUMED_LIST_SIZE``
  items: they are not paged, and their real length is not known before reading them.

A fragment's cost is computed once and reused at each spread (``schema.fragments``), so
the estimate is linear in the document; a spread of a fragment that is being estimated (a
cycle, refused by validation anyway) costs zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

from schema.fragments import FragmentMeasures

ASSUMED_LIST_SIZE = 10
"""Items assumed in a list that is not paged (e.g. a roadmap's initiatives)."""

PAGE_ARGUMENT = "first"


@dataclass(frozen=True)
class ListSizes:
    """How long the lists of an operation are taken to be."""

    default_page: int
    max_page: int
    unpaged: int = ASSUMED_LIST_SIZE


def field_definition(
    schema: GraphQLSchema, parent: GraphQLNamedType, name: str
) -> GraphQLField | None:
    """The definition of field ``name`` of ``parent``, introspection fields included."""
    if name == "__typename":
        return TypeNameMetaFieldDef
    if parent is schema.query_type and name == "__schema":
        return SchemaMetaFieldDef
    if parent is schema.query_type and name == "__type":
        return TypeMetaFieldDef
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        field: GraphQLField | None = parent.fields.get(name)
        return field
    return None


def is_connection(parent: GraphQLNamedType) -> bool:
    """A Relay connection type: its ``edges`` are the page its field asked for."""
    return isinstance(parent, GraphQLObjectType) and {"edges", "pageInfo"} <= parent.fields.keys()


class CostEstimate:
    """The costs of the operations of one request (variables known), fragments once each."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any] | None,
        sizes: ListSizes,
    ) -> None:
        self._schema = schema
        self._variables = variables or {}
        self._sizes = sizes
        self._fragments = FragmentMeasures(document, self._fragment, 0)

    def operation(self, operation: OperationDefinitionNode) -> int:
        """The estimated number of fields ``operation`` resolves."""
        root = self._schema.get_root_type(operation.operation)
        return 0 if root is None else self.selections(operation.selection_set, root)

    def selections(self, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> int:
        """The cost of a selection set on one object of type ``parent``."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self._schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, on) if on else 0
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragments.of(selection.name.value)
        return total

    def _fragment(self, definition: FragmentDefinitionNode) -> int:
        """The cost of a named fragment on one object of its type condition."""
        on = self._schema.get_type(definition.type_condition.name.value)
        return self.selections(definition.selection_set, on) if on else 0

    def field(self, node: FieldNode, parent: GraphQLNamedType) -> int:
        """The cost of one field of one ``parent`` object, its selection included."""
        definition = field_definition(self._schema, parent, node.name.value)
        if definition is None:
            return 0  # not a field of the type: validation says so
        inner = 0
        if node.selection_set:
            inner = self.selections(node.selection_set, get_named_type(definition.type))
        return self.length(node, parent, definition) * (1 + inner)

    def length(self, node: FieldNode, parent: GraphQLNamedType, definition: GraphQLField) -> int:
        """How many times the field is resolved for one ``parent`` object."""
        if PAGE_ARGUMENT in definition.args:
            return self.page_size(node)
        if not is_list_type(get_nullable_type(definition.type)):
            return 1
        if is_connection(parent):
            return 1  # the connection's field counted the page already
        given = [self.list_length(argument.value) for argument in node.arguments or ()]
        lengths = [length for length in given if length is not None]
        return max(lengths) if lengths else self._sizes.unpaged

    def page_size(self, node: FieldNode) -> int:
        """The page a connection field asks for, within the maximum page size."""
        asked: object = None
        for argument in node.arguments or ():
            if argument.name.value == PAGE_ARGUMENT:
                asked = self.value(argument.value)
        if not isinstance(asked, int) or isinstance(asked, bool):
            return min(self._sizes.default_page, self._sizes.max_page)
        return max(0, min(asked, self._sizes.max_page))

    def list_length(self, value: ValueNode) -> int | None:
        """The length of a list argument (None when it is not a list)."""
        given = value if isinstance(value, ListValueNode) else self.value(value)
        if isinstance(given, ListValueNode):
            return len(given.values)
        return len(given) if isinstance(given, list) else None

    def value(self, value: ValueNode) -> object:
        """A literal integer, a variable's value, or the node itself."""
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            return self._variables.get(value.name.value)
        return value
