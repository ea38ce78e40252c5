"""What status updates say on the timeline (see timeline_entries)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from backend.domain.status_update import StatusUpdate
from projections.timeline_entries import Entry

HEALTH_LABELS = {"ON_TRACK": "On track", "AT_RISK": "At risk", "OFF_TRACK": "Off track"}
"""A health as people write it."""


def status_update_posted(e: StatusUpdate.Posted) -> Entry:
    subject = e.initiative_id if e.initiative_id is not None else e.roadmap_id
    about = (e.roadmap_id,) if e.initiative_id is None else (e.initiative_id, e.roadmap_id)
    return Entry(
        "StatusUpdatePosted",
        "StatusUpdate",
        (e.originator_id,),
        f"Posted a status update on %s ({HEALTH_LABELS[e.health]})",
        quoted=(subject,),
        about=about,
        changes=(("health", None, e.health),),
    )


UPDATE_DESCRIBERS: dict[type[Any], Callable[[Any], Entry]] = {
    StatusUpdate.Posted: status_update_posted,
}
