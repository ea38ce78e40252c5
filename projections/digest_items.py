"""What a digest says: its items, their wording and their order (see projections.digest).

Each difference between the two ends of a period becomes one ``Item``, worded for people
(names, never ids) and explained by the last fact behind it (``why_of``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple
from uuid import UUID

import orjson

from projections.roadmap_queries import Row

KINDS = (
    "STATUS_UPDATE",
    "COMPLETED",
    "SLIPPED",
    "STATUS_CHANGED",
    "ADDED",
    "REMOVED",
    "MOVED",
    "RETARGETED",
    "ESTIMATE_CHANGED",
    "DECISION_RECORDED",
)
"""Every kind of item, in the order a digest lists them."""

HEALTHS = {"ON_TRACK": "On track", "AT_RISK": "At risk", "OFF_TRACK": "Off track"}
"""A status update's health as people write it."""

STATUSES = {
    "PLANNED": "Planned",
    "IN_PROGRESS": "In progress",
    "POSSIBLE_DELAY": "Possible delay",
    "AT_RISK": "At risk",
    "DONE": "Done",
    "WONT_DO": "Won't do",
}
"""A deliverable's status as people write it."""

LAST = 1 << 30
"""The rank of items about no initiative, and the offset of those no longer on the roadmap."""


class Item(NamedTuple):
    """One line of a digest: names, never ids, in ``summary``; the ids for the API.

    A named tuple rather than a frozen dataclass: a digest may hold thousands of items,
    and a frozen dataclass takes five times as long to build (each field set through
    ``object.__setattr__``). Each is built once, named and ranked: the names are read
    before the items are worded.
    """

    kind: str
    summary: str
    reason: str
    at: datetime
    actor: str
    initiative_id: UUID | None = None
    deliverable_id: UUID | None = None
    decision_id: UUID | None = None
    about: tuple[UUID, ...] = ()
    """The initiatives it is about (its own, or those a decision links to)."""
    body: str | None = None
    """A status update's text."""
    rank: int = LAST


@dataclass(frozen=True)
class Digest:
    """What changed on a roadmap (or one initiative of it) in ``(since, until]``."""

    roadmap_id: UUID
    roadmap_name: str
    since: datetime
    until: datetime
    health: str | None
    """Of the subject's latest status update at ``until``, if any."""
    items: tuple[Item, ...]
    decision_titles: dict[UUID, str] = field(default_factory=dict)
    """The title of each decision an item names."""
    initiative_id: UUID | None = None
    initiative_title: str | None = None

    @cached_property
    def item_times(self) -> list[str]:
        """Each item's business time in ISO 8601: written once for both the API and the
        Markdown."""
        return iso_times(item.at for item in self.items)


def iso_times(times: Iterable[datetime]) -> list[str]:
    """Each instant in ISO 8601, the text ``datetime.isoformat`` gives (its offset, its
    microseconds when it has any), written by orjson in a quarter of the time: at
    thousands of items a digest, ``isoformat`` was the largest cost of showing them."""
    written: list[str] = orjson.loads(orjson.dumps(list(times)))
    return written


Why = tuple[datetime, str, str, UUID | None]
"""The fact behind a difference: when, who, why, which decision. A plain tuple, unpacked
where it is made: one per item, and a named tuple took three times as long to build
(on the bench's fortnight, 2.9 ms against 1.1 for 3,000 of them)."""


def why_of(row: Row | None, fallback: datetime) -> Why:
    """The fact's who and why (its ``at``, ``actor``, ``reason`` and ``decision_id``); a
    difference without a fact in the period (none, or a row without one: a version the
    facts do not explain) is dated at the end of the period, by nobody."""
    if row is None or row["at"] is None:
        return fallback, "", "", None
    return row["at"], row["actor"], row["reason"], row["decision_id"]


def quoted(name: str) -> str:
    return f"'{name}'"


def target_label(cycle_id: UUID | None, target: date | None, cycles: dict[UUID, str]) -> str:
    """A deliverable's target as people name it: the cycle's name, a date, or no target."""
    if cycle_id is not None:
        return cycles.get(cycle_id, "a cycle since removed")
    return "no target" if target is None else target.isoformat()


def is_slip(due_before: date | None, due_after: date | None) -> bool:
    """Now due later than before (both having a due date)."""
    return due_before is not None and due_after is not None and due_after > due_before


class Move(NamedTuple):
    """An initiative ADDED to the roadmap, REMOVED from it or MOVED on it over a period:
    ``detail`` its position(s) as the summary gives them, ``fact`` the change behind it."""

    kind: str
    initiative_id: UUID
    detail: str
    fact: Row | None


def initiative_moves(
    before: dict[UUID, int], after: dict[UUID, int], changes: Sequence[Row]
) -> list[Move]:
    """ADDED, REMOVED and MOVED: the net effect of the period's priority changes."""
    chains: dict[UUID, list[Row]] = defaultdict(list)
    for change in changes:
        chains[change["initiative_id"]].append(change)
    moves = []
    for initiative_id in sorted(before.keys() | after.keys() | chains.keys()):
        chain = chains.get(initiative_id, [])
        was, now = before.get(initiative_id), after.get(initiative_id)
        if was is None and now is not None:
            moves.append(Move("ADDED", initiative_id, f"at {now}", last(chain, "from_position")))
        elif was is not None and now is None:
            moves.append(Move("REMOVED", initiative_id, f"(was {was})", last(chain, "to_position")))
        elif chain and chain[0]["from_position"] != chain[-1]["to_position"]:
            start, end = chain[0]["from_position"], chain[-1]["to_position"]
            moves.append(Move("MOVED", initiative_id, f"from {start} to {end}", chain[-1]))
    return moves


