"""The workspace's settings: its fiscal calendar."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.commands.core import Caller, Recorded, RoadlogCore, retried
from backend.domain.base import business_time
from backend.domain.workspace import DEFAULT_FISCAL_YEAR_START_MONTH, Workspace, require_month


class WorkspaceCommands(RoadlogCore):
    """Set the workspace's fiscal year; read it for the commands that follow it."""

    @retried
    def set_fiscal_year(
        self,
        caller: Caller,
        *,
        fiscal_year_start_month: int,
        reason: str = "",
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Start the workspace's fiscal year in another month (Workspace.FiscalYearSet).

        The first setting records Workspace.Created instead; the same month (January,
        for a workspace never set) records nothing.
        Only admins may call it: the API checks the role. Returns the workspace id.
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        month = require_month(fiscal_year_start_month, "fiscal_year_start_month")
        workspace = self._workspace(caller)
        if workspace is None:
            if month == DEFAULT_FISCAL_YEAR_START_MONTH:
                return Recorded(caller.workspace_id, None)
            workspace = Workspace.create(
                id=caller.workspace_id,
                fiscal_year_start_month=month,
                meta=meta,
                at=business_time(meta, now),
            )
        else:
            workspace.set_fiscal_year(month, meta, business_time(meta, now, workspace))
        return self._save_all(caller.workspace_id, workspace)

    def fiscal_year_start_month(self, caller: Caller) -> int:
        """The first month of the workspace's fiscal year (January until set)."""
        workspace = self._workspace(caller)
        return (
            DEFAULT_FISCAL_YEAR_START_MONTH
            if workspace is None
            else workspace.fiscal_year_start_month
        )

    def _workspace(self, caller: Caller) -> Workspace | None:
        if caller.workspace_id not in self.repository:
            return None
        return self._load(caller, Workspace, caller.workspace_id, "workspace")
