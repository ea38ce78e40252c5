"""Mutations as a client sends them, and the event log's size to prove nothing was recorded."""

from __future__ import annotations

from typing import Any

import asyncpg

from backend.database import DatabaseTarget
from tests.support.graphql import GraphQLClient
from tests.support.names import NAME_TOPICS

PAYLOAD = "userErrors { field code message } position"


async def event_count(database: DatabaseTarget) -> int:
    """Events in the log (the write side's truth, not a read model), but the reservations
    of names: those are only ever saved with a team's or roadmap's own event."""
    conn = await asyncpg.connect(**database.asyncpg_kwargs())
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM public.roadlog_events WHERE NOT topic = ANY($1::text[])",
            NAME_TOPICS,
        )
        return count
    finally:
        await conn.close()


async def mutate(
    client: GraphQLClient,
    name: str,
    input: dict[str, Any],
    selection: str = "",
    *,
    token: str | None = None,
) -> dict[str, Any]:
    """Run mutation ``name`` with ``input``; its payload (top-level errors fail the test)."""
    input_type = name[0].upper() + name[1:] + "Input"
    body = f"{name}(input: $input) {{ {selection} {PAYLOAD} }}"
    query = f"mutation Run($input: {input_type}!) {{ {body} }}"
    data = await client.execute(query, {"input": input}, token=token)
    payload: dict[str, Any] = data[name]
    return payload


def user_errors(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    """(field, code) of each user error."""
    return [(error["field"], error["code"]) for error in payload["userErrors"]]
