"""Running a command from a mutation: the one sync/async boundary, and userErrors.

A mutation parses its input, runs the Application command in a worker thread (never on
the event loop), and reports expected failures as ``userErrors`` — nothing was recorded.
On success, when the client asked for the payload's entity, it waits (bounded) until the
projector has passed the command's position, so the entity already shows the change. A
client that selects only ``userErrors`` and ``position`` gets its answer as soon as the
event is recorded, and can pass the position to a later query as ``consistentWith``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from typing import Generic, TypeVar

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types.nodes import SelectedField, Selection

from backend.application import Caller, Recorded
from backend.bootstrap import Services
from backend.domain.errors import DomainError
from backend.tokens import Principal, Role
from projections.watcher import ConsistencyTimeout
from schema.context import Info
from schema.mutations.wording import api_message, input_path
from schema.permissions import require
from schema.relay import GlobalRef, InvalidGlobalId, from_global_id


@strawberry.enum(description="Why a mutation recorded nothing.")
class UserErrorCode(Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    REASON_REQUIRED = "REASON_REQUIRED"
    FORBIDDEN = "FORBIDDEN"


@strawberry.type(description="An expected failure of a mutation; nothing was recorded.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "toPosition"].'
    )
    code: UserErrorCode = strawberry.field(description="What kind of failure.")
    message: str = strawberry.field(description="What was wrong, quoting the offending value.")


class InputError(Exception):
    """A malformed input value, found before the command runs."""

    def __init__(self, code: UserErrorCode, field: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


Command = Callable[[Caller], Recorded]
E = TypeVar("E")


@dataclass(frozen=True)
class Prepared(Generic[E]):
    """A parsed mutation: the command to run, and how to load its entity afterwards."""

    command: Command
    load: Callable[[Recorded], Awaitable[E | None]]


@dataclass
class Outcome(Generic[E]):
    """What a mutation resolver needs to build its payload."""

    entity: E | None = None
    recorded: Recorded | None = None
    errors: list[UserError] = field(default_factory=list)

    @property
    def position(self) -> str | None:
        if self.recorded is None or self.recorded.position is None:
            return None
        return str(self.recorded.position)


async def first(loaded: Awaitable[Sequence[E | None]]) -> E | None:
    """The one entity a batched loader returned for a one-id batch."""
    [entity] = await loaded
    return entity


def parse_id(value: str, kind: str, input_field: str) -> GlobalRef:
    """Decode an input id: malformed is INVALID, another kind is as good as missing."""
    try:
        ref = from_global_id(value)
    except InvalidGlobalId:
        raise InputError(UserErrorCode.INVALID, input_field, f"{value!r} is not an id") from None
    if ref.kind != kind:
        raise InputError(UserErrorCode.NOT_FOUND, input_field, f"{kind} {value!r} not found")
    return ref


def parse_optional_id(value: str | None, kind: str, input_field: str) -> GlobalRef | None:
    return None if value is None else parse_id(value, kind, input_field)


def caller_of(principal: Principal) -> Caller:
    """Who runs a command for a token: its workspace, its name as actor; admins backfill."""
    return Caller(
        workspace_id=principal.workspace_id,
        actor=principal.actor,
        may_backfill=principal.role is Role.ADMIN,
    )


async def execute(
    info: Info,
    prepare: Callable[[], Prepared[E]],
    renames: Mapping[str, str] | None = None,
) -> Outcome[E]:
    """Parse (``prepare``), run the command in a thread, map domain errors to userErrors,
    then load the changed entity once the read models show the change."""
    caller = caller_of(require(info, Role.EDITOR))
    try:
        prepared = prepare()
        recorded = await run_in_threadpool(partial(prepared.command, caller))
    except InputError as error:
        return Outcome(
            errors=[
                UserError(
                    field=["input", *error.field.split(".")],
                    code=error.code,
                    message=error.message,
                )
            ]
        )
    except DomainError as error:
        return Outcome(
            errors=[
                UserError(
                    field=input_path(error.field, renames or {}),
                    code=UserErrorCode(error.code),
                    message=api_message(error),
                )
            ]
        )
    if not asks_for_entity(info):
        return Outcome(recorded=recorded)
    await settle(info.context.services, recorded.position)
    return Outcome(entity=await prepared.load(recorded), recorded=recorded)


RECEIPT = frozenset({"userErrors", "position", "__typename"})


def asks_for_entity(info: Info) -> bool:
    """Whether the payload's selection reads anything beyond ``userErrors`` and ``position``
    (fragments included), i.e. whether the answer needs the read models."""

    def names(selections: list[Selection]) -> Iterator[str]:
        for selection in selections:
            if isinstance(selection, SelectedField):
                yield selection.name
            else:
                yield from names(selection.selections)

    selected = (name for payload in info.selected_fields for name in names(payload.selections))
    return any(name not in RECEIPT for name in selected)


async def settle(services: Services, position: int | None) -> None:
    """Wait until the read models show ``position``; a slow projector is not an error here:
    the change is recorded, and the payload's ``position`` lets the client wait itself."""
    if position is None:
        return
    try:
        await services.watcher.wait_for(position, services.settings.consistency_timeout_seconds)
    except ConsistencyTimeout:
        return
