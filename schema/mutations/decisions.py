"""Mutations on decision records: record one, supersede it by a later one."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.application import Recorded
from backend.domain.decision import DecisionLink
from schema.context import Info
from schema.mutations.outcome import (
    InputError,
    Prepared,
    UserError,
    UserErrorCode,
    execute,
    first,
    parse_id,
)
from schema.mutations.payloads import (
    EFFECTIVE_AT,
    POSITION,
    USER_ERRORS,
)
from schema.relay import InvalidGlobalId, from_global_id
from schema.roadmap.loaders import decisions_by_ids
from schema.roadmap.types import Decision, DecisionStatus

LINKABLE = ("Initiative", "Roadmap", "Objective", "KeyResult")


@strawberry.input(description="A decision record.")
class RecordDecisionInput:
    title: str = strawberry.field(description="What was decided, in a line.")
    context: str = strawberry.field(description="The situation that called for it.")
    options: list[str] | None = strawberry.field(default=None, description="Options considered.")
    outcome: str = strawberry.field(description="The option chosen.")
    rationale: str = strawberry.field(description="Why.")
    decided_by: list[str] | None = strawberry.field(default=None, description="Who decided.")
    status: DecisionStatus | None = strawberry.field(default=None, description="Default ACCEPTED.")
    link_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Initiatives, roadmaps, objectives and key results it affects."
    )
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The decision, or why nothing was recorded.")
class RecordDecisionPayload:
    decision: Decision | None = strawberry.field(description="The decision.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Mark a decision as superseded by a later one.")
class SupersedeDecisionInput:
    decision_id: strawberry.ID = strawberry.field(description="The decision superseded.")
    superseded_by_id: strawberry.ID = strawberry.field(description="The decision replacing it.")
    reason: str | None = strawberry.field(default=None, description="Why.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The superseded decision, or why nothing was recorded.")
class SupersedeDecisionPayload:
    decision: Decision | None = strawberry.field(description="The superseded decision.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


def decision_link(value: str, index: int) -> DecisionLink:
    """A link id: an initiative, roadmap, objective or key result (with its objective)."""
    field = f"linkIds.{index}"
    try:
        ref = from_global_id(value)
    except InvalidGlobalId:
        raise InputError(UserErrorCode.INVALID, field, f"{value!r} is not an id") from None
    if ref.kind not in LINKABLE:
        raise InputError(
            UserErrorCode.INVALID,
            field,
            f"a decision links to {', '.join(LINKABLE)}; {value!r} is a {ref.kind}",
        )
    parent = ref.parent_id if ref.kind == "KeyResult" else None
    return DecisionLink(kind=ref.kind, id=ref.id, parent_id=parent)


@strawberry.type
class DecisionMutations:
    @strawberry.mutation(description="Record a decision and what it affects.")
    async def record_decision(
        self, info: Info, input: RecordDecisionInput
    ) -> RecordDecisionPayload:
        def prepare() -> Prepared[Decision]:
            links = [
                decision_link(value, index) for index, value in enumerate(input.link_ids or [])
            ]
            app = info.context.services.app
            return Prepared(
                lambda caller: app.record_decision(
                    caller,
                    title=input.title,
                    context=input.context,
                    outcome=input.outcome,
                    rationale=input.rationale,
                    options=input.options or [],
                    decided_by=input.decided_by or [],
                    status=input.status.name if input.status else "ACCEPTED",
                    links=links,
                    effective_at=input.effective_at,
                ),
                lambda recorded: decision_of(info, recorded),
            )

        outcome = await execute(info, prepare, {"links": "link_ids"})
        return RecordDecisionPayload(
            decision=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Supersede a decision by a later one.")
    async def supersede_decision(
        self, info: Info, input: SupersedeDecisionInput
    ) -> SupersedeDecisionPayload:
        def prepare() -> Prepared[Decision]:
            decision = parse_id(input.decision_id, "Decision", "decisionId")
            later = parse_id(input.superseded_by_id, "Decision", "supersededById")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.supersede_decision(
                    caller,
                    decision_id=decision.id,
                    superseded_by_id=later.id,
                    reason=input.reason or "",
                    effective_at=input.effective_at,
                ),
                lambda recorded: decision_of(info, recorded),
            )

        outcome = await execute(info, prepare)
        return SupersedeDecisionPayload(
            decision=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )


async def decision_of(info: Info, recorded: Recorded) -> Decision | None:
    return await first(decisions_by_ids(info, [recorded.id]))
