"""CommandReceipt: remembers the result of a command run with an idempotency key.

Its id is derived from the workspace, the command and the key, and it is saved in the
same ``save`` as the command's events, last, so that a repeat of the request finds it and
returns the first result: the same id and the same position (its own notification id,
which is the highest of that save). It also keeps a digest of the request's input, so
that the key reused for another input is a conflict rather than a silent first answer.
Read models ignore these events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import field, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

from backend.domain.base import Meta, RoadlogAggregate, is_blank
from backend.domain.errors import Invalid, KeyReused

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


def plain(value: object) -> object:
    """A command argument as JSON-able data, the same for the same input every time."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(name): plain(item) for name, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    raise AssertionError(f"no plain form for a command argument {value!r}")


def request_digest(arguments: Mapping[str, object]) -> str:
    """A digest of a command's input (its arguments but the idempotency key)."""
    data = {name: plain(value) for name, value in arguments.items() if name != "idempotency_key"}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class CommandReceipt(RoadlogAggregate):
    """The first result of a command run with an idempotency key."""

    command: str = field(init=False)
    key: str = field(init=False)
    request: str = field(init=False)
    result_id: UUID = field(init=False)

    class Issued(RoadlogAggregate.Created):
        """A command with an idempotency key was recorded; ``result_id`` is what it returned,
        ``request`` the digest of its input ("" on receipts from before digests)."""

        class_version = 2
        command: str
        key: str
        request: str
        result_id: UUID

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["request"] = ""

        def apply(self, aggregate: CommandReceipt) -> None:
            super().apply(aggregate)
            aggregate.command = self.command
            aggregate.key = self.key
            aggregate.request = self.request
            aggregate.result_id = self.result_id

    @classmethod
    def issue(
        cls, *, command: str, key: str, request: str, result_id: UUID, meta: Meta, at: datetime
    ) -> CommandReceipt:
        """A receipt for the command's first run, to save with the command's events."""
        return cls._create(
            cls.Issued,
            id=receipt_id(meta.workspace_id, command, key),
            command=command,
            key=key,
            request=request,
            result_id=result_id,
            **meta.event_fields(at),
        )

    def check_request(self, request: str) -> None:
        """The same input as the first run, or KeyReused (a receipt without a digest, from
        before digests were kept, cannot tell and answers as it always did)."""
        if self.request and self.request != request:
            raise KeyReused(self.command, self.key)
