"""A read model: its name (schema and tracking name), its migrations and its handlers.

Handlers are pure: a domain event and its position in, SQL statements out. Statements
name their tables as ``{schema}.table`` so that the same handler writes the live schema
or, during ``roadlog rebuild``, a fresh copy of it.

The replay policy: handlers rely on exactly-once batches; they need not be idempotent.
Every path that writes a read model (the projector, a rebuild, the catch-up
inside a rebuild's swap) commits a batch's statements together with its tracking positions
in one transaction, having locked the tracking rows and checked they still hold the
positions the batch was composed against (``projections.batch.commit_batch``,
``projections.rebuild.swap``). A crash, a lost connection or a second writer therefore
never applies an event twice: its statements run once, in log order, or not at all. So:

- write the statement the event means: additive updates (``actual_weeks + $4``,
  ``slips + $6``) and plain inserts, with no ``ON CONFLICT`` that only absorbs a replay;
- use ``ON CONFLICT`` only where two different events may write the same row (a name
  rewritten by each rename, a row created by whichever of two events comes first), and
  say so beside the statement;
- key inserted rows by what the event fixes (an id, a generation, its log position), so
  that statements forced in twice fail on a unique key instead of counting twice (an
  additive update cannot tell; the tracking check is what keeps it exact);
- never skip an event silently: a handler that cannot project one raises.

Facts: rows that are only ever inserted (timeline entries, priority changes, status
changes, estimate generations, check-ins, retargets, aggregate versions), keyed by log
position or what the event fixes, are returned as ``Fact`` rows of a ``FactTable`` the
model declares, not as statements. A batch writes them in bulk: the facts of a run of
events become one multi-row insert per table, written before the model's next ordinary
statement runs (and at the end of the batch), table after table in the order of
``ReadModel.facts``. So every statement still sees exactly the rows of the events before
it, as if each fact were inserted alone; and a fact table's own insert
(``FactTable.insert``) may read the fact tables declared before it, bounded by log
position, to find what it needs of earlier events of the same batch. A model whose
ordinary statements never read its fact tables says so (``ReadModel.facts_unread``): its
facts then wait for the end of the batch, one insert per table for the whole batch, as a
run of facts is cut short by each statement in between (the roadmap's estimate, status
change and retarget each come with an update).

``tests/projections/test_replay.py`` holds both halves: a batch committed twice is
refused, and a batch forced in twice past the tracking check fails on a unique key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from backend.migrations import MigrationSet


@dataclass(frozen=True)
class Statement:
    """One SQL statement with ``$n`` parameters; ``{schema}`` is the read model's schema.

    ``{schema}`` is replaced as plain text (not ``str.format``): other braces in the SQL
    stay as written. Each distinct SQL text is prepared once per connection and kept
    (``projections.script``), so keep the text constant and vary only the args.
    """

    sql: str
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class FactTable:
    """An append-only table of a read model, written in bulk (see the module docstring).

    ``row`` names what each ``Fact`` row holds, in order, as a CREATE TABLE does
    (``"position bigint, actor text"``). The rows of a run of events go in one statement: by default
    ``INSERT INTO {schema}.<name> (<columns>) SELECT ... FROM unnest($1::text::<type>[], ...)``;
    ``insert`` replaces it with one of the model's own that takes the same arguments (one
    array per column, in order) and may read other tables, e.g. a name to quote.

    Each column travels as one text, the text of a PostgreSQL array of its values
    (``array_text``), which PostgreSQL reads as the parameter's array type. An array column
    (``uuid[]``, ``text[]``) is an array of the texts of each row's array (unnest would
    flatten an array of arrays), cast back in the insert. Written by psycopg's adapters,
    a list costs the script writer some 13 µs per text and 30 µs per timestamp, element by
    element; ``str()`` of each value costs a fraction of that. Measured on a rebuild of the
    timeline alone (20,000 events of the benchmark story): 130 instead of 188 µs of CPU
    per event in roadlog.

    ``str()`` is what psycopg writes too for the kinds of value facts hold (text, uuid,
    integers, numeric, double precision, boolean, date, an aware timestamptz; None is
    NULL), with one exception left unsupported: ``date.max`` and ``datetime.max``/``min``,
    which asyncpg and the script writer send as infinity, are stored as the years 9999 and
    1. No fact holds them: its times are the log's (clocks, an importer's past dates), and
    a date the API takes would have to be 9999-12-31, which asyncpg reads back as
    ``date.max`` either way. The temporal tables' ``valid_to`` infinity is written by the
    SQL of ordinary statements, never by a fact.
    """

    name: str
    row: str
    insert: str | None = None

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """The names of its columns, in a row's order."""
        return tuple(column.split(None, 1)[0] for column in self.row.split(","))

    @cached_property
    def types(self) -> tuple[str, ...]:
        """The PostgreSQL type of each column."""
        return tuple(column.split(None, 1)[1].strip() for column in self.row.split(","))

    @cached_property
    def sql(self) -> str:
        """The bulk insert: its ``$n`` is the array of column n's values."""
        if self.insert is not None:
            return self.insert
        names = ", ".join(self.columns)
        arrays = ", ".join(
            f"${n}::text::{array_type(t)}" for n, t in enumerate(self.types, start=1)
        )
        values = ", ".join(
            f"{column}::{t}" if t.endswith("[]") else column
            for column, t in zip(self.columns, self.types, strict=True)
        )
        return f"""
    INSERT INTO {{schema}}.{self.name} ({names})
    SELECT {values} FROM unnest({arrays}) AS fact ({names})
"""

    def statement(self, rows: Sequence[tuple[Any, ...]]) -> Statement:
        """The one statement that inserts ``rows``: a text per column (see above)."""
        columns = zip(*rows, strict=True)
        return Statement(
            self.sql,
            tuple(
                array_text([array_text(value) for value in column] if t.endswith("[]") else column)
                for column, t in zip(columns, self.types, strict=True)
            ),
        )


