"""Who am I: the caller's actor name, role and workspace."""

from __future__ import annotations

from enum import Enum
from uuid import UUID

import strawberry

from backend.tokens import Principal
from backend.tokens import Role as TokenRole
from projections.roadmap_queries import fiscal_year_start_month
from schema.context import Info
from schema.permissions import require
from schema.relay import Node, to_global_id


@strawberry.enum(description="What a token may do.")
class Role(Enum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"


@strawberry.type(description="One organisation's data; nothing crosses workspaces.")
class Workspace(Node):
    name: str = strawberry.field(description="The workspace's unique name.")
    workspace_id: strawberry.Private[UUID]

    @strawberry.field(
        description="First month (1..12) of the organisation's fiscal year; 1 until set."
        " Fiscal quarters in reports and planned quarter cycles follow it, whatever a"
        " roadmap's cadence says."
    )
    async def fiscal_year_start_month(self, info: Info) -> int:
        require(info)
        return await fiscal_year_start_month(info.context.services.pool, self.workspace_id)


@strawberry.type(description="The caller, as identified by its bearer token.")
class Viewer:
    actor: str = strawberry.field(description="Recorded as the actor of every change made.")
    role: Role = strawberry.field(description="What this token may do.")
    workspace: Workspace = strawberry.field(description="The only workspace this token sees.")


def viewer_of(principal: Principal) -> Viewer:
    return Viewer(
        actor=principal.actor,
        role=Role(TokenRole(principal.role).value),
        workspace=Workspace(
            id=to_global_id("Workspace", principal.workspace_id),
            name=principal.workspace_name,
            workspace_id=principal.workspace_id,
        ),
    )


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The caller: actor, role and workspace.")
    def viewer(self, info: Info) -> Viewer:
        return viewer_of(require(info))
