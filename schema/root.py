"""The schema: the Query, Mutation and Subscription roots merged from the feature modules."""

from __future__ import annotations

from functools import partial

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from backend.settings import Settings
from schema.viewer import ViewerQuery

QUERIES: tuple[type, ...] = (ViewerQuery,)

Query = merge_types("Query", QUERIES)


def build_schema(settings: Settings) -> strawberry.Schema:
    """The executable schema with this process's limits."""
    return strawberry.Schema(
        query=Query,
        config=StrawberryConfig(disable_field_suggestions=True),
        extensions=[
            partial(QueryDepthLimiter, max_depth=settings.max_depth),
            partial(MaxAliasesLimiter, max_alias_count=settings.max_aliases),
            partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        ],
    )
