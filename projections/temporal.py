"""Temporal tables in business time: one row per version, valid over [valid_from, valid_to).

A versioned table keys each row by the entity's key plus ``valid_from``; the current
version has ``valid_to = 'infinity'``. A change at business time ``at`` closes the current
version at ``at`` and opens a copy of it from ``at`` with the change applied — ONE statement,
written by ``versioned_change``. When the current version already starts at ``at`` (several
events of one command share an instant), it is amended in place instead, so no version is
ever empty and "the version valid at t" is always "the last one starting at or before t".

That holds because the events of one aggregate arrive in business-time order (the domain
refuses a backfill before an aggregate's latest change); events of different aggregates
may arrive in any business-time order, and each entity's chain only sees its own.

Each version also keeps the log positions that opened it (``opened_position``) and closed
it (``closed_position``: a later version, or a removal; NULL while it is current). Along
one entity's chain both grow with ``valid_from``, so the version valid at t as the log
stood at position P is the last one starting at or before t and opened at or before P, and
it still held at t then if it ends after t or was closed only after P: the roadmap as
recorded (``projections.roadmap_queries``) is the same backward probe with one more bound.
A version amended in place keeps the position that opened it: the events of one command
share their instant and are recorded together, so nothing is lost; a later command at
exactly the same business instant amends it too, and the roadmap as recorded before that
command then shows its change already (a second version at one instant would need
``opened_position`` in the key).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

CURRENT = "'infinity'"
"""``valid_to`` of the current version."""


def versioned_change(
    table: str,
    key: Sequence[str],
    at: str,
    columns: Sequence[str],
    assignments: Mapping[str, str],
    *,
    position: str,
    prelude: str = "",
) -> str:
    """SQL that applies ``assignments`` to the current version of one entity at ``at``.

    ``key`` and ``at`` are SQL expressions naming the entity (``$1``, ``$2``) and the
    business time; ``columns`` are the table's data columns (everything but the key and
    the validity); ``assignments`` map a column to an SQL expression that may use the
    column's previous value (``actual_weeks + $4``). ``prelude`` is a ``WITH`` list item
    (``name AS (...)``) the assignments may read, e.g. a rank computed from other rows.
    The table name is schema-qualified with the read model's ``{schema}`` placeholder.
    """
    unknown = set(assignments) - set(columns)
    assert not unknown, f"{table}: assignments to unknown columns {sorted(unknown)}"
    pairs = zip(key_columns(table, key), key, strict=True)
    match = " AND ".join(f"{name} = {expr}" for name, expr in pairs)
    copied = ", ".join(assignments.get(column, column) for column in columns)
    names = ", ".join(key_columns(table, key))
    settings = ", ".join(f"{column} = {expr}" for column, expr in assignments.items())
    head = f"WITH {prelude},\n" if prelude else "WITH "
    return f"""
    {head}closed AS (
        UPDATE {{schema}}.{table} SET valid_to = {at}, closed_position = {position}
        WHERE {match} AND valid_to = {CURRENT} AND valid_from < {at}
        RETURNING {names}, {", ".join(columns)}
    ), amended AS (
        UPDATE {{schema}}.{table} SET {settings}
        WHERE {match} AND valid_to = {CURRENT} AND valid_from = {at}
        RETURNING 1
    )
    INSERT INTO {{schema}}.{table} ({names}, {", ".join(columns)}, valid_from, opened_position)
    SELECT {names}, {copied}, {at}, {position} FROM closed
    """


KEYS: dict[str, tuple[str, ...]] = {
    "initiative_versions": ("initiative_id",),
    "deliverable_versions": ("initiative_id", "deliverable_id"),
    "placements": ("roadmap_id", "initiative_id"),
    "cycle_versions": ("roadmap_id", "cycle_id"),
}


def key_columns(table: str, key: Sequence[str]) -> tuple[str, ...]:
    """The key columns of a versioned table (as many as ``key`` expressions)."""
    columns = KEYS[table]
    assert len(columns) == len(key), f"{table} is keyed by {columns}, got {tuple(key)}"
    return columns
