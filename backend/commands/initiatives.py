"""Initiatives: propose one (with deliverables, placed on its roadmap), update, align."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID, uuid4

from backend.commands.core import Caller, Decided, Recorded, RoadlogCore, idempotent, retried
from backend.domain.base import business_time
from backend.domain.deliverable import NewDeliverable
from backend.domain.errors import AlreadyExists
from backend.domain.initiative import Initiative
from backend.domain.objective import Objective
from backend.domain.roadmap import Roadmap


class InitiativeCommands(RoadlogCore):
    """Propose and update initiatives; align them to key results."""

    @retried
    @idempotent
    def propose_initiative(
        self,
        caller: Caller,
        *,
        roadmap_id: UUID,
        title: str,
        goal: str,
        stakeholders: Sequence[str] = (),
        team_id: UUID | None = None,
        kind: str = "FEATURE",
        parent_id: UUID | None = None,
        position: int | None = None,
        deliverables: Sequence[NewDeliverable] = (),
        reason: str = "",
        decision_id: UUID | None = None,
        id: UUID | None = None,
        idempotency_key: str | None = None,
        effective_at: datetime | None = None,
    ) -> Decided:
        """Propose an initiative and place it on its roadmap (default: last), in one save.

        Records Initiative.Proposed, per deliverable DeliverableAdded (plus
        DeliverableEstimated / DeliverableRetargeted when it comes with an estimate /
        target), then Roadmap.InitiativePlaced. Returns the initiative id.
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at, decision_id=decision_id)
        now = datetime.now(UTC)
        roadmap = self._load(caller, Roadmap, roadmap_id, "roadmap_id")
        if team_id is not None:
            self._load_active_team(caller, team_id, "team_id")
        if parent_id is not None:
            self._load(caller, Initiative, parent_id, "parent_id").require_parent_on(roadmap.id)
        inputs = [d.checked(f"deliverables.{i}") for i, d in enumerate(deliverables)]
        targets = [
            roadmap.target(d.target_cycle_id, d.target_date, f"deliverables.{i}.")
            for i, d in enumerate(inputs)
        ]
        initiative_id = self._new_id(Initiative, id)
        deliverable_ids = [uuid4() if d.id is None else d.id for d in inputs]
        for i, deliverable_id in enumerate(deliverable_ids):
            if deliverable_id in deliverable_ids[:i]:
                raise AlreadyExists(
                    "Deliverable", deliverable_id, f"deliverables.{i}.id", within=initiative_id
                )
        placement = roadmap.placement(position)
        at = business_time(meta, now, roadmap)
        initiative = Initiative.propose(
            id=initiative_id,
            roadmap_id=roadmap.id,
            title=title,
            goal=goal,
            stakeholders=stakeholders,
            team_id=team_id,
            kind=kind,
            parent_id=parent_id,
            meta=meta,
            at=at,
        )
        for i, (new, target, deliverable_id) in enumerate(
            zip(inputs, targets, deliverable_ids, strict=True)
        ):
            initiative.add_deliverable(
                deliverable_id=deliverable_id,
                title=new.title,
                stretch=new.stretch,
                estimate_weeks=new.estimate_weeks,
                target=target,
                meta=meta,
                at=at,
                status=new.status,
                field_prefix=f"deliverables.{i}",
            )
        roadmap.place(initiative.id, placement, meta, at)
        return Decided(initiative.id, meta, at, (initiative, roadmap))

    @retried
    def update_initiative(
        self,
        caller: Caller,
        *,
        initiative_id: UUID,
        title: str | None = None,
        goal: str | None = None,
        stakeholders: Sequence[str] | None = None,
        team_id: UUID | None = None,
        kind: str | None = None,
        parent_id: UUID | None = None,
        clear_parent: bool = False,
        reason: str = "",
        decision_id: UUID | None = None,
        expected_version: int | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Change an initiative's fields (Initiative.Updated with only what really changes)
        and its parent (Initiative.ParentChanged: a phase of ``parent_id``, or top-level
        again with ``clear_parent``; same roadmap, no cycles).

        None leaves a field as it is; when nothing changes, nothing is recorded.
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at, decision_id=decision_id)
        now = datetime.now(UTC)
        initiative = self._load(caller, Initiative, initiative_id, "initiative_id")
        self._check_version(initiative, expected_version)
        if team_id is not None:
            self._load_active_team(caller, team_id, "team_id")
        parent = (
            None if parent_id is None else self._load(caller, Initiative, parent_id, "parent_id")
        )
        at = business_time(meta, now, initiative)
        initiative.update(
            title=title,
            goal=goal,
            stakeholders=stakeholders,
            team_id=team_id,
            kind=kind,
            meta=meta,
            at=at,
        )
        initiative.change_parent(
            parent=parent,
            clear_parent=clear_parent,
            parent_ancestors=[] if parent is None else self._initiative_ancestors(caller, parent),
            meta=meta,
            at=at,
        )
        return self._save_all(initiative.id, initiative)

    def _initiative_ancestors(self, caller: Caller, initiative: Initiative) -> list[UUID]:
        """The initiative's parent, its parent's parent, and so on up to the top."""
        found: list[UUID] = []
        current = initiative.parent_id
        while current is not None and current not in found:
            found.append(current)
            current = self._load(caller, Initiative, current, "parent_id").parent_id
        return found

    @retried
    def align_initiative(
        self,
        caller: Caller,
        *,
        initiative_id: UUID,
        objective_id: UUID,
        key_result_id: UUID,
        kind: str,
        reason: str = "",
        decision_id: UUID | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Ladder an initiative up to a key result (Initiative.Aligned), CONTRIBUTES or SUPPORTS.

        The same kind again records nothing; another kind re-aligns.
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at, decision_id=decision_id)
        now = datetime.now(UTC)
        initiative = self._load(caller, Initiative, initiative_id, "initiative_id")
        objective = self._load(caller, Objective, objective_id, "objective_id")
        objective.require_active("key_result_id")
        objective.key_result(key_result_id)
        initiative.align(
            objective_id, key_result_id, kind, meta, business_time(meta, now, initiative)
        )
        return self._save_all(initiative.id, initiative)

    @retried
    def unalign_initiative(
        self,
        caller: Caller,
        *,
        initiative_id: UUID,
        objective_id: UUID,
        key_result_id: UUID,
        reason: str = "",
        decision_id: UUID | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Stop laddering up to a key result (Initiative.Unaligned); Invalid if not aligned.

        A removed key result is NotFound: its alignments ended with it, so there is
        nothing left to unalign (the initiative's state still names it).
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at, decision_id=decision_id)
        now = datetime.now(UTC)
        initiative = self._load(caller, Initiative, initiative_id, "initiative_id")
        objective = self._load(caller, Objective, objective_id, "objective_id")
        objective.key_result(key_result_id)
        initiative.unalign(objective_id, key_result_id, meta, business_time(meta, now, initiative))
        return self._save_all(initiative.id, initiative)
