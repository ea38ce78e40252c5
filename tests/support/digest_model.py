"""An independent model of a roadmap's digest, folded from the events of the log.

``digest_lines`` replays the recorded events of one roadmap (not a read model, not the
driver's choices) up to two instants ``a`` and ``b`` of business time, compares the two
states, and explains each difference by the events in between, as the definitions of
``Digest.items`` read. It returns the digest's lines (kind, summary, reason, actor) in the
digest's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from backend.application import Roadlog

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
WORDS = {
    "PLANNED": "Planned",
    "IN_PROGRESS": "In progress",
    "POSSIBLE_DELAY": "Possible delay",
    "AT_RISK": "At risk",
    "DONE": "Done",
    "WONT_DO": "Won't do",
    "ON_TRACK": "On track",
    "OFF_TRACK": "Off track",
}
FAR = 10**9

Key = tuple[UUID, UUID]


@dataclass
class Thing:
    """A deliverable at an instant."""

    title: str
    status: str = "PLANNED"
    cycle: UUID | None = None
    day: date | None = None
    due: date | None = None
    weeks: Decimal | None = None


@dataclass
class State:
    """A roadmap at an instant."""

    order: list[UUID] = field(default_factory=list)
    titles: dict[UUID, str] = field(default_factory=dict)
    things: dict[Key, Thing] = field(default_factory=dict)

    def position(self, initiative: UUID) -> int | None:
        return self.order.index(initiative) + 1 if initiative in self.order else None


@dataclass(frozen=True)
class Line:
    kind: str
    summary: str
    reason: str
    actor: str
    at: datetime
    rank: int

    def key(self) -> tuple[int, int, datetime, str]:
        return (KINDS.index(self.kind), self.rank, self.at, self.summary)


def events_of(app: Roadlog, workspace_id: UUID) -> list[Any]:
    """The workspace's events, in log order."""
    events = []
    for notification in app.recorder.select_notifications(1, 1_000_000):
        event = app.mapper.to_domain_event(notification)
        if getattr(event, "workspace_id", None) == workspace_id:
            events.append(event)
    return events


def state_at(events: list[Any], roadmap: UUID, at: datetime) -> State:
    state = State()
    mine: set[UUID] = set()
    for e in events:
        if e.effective_at > at:
            continue
        kind = type(e).__qualname__
        if kind == "Initiative.Proposed" and e.roadmap_id == roadmap:
            mine.add(e.originator_id)
            state.titles[e.originator_id] = e.title
        elif kind == "Initiative.Updated" and "title" in e.changes:
            state.titles[e.originator_id] = e.changes["title"][1]
        elif e.originator_id == roadmap and kind == "Roadmap.InitiativePlaced":
            state.order.insert(e.position - 1, e.initiative_id)
        elif e.originator_id == roadmap and kind == "Roadmap.InitiativeMoved":
            state.order.remove(e.initiative_id)
            state.order.insert(e.to_position - 1, e.initiative_id)
        elif e.originator_id == roadmap and kind == "Roadmap.InitiativeRemoved":
            state.order.remove(e.initiative_id)
        elif e.originator_id not in mine or not kind.startswith("Initiative.Deliverable"):
            continue
        elif kind == "Initiative.DeliverableAdded":
            state.things[(e.originator_id, e.deliverable_id)] = Thing(e.title)
        elif kind == "Initiative.DeliverableRemoved":
            del state.things[(e.originator_id, e.deliverable_id)]
        elif kind == "Initiative.DeliverableStatusChanged":
            state.things[(e.originator_id, e.deliverable_id)].status = e.to_status
        elif kind == "Initiative.DeliverableEstimated":
            state.things[(e.originator_id, e.deliverable_id)].weeks = e.weeks
        elif kind == "Initiative.DeliverableRetargeted":
            thing = state.things[(e.originator_id, e.deliverable_id)]
            thing.cycle, thing.day, thing.due = e.to_cycle_id, e.to_date, e.to_due_on
        elif kind == "Initiative.DeliverableUntargeted":
            thing = state.things[(e.originator_id, e.deliverable_id)]
            thing.cycle, thing.day, thing.due = None, None, None
    return state


