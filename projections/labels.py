"""Values as a person reads them: the labels of field changes and the words of summaries.

One place for how roadlog writes a value for people (``roadmapDiff``'s ``fromLabel`` and
``toLabel``, timeline summaries, digests):

- statuses as words: ``IN_PROGRESS`` is "In progress", ``WONT_DO`` "Won't do"; the same
  for any other enum value (``TECH_DEBT`` is "Tech debt");
- decimals as people write them: ``2.500`` is "2.5", ``3.0`` is "3";
- dates as ISO dates ("2026-12-13"); an instant as its date when it is midnight UTC,
  else as "2026-12-13 14:05 UTC";
- booleans as "yes" and "no"; lists joined by ", " (empty: "none"); a month by its name;
- references by name (a cycle, a team, an initiative): the caller looks the name up and
  passes it as text, which stays as it is.

None (no value) has no label: ``label(None)`` is None.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

WORDS = {"WONT_DO": "Won't do"}
"""Enum values whose words are not simply the value in sentence case."""


def words(value: str) -> str:
    """An enum value as words in sentence case: ``POSSIBLE_DELAY`` is "Possible delay"."""
    if value in WORDS:
        return WORDS[value]
    return value.replace("_", " ").capitalize()


def is_enum_value(value: str) -> bool:
    """Whether text looks like an enum value (``AT_RISK``), not free text a person wrote."""
    return bool(value) and value.replace("_", "").isalnum() and value == value.upper()


def decimal_label(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: ``2.500`` is "2.5", ``1E+1`` is "10"."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def instant_label(value: datetime) -> str:
    """An instant as its UTC date at midnight, else with the time of day in UTC."""
    at = value.astimezone(UTC) if value.tzinfo is not None else value
    if (at.hour, at.minute, at.second, at.microsecond) == (0, 0, 0, 0):
        return at.date().isoformat()
    return f"{at.date().isoformat()} {at.strftime('%H:%M')} UTC"


def label(value: Any, enum: bool = False) -> str | None:
    """A value as a person reads it; ``enum``: text is an enum value, written as words."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return decimal_label(value)
    if isinstance(value, int | float):
        return decimal_label(Decimal(str(value)))
    if isinstance(value, datetime):
        return instant_label(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return words(value) if enum and is_enum_value(value) else value
    if isinstance(value, Sequence):
        items = [label(item, enum) for item in value]
        return ", ".join(item for item in items if item is not None) or "none"
    return str(value)


REFERENCE_FIELDS = frozenset({"team", "parent", "targetCycle", "keyResult", "supersededBy"})
"""Fields whose values are global ids: their label is the name of what they refer to."""

ENUM_FIELDS = frozenset({"status", "kind", "state", "level"})
DECIMAL_FIELDS = frozenset(
    {"estimateWeeks", "actualWeeks", "startValue", "targetValue", "currentValue"}
)
INSTANT_FIELDS = frozenset({"completedAt"})
MONTH_FIELDS = frozenset({"fiscalYearStartMonth"})


def field_label(field: str, encoded: str | None) -> str | None:
    """The label of a field's JSON-encoded value, as field changes store it (a timeline
    entry's, a diff's); for a reference (``REFERENCE_FIELDS``), None: its label is a name
    the caller looks up."""
    if encoded is None or field in REFERENCE_FIELDS:
        return None
    value = json.loads(encoded)
    if isinstance(value, str) and field in DECIMAL_FIELDS:
        return decimal_label(Decimal(value))
    if isinstance(value, str) and field in INSTANT_FIELDS:
        return instant_label(datetime.fromisoformat(value))
    if isinstance(value, int) and field in MONTH_FIELDS:
        return MONTHS[value - 1]
    return label(value, enum=field in ENUM_FIELDS)
