"""The domain's words in the API's: field names in camelCase, ids as global ids.

The domain names command arguments in snake_case (``fiscal_year_start_month``) and quotes
the uuids of what it refers to; clients know the input's camelCase names and the opaque
global ids the API hands out. Quoted values are the client's own and stay as they were.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from backend.domain.errors import DomainError
from schema.relay import to_global_id

QUOTED = re.compile(r"""(?<!\w)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")(?!\w)""")
"""A value a message quotes (a Python repr of a string); not an apostrophe in a word."""

SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def camel(name: str) -> str:
    """``target_cycle_id`` -> ``targetCycleId``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def input_path(domain_field: str | None, renames: Mapping[str, str]) -> list[str] | None:
    """``deliverables.0.target_cycle_id`` -> ``["input", "deliverables", "0", "targetCycleId"]``.

    ``renames`` maps the domain's argument names to the input's where they differ (a
    deliverable command's ``initiative_id`` is inside the input's ``deliverableId``).
    """
    if domain_field is None:
        return None
    head, *rest = domain_field.split(".")
    parts = [*renames.get(head, head).split("."), *rest]
    return ["input", *(part if part.isdigit() else camel(part) for part in parts)]


def api_message(error: DomainError) -> str:
    """The error's message with global ids for the ids it quotes, and camelCase names
    outside the values it quotes."""
    message = error.message
    for ref in error.refs:
        global_id = to_global_id(ref.kind, *ref.ids)
        message = message.replace(repr(str(ref.ids[-1])), repr(str(global_id)))
    pieces = QUOTED.split(message)
    # split() with one group alternates: text, quoted, text, quoted, ..., text.
    return "".join(
        piece if index % 2 else SNAKE_CASE.sub(lambda word: camel(word.group()), piece)
        for index, piece in enumerate(pieces)
    )
