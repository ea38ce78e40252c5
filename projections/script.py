"""A batch's statements as one SQL script of prepared statements: one round trip, not one each.

Sent one by one, every statement of a batch costs a network round trip to PostgreSQL
(about 0.3 ms here, against some 0.04 ms of work on the server), and a batch of the real
read models holds several statements per event, in an order no ``executemany`` can keep
together. So each distinct statement text is PREPAREd once per connection, with its
parameter types inferred by the server exactly as for asyncpg's own prepared statements,
and the batch runs as a script of ``EXECUTE name(arg, ...)`` lines sent in a few
simple-query messages.

The arguments are written as SQL literals by psycopg's adapters (the library's own
quoting, already a dependency through the event store): strings are escaped, other
values carry a cast, and PostgreSQL converts each to its parameter's type. Dates and
times at ``min``/``max`` are written as -infinity/infinity, as asyncpg does (a target
date of 9999-12-31 is one an API caller can send; the dumpers cost nothing measurable:
15.1 against 15.2 µs per event of writing). A value that cannot be written (text with NUL,
a lone surrogate, a type psycopg does not know) raises here, before anything is sent, so
the caller can name the event it came from.

Nothing is written by hand: aware datetimes and lists of uuids, once written here to
psycopg's very text, saved 1.8 µs per event (17.0 against 15.2 µs of writing, over
20,000 events of the benchmark story and all real read models, median of nine
alternating runs) of a rebuild's ~270 µs of CPU per event, once facts came in bulk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

import asyncpg
import psycopg
from psycopg.abc import Buffer
from psycopg.adapt import AdaptersMap, Dumper, PyFormat, Transformer
from psycopg.types.datetime import DateDumper, DatetimeDumper, DatetimeNoTzDumper

LINES_PER_MESSAGE = 10_000
"""EXECUTE lines per simple-query message: the server parses a message whole, so this
bounds its memory; a batch of 1,000 events of the real read models (~6,300 lines) goes
in one message, one round trip (each round trip waits for the event loop's thread to get
the GIL back from the thread composing the next batch)."""

UNWRITABLE: tuple[type[Exception], ...] = (ValueError, TypeError, psycopg.Error)
"""What ``ScriptWriter.add`` raises for an argument it cannot write as a literal: psycopg's
DataError (text with NUL), UnicodeEncodeError (a lone surrogate), ProgrammingError (a type
without an adapter)."""

_prepared: WeakKeyDictionary[asyncpg.Connection, set[str]] = WeakKeyDictionary()
"""The statement names each connection has prepared (PREPARE outlives a rollback)."""


def _infinity(obj: date, lowest: date, highest: date) -> bytes | None:
    """infinity/-infinity for the highest/lowest value, as asyncpg writes them, else None."""
    if obj == highest:
        return b"infinity"
    if obj == lowest:
        return b"-infinity"
    return None


class _InfiniteDate(DateDumper):
    """``date.max``/``date.min`` as infinity/-infinity."""

    def dump(self, obj: date) -> Buffer | None:
        return _infinity(obj, date.min, date.max) or super().dump(obj)


class _InfiniteNaiveDatetime(DatetimeNoTzDumper):
    """Naive ``datetime.max``/``datetime.min`` as infinity/-infinity."""

    def dump(self, obj: datetime) -> Buffer | None:
        return _infinity(obj, datetime.min, datetime.max) or super().dump(obj)


class _Datetime(DatetimeDumper):
    def upgrade(self, obj: datetime, format: PyFormat) -> Dumper:
        return self if obj.tzinfo else _InfiniteNaiveDatetime(self.cls)


_ADAPTERS = AdaptersMap(psycopg.adapters)
_ADAPTERS.register_dumper(date, _InfiniteDate)
_ADAPTERS.register_dumper(datetime, _Datetime)


_REPEATED: tuple[type, ...] = (str, UUID, int, bool, date, type(None))
"""Types whose equal values always have the same literal (unlike Decimal's scale or a
datetime's offset): a writer keeps their literals, since a batch repeats the same ids.
Measured over 20,000 events of the benchmark story, all real read models (median of
nine alternating runs): writing the statements costs 15.2 µs per event with these kept,
20.4 without."""


@lru_cache(maxsize=4096)
def statement_name(sql: str) -> str:
    """The prepared statement name of ``sql``: the same text always gets the same name."""
    return "roadlog_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()


@dataclass
class Script:
    """EXECUTE lines of prepared statements, and the statements they need prepared."""

    lines: list[str] = field(default_factory=list)
    statements: dict[str, str] = field(default_factory=dict)
    """Prepared statement name -> its SQL."""

    @classmethod
    def joined(cls, scripts: Iterable[Script]) -> Script:
        """One script running ``scripts`` one after the other."""
        whole = cls()
        for script in scripts:
            whole.lines += script.lines
            whole.statements.update(script.statements)
        return whole


class ScriptWriter:
    """Writes statements into a Script; one writer per thread (adapters are not shared)."""

    def __init__(self) -> None:
        self.script = Script()
        self._adapt = Transformer(_ADAPTERS)
        self._literals: dict[type, dict[Any, str]] = {cls: {} for cls in _REPEATED}

    def add(self, sql: str, args: Sequence[Any], into: Script | None = None) -> None:
        """Append ``sql`` with ``args`` to ``into`` (default: ``self.script``); raises one of
        UNWRITABLE (appending nothing) if an argument cannot be written.

        Writing several scripts with one writer shares its literals between them."""
        name = statement_name(sql)
        if args:
            known_literals = self._literals
            as_literal = self._adapt.as_literal
            literals = []
            for arg in args:
                known = known_literals.get(arg.__class__)
                if known is None:
                    literals.append(as_literal(arg).decode())
                    continue
                literal = known.get(arg)
                if literal is None:
                    literal = known[arg] = as_literal(arg).decode()
                literals.append(literal)
            line = f"EXECUTE {name}({','.join(literals)})"
        else:
            line = f"EXECUTE {name}"
        script = self.script if into is None else into
        script.statements.setdefault(name, sql)
        script.lines.append(line)


async def run_script(conn: asyncpg.Connection, script: Script) -> None:
    """Prepare what ``conn`` has not prepared yet, then run the lines in order.

    Runs inside the caller's transaction; asyncpg raises the PostgreSQL error of the first
    line that fails, and nothing after it runs.
    """
    prepared = _prepared.setdefault(conn, set())
    for name, sql in script.statements.items():
        if name not in prepared:
            await conn.execute(f"PREPARE {name} AS {sql}")
            prepared.add(name)
    lines = script.lines
    for start in range(0, len(lines), LINES_PER_MESSAGE):
        await conn.execute(";\n".join(lines[start : start + LINES_PER_MESSAGE]))