@dataclass(frozen=True)
class Fact:
    """One row of a ``FactTable``: the values of its columns, in order."""

    table: FactTable
    row: tuple[Any, ...]


def alone(item: Statement | Fact) -> Statement:
    """A statement, or the statement that inserts one fact on its own (a row at a time:
    the benchmark's baseline, and tests that look at what a handler writes)."""
    return item if isinstance(item, Statement) else item.table.statement([item.row])


def array_type(column_type: str) -> str:
    """The array type a column's values are read as: an array column's rows as text."""
    return "text[]" if column_type.endswith("[]") else column_type + "[]"


def array_text(values: Iterable[Any] | None) -> str | None:
    """A PostgreSQL array literal of ``values`` (each element its quoted ``str()``, None as
    NULL), None for None."""
    if values is None:
        return None
    elements = (
        "NULL"
        if value is None
        else '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
        for value in values
    )
    return "{" + ",".join(elements) + "}"


Handler = Callable[[Any, int], Sequence["Statement | Fact"]]
"""(domain event, its position in the log) -> statements, applied exactly once (see the
replay policy in this module's docstring)."""


@dataclass(frozen=True)
class ReadModel:
    """One read model: the schema ``name`` holds its tables, ``name`` is its tracking name.

    Its migrations live in ``projections/migrations/<name>/`` unless ``migrations_dir``
    says otherwise (read models defined by tests and benchmarks). They must name tables
    without a schema: they are applied with the target schema first on the search path,
    into ``<name>`` by ``migrate`` and into ``<name>__rebuild`` by a rebuild.
    """

    name: str
    handlers: Mapping[type[Any], Handler] = field(default_factory=dict)
    migrations_dir: Traversable | None = None
    facts: tuple[FactTable, ...] = ()
    """Its append-only tables, in the order a batch writes them (see ``FactTable``)."""
    facts_unread: bool = False
    """True when none of its ordinary statements reads its fact tables: a batch then
    writes all its facts after its statements, one insert per table."""
    query_indexes: tuple[str, ...] = ()
    """Indexes its migrations create that serve only the API's queries, never a handler's
    statement: a rebuild builds them after filling the tables (``projections.query_indexes``)."""

    @property
    def migrations(self) -> MigrationSet:
        directory = self.migrations_dir or files("projections.migrations").joinpath(self.name)
        return MigrationSet(self.name, directory)

    def statements(self, event: Any, position: int) -> Sequence[Statement | Fact]:
        """What ``event`` changes in this read model (nothing if it has no handler)."""
        handler = self.handlers.get(type(event))
        if handler is None:
            return ()
        return handler(event, position)

    def written(self, event: Any, position: int) -> list[Statement]:
        """What ``event`` changes, each fact as a statement of its own (for tests)."""
        return [alone(item) for item in self.statements(event, position)]


AGGREGATE_VERSIONS = FactTable(
    "aggregate_versions", "originator_id uuid, version integer, position bigint"
)
"""One row per event of a versioned aggregate (``with_versions``): an entity's version is
the ``max(version)`` of its rows, read at query time beside the entity's row. Keyed by
(originator_id, version), so an event forced in twice fails on the key."""


def version_of(schema: str, originator_id: str) -> str:
    """The SQL expression of the version of the aggregate ``originator_id`` (an SQL
    expression) as ``schema``'s ``AGGREGATE_VERSIONS`` hold it: one backward probe of
    their primary key."""
    return (
        f"(SELECT max(a.version) FROM {schema}.{AGGREGATE_VERSIONS.name} a"
        f" WHERE a.originator_id = {originator_id})"
    )


def with_versions(
    handlers: Mapping[type[Any], Handler], *aggregates: type[Any]
) -> dict[type[Any], Handler]:
    """``handlers``, each event of ``aggregates`` also recording its ``originator_version``
    as an ``AGGREGATE_VERSIONS`` fact: the version a command compares a client's expected
    version with.

    Every event class nested in an aggregate counts, handled here or not (an initiative's
    alignments are the okr model's, yet they change its version), so an event added later
    keeps the version right without a word here. A fact rather than an update of the
    entity's row: a model whose statements never read its facts (``facts_unread``, which
    the model must declare, with ``AGGREGATE_VERSIONS`` among its ``facts``) writes the
    versions of a whole batch in one insert, where an update per event was one more
    statement for every event of these aggregates.
    """
    extended = dict(handlers)
    for aggregate in aggregates:
        events = [
            cls
            for cls in vars(aggregate).values()
            if isinstance(cls, type)
            and issubclass(cls, aggregate.Event)
            and cls is not aggregate.Event
        ]
        assert events, f"{aggregate.__name__} has no events"
        for cls in events:
            extended[cls] = versioned(handlers.get(cls))
    return extended


def versioned(handler: Handler | None) -> Handler:
    """``handler`` (or nothing) followed by the event's ``AGGREGATE_VERSIONS`` fact."""

    def handle(event: Any, position: int) -> Sequence[Statement | Fact]:
        own = () if handler is None else handler(event, position)
        row = (event.originator_id, event.originator_version, position)
        return [*own, Fact(AGGREGATE_VERSIONS, row)]

    return handle
