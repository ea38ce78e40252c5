"""A batch's script of prepared statements writes exactly what asyncpg's parameters write."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.database import DatabaseTarget
from projections.script import UNWRITABLE, ScriptWriter, run_script

COLUMNS = """
    CREATE TEMPORARY TABLE written (
        n integer PRIMARY KEY, title text, amount bigint, weeks numeric, share float8,
        done boolean, at timestamptz, due date, id uuid, ids uuid[], tags text[], details jsonb
    )
"""
INSERT = """
    INSERT INTO written (n, title, amount, weeks, share, done, at, due, id, ids, tags, details)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)
"""
ROW = "SELECT (to_jsonb(w) - 'n')::text FROM written w WHERE n = $1"

NASTY_TEXT = [
    "it's",
    "''; DROP TABLE written; --",
    "back\\slash \\' \\\\",
    'double "quotes" and {braces},commas',
    "$1 $$ dollar $tag$ quoting $tag$",
    "ünïcødé ✓ 🚀 \u200b zero width",
    "new\nline\ttab\r",
    "NULL",
    "",
]


@pytest.fixture
async def conn(database: DatabaseTarget) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(**database.asyncpg_kwargs())
    await connection.execute(COLUMNS)
    yield connection
    await connection.close()


async def written_both_ways(conn: asyncpg.Connection, row: Sequence[Any]) -> None:
    """Write ``row`` with a script and with asyncpg's parameters; the rows must be equal."""
    n = await conn.fetchval("SELECT coalesce(max(n), 0) + 2 FROM written")
    writer = ScriptWriter()
    writer.add(INSERT, (n, *row))
    await run_script(conn, writer.script)
    await conn.execute(INSERT, n + 1, *row)
    # Compared as PostgreSQL's own JSON of the rows, so that NaN equals NaN.
    assert await conn.fetchval(ROW, n) == await conn.fetchval(ROW, n + 1)


@pytest.mark.parametrize("title", NASTY_TEXT)
async def test_text_is_written_exactly_whatever_it_holds(
    conn: asyncpg.Connection, title: str
) -> None:
    nothing = (None,) * 6
    row: tuple[Any, ...] = (title, 1, *nothing, [], [title, None], json.dumps(title))
    await written_both_ways(conn, row)


async def test_every_kind_of_value_a_handler_passes_is_written_as_asyncpg_writes_it(
    conn: asyncpg.Connection,
) -> None:
    at = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
    rows = [
        ("t", -(2**63), Decimal("0.000001"), 0.1, True, at, date(2026, 2, 28), uuid4(), [], [],
         "{}"),
        ("t", 2**63 - 1, Decimal("-12345678901234567890.5"), -1e300, False, datetime.now(UTC),
         date.min, UUID(int=0), [uuid4(), None, uuid4()], ["a", ""], '{"k": [1, null]}'),
        ("t", 0, Decimal("NaN"), float("inf"), None, datetime.max, date.max, None, None, None,
         "null"),
        ("t", 0, Decimal(5), float("nan"), None, datetime.min, date(2024, 2, 29), None, None, None,
         "1"),
    ]  # fmt: skip
    for row in rows:
        await written_both_ways(conn, row)


async def test_values_repeated_in_one_script_are_each_written_as_asyncpg_writes_them(
    conn: asyncpg.Connection,
) -> None:
    """A writer reuses the literal of an equal value: never across types or scales."""
    same = uuid4()
    at = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    rows = [
        ("x", 1, Decimal("1.0"), 1.0, True, at, date(2026, 1, 1), same, [same], ["x"], "1"),
        ("x", 1, Decimal("1.00"), -0.0, True, at.astimezone(timezone(timedelta(hours=2))),
         date(2026, 1, 1), same, [same, same], ["x", "1"], "1.0"),
        ("1", 1, Decimal(1), 0.0, False, at, date(2026, 1, 1), same, None, ["1"], "true"),
    ]  # fmt: skip
    writer = ScriptWriter()
    for n, row in enumerate(rows, 1):
        writer.add(INSERT, (2 * n, *row))
    await run_script(conn, writer.script)
    for n, row in enumerate(rows, 1):
        await conn.execute(INSERT, 2 * n + 1, *row)
        assert await conn.fetchval(ROW, 2 * n) == await conn.fetchval(ROW, 2 * n + 1)


async def test_a_statement_is_prepared_once_per_connection(conn: asyncpg.Connection) -> None:
    for n in (1, 2):
        writer = ScriptWriter()
        writer.add(INSERT.replace("$12::jsonb", "NULL").replace(", $12", ""), (n,) + (None,) * 10)
        await run_script(conn, writer.script)
    prepared = await conn.fetchval(
        "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'roadlog_%'"
    )
    assert prepared == 1
    assert await conn.fetchval("SELECT count(*) FROM written") == 2


@pytest.mark.parametrize("value", ["nul \x00 inside", "lone \udc80 surrogate", object()])
def test_an_argument_that_cannot_be_written_is_refused_before_anything_is_sent(
    value: object,
) -> None:
    writer = ScriptWriter()
    with pytest.raises(UNWRITABLE):
        writer.add("SELECT $1::text", (value,))
    assert writer.script.lines == []


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    title=st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00")),
    weeks=st.decimals(allow_nan=False, allow_infinity=False, places=4),
)
async def test_any_storable_text_and_decimal_round_trip(
    conn: asyncpg.Connection, title: str, weeks: Decimal
) -> None:
    row = (title, 7, weeks, 0.5, None, None, None, None, None, [title], None)
    await written_both_ways(conn, row)
