"""The depth and alias limits, measured in one pass over the document.

A fragment may be spread many times, and each spread may sit inside another fragment
spread many times: a document of a few hundred bytes whose fragments each spread the
previous one twice names 2^40 fields. Measuring such a document by expanding every
spread never ends; here each fragment is measured once and its measure reused at every
spread, so the work is linear in the document whatever it expands to.

The figures are the ones strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter``
computed, and the messages are theirs too:

- depth: the fields with a selection set on the deepest path of an operation;
  introspection fields (``__schema``, ``__type``) do not count (the cost limit does);
- aliases: every aliased field of every operation, a fragment's aliases counted at each
  spread.

Fragments are measured once each (``schema.fragments``); a spread of a fragment that is
being measured (a cycle) counts zero, so a cycle never loops here either.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

from schema.errors import LIMIT_EXCEEDED
from schema.fragments import FragmentMeasures

NESTED_TOO_DEEPLY = "Fragments are nested too deeply to measure."


@dataclass(frozen=True)
class Measure:
    """What a selection set adds to an operation: its depth and its aliases."""

    depth: int
    aliases: int


NOTHING = Measure(0, 0)


def is_introspection(field: FieldNode) -> bool:
    """``__schema``, ``__type`` or ``__typename``."""
    return field.name.value.startswith("__")


class DocumentMeasure:
    """Depth and aliases of the operations of one document, each fragment measured once."""

    def __init__(self, document: DocumentNode) -> None:
        self._fragments = FragmentMeasures(
            document, lambda definition: self.selections(definition.selection_set), NOTHING
        )

    def operation(self, operation: OperationDefinitionNode) -> Measure:
        """The depth and aliases of one operation, fragments expanded."""
        return self.selections(operation.selection_set)

    def selections(self, selection_set: SelectionSetNode) -> Measure:
        """The depth and aliases a selection set adds where it stands."""
        depth = aliases = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                nested = selection.selection_set
                inner = self.selections(nested) if nested else NOTHING
                aliases += inner.aliases + (1 if selection.alias else 0)
                if nested and not is_introspection(selection):
                    depth = max(depth, 1 + inner.depth)
                continue
            if isinstance(selection, InlineFragmentNode):
                inner = self.selections(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                inner = self._fragments.of(selection.name.value)
            else:  # pragma: no cover - the three kinds of selection are all there is
                raise AssertionError(f"unknown selection {selection.kind}")
            depth = max(depth, inner.depth)
            aliases += inner.aliases
        return Measure(depth, aliases)


def operation_name(operation: OperationDefinitionNode) -> str:
    """The name the depth message quotes."""
    return operation.name.value if operation.name else "anonymous"


def depth_and_alias_limits(max_depth: int, max_aliases: int) -> type[ASTValidationRule]:
    """A validation rule refusing documents deeper than ``max_depth`` or with more than
    ``max_aliases`` aliases (over all their operations)."""

    class DepthAndAliasLimits(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            operations = [
                definition
                for definition in context.document.definitions
                if isinstance(definition, OperationDefinitionNode)
            ]
            measure = DocumentMeasure(context.document)
            try:
                measures = [measure.operation(operation) for operation in operations]
            except RecursionError:
                # Only a chain of hundreds of fragments nests this deeply.
                context.report_error(
                    GraphQLError(NESTED_TOO_DEEPLY, extensions={"code": LIMIT_EXCEEDED})
                )
                return
            for operation, measured in zip(operations, measures, strict=True):
                if measured.depth > max_depth:
                    context.report_error(
                        GraphQLError(
                            f"'{operation_name(operation)}' exceeds maximum operation depth"
                            f" of {max_depth}",
                            operation,
                            extensions={"code": LIMIT_EXCEEDED},
                        )
                    )
            aliases = sum(measured.aliases for measured in measures)
            if aliases > max_aliases:
                context.report_error(
                    GraphQLError(
                        f"{aliases} aliases found. Allowed: {max_aliases}",
                        extensions={"code": LIMIT_EXCEEDED},
                    )
                )

    return DepthAndAliasLimits
