"""Cycles of a roadmap: plan them, change or cancel a planned one, start one (freeze the
scope), close it (freeze the outcome)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from backend.commands.core import Caller, Recorded, retried
from backend.commands.workspaces import WorkspaceCommands
from backend.domain.base import business_time
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Cycle, Roadmap, cycle_outcome


class CycleCommands(WorkspaceCommands):
    """Plan, start and close the cycles of a roadmap; commands take both ids."""

    @retried
    def create_cycle(
        self,
        caller: Caller,
        *,
        roadmap_id: UUID,
        name: str,
        starts_on: date,
        ends_on: date,
        id: UUID | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Plan a cycle on a roadmap (Roadmap.CycleCreated). Returns the cycle id."""
        meta = self._meta(caller, effective_at=effective_at)
        now = datetime.now(UTC)
        roadmap = self._load(caller, Roadmap, roadmap_id, "roadmap_id")
        cycle_id = uuid4() if id is None else id
        roadmap.create_cycle(
            cycle_id=cycle_id,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            fiscal_year_start_month=self.fiscal_year_start_month(caller),
            meta=meta,
            at=business_time(meta, now, roadmap),
        )
        return self._save_all(cycle_id, roadmap)

    @retried
    def plan_cycles(
        self,
        caller: Caller,
        *,
        roadmap_id: UUID,
        cycle_ids: list[UUID],
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Create the next cycles of the roadmap's cadence, one per id given (the caller
        chooses the ids, so that it can read the cycles back). Returns the roadmap id.

        See ``Roadmap.plan_cycles``; quarters follow the workspace's fiscal year.
        """
        meta = self._meta(caller, effective_at=effective_at)
        now = datetime.now(UTC)
        roadmap = self._load(caller, Roadmap, roadmap_id, "roadmap_id")
        roadmap.plan_cycles(
            cycle_ids=cycle_ids,
            fiscal_year_start_month=self.fiscal_year_start_month(caller),
            meta=meta,
            at=business_time(meta, now, roadmap),
        )
        return self._save_all(roadmap_id, roadmap)

    @retried
    def update_cycle(
        self,
        caller: Caller,
        *,
        roadmap_id: UUID,
        cycle_id: UUID,
        name: str | None = None,
        starts_on: date | None = None,
        ends_on: date | None = None,
        reason: str = "",
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Rename or move a planned cycle (Roadmap.CycleUpdated); no change records nothing."""
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        roadmap = self._load(caller, Roadmap, roadmap_id, "roadmap_id")
        roadmap.update_cycle(
            cycle_id,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            fiscal_year_start_month=self.fiscal_year_start_month(caller),
            meta=meta,
            at=business_time(meta, now, roadmap),
        )
        return self._save_all(cycle_id, roadmap)

    @retried
    def cancel_cycle(
        self,
        caller: Caller,
        *,
        roadmap_id: UUID,
        cycle_id: UUID,
        reason: str,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Cancel a planned cycle (Roadmap.CycleCancelled); needs a reason.

        The deliverables of initiatives on the roadmap that target it lose that target
        (Initiative.DeliverableUntargeted each, with the same reason): not a slip. All
        of it is recorded at once. Returns the roadmap id.
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        roadmap = self._load(caller, Roadmap, roadmap_id, "roadmap_id")
        roadmap.cycle(cycle_id)
        initiatives = [
            initiative
            for initiative in self._initiatives(caller, roadmap.priority)
            if any(d.target_cycle_id == cycle_id for d in initiative.deliverables)
        ]
        at = business_time(meta, now, roadmap, *initiatives)
        ends_on = roadmap.cycle(cycle_id).ends_on
        roadmap.cancel_cycle(cycle_id, meta, at)
        for initiative in initiatives:
            initiative.untarget_cancelled(cycle_id, ends_on, meta, at)
        return self._save_all(roadmap_id, roadmap, *initiatives)

    @retried
    def start_cycle(
        self,
        caller: Caller,
        *,
        roadmap_id: UUID,
        cycle_id: UUID,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Start a cycle, freezing its committed scope (Roadmap.CycleStarted).

        Committed: the deliverables of initiatives on the roadmap that target the cycle
        now and are neither DONE nor WONT_DO, in priority order.
        """
        meta = self._meta(caller, effective_at=effective_at)
        now = datetime.now(UTC)
        roadmap = self._load(caller, Roadmap, roadmap_id, "roadmap_id")
        roadmap.cycle_to_start(cycle_id)
        committed = [
            [initiative.id, deliverable.deliverable_id]
            for initiative in self._initiatives(caller, roadmap.priority)
            for deliverable in initiative.deliverables
            if deliverable.target_cycle_id == cycle_id and not deliverable.finished
        ]
        roadmap.start_cycle(cycle_id, committed, meta, business_time(meta, now, roadmap))
        return self._save_all(cycle_id, roadmap)

    @retried
    def close_cycle(
        self,
        caller: Caller,
        *,
        roadmap_id: UUID,
        cycle_id: UUID,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Close the active cycle, freezing its outcome (Roadmap.CycleClosed)."""
        meta = self._meta(caller, effective_at=effective_at)
        now = datetime.now(UTC)
        roadmap = self._load(caller, Roadmap, roadmap_id, "roadmap_id")
        cycle = roadmap.cycle_to_close(cycle_id)
        outcome = self._outcome(caller, roadmap, cycle)
        roadmap.close_cycle(cycle_id, outcome, meta, business_time(meta, now, roadmap))
        return self._save_all(cycle_id, roadmap)

    def _outcome(self, caller: Caller, roadmap: Roadmap, cycle: Cycle) -> list[dict[str, Any]]:
        """Every deliverable committed at start or targeting the cycle now (on the roadmap)."""
        committed_initiatives = [initiative_id for initiative_id, _ in cycle.committed]
        ids = list(dict.fromkeys([*roadmap.priority, *committed_initiatives]))
        outcome = []
        for initiative in self._initiatives(caller, ids):
            on_roadmap = initiative.id in roadmap.priority
            for deliverable in initiative.deliverables:
                committed = cycle.was_committed(initiative.id, deliverable.deliverable_id)
                targets = on_roadmap and deliverable.target_cycle_id == cycle.cycle_id
                if committed or targets:
                    due_on = roadmap.due_on(deliverable)
                    outcome.append(
                        cycle_outcome(cycle, initiative.id, deliverable, committed, due_on)
                    )
        return outcome

    def _initiatives(self, caller: Caller, ids: list[UUID]) -> Iterator[Initiative]:
        for initiative_id in ids:
            yield self._load(caller, Initiative, initiative_id, "initiative_id")
