"""Relay conventions: the ``Node`` interface and opaque global ids.

A global id is the URL-safe base64 of ``Kind:uuid`` — or ``Kind:parent-uuid:uuid`` for an
entity that lives inside another aggregate (a deliverable inside its initiative, a cycle
inside its roadmap, a key result inside its objective), so a command can load the owning
aggregate straight from the id.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from uuid import UUID

import strawberry

from projections.global_ids import global_id


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global id.")


@dataclass(frozen=True)
class GlobalRef:
    """A decoded global id: the type name and the uuids it carries (parent first)."""

    kind: str
    ids: tuple[UUID, ...]

    @property
    def id(self) -> UUID:
        """The entity's own uuid (the last one)."""
        return self.ids[-1]

    @property
    def parent_id(self) -> UUID:
        """The owning aggregate's uuid (the first one)."""
        return self.ids[0]


class InvalidGlobalId(ValueError):
    """Not a roadlog global id (or not of the expected kind)."""

    def __init__(self, value: str, expected: str | None = None) -> None:
        what = f"a {expected} id" if expected else "a global id"
        super().__init__(f"{value!r} is not {what}")
        self.value = value


def to_global_id(kind: str, *ids: UUID) -> strawberry.ID:
    """Encode ``kind`` and one or two uuids as an opaque id."""
    return strawberry.ID(global_id(kind, *ids))


def from_global_id(value: str, expected: str | None = None) -> GlobalRef:
    """Decode an opaque id; raise InvalidGlobalId for anything else."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        kind, *parts = raw.split(":")
        ids = tuple(UUID(part) for part in parts)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidGlobalId(value, expected) from None
    if not kind or not 1 <= len(ids) <= 2 or (expected is not None and kind != expected):
        raise InvalidGlobalId(value, expected)
    return GlobalRef(kind, ids)
