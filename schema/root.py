"""The schema: the Query, Mutation and Subscription roots merged from the feature modules."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter, ParserCache, SchemaExtension
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from backend.settings import Settings
from schema.consistency import ReadYourWrites
from schema.deadline import QueryDeadline
from schema.errors import CodedErrors
from schema.middleware import OPERATION_KEY
from schema.mutations.root import Mutation
from schema.reports.queries import ReportQueries
from schema.roadmap.digests import DigestQuery
from schema.roadmap.queries import RoadmapQuery
from schema.scalars import SCALARS
from schema.subscriptions import Subscription
from schema.validation import CheckedOperations, OperationChecks, QuietExecutor
from schema.viewer import ViewerQuery

CACHED_DOCUMENTS = 256
"""Parsed and validated documents kept per process (clients repeat the same queries)."""

QUERIES: tuple[type, ...] = (ViewerQuery, RoadmapQuery, DigestQuery, ReportQueries)

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
        try:
            yield
        finally:
            # The name is known once the document is parsed; a query cut off by its
            # time limit ends here with an exception, and is logged by name too.
            context: Any = self.execution_context.context
            request = getattr(context, "request", None)
            if request is not None:
                request.scope[OPERATION_KEY] = self.execution_context.operation_name


class CachedParsing(ParserCache):
    """strawberry's parser cache, except for documents that do not parse.

    ``ParserCache`` parses inside the extension hook, where a syntax error escapes
    strawberry's own error handling and would reach the client as an internal error. A
    document that fails here is left unparsed, so strawberry's parse step reports the
    syntax error (or the token limit) like any other ``GRAPHQL_PARSE_FAILED``.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            try:
                context.graphql_document = self.cached_parse_document(
                    context.query, **context.parse_options
                )
            except GraphQLError:
                context.graphql_document = None
        yield


def build_schema(settings: Settings) -> strawberry.Schema:
    """The executable schema with this process's limits.

    The checks are made once per schema, not once per request, so their cache recognises
    a document it has validated before under the same rules.
    """
    checks = OperationChecks.from_settings(settings, CACHED_DOCUMENTS)
    return RoadlogSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        scalar_overrides=SCALARS,
        execution_context_class=QuietExecutor,
        extensions=[
            partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
            partial(CachedParsing, maxsize=CACHED_DOCUMENTS),
            partial(CheckedOperations, checks),
            RecordOperation,
            ReadYourWrites,
            CodedErrors,
            # Last: its execution hook must be the innermost (see QueryDeadline).
            partial(QueryDeadline, settings.request_timeout_seconds),
        ],
    )
