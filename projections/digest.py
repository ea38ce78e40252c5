"""A digest: what changed on a roadmap over a period ``(since, until]``, for people.

Net effects, not noise: the roadmap's state at ``since`` is compared with its state at
``until`` (the read models' versions), and each difference becomes one item, explained by
the last fact of the period behind it (who, why, which decision):

- an initiative on the roadmap at ``until`` and not at ``since`` is ADDED (at its position
  then), the other way round REMOVED (it was at its position at ``since``); one placed and
  taken off again within the period does not appear;
- an initiative on the roadmap at both ends is MOVED when its explicit moves in the period
  (placements and removals included, never the shifts other changes caused) end elsewhere
  than they started: "Moved 'X' from 3 to 1", from the position before its first move to
  the one after its last. One moved 3 -> 1 -> 3 does not appear at all;
- a deliverable that exists at ``until`` and not at ``since`` is ADDED, unless its
  initiative is ADDED (it comes with it); the other way round REMOVED;
- for a deliverable at both ends: another status is COMPLETED when it is now DONE, else
  STATUS_CHANGED; another target (cycle or date) is SLIPPED when it is now due later than
  it was, else RETARGETED; another estimate is ESTIMATE_CHANGED;
- decisions recorded in the period that link to the roadmap or one of its initiatives are
  DECISION_RECORDED, status updates posted in the period STATUS_UPDATE.

Items come grouped by kind in ``KINDS`` order (what a stakeholder reads first), then in
the roadmap's priority order at ``until`` (initiatives no longer on it after those that
are), then in business-time order. A digest about one initiative keeps the items about it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from projections import digest_queries as q
from projections.collection import collection_paused
from projections.digest_items import (
    HEALTHS,
    Digest,
    Item,
    Move,
    Names,
    deliverable_items,
    in_digest_order,
    initiative_items,
    initiative_moves,
    names_of,
    quoted,
)
from projections.readers import Connection
from projections.roadmap_queries import Row


def before_creation(roadmap: Row, until: datetime) -> datetime:
    """The start of a period that begins with the roadmap: the instant just before its
    creation, so that what was done at that very instant (an import does everything at
    one business time) counts as added. Never after ``until``."""
    created: datetime = roadmap["created_at"]
    return min(created - timedelta(microseconds=1), until)


async def default_since(
    conn: Connection,
    workspace_id: UUID,
    roadmap: Row,
    initiative_id: UUID | None,
    until: datetime,
) -> datetime:
    """The subject's latest status update at or before ``until``, or else just before the
    roadmap's creation."""
    latest = await q.latest_update_before(conn, workspace_id, roadmap["id"], initiative_id, until)
    if latest is not None:
        at: datetime = latest["at"]
        return at
    return before_creation(roadmap, until)


