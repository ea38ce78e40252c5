"""Decision: a decision record, linked to what it affects, possibly superseded later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from backend.domain.base import (
    Meta,
    RoadlogAggregate,
    require_choice,
    require_text,
    require_texts,
)
from backend.domain.errors import Invalid, Ref

DECISION_STATUSES = ("PROPOSED", "ACCEPTED", "SUPERSEDED", "REVERSED")
LINK_KINDS = ("Initiative", "Roadmap", "Objective", "KeyResult")


@dataclass(frozen=True)
class DecisionLink:
    """What a decision affects; a key result is named with its objective (``parent_id``)."""

    kind: str
    id: UUID
    parent_id: UUID | None = None

    def checked(self, at_field: str) -> DecisionLink:
        """The link, or Invalid: a known kind; a KeyResult needs its objective."""
        require_choice(self.kind, LINK_KINDS, at_field)
        if self.kind == "KeyResult" and self.parent_id is None:
            raise Invalid("a KeyResult link needs the id of its objective", at_field)
        parent_id = self.parent_id if self.kind == "KeyResult" else None
        return DecisionLink(self.kind, self.id, parent_id)

    def as_payload(self) -> dict[str, Any]:
        """The link as it is stored in ``Decision.Recorded.links``."""
        return {"kind": self.kind, "id": self.id, "parent_id": self.parent_id}


class Decision(RoadlogAggregate):
    """A decision record: context, options, outcome, rationale, who decided, status, links."""

    title: str = field(init=False)
    context: str = field(init=False)
    options: list[str] = field(init=False)
    outcome: str = field(init=False)
    rationale: str = field(init=False)
    decided_by: list[str] = field(init=False)
    status: str = field(init=False)
    links: list[dict[str, Any]] = field(init=False)
    superseded_by_id: UUID | None = field(init=False)

    class Recorded(RoadlogAggregate.Created):
        """A decision was recorded; ``links``: [{"kind", "id", "parent_id"}]."""

        class_version = 1
        title: str
        context: str
        options: list[str]
        outcome: str
        rationale: str
        decided_by: list[str]
        status: str
        links: list[dict[str, Any]]

        def apply(self, aggregate: Decision) -> None:
            super().apply(aggregate)
            aggregate.title = self.title
            aggregate.context = self.context
            aggregate.options = list(self.options)
            aggregate.outcome = self.outcome
            aggregate.rationale = self.rationale
            aggregate.decided_by = list(self.decided_by)
            aggregate.status = self.status
            aggregate.links = [dict(link) for link in self.links]
            aggregate.superseded_by_id = None

    class Superseded(RoadlogAggregate.Event):
        """A later decision replaced this one; its status is now SUPERSEDED."""

        class_version = 1
        superseded_by_id: UUID

        def apply(self, aggregate: Decision) -> None:
            aggregate.status = "SUPERSEDED"
            aggregate.superseded_by_id = self.superseded_by_id

    @classmethod
    def record(
        cls,
        *,
        id: UUID,
        title: str,
        context: str,
        options: Sequence[str],
        outcome: str,
        rationale: str,
        decided_by: Sequence[str],
        status: str,
        links: Sequence[DecisionLink],
        meta: Meta,
        at: datetime,
    ) -> Decision:
        """Record a decision; SUPERSEDED comes only from supersede, never at recording."""
        require_choice(status, DECISION_STATUSES, "status")
        if status == "SUPERSEDED":
            raise Invalid("a decision becomes SUPERSEDED by a later decision", "status")
        return cls._create(
            cls.Recorded,
            id=id,
            title=require_text(title, "title", "a decision's title"),
            context=require_text(context, "context", "a decision's context"),
            options=require_texts(options, "options", "an option"),
            outcome=require_text(outcome, "outcome", "a decision's outcome"),
            rationale=require_text(rationale, "rationale", "a decision's rationale"),
            decided_by=require_texts(decided_by, "decided_by", "a decider"),
            status=status,
            links=[link.checked(f"links.{i}").as_payload() for i, link in enumerate(links)],
            **meta.event_fields(at),
        )

    def supersede(
        self, superseded_by_id: UUID, successors: Sequence[UUID], meta: Meta, at: datetime
    ) -> None:
        """Mark this decision superseded by a later one.

        ``successors`` is the chain of decisions that supersede the superseding decision
        (its superseded_by, then that one's, ...): this decision in it would be circular.
        """
        if superseded_by_id == self.id:
            raise Invalid("a decision cannot supersede itself", "superseded_by_id")
        if self.id in successors:
            raise Invalid(
                f"decision {str(superseded_by_id)!r} is itself superseded, through a chain,"
                f" by {str(self.id)!r}: superseding would be circular",
                "superseded_by_id",
                [Ref("Decision", (superseded_by_id,)), Ref("Decision", (self.id,))],
            )
        if self.superseded_by_id is not None:
            raise Invalid(
                f"decision {str(self.id)!r} is already superseded by"
                f" {str(self.superseded_by_id)!r}",
                "decision_id",
                [Ref("Decision", (self.id,)), Ref("Decision", (self.superseded_by_id,))],
            )
        self.trigger_event(
            self.Superseded, superseded_by_id=superseded_by_id, **meta.event_fields(at)
        )
