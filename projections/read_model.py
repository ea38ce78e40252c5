"""A read model: its name (schema and tracking name), its migrations and its handlers.

Handlers are pure: a domain event and its position in, SQL statements out. Statements
name their tables as ``{schema}.table`` so that the same handler writes the live schema
or, during ``roadlog rebuild``, a fresh copy of it.

The replay policy: handlers rely on exactly-once batches; they need not be idempotent.
Every path that writes a read model (the projector, each lane of a rebuild, the catch-up
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

``tests/projections/test_replay.py`` holds both halves: a batch committed twice is
refused, and a batch forced in twice past the tracking check fails on a unique key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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


Handler = Callable[[Any, int], Sequence[Statement]]
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
    query_indexes: tuple[str, ...] = ()
    """Indexes its migrations create that serve only the API's queries, never a handler's
    statement: a rebuild builds them after filling the tables (``projections.query_indexes``)."""

    @property
    def migrations(self) -> MigrationSet:
        directory = self.migrations_dir or files("projections.migrations").joinpath(self.name)
        return MigrationSet(self.name, directory)

    def statements(self, event: Any, position: int) -> Sequence[Statement]:
        """What ``event`` changes in this read model (nothing if it has no handler)."""
        handler = self.handlers.get(type(event))
        if handler is None:
            return ()
        return handler(event, position)
