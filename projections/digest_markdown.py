"""A digest as a Markdown document, ready to paste into an email.

A heading with the roadmap's (or the initiative's) name and the period, the health of the
latest status update, then one section per kind of item, in the digest's order: each item
its summary, then why (the reason, the decision), who and when. Status updates quote their
body.
"""

from __future__ import annotations

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


def when(at: str) -> str:
    """An instant (in ISO 8601) as people read it in an email: 2026-11-02 14:30 UTC."""
    return f"{at[:10]} {at[11:16]} UTC"


def sentence(text: str) -> str:
    """A reason as a sentence of its own: capitalised, ending in a full stop."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def line(item: Item, at: str, reason: str, decision_titles: dict[UUID, str]) -> str:
    """An item as a list entry (and, for a status update, its body quoted below): ``at``
    its time in ISO 8601, ``reason`` its reason as a sentence."""
    text = f"- {item.summary}."
    if reason:
        text += " " + reason
    if item.decision_id is not None and item.kind != "DECISION_RECORDED":
        title = decision_titles.get(item.decision_id)
        if title is not None:
            text += f" Decision: '{title}'."
    text += f" ({item.actor}, {when(at)})" if item.actor else f" ({when(at)})"
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
        f"From {when(digest.since.isoformat())} to {when(digest.until.isoformat())}.",
        "",
        f"**Health: {HEALTHS[digest.health]}**"
        if digest.health is not None
        else "**Health: not reported** (no status update yet)",
    ]
    if not digest.items:
        lines += ["", "Nothing changed in this period."]
    heading = None
    # Reasons repeat ("weekly sync"): each written as a sentence once.
    sentences = {"": ""}
    for item, at in zip(digest.items, digest.item_times, strict=True):
        if item.kind != heading:
            heading = item.kind
            lines += ["", f"## {HEADINGS[item.kind]}", ""]
        reason = sentences.get(item.reason)
        if reason is None:
            reason = sentences[item.reason] = sentence(item.reason)
        lines.append(line(item, at, reason, digest.decision_titles))
    return "\n".join(lines) + "\n"