def number(weeks: Decimal | None) -> str:
    assert weeks is not None
    text = str(weeks)
    return text.rstrip("0").rstrip(".") if "." in text else text


def digest_lines(
    app: Roadlog, workspace_id: UUID, roadmap: UUID, a: datetime, b: datetime
) -> list[tuple[str, str, str, str]]:
    """The digest of ``roadmap`` over ``(a, b]``: (kind, summary, reason, actor) each."""
    events = events_of(app, workspace_id)
    then, now = state_at(events, roadmap, a), state_at(events, roadmap, b)
    between = [e for e in events if a < e.effective_at <= b]
    roadmap_name = next(
        e.name
        for e in reversed(events)
        if e.originator_id == roadmap
        and type(e).__qualname__ in ("Roadmap.Created", "Roadmap.Renamed")
    )
    cycles: dict[UUID, str] = {
        e.cycle_id: e.name
        for e in events
        if e.originator_id == roadmap
        and type(e).__qualname__ in ("Roadmap.CycleCreated", "Roadmap.CycleUpdated")
    }

    def rank(initiative: UUID) -> int:
        at_b, at_a = now.position(initiative), then.position(initiative)
        if at_b is not None:
            return at_b
        return FAR + (at_a if at_a is not None else FAR)

    def name(initiative: UUID) -> str:
        return f"'{now.titles[initiative]}'"

    def last(kinds: tuple[str, ...], match: Any) -> Any:
        found = [e for e in between if type(e).__qualname__ in kinds and match(e)]
        return found[-1] if found else None

    lines: list[Line] = []

    def add(kind: str, summary: str, event: Any, initiative: UUID | None) -> None:
        rank_of = 0 if initiative is None else rank(initiative)
        if event is None:
            lines.append(Line(kind, summary, "", "", b, rank_of))
        else:
            lines.append(
                Line(kind, summary, event.reason, event.actor, event.effective_at, rank_of)
            )

    # Initiatives: on the roadmap at either end, or moved in between.
    priority = ("Roadmap.InitiativePlaced", "Roadmap.InitiativeMoved", "Roadmap.InitiativeRemoved")
    chains: dict[UUID, list[tuple[int | None, int | None, Any]]] = {}
    for e in between:
        kind = type(e).__qualname__
        if e.originator_id == roadmap and kind in priority:
            start = None if kind == "Roadmap.InitiativePlaced" else e.from_position
            end = {
                "Roadmap.InitiativePlaced": getattr(e, "position", None),
                "Roadmap.InitiativeMoved": getattr(e, "to_position", None),
                "Roadmap.InitiativeRemoved": None,
            }[kind]
            chains.setdefault(e.initiative_id, []).append((start, end, e))
    added: set[UUID] = set()
    for initiative in set(then.order) | set(now.order) | set(chains):
        was, is_ = then.position(initiative), now.position(initiative)
        chain = chains.get(initiative, [])
        if was is None and is_ is not None:
            added.add(initiative)
            placed = [c[2] for c in chain if c[0] is None]
            add(
                "ADDED",
                f"Added {name(initiative)} at {is_}",
                placed[-1] if placed else None,
                initiative,
            )
        elif was is not None and is_ is None:
            removed = [c[2] for c in chain if c[1] is None]
            add(
                "REMOVED",
                f"Removed {name(initiative)} (was {was})",
                removed[-1] if removed else None,
                initiative,
            )
        elif chain and chain[0][0] != chain[-1][1]:
            add(
                "MOVED",
                f"Moved {name(initiative)} from {chain[0][0]} to {chain[-1][1]}",
                chain[-1][2],
                initiative,
            )

    def of(key: Key) -> Any:
        return lambda e: (e.originator_id, e.deliverable_id) == key

    def target(thing: Thing) -> str:
        if thing.cycle is not None:
            return cycles[thing.cycle]
        return "no target" if thing.day is None else thing.day.isoformat()

    for key in set(then.things) | set(now.things):
        initiative = key[0]
        old, new = then.things.get(key), now.things.get(key)
        if old is None and new is not None:
            if initiative not in added:
                event = last(("Initiative.DeliverableAdded",), of(key))
                add(
                    "ADDED",
                    f"Added deliverable '{new.title}' to {name(initiative)}",
                    event,
                    initiative,
                )
            continue
        if new is None:
            assert old is not None
            event = last(("Initiative.DeliverableRemoved",), of(key))
            add(
                "REMOVED",
                f"Removed deliverable '{old.title}' from {name(initiative)}",
                event,
                initiative,
            )
            continue
        assert old is not None
        title = f"'{new.title}'"
        if old.status != new.status:
            event = last(("Initiative.DeliverableStatusChanged",), of(key))
            if new.status == "DONE":
                add("COMPLETED", f"Completed {title} of {name(initiative)}", event, initiative)
            else:
                summary = (
                    f"{title} of {name(initiative)} is now {WORDS[new.status]}"
                    f" (was {WORDS[old.status]})"
                )
                add("STATUS_CHANGED", summary, event, initiative)
        if (old.cycle, old.day) != (new.cycle, new.day):
            event = last(
                ("Initiative.DeliverableRetargeted", "Initiative.DeliverableUntargeted"), of(key)
            )
            moved = f"from {target(old)} to {target(new)}"
            if old.due is not None and new.due is not None and new.due > old.due:
                add("SLIPPED", f"{title} of {name(initiative)} slipped {moved}", event, initiative)
            else:
                add(
                    "RETARGETED",
                    f"Retargeted {title} of {name(initiative)} {moved}",
                    event,
                    initiative,
                )
        if old.weeks != new.weeks:
            event = last(("Initiative.DeliverableEstimated",), of(key))
            if old.weeks is None:
                summary = f"Estimated {title} of {name(initiative)} at {number(new.weeks)} weeks"
            else:
                summary = (
                    f"Re-estimated {title} of {name(initiative)} from {number(old.weeks)}"
                    f" to {number(new.weeks)} weeks"
                )
            add("ESTIMATE_CHANGED", summary, event, initiative)

    mine = {
        e.originator_id
        for e in events
        if type(e).__qualname__ == "Initiative.Proposed" and e.roadmap_id == roadmap
    }
    for e in between:
        kind = type(e).__qualname__
        if kind == "Decision.Recorded" and any(
            (link["kind"] == "Roadmap" and link["id"] == roadmap)
            or (link["kind"] == "Initiative" and link["id"] in mine)
            for link in e.links
        ):
            line = Line(
                "DECISION_RECORDED",
                f"Recorded decision '{e.title}': {e.outcome}",
                e.rationale,
                e.actor,
                e.effective_at,
                FAR,
            )
            lines.append(line)
        elif kind == "StatusUpdate.Posted" and e.roadmap_id == roadmap:
            subject = f"'{roadmap_name}'" if e.initiative_id is None else name(e.initiative_id)
            summary = f"Posted a status update on {subject} ({WORDS[e.health]})"
            add("STATUS_UPDATE", summary, without_reason(e), e.initiative_id)
    lines.sort(key=Line.key)
    return [(line.kind, line.summary, line.reason, line.actor) for line in lines]


@dataclass(frozen=True)
class _Posted:
    reason: str
    actor: str
    effective_at: datetime


def without_reason(e: Any) -> _Posted:
    """A status update's line carries no reason (its body is the message)."""
    return _Posted("", e.actor, e.effective_at)