async def digest_of(
    conn: Connection,
    workspace_id: UUID,
    roadmap_id: UUID,
    since: datetime | None,
    until: datetime,
    initiative_id: UUID | None = None,
) -> Digest | None:
    """The digest of a roadmap (or of one initiative on it) over ``(since, until]``;
    ``since`` None: from the subject's latest update at ``until``. None when the roadmap
    is not in the workspace. Read in one snapshot."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        roadmap = await q.roadmap_of(conn, workspace_id, roadmap_id)
        if roadmap is None:
            return None
        if since is None:
            since = await default_since(conn, workspace_id, roadmap, initiative_id, until)
        return await _digest(conn, workspace_id, roadmap, since, until, initiative_id)


async def digest_of_update(conn: Connection, workspace_id: UUID, update: Row) -> Digest:
    """The digest a status update carries: from the previous update of the same subject
    (or the roadmap's creation) to this one."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        roadmap = await q.roadmap_of(conn, workspace_id, update["roadmap_id"])
        assert roadmap is not None, f"status update {update['id']} of a missing roadmap"
        subject: UUID | None = update["initiative_id"]
        previous = await q.latest_update_before(
            conn, workspace_id, roadmap["id"], subject, update["at"], update["position"]
        )
        since = before_creation(roadmap, update["at"]) if previous is None else previous["at"]
        return await _digest(conn, workspace_id, roadmap, since, update["at"], subject)


async def _digest(
    conn: Connection,
    workspace_id: UUID,
    roadmap: Row,
    since: datetime,
    until: datetime,
    initiative_id: UUID | None,
) -> Digest:
    # In UTC, as the Markdown labels its times, whatever offset the caller wrote.
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    roadmap_id: UUID = roadmap["id"]
    before = await q.positions_at(conn, workspace_id, roadmap_id, since)
    after = await q.positions_at(conn, workspace_id, roadmap_id, until)
    changes = await q.priority_changes(conn, workspace_id, roadmap_id, since, until)
    moves = initiative_moves(before, after, changes)
    added = [move.initiative_id for move in moves if move.kind == "ADDED"]
    differences = await q.deliverable_differences(
        conn, workspace_id, roadmap_id, since, until, added
    )
    decisions = await q.decisions_in(conn, workspace_id, roadmap_id, since, until)
    updates = await q.updates_in(conn, workspace_id, roadmap_id, since, until)
    cycles = await q.cycle_names(conn, workspace_id, roadmap_id)
    recorded = {row["id"]: row["title"] for row in decisions}
    if initiative_id is not None:
        # A digest about one initiative keeps what is about it, and names only it.
        moves = [move for move in moves if move.initiative_id == initiative_id]
        differences = [row for row in differences if row["initiative_id"] == initiative_id]
        decisions = [row for row in decisions if initiative_id in row["initiative_ids"]]
        updates = [row for row in updates if row["initiative_id"] == initiative_id]

    # Every initiative an item may name, named once before any item is worded.
    involved = {move.initiative_id for move in moves}
    involved.update(row["initiative_id"] for row in differences)
    involved.update(update["initiative_id"] for update in updates)
    involved.discard(None)
    if initiative_id is not None:
        involved.add(initiative_id)
    titles = await q.titles_at(conn, workspace_id, sorted(involved), until)
    names = names_of(involved, titles, roadmap["name"], after, before)

    latest = await q.latest_update_before(conn, workspace_id, roadmap_id, initiative_id, until)
    with collection_paused():  # thousands of items, nothing awaited
        items = _items(moves, differences, decisions, updates, names, cycles, until)
    decision_ids = {item.decision_id for item in items if item.decision_id is not None}
    return Digest(
        roadmap_id=roadmap_id,
        roadmap_name=roadmap["name"],
        since=since,
        until=until,
        health=None if latest is None else latest["health"],
        items=tuple(items),
        decision_titles=await decision_titles(conn, workspace_id, decision_ids, recorded),
        initiative_id=initiative_id,
        initiative_title=None if initiative_id is None else titles.get(initiative_id),
    )


async def decision_titles(
    conn: Connection, workspace_id: UUID, ids: set[UUID], recorded: dict[UUID, str]
) -> dict[UUID, str]:
    """The titles of the decisions ``ids``: those recorded in the period as their rows
    (``recorded``) already say, the others (a move may cite an older decision) read."""
    titles = {decision_id: recorded[decision_id] for decision_id in ids & recorded.keys()}
    titles.update(await q.decision_titles(conn, workspace_id, sorted(ids - recorded.keys())))
    return titles


def _items(
    moves: list[Move],
    differences: list[Row],
    decisions: list[Row],
    updates: list[Row],
    names: Names,
    cycles: dict[UUID, str],
    until: datetime,
) -> list[Item]:
    """Every item of the digest, worded and in its order."""
    items = initiative_items(moves, names, until)
    items += deliverable_items(differences, names, cycles, until)
    for decision in decisions:
        items.append(
            Item(
                "DECISION_RECORDED",
                f"Recorded decision {quoted(decision['title'])}: {decision['outcome']}",
                decision["rationale"],
                decision["at"],
                decision["actor"],
                decision_id=decision["id"],
                about=tuple(decision["initiative_ids"]),
            )
        )
    for update in updates:
        subject: UUID | None = update["initiative_id"]
        name, rank = names[subject]
        items.append(
            Item(
                "STATUS_UPDATE",
                f"Posted a status update on {name} ({HEALTHS[update['health']]})",
                "",
                update["at"],
                update["actor"],
                initiative_id=subject,
                about=() if subject is None else (subject,),
                body=update["body"],
                rank=rank,
            )
        )
    return in_digest_order(items)
