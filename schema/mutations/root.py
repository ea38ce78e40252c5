"""All mutations, merged into the schema's Mutation root."""

from __future__ import annotations

from strawberry.tools import merge_types

from schema.mutations.cycles import CycleMutations
from schema.mutations.decisions import DecisionMutations
from schema.mutations.deliverables import DeliverableMutations
from schema.mutations.initiatives import InitiativeMutations
from schema.mutations.naming import NamingMutations
from schema.mutations.objectives import ObjectiveMutations
from schema.mutations.okr_changes import OkrChangeMutations
from schema.mutations.roadmaps import RoadmapMutations
from schema.mutations.status_updates import StatusUpdateMutations
from schema.mutations.workspaces import WorkspaceMutations

Mutation = merge_types(
    "Mutation",
    (
        RoadmapMutations,
        CycleMutations,
        NamingMutations,
        InitiativeMutations,
        DeliverableMutations,
        ObjectiveMutations,
        OkrChangeMutations,
        DecisionMutations,
        StatusUpdateMutations,
        WorkspaceMutations,
    ),
)