def last(chain: Sequence[Row], unset: str) -> Row | None:
    """The last change of ``chain`` without a ``unset`` (the last placement, or removal)."""
    return next((change for change in reversed(chain) if change[unset] is None), None)


Names = dict[UUID | None, tuple[str, int]]
"""Each initiative's quoted name and rank (None: the roadmap's, 0)."""


def names_of(
    initiative_ids: Iterable[UUID],
    titles: dict[UUID, str],
    roadmap_name: str,
    after: dict[UUID, int],
    before: dict[UUID, int],
) -> Names:
    """The name and rank of each initiative (once each, not once per item): its position
    at the end, or at the start after those still on it. About the whole roadmap: before
    the items about one initiative of it."""
    names: Names = {None: (quoted(roadmap_name), 0)}
    for initiative_id in initiative_ids:
        name = quoted(titles.get(initiative_id, "an initiative since removed"))
        rank = after.get(initiative_id) or LAST + before.get(initiative_id, LAST)
        names[initiative_id] = (name, rank)
    return names


def initiative_items(moves: Iterable[Move], names: Names, until: datetime) -> list[Item]:
    """The items of the initiatives' moves, each named (its initiative) and ranked."""
    items = []
    for move in moves:
        name, rank = names[move.initiative_id]
        at, actor, reason, decision_id = why_of(move.fact, until)
        items.append(
            Item(
                move.kind,
                f"{VERBS[move.kind]} {name} {move.detail}",
                reason,
                at,
                actor,
                move.initiative_id,
                None,
                decision_id,
                (move.initiative_id,),
                None,
                rank,
            )
        )
    return items


VERBS = {"ADDED": "Added", "REMOVED": "Removed", "MOVED": "Moved"}
"""How the summary of an initiative's move begins."""


def deliverable_items(
    differences: Iterable[Row], names: Names, cycles: dict[UUID, str], until: datetime
) -> list[Item]:
    """The items of the deliverables' differences (rows of
    ``digest_queries.DELIVERABLE_DIFFERENCES``), each named and ranked by its initiative."""
    items = []
    for row in differences:
        initiative_id: UUID = row["initiative_id"]
        name, rank = names[initiative_id]
        kind, summary = worded(row, name, cycles)
        at, actor, reason, decision_id = why_of(row, until)
        items.append(
            Item(
                kind,
                summary,
                reason,
                at,
                actor,
                initiative_id,
                row["deliverable_id"],
                decision_id,
                (initiative_id,),
                None,
                rank,
            )
        )
    return items


def worded(row: Row, name: str, cycles: dict[UUID, str]) -> tuple[str, str]:
    """The kind and summary of one difference of a deliverable of initiative ``name``."""
    difference: str = row["difference"]
    title = quoted(row["title"])
    if difference == "REMOVED":
        return "REMOVED", f"Removed deliverable {title} from {name}"
    if difference == "ADDED":
        return "ADDED", f"Added deliverable {title} to {name}"
    if difference == "STATUS":
        if row["status"] == "DONE":
            return "COMPLETED", f"Completed {title} of {name}"
        now, then = STATUSES[row["status"]], STATUSES[row["then_status"]]
        return "STATUS_CHANGED", f"{title} of {name} is now {now} (was {then})"
    if difference == "TARGET":
        moved = (
            f"from {target_label(row['then_target_cycle_id'], row['then_target_date'], cycles)}"
            f" to {target_label(row['target_cycle_id'], row['target_date'], cycles)}"
        )
        if is_slip(row["then_due_on"], row["due_on"]):
            return "SLIPPED", f"{title} of {name} slipped {moved}"
        return "RETARGETED", f"Retargeted {title} of {name} {moved}"
    assert difference == "ESTIMATE", f"no wording for a difference {difference!r}"
    # Resource-weeks as people write them (2.5, 10), as the statement writes them.
    now, then = row["estimate_weeks"], row["then_estimate_weeks"]
    assert now is not None, "an estimate is set"
    if then is None:
        return "ESTIMATE_CHANGED", f"Estimated {title} of {name} at {now} weeks"
    return "ESTIMATE_CHANGED", f"Re-estimated {title} of {name} from {then} to {now} weeks"


IN_KIND = attrgetter("rank", "at", "summary")
"""Where an item comes among those of its kind: by rank, business time, then summary."""


def in_digest_order(items: Iterable[Item]) -> list[Item]:
    """The items by kind (in ``KINDS`` order), then as ``IN_KIND`` says; equal ones in the
    order given. Sorted kind by kind: one key of three attributes, read in C, per item."""
    by_kind: dict[str, list[Item]] = {kind: [] for kind in KINDS}
    for item in items:
        by_kind[item.kind].append(item)
    ordered: list[Item] = []
    for kind_items in by_kind.values():
        ordered += sorted(kind_items, key=IN_KIND)
    return ordered
