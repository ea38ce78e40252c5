"""Who am I: the caller's actor name, role and workspace."""

from __future__ import annotations

from enum import Enum

import strawberry

from backend.tokens import Principal
from backend.tokens import Role as TokenRole
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
        ),
    )


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The caller: actor, role and workspace.")
    def viewer(self, info: Info) -> Viewer:
        return viewer_of(require(info))
