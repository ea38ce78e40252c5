"""``FieldChange.fromLabel`` and ``toLabel``: a field's value as a person reads it.

How values are written (statuses as words, decimals without trailing zeros, dates) is
``projections.labels``; this module adds what needs the API: a reference (a team, a
parent, a target cycle, a key result, a decision) is labelled with the name of what it
refers to as it is now (its current name, also on an old change), or null if that no
longer resolves. The names of a whole page of changes are looked up at once
(``names_of``), through the request's batched node resolvers; labels are then plain
values, not a resolver per field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from projections.labels import REFERENCE_FIELDS, field_label
from schema.context import Info
from schema.nodes import resolve_refs
from schema.relay import GlobalRef, InvalidGlobalId, from_global_id


def named(node: object) -> str | None:
    """The name a person knows a node by: its title (initiatives, objectives, key results,
    decisions, deliverables), else its name (teams, cycles, roadmaps)."""
    for attribute in ("title", "name"):
        value = getattr(node, attribute, None)
        if isinstance(value, str):
            return value
    return None


def base_field(field: str) -> str:
    """The field's own name: ``deliverables.<id>.status`` is ``status``."""
    return field.rsplit(".", 1)[-1]


async def names_of(info: Info, values: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """The names of the references among (field, JSON-encoded value) pairs, by encoded
    value: one batched lookup for a whole page of changes."""
    refs: dict[str, GlobalRef] = {}
    for field, encoded in values:
        if encoded is None or encoded in refs or base_field(field) not in REFERENCE_FIELDS:
            continue
        try:
            refs[encoded] = from_global_id(json.loads(encoded))
        except InvalidGlobalId:
            continue
    found = await resolve_refs(info, list(refs.values()))
    names = {encoded: named(node) for encoded, node in zip(refs, found, strict=True)}
    return {encoded: name for encoded, name in names.items() if name is not None}


def value_label(field: str, encoded: str | None, names: Mapping[str, str]) -> str | None:
    """The label of one JSON-encoded value of ``field`` (None: no value, no label); a
    reference's from ``names`` (``names_of``)."""
    name = base_field(field)
    if encoded is None:
        return None
    if name in REFERENCE_FIELDS:
        return names.get(encoded)
    return field_label(name, encoded)
