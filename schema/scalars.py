"""The API's DateTime: an instant, which an ISO 8601 text names only with its UTC offset.

strawberry's own DateTime takes ``2026-03-01T09:00:00`` as a naive datetime, which means
nothing as an instant: comparing one with the stored instants fails deep inside a
resolver. This scalar refuses it where every argument and input field is parsed, as
BAD_USER_INPUT, so that each field behaves the same. The schema replaces strawberry's
``datetime`` scalar with it (``SCALARS``); its name and description stay the same.
"""

from __future__ import annotations

from datetime import datetime

from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

from schema.errors import BAD_USER_INPUT


def parse_instant(value: object) -> datetime:
    """An ISO 8601 date and time with its UTC offset (``Z`` or ``+02:00``)."""
    if not isinstance(value, str):
        raise StrawberryInputCoercionError(
            f"Value cannot represent a DateTime: {value!r}. Expected a string."
        )
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as error:
        raise StrawberryInputCoercionError(
            f"Value cannot represent a DateTime: {value!r}. {error}"
        ) from None
    if instant.tzinfo is None:
        raise StrawberryInputCoercionError(
            f"DateTime {value!r} has no UTC offset: add one, e.g. {value}Z or {value}+02:00",
            extensions={"code": BAD_USER_INPUT},
        )
    return instant


def show_instant(value: datetime) -> str:
    return value.isoformat()


DateTime = ScalarDefinition(
    name="DateTime",
    description="Date with time (isoformat)",
    specified_by_url=None,
    serialize=show_instant,
    parse_value=parse_instant,
    parse_literal=None,
    origin=datetime,
)

SCALARS: dict[object, ScalarDefinition] = {datetime: DateTime}
"""What the schema uses instead of strawberry's built-in scalars."""
