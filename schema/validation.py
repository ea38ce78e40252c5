"""What a document must pass before it runs, with no hints for a prober.

``CheckedOperations`` validates every document (cached per query text) with graphql-core's
rules, strawberry's own two, the depth and alias limits and, when introspection is off,
``NoSchemaIntrospectionCustomRule``; then, for the operation that is about to run, it
requires ``operationName`` when the document holds more than one operation and checks the
estimated cost against ``ROADLOG_MAX_COST``.

Suggestions ("Did you mean ...?") are off everywhere: validation runs with graphql-core's
``hide_suggestions``, and ``QuietExecutor`` passes the same flag to the coercion of
variables, where enum values and input fields are checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    specified_rules,
    validate,
)
from graphql.execution import Executor
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from backend.settings import Settings
from schema.cost import CostEstimate, ListSizes
from schema.errors import LIMIT_EXCEEDED, VALIDATION_FAILED, coded_error
from schema.limits import NESTED_TOO_DEEPLY, depth_and_alias_limits
from schema.pagination import DEFAULT_PAGE_SIZE
from schema.roadmap.shaped import ShapingExecutionContext

OPERATION_NAME_REQUIRED = "Must provide operation name if query contains multiple operations."
"""The GraphQL specification's words (GetOperation, step 1.b)."""

Validator = Callable[[GraphQLSchema, DocumentNode], list[GraphQLError]]


@dataclass(frozen=True)
class OperationChecks:
    """The checks of one schema, built once: the rules, their cache, the cost limit."""

    validator: Validator
    sizes: ListSizes
    max_cost: int

    @classmethod
    def from_settings(cls, settings: Settings, cached_documents: int) -> OperationChecks:
        """The checks ``settings`` ask for, keeping ``cached_documents`` validations."""
        rules: list[type[ASTValidationRule]] = [
            *specified_rules,
            MaybeNullValidationRule,
            OneOfInputValidationRule,
            depth_and_alias_limits(settings.max_depth, settings.max_aliases),
        ]
        if not settings.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        chosen = tuple(rules)

        def validated(schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
            return validate(schema, document, chosen, hide_suggestions=True)

        sizes = ListSizes(
            default_page=min(DEFAULT_PAGE_SIZE, settings.max_page_size),
            max_page=settings.max_page_size,
        )
        return cls(lru_cache(maxsize=cached_documents)(validated), sizes, settings.max_cost)

    def errors(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> list[GraphQLError]:
        """Why the operation ``operation_name`` of ``document`` may not run (none: it may)."""
        errors = self.validator(schema, document)
        if errors:
            return errors
        operations = [
            definition
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode)
        ]
        if operation_name is None and len(operations) > 1:
            return [coded_error(VALIDATION_FAILED, OPERATION_NAME_REQUIRED)]
        chosen = next(
            (
                operation
                for operation in operations
                if operation_name is None
                or (operation.name is not None and operation.name.value == operation_name)
            ),
            None,
        )
        if chosen is None:
            return []  # an unknown operationName: strawberry refuses it before validation
        try:
            cost = CostEstimate(schema, document, variables, self.sizes).operation(chosen)
        except RecursionError:
            return [coded_error(LIMIT_EXCEEDED, NESTED_TOO_DEEPLY)]
        if cost > self.max_cost:
            message = f"query cost {cost} exceeds the limit of {self.max_cost}"
            return [coded_error(LIMIT_EXCEEDED, message)]
        return []


class CheckedOperations(SchemaExtension):
    """Validate the document and check the operation to run (see the module's docstring).

    Takes the place of strawberry's validation step and its ``ValidationCache``.
    """

    def __init__(self, checks: OperationChecks) -> None:
        super().__init__()
        self.checks = checks

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        assert document is not None, "strawberry validates parsed documents only"
        execution.pre_execution_errors = self.checks.errors(
            execution.schema._schema,
            document,
            # What the client sent: strawberry's ``operation_name`` falls back to the
            # document's first operation, which would run it without a word.
            execution._provided_operation_name,
            execution.variables,
        )
        yield


class QuietExecutor(ShapingExecutionContext):
    """roadlog's executor, building every execution with suggestions hidden: variables
    naming an unknown enum value or input field get no "Did you mean ...?"."""

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> list[GraphQLError] | Executor[Any]:
        return super().build(*args, **{**kwargs, "hide_suggestions": True})
