"""The updates read model: status updates posted on roadmaps and their initiatives.

One table (schema ``updates``): ``status_updates``, a fact per update, keyed by its id
and its log position and written in bulk. Digests read it for the updates of a period
and for the previous update of a subject; the timeline says "Posted a status update".
"""

from __future__ import annotations

from collections.abc import Sequence

from backend.domain.status_update import StatusUpdate
from projections.read_model import Fact, FactTable, ReadModel

STATUS_UPDATES = FactTable(
    "status_updates",
    "id uuid, position bigint, workspace_id uuid, roadmap_id uuid, initiative_id uuid,"
    " health text, body text, at timestamptz, recorded_at timestamptz, actor text",
)


def status_update_posted(event: StatusUpdate.Posted, position: int) -> Sequence[Fact]:
    return [
        Fact(
            STATUS_UPDATES,
            (
                event.originator_id,
                position,
                event.workspace_id,
                event.roadmap_id,
                event.initiative_id,
                event.health,
                event.body,
                event.effective_at,
                event.timestamp,
                event.actor,
            ),
        )
    ]


UPDATES = ReadModel(
    "updates",
    {StatusUpdate.Posted: status_update_posted},
    # Facts only: with no ordinary statement to cut a run short, a batch writes its
    # updates in one insert.
    facts=(STATUS_UPDATES,),
    query_indexes=("status_updates_newest", "status_updates_of_subject"),
)
