"""Relay connections: ``PageInfo``, page sizes and opaque keyset cursors.

A page is ``first`` items (default 50) after the cursor ``after``. Asking for more than
the configured maximum (``ROADLOG_MAX_PAGE_SIZE``, 100) is a top-level ``LIMIT_EXCEEDED``
error, like every other limit; a negative ``first`` or a cursor that is not one of this
connection's is ``BAD_USER_INPUT``.

A cursor is the URL-safe base64 of a JSON array: the connection's name, then the sort key
of the item (e.g. its business time and log position). Queries seek past that key
(``WHERE (at, position) < ($x, $y)``), so a page costs the same wherever it starts and
items recorded meanwhile never shift a page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import strawberry

from schema.context import Info
from schema.errors import BAD_USER_INPUT, LIMIT_EXCEEDED, coded_error

DEFAULT_PAGE_SIZE = 50

T = TypeVar("T")
R = TypeVar("R")


@strawberry.type(description="Where a page of a connection sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(
        description="Items precede this page (it was asked for after a cursor)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item: pass it as `after` for the next page."
    )


def page_size(info: Info, first: int | None) -> int:
    """How many items to return: ``first``, 50 by default, within the configured maximum."""
    maximum = info.context.services.settings.max_page_size
    if first is None:
        return min(DEFAULT_PAGE_SIZE, maximum)
    if first < 0:
        raise coded_error(BAD_USER_INPUT, f"first must not be negative, got {first}")
    if first > maximum:
        raise coded_error(LIMIT_EXCEEDED, f"first may be at most {maximum} (one page), got {first}")
    return first


def encode_cursor(connection: str, *key: Any) -> str:
    """An opaque cursor for the item with sort key ``key`` in ``connection``."""
    values = [value.isoformat() if isinstance(value, datetime) else value for value in key]
    raw = json.dumps([connection, *values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(
    cursor: str | None, connection: str, types: Sequence[type]
) -> tuple[Any, ...] | None:
    """The sort key in a cursor of ``connection`` (values converted to ``types``)."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        name, *values = json.loads(raw)
        if name != connection or len(values) != len(types):
            raise ValueError(name)
        return tuple(_convert(value, kind) for value, kind in zip(values, types, strict=True))
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise coded_error(
            BAD_USER_INPUT, f"after: {cursor!r} is not a cursor of {connection}"
        ) from None


def _convert(value: Any, kind: type) -> Any:
    if kind is datetime:
        if not isinstance(value, str):
            raise TypeError(value)
        return datetime.fromisoformat(value)
    if kind is int and (not isinstance(value, int) or isinstance(value, bool)):
        raise TypeError(value)
    if kind is str and not isinstance(value, str):
        raise TypeError(value)
    return value


@dataclass(frozen=True)
class Page(Generic[R]):
    """One page of rows (at most ``size``), and whether more follow."""

    rows: list[R]
    has_next: bool
    has_previous: bool

    @classmethod
    def of(cls, rows: Sequence[R], size: int, after: object | None) -> Page[R]:
        """From ``size + 1`` rows fetched: the extra one only says that more follow."""
        return cls(list(rows[:size]), len(rows) > size, after is not None)

    def page_info(self, cursor: Callable[[R], str]) -> PageInfo:
        """The ``PageInfo`` of this page, cursors made by ``cursor``."""
        return PageInfo(
            has_next_page=self.has_next,
            has_previous_page=self.has_previous,
            start_cursor=cursor(self.rows[0]) if self.rows else None,
            end_cursor=cursor(self.rows[-1]) if self.rows else None,
        )
