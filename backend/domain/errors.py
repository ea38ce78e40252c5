"""Domain errors: expected failures of a command, raised before any event exists.

``field`` names the command argument at fault in the domain's words (``to_position``);
the API maps it to the input path its clients know. Messages quote the offending value,
ids as ``'<uuid>'``; ``refs`` says what each quoted id names, so that the API can show
the ids its clients know instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Ref:
    """What an id quoted in a message names: its kind and its uuids, owner first (a
    deliverable is named with its initiative, a cycle with its roadmap, a key result
    with its objective)."""

    kind: str
    ids: tuple[UUID, ...]

    @classmethod
    def of(cls, kind: str, id: UUID, within: UUID | None = None) -> Ref:
        return cls(kind, (id,) if within is None else (within, id))


class DomainError(Exception):
    """Base of every expected failure of a command; nothing was recorded."""

    code = "INVALID"

    def __init__(self, message: str, field: str | None = None, refs: Sequence[Ref] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.refs = tuple(refs)


class Invalid(DomainError):
    """The command breaks a rule: a bad value, a position past the end, a date in the future."""

    code = "INVALID"


class NotFound(DomainError):
    """No such thing in the caller's workspace (another workspace's ids look the same)."""

    code = "NOT_FOUND"

    def __init__(
        self, kind: str, id: UUID, field: str | None = None, within: UUID | None = None
    ) -> None:
        super().__init__(f"{kind} {str(id)!r} not found", field, [Ref.of(kind, id, within)])
        self.kind = kind
        self.id = id


class Conflict(DomainError):
    """The caller's expected version is stale."""

    code = "CONFLICT"

    def __init__(self, kind: str, id: UUID, expected: int, current: int) -> None:
        super().__init__(
            f"{kind} {str(id)!r} is at version {current}, not the expected version {expected};"
            " reload and try again",
            "expected_version",
            [Ref(kind, (id,))],
        )
        self.expected = expected
        self.current = current


class ReasonRequired(DomainError):
    """The change needs a non-blank reason (priority moves, retargets, reopening)."""

    code = "REASON_REQUIRED"

    def __init__(self, message: str, field: str = "reason") -> None:
        super().__init__(message, field)


class Forbidden(DomainError):
    """The caller's role may not do this (e.g. backfill history without being an admin)."""

    code = "FORBIDDEN"


class AlreadyExists(DomainError):
    """A client-supplied id is already taken: the request was most likely recorded before."""

    code = "CONFLICT"

    def __init__(self, kind: str, id: UUID, field: str = "id", within: UUID | None = None) -> None:
        super().__init__(
            f"{kind} {str(id)!r} already exists; nothing was recorded",
            field,
            [Ref.of(kind, id, within)],
        )
        self.kind = kind
        self.id = id


class KeyReused(DomainError):
    """An idempotency key already used for another input of the same command."""

    code = "CONFLICT"

    def __init__(self, command: str, key: str) -> None:
        super().__init__(
            f"idempotency_key {key!r} was first used for {command} with another input;"
            " nothing was recorded: a new request needs a new key",
            "idempotency_key",
        )
        self.command = command
        self.key = key


class Contention(DomainError):
    """Too many concurrent writers on the same thing: the command gave up retrying."""

    code = "CONFLICT"

    def __init__(self, attempts: int) -> None:
        super().__init__(
            f"gave up after {attempts} attempts: others kept changing the same thing; try again",
            None,
        )
        self.attempts = attempts


class NameTaken(DomainError):
    """Another team or roadmap of the workspace has this name (compared case-insensitively)."""

    code = "CONFLICT"

    def __init__(self, kind: str, name: str, holder_id: UUID, holder_name: str) -> None:
        super().__init__(
            f"{kind.lower()} name {name!r} is taken: {kind} {str(holder_id)!r} is named"
            f" {holder_name!r} (names are unique per workspace, ignoring case)",
            "name",
            [Ref(kind, (holder_id,))],
        )
        self.holder_id = holder_id


class ArchivedError(DomainError):
    """The team or roadmap is archived: it is read-only from then on."""

    code = "INVALID"

    def __init__(self, kind: str, id: UUID, field: str | None = None) -> None:
        super().__init__(
            f"{kind} {str(id)!r} is archived and read-only; nothing was recorded",
            field,
            [Ref(kind, (id,))],
        )
