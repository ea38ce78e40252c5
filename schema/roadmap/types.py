"""Every GraphQL type of the roadmap feature, in one place for other features to name.

Other features (mutation payloads, subscriptions) import them from here.
"""

from __future__ import annotations

from schema.initiatives import Initiative
from schema.roadmap.decisions import (
    Decision,
    DecisionConnection,
    DecisionEdge,
    DecisionStatus,
)
from schema.roadmap.entities import (
    Cadence,
    Cycle,
    CycleState,
    Deliverable,
    DeliverableStatus,
    EstimateGeneration,
    InitiativeKind,
    Team,
)
from schema.roadmap.history import (
    InitiativeChanges,
    InitiativeMove,
    PriorityChange,
    PriorityChangeConnection,
    PriorityChangeEdge,
    PriorityChangeKind,
    RoadmapDiff,
)
from schema.roadmap.queries import RoadmapConnection, RoadmapEdge
from schema.roadmap.roadmaps import Roadmap
from schema.roadmap.timeline import FieldChange, TimelineConnection, TimelineEdge, TimelineEntry

__all__ = [
    "Cadence",
    "Cycle",
    "CycleState",
    "Decision",
    "DecisionConnection",
    "DecisionEdge",
    "DecisionStatus",
    "Deliverable",
    "DeliverableStatus",
    "EstimateGeneration",
    "FieldChange",
    "Initiative",
    "InitiativeChanges",
    "InitiativeKind",
    "InitiativeMove",
    "PriorityChange",
    "PriorityChangeConnection",
    "PriorityChangeEdge",
    "PriorityChangeKind",
    "Roadmap",
    "RoadmapConnection",
    "RoadmapDiff",
    "RoadmapEdge",
    "Team",
    "TimelineConnection",
    "TimelineEdge",
    "TimelineEntry",
]
