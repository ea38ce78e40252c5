"""Decision records: record one with its links, supersede it by a later one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

from backend.commands.core import Caller, Recorded, RoadlogCore, retried
from backend.domain.base import RoadlogAggregate, business_time
from backend.domain.decision import Decision, DecisionLink
from backend.domain.errors import NotFound
from backend.domain.initiative import Initiative
from backend.domain.objective import Objective
from backend.domain.roadmap import Roadmap

LINKED: dict[str, type[RoadlogAggregate]] = {
    "Initiative": Initiative,
    "Roadmap": Roadmap,
    "Objective": Objective,
}


class DecisionCommands(RoadlogCore):
    """Record decisions and their supersession."""

    @retried
    def record_decision(
        self,
        caller: Caller,
        *,
        title: str,
        context: str,
        outcome: str,
        rationale: str,
        options: Sequence[str] = (),
        decided_by: Sequence[str] = (),
        status: str = "ACCEPTED",
        links: Sequence[DecisionLink] = (),
        id: UUID | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Record a decision (Decision.Recorded); every link must exist in the workspace."""
        meta = self._meta(caller, effective_at=effective_at)
        now = datetime.now(UTC)
        checked = [link.checked(f"links.{i}") for i, link in enumerate(links)]
        for i, link in enumerate(checked):
            self._check_link(caller, link, f"links.{i}")
        decision = Decision.record(
            id=self._new_id(Decision, id),
            title=title,
            context=context,
            options=options,
            outcome=outcome,
            rationale=rationale,
            decided_by=decided_by,
            status=status,
            links=checked,
            meta=meta,
            at=business_time(meta, now),
        )
        return self._save_all(decision.id, decision)

    @retried
    def supersede_decision(
        self,
        caller: Caller,
        *,
        decision_id: UUID,
        superseded_by_id: UUID,
        reason: str = "",
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Mark a decision superseded by a later one (Decision.Superseded on the older one).

        No self-supersession and no circular chains. Returns the superseded decision's id.
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        decision = self._load(caller, Decision, decision_id, "decision_id")
        successor = self._load(caller, Decision, superseded_by_id, "superseded_by_id")
        chain: list[UUID] = []
        while successor.superseded_by_id is not None and successor.superseded_by_id not in chain:
            chain.append(successor.superseded_by_id)
            successor = self._load(caller, Decision, successor.superseded_by_id, "superseded_by_id")
        decision.supersede(superseded_by_id, chain, meta, business_time(meta, now, decision))
        return self._save_all(decision.id, decision)

    def _check_link(self, caller: Caller, link: DecisionLink, at_field: str) -> None:
        """The linked thing exists in the caller's workspace, or NotFound at the link."""
        try:
            if link.kind == "KeyResult":
                assert link.parent_id is not None, "checked links of key results have a parent"
                objective = self._load(caller, Objective, link.parent_id, at_field)
                objective.key_result(link.id)
            else:
                self._load(caller, LINKED[link.kind], link.id, at_field)
        except NotFound as error:
            raise NotFound(link.kind, link.id, at_field, within=link.parent_id) from error
