"""Deliverables of an initiative: add, correct, remove, status, estimates, targets, effort.

Every command takes the initiative id and the deliverable id, and returns the deliverable id.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

from backend.commands.core import Caller, Recorded, RoadlogCore, retried
from backend.domain.base import business_time, require_reason
from backend.domain.deliverable import NewDeliverable, Target
from backend.domain.errors import Invalid
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap


class DeliverableCommands(RoadlogCore):
    """Change the deliverables of initiatives."""

    @retried
    def add_deliverable(
        self,
        caller: Caller,
        *,
        initiative_id: UUID,
        deliverable: NewDeliverable,
        reason: str = "",
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Add a deliverable (Initiative.DeliverableAdded), with its first estimate and target.

        A first target given here needs no reason of its own (the command's reason is used).
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        initiative = self._load(caller, Initiative, initiative_id, "initiative_id")
        new = deliverable.checked("deliverable")
        target = self._target(
            caller, initiative, new.target_cycle_id, new.target_date, "deliverable."
        )
        deliverable_id = uuid4() if new.id is None else new.id
        initiative.add_deliverable(
            deliverable_id=deliverable_id,
            title=new.title,
            stretch=new.stretch,
            estimate_weeks=new.estimate_weeks,
            target=target,
            meta=meta,
            at=business_time(meta, now, initiative),
            status=new.status,
        )
        return self._save_all(deliverable_id, initiative)

    @retried
    def update_deliverable(
        self,
        caller: Caller,
        *,
        initiative_id: UUID,
        deliverable_id: UUID,
        title: str | None = None,
        stretch: bool | None = None,
        reason: str = "",
        expected_version: int | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Rename a deliverable or change its stretch flag (Initiative.DeliverableUpdated).

        None leaves a field as it is; when nothing changes, nothing is recorded.
        ``expected_version`` is the initiative's version.
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        initiative = self._load(caller, Initiative, initiative_id, "initiative_id")
        self._check_version(initiative, expected_version)
        initiative.update_deliverable(
            deliverable_id,
            title=title,
            stretch=stretch,
            meta=meta,
            at=business_time(meta, now, initiative),
        )
        return self._save_all(deliverable_id, initiative)

    @retried
    def remove_deliverable(
        self,
        caller: Caller,
        *,
        initiative_id: UUID,
        deliverable_id: UUID,
        reason: str,
        decision_id: UUID | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Take a deliverable off the roadmap (Initiative.DeliverableRemoved); needs a reason.

        From then on no command reaches it and the roadmap, its reports and cycles not
        closed yet no longer show it; its history, the roadmap as of an earlier instant
        and the reports of cycles closed before keep it. Returns the initiative id.
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at, decision_id=decision_id)
        now = datetime.now(UTC)
        initiative = self._load(caller, Initiative, initiative_id, "initiative_id")
        initiative.remove_deliverable(deliverable_id, meta, business_time(meta, now, initiative))
        return self._save_all(initiative.id, initiative)

    @retried
    def change_deliverable_status(
        self,
        caller: Caller,
        *,
        initiative_id: UUID,
        deliverable_id: UUID,
        status: str,
        reason: str = "",
        decision_id: UUID | None = None,
        expected_version: int | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Change a deliverable's status (Initiative.DeliverableStatusChanged).

        Reopening (leaving DONE or WONT_DO) needs a reason; the same status records nothing.
        ``expected_version`` is the initiative's version.
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at, decision_id=decision_id)
        now = datetime.now(UTC)
        initiative = self._load(caller, Initiative, initiative_id, "initiative_id")
        self._check_version(initiative, expected_version)
        initiative.change_status(deliverable_id, status, meta, business_time(meta, now, initiative))
        return self._save_all(deliverable_id, initiative)

    @retried
    def estimate_deliverable(
        self,
        caller: Caller,
        *,
        initiative_id: UUID,
        deliverable_id: UUID,
        weeks: Decimal,
        confidence: float | None = None,
        reason: str = "",
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Append an estimate generation (Initiative.DeliverableEstimated)."""
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        initiative = self._load(caller, Initiative, initiative_id, "initiative_id")
        initiative.estimate(
            deliverable_id, weeks, confidence, meta, business_time(meta, now, initiative)
        )
        return self._save_all(deliverable_id, initiative)

    @retried
    def retarget_deliverable(
        self,
        caller: Caller,
        *,
        initiative_id: UUID,
        deliverable_id: UUID,
        reason: str,
        target_cycle_id: UUID | None = None,
        target_date: date | None = None,
        decision_id: UUID | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Aim a deliverable at a cycle of its roadmap or at a date; needs a reason.

        Records Initiative.DeliverableRetargeted, a slip when now due later; the same
        target records nothing.
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at, decision_id=decision_id)
        now = datetime.now(UTC)
        require_reason(meta, "changing a deliverable's target")
        initiative = self._load(caller, Initiative, initiative_id, "initiative_id")
        deliverable = initiative.deliverable(deliverable_id)
        if target_cycle_id is None and deliverable.target_cycle_id is None:
            target = self._target(caller, initiative, None, target_date, "")
            due_on = deliverable.target_date
        else:
            # A cycle is due when it ends now, whatever it ended on when it was aimed at.
            roadmap = self._load(caller, Roadmap, initiative.roadmap_id, "initiative_id")
            target = roadmap.target(target_cycle_id, target_date)
            due_on = roadmap.due_on(deliverable)
        if target is None:
            raise Invalid("a target is a cycle or a date: give one of them", "target_date")
        initiative.retarget(
            deliverable_id, target, meta, business_time(meta, now, initiative), due_on=due_on
        )
        return self._save_all(deliverable_id, initiative)

    @retried
    def log_effort(
        self,
        caller: Caller,
        *,
        initiative_id: UUID,
        deliverable_id: UUID,
        weeks: Decimal,
        note: str = "",
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Add resource-weeks spent (Initiative.EffortLogged); the note is the reason."""
        meta = self._meta(caller, reason=note, effective_at=effective_at)
        now = datetime.now(UTC)
        initiative = self._load(caller, Initiative, initiative_id, "initiative_id")
        initiative.log_effort(deliverable_id, weeks, meta, business_time(meta, now, initiative))
        return self._save_all(deliverable_id, initiative)

    def _target(
        self,
        caller: Caller,
        initiative: Initiative,
        cycle_id: UUID | None,
        target_date: date | None,
        field_prefix: str,
    ) -> Target | None:
        """A target of the initiative's roadmap (its cycles), or None when none is given."""
        if cycle_id is None:
            return None if target_date is None else Target(None, target_date, target_date)
        roadmap = self._load(caller, Roadmap, initiative.roadmap_id, "initiative_id")
        return roadmap.target(cycle_id, target_date, field_prefix)
