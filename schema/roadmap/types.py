"""Every GraphQL type of the roadmap feature, in one place for other features to name.

Other features refer to these lazily: ``Annotated["Roadmap",
strawberry.lazy("schema.roadmap.types")]``.
"""

from __future__ import annotations

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
    Initiative,
    InitiativeKind,
    Roadmap,
    Team,
)
from schema.roadmap.history import (
    FieldChange,
    InitiativeChanges,
    InitiativeMove,
    PriorityChange,
    PriorityChangeConnection,
    PriorityChangeEdge,
    RoadmapDiff,
    TimelineConnection,
    TimelineEdge,
    TimelineEntry,
)
from schema.roadmap.queries import RoadmapConnection, RoadmapEdge

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
    "Roadmap",
    "RoadmapConnection",
    "RoadmapDiff",
    "RoadmapEdge",
    "Team",
    "TimelineConnection",
    "TimelineEdge",
    "TimelineEntry",
]
