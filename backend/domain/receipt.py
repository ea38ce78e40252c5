"""CommandReceipt: remembers the result of a command run with an idempotency key.

Its id is derived from the workspace, the command and the key, and it is saved in the
same ``save`` as the command's events, last, so that a repeat of the request finds it and
returns the first result: the same id and the same position (its own notification id,
which is the highest of that save). Read models ignore these events.
"""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from uuid import UUID, uuid5

from backend.domain.base import Meta, RoadlogAggregate, is_blank
from backend.domain.errors import Invalid

RECEIPT_NAMESPACE = UUID("6f0c1d7e-3b8a-5c2e-9a41-52d3b7e0f4a1")
MAX_KEY_LENGTH = 200


def receipt_id(workspace_id: UUID, command: str, key: str) -> UUID:
    """The id of the receipt for a command run with an idempotency key in a workspace."""
    return uuid5(RECEIPT_NAMESPACE, f"{workspace_id}:{command}:{key}")


def check_idempotency_key(key: str) -> str:
    """A key is a non-blank string of at most 200 characters, used as given."""
    if is_blank(key) or len(key) > MAX_KEY_LENGTH:
        raise Invalid(
            f"idempotency_key must be 1..{MAX_KEY_LENGTH} characters, not blank",
            "idempotency_key",
        )
    return key


class CommandReceipt(RoadlogAggregate):
    """The first result of a command run with an idempotency key."""

    command: str = field(init=False)
    key: str = field(init=False)
    result_id: UUID = field(init=False)

    class Issued(RoadlogAggregate.Created):
        """A command with an idempotency key was recorded; ``result_id`` is what it returned."""

        class_version = 1
        command: str
        key: str
        result_id: UUID

        def apply(self, aggregate: CommandReceipt) -> None:
            super().apply(aggregate)
            aggregate.command = self.command
            aggregate.key = self.key
            aggregate.result_id = self.result_id

    @classmethod
    def issue(
        cls, *, command: str, key: str, result_id: UUID, meta: Meta, at: datetime
    ) -> CommandReceipt:
        """A receipt for the command's first run, to save with the command's events."""
        return cls._create(
            cls.Issued,
            id=receipt_id(meta.workspace_id, command, key),
            command=command,
            key=key,
            result_id=result_id,
            **meta.event_fields(at),
        )
