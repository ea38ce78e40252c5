"""A digest as a Markdown document, ready to paste into an email.

A heading with the roadmap's (or the initiative's) name and the period, the health of the
latest status update, then one section per kind of item, in the digest's order: each item
its summary, then why (the reason, the decision), who and when. Status updates quote their
body.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from projections.digest_items import HEALTHS, Digest, Item

HEADINGS = {
    "STATUS_UPDATE": "Status updates",
    "COMPLETED": "Completed",
    "SLIPPED": "Slipped",
    "STATUS_CHANGED": "Status changes",
    "ADDED": "Added",
    "REMOVED": "Removed",
    "MOVED": "Priority moves",
    "RETARGETED": "Retargeted",
    "ESTIMATE_CHANGED": "Estimates",
    "DECISION_RECORDED": "Decisions",
}
"""The section of each kind of item."""


def when(at: datetime) -> str:
    """An instant as people read it in an email: 2026-11-02 14:30 UTC (``isoformat`` takes
    half the time of ``strftime``, once per item)."""
    return at.isoformat(" ", "minutes")[:16] + " UTC"


def sentence(text: str) -> str:
    """A reason as a sentence of its own: capitalised, ending in a full stop."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def line(item: Item, decision_titles: dict[UUID, str]) -> str:
    """An item as a list entry (and, for a status update, its body quoted below)."""
    text = f"- {item.summary}."
    if item.reason:
        text += " " + sentence(item.reason)
    if item.decision_id is not None and item.kind != "DECISION_RECORDED":
        title = decision_titles.get(item.decision_id)
        if title is not None:
            text += f" Decision: '{title}'."
    text += f" ({item.actor}, {when(item.at)})" if item.actor else f" ({when(item.at)})"
    if item.body is None:
        return text
    quoted = "\n".join(f"  > {row}".rstrip() for row in item.body.splitlines())
    return f"{text}\n\n{quoted}" if quoted else f"{text}\n"


def markdown(digest: Digest) -> str:
    """The digest as a Markdown document."""
    subject = digest.roadmap_name
    if digest.initiative_id is not None:
        subject = f"{digest.initiative_title or 'an initiative'} ({digest.roadmap_name})"
    lines = [
        f"# {subject}: what changed",
        "",
        f"From {when(digest.since)} to {when(digest.until)}.",
        "",
        f"**Health: {HEALTHS[digest.health]}**"
        if digest.health is not None
        else "**Health: not reported** (no status update yet)",
    ]
    if not digest.items:
        lines += ["", "Nothing changed in this period."]
    heading = None
    for item in digest.items:
        if item.kind != heading:
            heading = item.kind
            lines += ["", f"## {HEADINGS[item.kind]}", ""]
        lines.append(line(item, digest.decision_titles))
    return "\n".join(lines) + "\n"
