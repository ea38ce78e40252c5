"""``FieldChange.fromLabel`` and ``toLabel``: a field's value as a person reads it.

How values are written (statuses as words, decimals without trailing zeros, dates) is
``projections.labels``; this module adds what needs the API: a reference (a team, a
parent, a target cycle, a key result, a decision) is labelled with the name of what it
refers to as it is now (its current name, also on an old change), or null if that no
longer resolves. Every lookup goes through the request's batched node resolvers.
"""

from __future__ import annotations

import json

from projections.labels import REFERENCE_FIELDS, field_label
from schema.context import Info
from schema.nodes import resolve_refs
from schema.relay import InvalidGlobalId, from_global_id


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


async def value_label(info: Info, field: str, encoded: str | None) -> str | None:
    """The label of one JSON-encoded value of ``field`` (None: no value, no label)."""
    name = base_field(field)
    if encoded is None or name not in REFERENCE_FIELDS:
        return field_label(name, encoded)
    try:
        ref = from_global_id(json.loads(encoded))
    except InvalidGlobalId:
        return None
    [found] = await resolve_refs(info, [ref])
    return None if found is None else named(found)
