"""A read model: its name (schema and tracking name), its migrations and its handlers.

Handlers are pure: a domain event and its position in, SQL statements out. Statements
name their tables as ``{schema}.table`` so that the same handler writes the live schema
or, during ``roadlog rebuild``, a fresh copy of it.
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
"""(domain event, its position in the log) -> statements."""


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
