"""What a digest says: its items, their wording and their order (see projections.digest).

Each difference between the two ends of a period becomes one ``Item``, worded for people
(names, never ids) and explained by the last fact behind it (``Why``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple
from uuid import UUID

from projections.digest_queries import STATE
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

Key = tuple[UUID, UUID]
"""A deliverable: (initiative id, deliverable id)."""

NAME = "\x00"
"""Where a summary names its initiative (or the roadmap), until names are looked up: no
stored text holds a NUL character, so no title can contain it."""

LAST = 1 << 30
"""The rank of items about no initiative, and the offset of those no longer on the roadmap."""


class Item(NamedTuple):
    """One line of a digest: names, never ids, in ``summary``; the ids for the API.

    A named tuple rather than a frozen dataclass: a digest may hold thousands of items,
    each built twice (then named), and a frozen dataclass takes five times as long to
    build (each field set through ``object.__setattr__``).
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

    def named(self, summary: str, rank: int) -> Item:
        """This item with another summary and rank (``_replace`` is twice as slow)."""
        return Item(
            self.kind,
            summary,
            self.reason,
            self.at,
            self.actor,
            self.initiative_id,
            self.deliverable_id,
            self.decision_id,
            self.about,
            self.body,
            rank,
        )


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


class Why(NamedTuple):
    """The fact behind a difference: when, who, why, which decision (a named tuple, as
    ``Item``: one per item)."""

    at: datetime
    actor: str
    reason: str
    decision_id: UUID | None

    @classmethod
    def of(cls, row: Row | None, fallback: datetime) -> Why:
        """The fact's who and why; a difference without a fact in the period (a version
        the facts do not explain) is dated at the end of the period, by nobody."""
        if row is None:
            return cls(fallback, "", "", None)
        return cls(row["at"], row["actor"], row["reason"], row["decision_id"])


def quoted(name: str) -> str:
    return f"'{name}'"


def weeks(value: Decimal | None) -> str:
    """Resource-weeks as people write them: 2.5, 10."""
    assert value is not None, "an estimate is set"
    return f"{value.normalize():f}"


def target_label(row: State, cycles: dict[UUID, str]) -> str:
    """A deliverable's target as people name it: the cycle's name, a date, or no target."""
    cycle_id: UUID | None = row["target_cycle_id"]
    if cycle_id is not None:
        return cycles.get(cycle_id, "a cycle since removed")
    target: date | None = row["target_date"]
    return "no target" if target is None else target.isoformat()


def is_slip(before: State, after: State) -> bool:
    """Now due later than before (both having a due date)."""
    return (
        before["due_on"] is not None
        and after["due_on"] is not None
        and after["due_on"] > before["due_on"]
    )


State = Mapping[str, Any]
"""A deliverable at an instant: the columns of ``digest_queries.STATE``."""


def states(rows: Sequence[Row]) -> tuple[dict[Key, State], dict[Key, State]]:
    """The deliverables that may have changed, as they were at the start and at the end
    of the period (those that did not exist then, or no longer do, left out of each)."""
    then: dict[Key, State] = {}
    now: dict[Key, State] = {}
    columns = STATE.split(", ")
    for row in rows:
        key = (row["initiative_id"], row["deliverable_id"])
        if row["exists_before"]:
            then[key] = {column: row[f"then_{column}"] for column in columns}
        if row["exists_after"]:
            now[key] = {column: row[column] for column in columns}
    return then, now


def targets(row: State) -> tuple[UUID | None, date | None]:
    return row["target_cycle_id"], row["target_date"]


def deliverable_item(kind: str, summary: str, key: Key, why: Why) -> Item:
    """An item about a deliverable; ``NAME`` in ``summary`` is its initiative's name."""
    initiative_id, deliverable_id = key
    return Item(
        kind,
        summary,
        why.reason,
        why.at,
        why.actor,
        initiative_id=initiative_id,
        deliverable_id=deliverable_id,
        decision_id=why.decision_id,
        about=(initiative_id,),
    )


def initiative_items(
    before: dict[UUID, int], after: dict[UUID, int], changes: Sequence[Row], until: datetime
) -> list[Item]:
    """ADDED, REMOVED and MOVED: the net effect of the period's priority changes."""
    chains: dict[UUID, list[Row]] = defaultdict(list)
    for change in changes:
        chains[change["initiative_id"]].append(change)
    items = []
    for initiative_id in sorted(before.keys() | after.keys() | chains.keys()):
        chain = chains.get(initiative_id, [])
        was, now = before.get(initiative_id), after.get(initiative_id)
        if was is None and now is not None:
            placed = last(chain, "from_position")
            item = ("ADDED", f"Added {NAME} at {now}", Why.of(placed, until))
        elif was is not None and now is None:
            removed = last(chain, "to_position")
            item = ("REMOVED", f"Removed {NAME} (was {was})", Why.of(removed, until))
        elif chain and chain[0]["from_position"] != chain[-1]["to_position"]:
            start, end = chain[0]["from_position"], chain[-1]["to_position"]
            item = ("MOVED", f"Moved {NAME} from {start} to {end}", Why.of(chain[-1], until))
        else:
            continue
        kind, summary, why = item
        items.append(
            Item(
                kind,
                summary,
                why.reason,
                why.at,
                why.actor,
                initiative_id=initiative_id,
                decision_id=why.decision_id,
                about=(initiative_id,),
            )
        )
    return items


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


def named_item(item: Item, names: Names) -> Item:
    """The item with its initiative's (or the roadmap's) name in its summary, and its rank."""
    if item.kind == "DECISION_RECORDED":
        return item
    name, rank = names[item.initiative_id]
    return item.named(item.summary.replace(NAME, name), rank)


ORDER = {kind: n for n, kind in enumerate(KINDS)}


def in_order(item: Item) -> tuple[int, int, datetime, str]:
    """Where an item comes in a digest: by kind, rank, business time, then summary."""
    return ORDER[item.kind], item.rank, item.at, item.summary


def by_ids(key: Key) -> tuple[int, int]:
    """A deliverable's place in the order of its ids: the order of the UUIDs themselves,
    whose comparison reads ``.int`` once per comparison instead of once per key."""
    return key[0].int, key[1].int
