"""Facts are written in bulk, yet every statement sees exactly the facts before it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

import asyncpg
import pytest

from backend.database import DatabaseTarget
from projections.batch import LoggedEvent, in_bulk, render
from projections.catalog import READ_MODELS
from projections.read_model import Fact, FactTable, ReadModel, Statement
from projections.script import ScriptWriter, run_script

NOTES = FactTable(
    "notes",
    ("position", "ids", "tags", "weeks", "at", "text"),
    ("bigint", "uuid[]", "text[]", "numeric", "timestamptz", "text"),
)
LINKS = FactTable("links", ("position",), ("bigint",))
MODEL = ReadModel("toy", facts=(NOTES, LINKS))
COUNT = Statement("SELECT count(*) FROM {schema}.notes")


def logged(position: int) -> LoggedEvent:
    return LoggedEvent(position, object())


def test_a_run_of_facts_is_one_insert_per_table_written_before_the_next_statement() -> None:
    one, two, three = logged(1), logged(2), logged(3)
    items: list[tuple[LoggedEvent, Statement | Fact]] = [
        (one, Fact(LINKS, (1,))),
        (one, Fact(NOTES, (1, [], [], None, None, "a"))),
        (two, Fact(NOTES, (2, [], [], None, None, "b"))),
        (two, COUNT),
        (three, Fact(LINKS, (3,))),
    ]

    written = in_bulk(MODEL, items)

    assert [(events, statement.sql) for events, statement in written] == [
        ((one, two), NOTES.sql),  # the model's order: notes before links
        ((one,), LINKS.sql),
        ((two,), COUNT.sql),
        ((three,), LINKS.sql),
    ]
    assert written[0][1].args[0] == [1, 2]
    assert written[0][1].args[-1] == ["a", "b"]


@pytest.fixture
async def conn(database: DatabaseTarget) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(**database.asyncpg_kwargs())
    await connection.execute("CREATE SCHEMA IF NOT EXISTS toy")
    await connection.execute(
        "CREATE TABLE toy.notes (position bigint PRIMARY KEY, ids uuid[], tags text[],"
        " weeks numeric, at timestamptz, text text)"
    )
    yield connection
    await connection.execute("DROP SCHEMA toy CASCADE")
    await connection.close()


async def test_facts_written_in_bulk_equal_the_rows_inserted_one_by_one(
    conn: asyncpg.Connection,
) -> None:
    nasty = ['a "quoted" {brace},comma', "back\\slash", "NULL", "", "ünïcødé"]
    rows: list[tuple[Any, ...]] = [
        (1, [uuid4(), uuid4()], nasty, Decimal("1.25"), datetime(2026, 3, 1, tzinfo=UTC), "x"),
        (2, [], [], None, None, "it's"),
        (3, None, None, Decimal(-7), datetime(1970, 1, 1, tzinfo=UTC), None),
        (4, [uuid4(), None], [None, "n"], Decimal("1e-6"), datetime.now(UTC), "\n\t"),
    ]
    writer = ScriptWriter()
    writer.add(render(NOTES.statement(rows).sql, "toy"), NOTES.statement(rows).args)
    await run_script(conn, writer.script)

    for position, *values in rows:
        await conn.execute(
            "INSERT INTO toy.notes VALUES ($1 + 100, $2, $3, $4, $5, $6)", position, *values
        )
    pairs = await conn.fetch(
        "SELECT (to_jsonb(a) - 'position')::text AS bulk, (to_jsonb(b) - 'position')::text AS one"
        " FROM toy.notes a JOIN toy.notes b ON b.position = a.position + 100"
    )
    assert len(pairs) == len(rows)
    assert [pair["bulk"] for pair in pairs] == [pair["one"] for pair in pairs]


WRITES_FACTS_LAST = [model for model in READ_MODELS if model.facts_unread]


@pytest.mark.parametrize("model", WRITES_FACTS_LAST, ids=lambda model: model.name)
def test_no_statement_of_a_model_writing_its_facts_last_reads_them(model: ReadModel) -> None:
    """``facts_unread`` is a promise: a statement reading a fact table would miss the rows
    of the earlier events of its own batch. Every SQL text its handlers' modules hold is
    checked for a fact table's name."""
    texts = {
        value
        for handler in model.handlers.values()
        for value in handler.__globals__.values()
        if isinstance(value, str) and "{schema}." in value
    }
    tables = [table.name for table in model.facts]
    assert texts and tables
    readers = {
        (table, text.split()[0])
        for text in texts
        for table in tables
        if re.search(r"\{schema\}\." + table + r"\b", text)
    }
    assert readers == set()
