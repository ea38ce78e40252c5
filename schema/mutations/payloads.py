"""Lazy references to the entity types that mutation payloads return.

The entity types live with their read models (``schema.roadmap``, ``schema.reports``);
strawberry resolves these names when the schema is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from schema.reports.types import AlignmentKind, KeyResult, Objective, ObjectiveLevel
    from schema.roadmap.types import (
        Cycle,
        Decision,
        DecisionStatus,
        Deliverable,
        DeliverableStatus,
        Initiative,
        InitiativeKind,
        Roadmap,
        Team,
    )

TeamType = Annotated["Team", strawberry.lazy("schema.roadmap.types")]
RoadmapType = Annotated["Roadmap", strawberry.lazy("schema.roadmap.types")]
CycleType = Annotated["Cycle", strawberry.lazy("schema.roadmap.types")]
InitiativeType = Annotated["Initiative", strawberry.lazy("schema.roadmap.types")]
DeliverableType = Annotated["Deliverable", strawberry.lazy("schema.roadmap.types")]
DecisionType = Annotated["Decision", strawberry.lazy("schema.roadmap.types")]
InitiativeKindType = Annotated["InitiativeKind", strawberry.lazy("schema.roadmap.types")]
DeliverableStatusType = Annotated["DeliverableStatus", strawberry.lazy("schema.roadmap.types")]
DecisionStatusType = Annotated["DecisionStatus", strawberry.lazy("schema.roadmap.types")]
ObjectiveType = Annotated["Objective", strawberry.lazy("schema.reports.types")]
KeyResultType = Annotated["KeyResult", strawberry.lazy("schema.reports.types")]
ObjectiveLevelType = Annotated["ObjectiveLevel", strawberry.lazy("schema.reports.types")]
AlignmentKindType = Annotated["AlignmentKind", strawberry.lazy("schema.reports.types")]

EFFECTIVE_AT = "Business time, for backfilling history (admins only); default now."
USER_ERRORS = "Expected failures; when any, nothing was recorded."
POSITION = "Log position of the last event recorded (pass it as consistentWith)."
