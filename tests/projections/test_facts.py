"""Facts are written in bulk, yet every statement sees exactly the facts before it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone
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
    "notes", "position bigint, ids uuid[], tags text[], weeks numeric, at timestamptz, text text"
)
LINKS = FactTable("links", "position bigint")
KINDS = FactTable(
    "kinds",
    "position bigint, rank integer, share double precision, done boolean, due date, "
    "weeks numeric, id uuid, at timestamptz, text text, ids uuid[], tags text[]",
)
"""Every kind of value the read models' fact tables hold."""
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
    assert written[0][1].args[0] == '{"1","2"}'
    assert written[0][1].args[-1] == '{"a","b"}'


@pytest.fixture
async def conn(database: DatabaseTarget) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(**database.asyncpg_kwargs())
    await connection.execute("CREATE SCHEMA IF NOT EXISTS toy")
    await connection.execute(
        "CREATE TABLE toy.notes (position bigint PRIMARY KEY, ids uuid[], tags text[],"
        " weeks numeric, at timestamptz, text text)"
    )
    await connection.execute(
        "CREATE TABLE toy.kinds (position bigint PRIMARY KEY, rank integer,"
        " share double precision, done boolean, due date, weeks numeric, id uuid,"
        " at timestamptz, text text, ids uuid[], tags text[])"
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


NASTY_TEXT = [
    'a "quoted" {brace},comma',
    'back\\slash \\" \\\\',
    "NULL",
    "null",
    "",
    " padded ",
    "{}",
    "it's",
    "$1 $$ dollar",
    "ünïcødé ✓ 🚀",
    "new\nline\ttab\r",
]


async def test_every_kind_of_fact_value_is_stored_as_asyncpg_stores_it(
    conn: asyncpg.Connection,
) -> None:
    """Each column travels as the text of an array: values that array syntax treats
    specially (quotes, backslashes, braces, commas, the word NULL, blanks) come back as
    they went in, as do numbers at their extremes and times in any offset."""
    east = timezone(timedelta(hours=5, minutes=30))
    rows: list[tuple[Any, ...]] = [
        (1, 1, 0.1, True, date(2026, 2, 28), Decimal("1.25"), uuid4(),
         datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=east), NASTY_TEXT[0],
         [uuid4(), uuid4()], NASTY_TEXT),
        (2, -(2**31), -1e300, False, date(1970, 1, 1), Decimal("-12345678901234567890.5"),
         None, datetime(1, 1, 1, 12, tzinfo=UTC), None, [], []),
        (3, 2**31 - 1, None, None, None, Decimal("1E+3"), uuid4(), None, "", None, None),
        (4, 0, float("inf"), None, date(2024, 2, 29), Decimal("0.000001"), None,
         datetime.now(UTC), NASTY_TEXT[1], [uuid4(), None], [None, "NULL", ""]),
        (2**63 - 1, 7, float("nan"), True, None, Decimal("NaN"), None, None,
         NASTY_TEXT[2], None, ["{a,b}", '"', "\\"]),
    ]  # fmt: skip
    for text in NASTY_TEXT:
        rows.append((len(rows) + 1, 0, 0.0, None, None, None, None, None, text, [], [text]))
    writer = ScriptWriter()
    statement = KINDS.statement(rows)
    writer.add(render(statement.sql, "toy"), statement.args)
    await run_script(conn, writer.script)

    await conn.executemany(
        "INSERT INTO toy.kinds VALUES (-$1::bigint, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", rows
    )
    # Compared as PostgreSQL's own JSON of the rows, so that NaN equals NaN.
    pairs = await conn.fetch(
        "SELECT (to_jsonb(a) - 'position')::text AS bulk, (to_jsonb(b) - 'position')::text AS one"
        " FROM toy.kinds a JOIN toy.kinds b ON b.position = -a.position"
        " WHERE a.position > 0 ORDER BY a.position"
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
