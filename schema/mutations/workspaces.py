"""Mutations on the workspace's settings: its fiscal calendar (admins only)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.tokens import Role
from schema.context import Info
from schema.mutations.outcome import Prepared, UserError, execute
from schema.mutations.payloads import EFFECTIVE_AT, POSITION, USER_ERRORS
from schema.permissions import require
from schema.relay import to_global_id
from schema.viewer import Workspace


@strawberry.input(description="Start the workspace's fiscal year in another month.")
class SetFiscalYearInput:
    fiscal_year_start_month: int = strawberry.field(
        description="First month of the fiscal year: 1 (January) to 12."
    )
    reason: str | None = strawberry.field(default=None, description="Why it changed.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The workspace, or why nothing was recorded.")
class SetFiscalYearPayload:
    workspace: Workspace | None = strawberry.field(description="The workspace.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.type
class WorkspaceMutations:
    @strawberry.mutation(
        description="Set the workspace's fiscal year (admins only); reports' fiscal quarters"
        " and planned quarter cycles follow it on every roadmap."
    )
    async def set_fiscal_year(self, info: Info, input: SetFiscalYearInput) -> SetFiscalYearPayload:
        principal = require(info, Role.ADMIN)

        def prepare() -> Prepared[Workspace]:
            app = info.context.services.app

            async def load(_: object) -> Workspace:
                return Workspace(
                    id=to_global_id("Workspace", principal.workspace_id),
                    name=principal.workspace_name,
                    workspace_id=principal.workspace_id,
                )

            return Prepared(
                lambda caller: app.set_fiscal_year(
                    caller,
                    fiscal_year_start_month=input.fiscal_year_start_month,
                    reason=input.reason or "",
                    effective_at=input.effective_at,
                ),
                load,
            )

        outcome = await execute(info, prepare)
        return SetFiscalYearPayload(
            workspace=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )
