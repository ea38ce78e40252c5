"""The schema: the Query, Mutation and Subscription roots merged from the feature modules."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from backend.settings import Settings
from schema.consistency import ReadYourWrites
from schema.errors import CodedErrors
from schema.middleware import OPERATION_KEY
from schema.mutations.root import Mutation
from schema.reports.queries import ReportQueries
from schema.roadmap.queries import RoadmapQuery
from schema.roadmap.shaped import ShapingExecutionContext
from schema.subscriptions import Subscription
from schema.viewer import ViewerQuery

QUERIES: tuple[type, ...] = (ViewerQuery, RoadmapQuery, ReportQueries)

Query = merge_types("Query", QUERIES)


class RoadlogSchema(strawberry.Schema):
    """strawberry's schema, minus its own error logging: ``CodedErrors`` logs unexpected
    errors once, with their request id, and expected ones are not worth a traceback."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


class RecordOperation(SchemaExtension):
    """Put the operation's name where the request log finds it."""

    def on_operation(self) -> Iterator[None]:
        yield
        # The name is known once the document is parsed.
        context: Any = self.execution_context.context
        request = getattr(context, "request", None)
        if request is not None:
            request.scope[OPERATION_KEY] = self.execution_context.operation_name


def build_schema(settings: Settings) -> strawberry.Schema:
    """The executable schema with this process's limits."""
    return RoadlogSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(disable_field_suggestions=True),
        execution_context_class=ShapingExecutionContext,
        extensions=[
            partial(QueryDepthLimiter, max_depth=settings.max_depth),
            partial(MaxAliasesLimiter, max_alias_count=settings.max_aliases),
            partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
            RecordOperation,
            ReadYourWrites,
            CodedErrors,
        ],
    )
