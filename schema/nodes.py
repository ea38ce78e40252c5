"""Relay's ``node(id:)`` and ``nodes(ids:)``, and the registry of node kinds behind them.

Each feature registers the kinds it owns, once, when its module is imported::

    register_node_kind("Objective", objectives_by_refs)

A resolver takes the request's ``info`` and a batch of decoded global ids of its kind and
returns, in the same order, the objects (strawberry types implementing ``Node``) or None
for anything missing or of another workspace — the two must look alike. ``nodes`` asks
each kind's resolver once per request, whatever the number of ids.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry

from schema.context import Info
from schema.errors import BAD_USER_INPUT, LIMIT_EXCEEDED, coded_error
from schema.permissions import require
from schema.relay import GlobalRef, InvalidGlobalId, Node, from_global_id

MAX_NODES = 100
"""How many ids one ``nodes(ids:)`` may ask for."""

NodeResolver = Callable[[Info, Sequence[GlobalRef]], Awaitable[Sequence[Any | None]]]
"""(info, global ids of one kind) -> the objects, or None where missing, in order."""


@dataclass(frozen=True)
class NodeKind:
    """A registered kind: how to resolve its ids, and how many uuids its ids carry."""

    kind: str
    resolver: NodeResolver
    arity: int


_KINDS: dict[str, NodeKind] = {}


def register_node_kind(kind: str, resolver: NodeResolver, *, arity: int = 1) -> None:
    """Make ``node``/``nodes`` (and anything resolving ids) answer ids of ``kind``.

    ``arity`` is the number of uuids in its global ids: 2 for entities inside another
    aggregate (``to_global_id("KeyResult", objective_id, key_result_id)``). Registering a
    kind again replaces its resolver (module reloads in development).
    """
    assert arity in (1, 2), f"a global id carries one or two uuids, not {arity}"
    _KINDS[kind] = NodeKind(kind, resolver, arity)


def registered_kinds() -> list[str]:
    """The kinds ``node(id:)`` resolves, sorted."""
    return sorted(_KINDS)


def parse_global_id(value: str, argument: str, kind: str | None = None) -> GlobalRef:
    """An id argument decoded, or BAD_USER_INPUT naming the argument."""
    try:
        return from_global_id(value, kind)
    except InvalidGlobalId as invalid:
        raise coded_error(BAD_USER_INPUT, f"{argument}: {invalid}") from None


async def resolve_refs(info: Info, refs: Sequence[GlobalRef | None]) -> list[Any | None]:
    """The objects behind decoded ids, one resolver call per kind; None where missing.

    Unknown kinds and ids with the wrong number of uuids are simply missing.
    """
    grouped: dict[str, list[tuple[int, GlobalRef]]] = defaultdict(list)
    for index, ref in enumerate(refs):
        if ref is None:
            continue
        registered = _KINDS.get(ref.kind)
        if registered is not None and len(ref.ids) == registered.arity:
            grouped[ref.kind].append((index, ref))
    results: list[Any | None] = [None] * len(refs)

    async def resolve(kind: str, asked: list[tuple[int, GlobalRef]]) -> None:
        indexes = [index for index, _ in asked]
        found = await _KINDS[kind].resolver(info, [ref for _, ref in asked])
        assert len(found) == len(indexes), f"the {kind} resolver answered {len(found)} ids"
        for index, obj in zip(indexes, found, strict=True):
            results[index] = obj

    await asyncio.gather(*(resolve(kind, indexes) for kind, indexes in grouped.items()))
    return results


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id; null when it does not exist.")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Node | None:
        require(info)
        [found] = await resolve_refs(info, [parse_global_id(id, "id")])
        return found

    @strawberry.field(
        description=f"Objects by their global ids, in the order asked (at most {MAX_NODES});"
        " null for each id that does not exist."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global ids.")],
    ) -> list[Node | None]:
        require(info)
        if len(ids) > MAX_NODES:
            raise coded_error(
                LIMIT_EXCEEDED, f"nodes(ids:) takes at most {MAX_NODES} ids, got {len(ids)}"
            )
        refs = [parse_global_id(value, f"ids[{index}]") for index, value in enumerate(ids)]
        return await resolve_refs(info, refs)
