"""The roadlog Application: its methods are the commands users run (load, decide, save).

The commands live in ``backend/commands/``, one mixin per feature; this module composes
them into ``Roadlog`` and configures how events and snapshots are stored.
"""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.persistence import JSONTranscoder

from backend.commands.core import Caller, DateAsISO, Recorded, register_entities
from backend.commands.cycles import CycleCommands
from backend.commands.decisions import DecisionCommands
from backend.commands.deliverables import DeliverableCommands
from backend.commands.initiatives import InitiativeCommands
from backend.commands.objectives import ObjectiveCommands
from backend.commands.roadmaps import RoadmapCommands
from backend.commands.status_updates import StatusUpdateCommands
from backend.commands.workspaces import WorkspaceCommands
from backend.domain.deliverable import Deliverable, Estimate
from backend.domain.initiative import Alignment, Initiative
from backend.domain.objective import CheckIn, KeyResult, Objective
from backend.domain.roadmap import Cycle, Roadmap

__all__ = ["Caller", "DateAsISO", "Recorded", "Roadlog"]


class Roadlog(
    RoadmapCommands,
    CycleCommands,
    InitiativeCommands,
    DeliverableCommands,
    ObjectiveCommands,
    DecisionCommands,
    StatusUpdateCommands,
    WorkspaceCommands,
):
    """Every roadmap change, priority move and decision, recorded as immutable events."""

    name = "Roadlog"
    env: ClassVar[dict[str, str]] = {"AGGREGATE_CACHE_MAXSIZE": "1000"}
    # The histories that grow with use (every move, re-estimate, check-in): snapshots keep
    # loading them fast once they drop out of the cache (or a process starts).
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        Roadmap: 100,
        Initiative: 100,
        Objective: 100,
    }

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        # Entities kept in aggregate state, so that any aggregate can be snapshotted.
        register_entities(transcoder, Cycle, Deliverable, Estimate, Alignment, KeyResult, CheckIn)
