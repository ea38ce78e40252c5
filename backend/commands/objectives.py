"""Objectives and key results: set them, add key results, check in their values."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from backend.commands.core import Caller, Recorded, RoadlogCore, retried
from backend.domain.base import business_time
from backend.domain.errors import Invalid
from backend.domain.objective import Objective


class ObjectiveCommands(RoadlogCore):
    """OKRs: objectives per period, their key results and check-ins."""

    @retried
    def create_objective(
        self,
        caller: Caller,
        *,
        title: str,
        period: str,
        level: str,
        team_id: UUID | None = None,
        parent_id: UUID | None = None,
        id: UUID | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Set an objective for a period (Objective.Created), company-wide or of a team."""
        meta = self._meta(caller, effective_at=effective_at)
        now = datetime.now(UTC)
        if parent_id is not None and parent_id == id:
            raise Invalid("an objective cannot be its own parent", "parent_id")
        if team_id is not None:
            self._load_active_team(caller, team_id, "team_id")
        parent = None if parent_id is None else self._active_parent(caller, parent_id)
        objective = Objective.create(
            id=self._new_id(Objective, id),
            title=title,
            period=period,
            level=level,
            team_id=team_id,
            parent=parent,
            meta=meta,
            at=business_time(meta, now),
        )
        return self._save_all(objective.id, objective)

    @retried
    def update_objective(
        self,
        caller: Caller,
        *,
        objective_id: UUID,
        title: str | None = None,
        parent_id: UUID | None = None,
        clear_parent: bool = False,
        team_id: UUID | None = None,
        reason: str = "",
        expected_version: int | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Change an objective's title, parent or team (Objective.Updated); the tree
        keeps no cycles. No change records nothing (position None)."""
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        objective = self._load(caller, Objective, objective_id, "objective_id")
        self._check_version(objective, expected_version)
        if team_id is not None:
            self._load_active_team(caller, team_id, "team_id")
        parent = None if parent_id is None else self._active_parent(caller, parent_id)
        objective.update(
            title=title,
            team_id=team_id,
            parent=parent,
            clear_parent=clear_parent,
            parent_ancestors=[] if parent is None else self._ancestors(caller, parent),
            meta=meta,
            at=business_time(meta, now, objective),
        )
        return self._save_all(objective.id, objective)

    def _active_parent(self, caller: Caller, parent_id: UUID) -> Objective:
        """An objective that may take a child: of the workspace and not archived."""
        parent = self._load(caller, Objective, parent_id, "parent_id")
        parent.require_active("parent_id")
        return parent

    @retried
    def archive_objective(
        self,
        caller: Caller,
        *,
        objective_id: UUID,
        reason: str,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Archive an objective (Objective.Archived); needs a reason. It leaves the
        period's objectives and alignment view; its children become top-level there."""
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        objective = self._load(caller, Objective, objective_id, "objective_id")
        objective.archive(meta, business_time(meta, now, objective))
        return self._save_all(objective.id, objective)

    def _ancestors(self, caller: Caller, objective: Objective) -> list[UUID]:
        """The objective's parent, its parent's parent, and so on up to the top."""
        found: list[UUID] = []
        current = objective.parent_id
        while current is not None and current not in found:
            found.append(current)
            current = self._load(caller, Objective, current, "parent_id").parent_id
        return found

    @retried
    def add_key_result(
        self,
        caller: Caller,
        *,
        objective_id: UUID,
        title: str,
        unit: str,
        start_value: float,
        target_value: float,
        id: UUID | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Add a key result to an objective (Objective.KeyResultAdded). Returns its id."""
        meta = self._meta(caller, effective_at=effective_at)
        now = datetime.now(UTC)
        objective = self._load(caller, Objective, objective_id, "objective_id")
        key_result_id = uuid4() if id is None else id
        objective.add_key_result(
            key_result_id=key_result_id,
            title=title,
            unit=unit,
            start_value=start_value,
            target_value=target_value,
            meta=meta,
            at=business_time(meta, now, objective),
        )
        return self._save_all(key_result_id, objective)

    @retried
    def check_in_key_result(
        self,
        caller: Caller,
        *,
        objective_id: UUID,
        key_result_id: UUID,
        value: float,
        confidence: float | None = None,
        note: str = "",
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Report a key result's current value (Objective.KeyResultCheckedIn); note = reason."""
        meta = self._meta(caller, reason=note, effective_at=effective_at)
        now = datetime.now(UTC)
        objective = self._load(caller, Objective, objective_id, "objective_id")
        objective.check_in(
            key_result_id, value, confidence, meta, business_time(meta, now, objective)
        )
        return self._save_all(key_result_id, objective)

    @retried
    def update_key_result(
        self,
        caller: Caller,
        *,
        objective_id: UUID,
        key_result_id: UUID,
        title: str | None = None,
        unit: str | None = None,
        target_value: float | None = None,
        reason: str = "",
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Change a key result's title, unit or target (Objective.KeyResultUpdated); its
        progress follows. No change records nothing (position None). Returns its id."""
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        objective = self._load(caller, Objective, objective_id, "objective_id")
        objective.update_key_result(
            key_result_id,
            title=title,
            unit=unit,
            target_value=target_value,
            meta=meta,
            at=business_time(meta, now, objective),
        )
        return self._save_all(key_result_id, objective)

    @retried
    def remove_key_result(
        self,
        caller: Caller,
        *,
        objective_id: UUID,
        key_result_id: UUID,
        reason: str,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Remove a key result (Objective.KeyResultRemoved); needs a reason. Its
        alignments end with it. Returns the objective id."""
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        objective = self._load(caller, Objective, objective_id, "objective_id")
        objective.remove_key_result(key_result_id, meta, business_time(meta, now, objective))
        return self._save_all(objective.id, objective)
