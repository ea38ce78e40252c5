"""Mutations on deliverables: add, correct, remove, status, estimate generations, targets,
effort."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import strawberry

from backend.application import Recorded
from schema.context import Info
from schema.mutations.initiatives import DeliverableInput, initiative_of, new_deliverable
from schema.mutations.outcome import (
    Prepared,
    UserError,
    execute,
    first,
    parse_id,
    parse_optional_id,
)
from schema.mutations.payloads import (
    EFFECTIVE_AT,
    POSITION,
    USER_ERRORS,
)
from schema.relay import GlobalRef
from schema.roadmap.loaders import deliverables_by_refs
from schema.roadmap.types import Deliverable, DeliverableStatus, Initiative

# A deliverable lives inside its initiative: the initiative is the first id of its id.
DELIVERABLE_IN_INITIATIVE = {"initiative_id": "deliverable_id"}


@strawberry.input(description="Add a deliverable to an initiative.")
class AddDeliverableInput:
    initiative_id: strawberry.ID = strawberry.field(description="The initiative.")
    deliverable: DeliverableInput = strawberry.field(description="The deliverable.")
    reason: str | None = strawberry.field(default=None, description="Why.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The new deliverable, or why nothing was recorded.")
class AddDeliverablePayload:
    deliverable: Deliverable | None = strawberry.field(description="The deliverable.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Rename a deliverable or change its stretch flag.")
class UpdateDeliverableInput:
    deliverable_id: strawberry.ID = strawberry.field(description="The deliverable.")
    title: str | None = strawberry.field(default=None, description="Its new title.")
    stretch: bool | None = strawberry.field(
        default=None, description="Whether it is a stretch goal."
    )
    reason: str | None = strawberry.field(default=None, description="Why.")
    expected_version: int | None = strawberry.field(
        default=None, description="The initiative version the client saw; stale is CONFLICT."
    )
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The deliverable, or why nothing was recorded.")
class UpdateDeliverablePayload:
    deliverable: Deliverable | None = strawberry.field(description="The deliverable.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(
    description="Take a deliverable off the roadmap: it stays in history, in the roadmap as of"
    " earlier instants and in the reports of cycles closed before."
)
class RemoveDeliverableInput:
    deliverable_id: strawberry.ID = strawberry.field(description="The deliverable.")
    reason: str = strawberry.field(description="Required: why it is removed.")
    decision_id: strawberry.ID | None = strawberry.field(
        default=None, description="The decision behind it."
    )
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The initiative without the deliverable, or why nothing was recorded.")
class RemoveDeliverablePayload:
    initiative: Initiative | None = strawberry.field(description="The deliverable's initiative.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Change a deliverable's status; reopening needs a reason.")
class ChangeDeliverableStatusInput:
    deliverable_id: strawberry.ID = strawberry.field(description="The deliverable.")
    status: DeliverableStatus = strawberry.field(description="The new status.")
    reason: str | None = strawberry.field(default=None, description="Why (required to reopen).")
    expected_version: int | None = strawberry.field(
        default=None, description="The initiative version the client saw; stale is CONFLICT."
    )
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The deliverable, or why nothing was recorded.")
class ChangeDeliverableStatusPayload:
    deliverable: Deliverable | None = strawberry.field(description="The deliverable.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="A new estimate generation (never overwrites the earlier ones).")
class EstimateDeliverableInput:
    deliverable_id: strawberry.ID = strawberry.field(description="The deliverable.")
    weeks: Decimal = strawberry.field(description="Resource-weeks, positive.")
    confidence: float | None = strawberry.field(default=None, description="Within 0..1.")
    reason: str | None = strawberry.field(default=None, description="Why re-estimated.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The deliverable, or why nothing was recorded.")
class EstimateDeliverablePayload:
    deliverable: Deliverable | None = strawberry.field(description="The deliverable.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Target changes need a reason; moving a target later is a slip.")
class RetargetDeliverableInput:
    deliverable_id: strawberry.ID = strawberry.field(description="The deliverable.")
    target_cycle_id: strawberry.ID | None = strawberry.field(
        default=None, description="The new target cycle (or give a date)."
    )
    target_date: date | None = strawberry.field(default=None, description="The new target date.")
    reason: str = strawberry.field(description="Required: why the target moves.")
    decision_id: strawberry.ID | None = strawberry.field(
        default=None, description="The decision behind it."
    )
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The deliverable, or why nothing was recorded.")
class RetargetDeliverablePayload:
    deliverable: Deliverable | None = strawberry.field(description="The deliverable.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Effort spent on a deliverable, added to its actual weeks.")
class LogEffortInput:
    deliverable_id: strawberry.ID = strawberry.field(description="The deliverable.")
    weeks: Decimal = strawberry.field(description="Resource-weeks spent, positive.")
    note: str | None = strawberry.field(default=None, description="What the effort was.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The deliverable, or why nothing was recorded.")
class LogEffortPayload:
    deliverable: Deliverable | None = strawberry.field(description="The deliverable.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


def parse_deliverable(value: str) -> GlobalRef:
    return parse_id(value, "Deliverable", "deliverableId")


@strawberry.type
class DeliverableMutations:
    @strawberry.mutation(description="Add a deliverable to an initiative.")
    async def add_deliverable(
        self, info: Info, input: AddDeliverableInput
    ) -> AddDeliverablePayload:
        def prepare() -> Prepared[Deliverable]:
            initiative = parse_id(input.initiative_id, "Initiative", "initiativeId")
            deliverable = new_deliverable(input.deliverable, "deliverable.")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.add_deliverable(
                    caller,
                    initiative_id=initiative.id,
                    deliverable=deliverable,
                    reason=input.reason or "",
                    effective_at=input.effective_at,
                ),
                lambda recorded: deliverable_of(info, initiative.id, recorded),
            )

        outcome = await execute(info, prepare)
        return AddDeliverablePayload(
            deliverable=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Rename a deliverable or change its stretch flag.")
    async def update_deliverable(
        self, info: Info, input: UpdateDeliverableInput
    ) -> UpdateDeliverablePayload:
        def prepare() -> Prepared[Deliverable]:
            deliverable = parse_deliverable(input.deliverable_id)
            app = info.context.services.app
            return Prepared(
                lambda caller: app.update_deliverable(
                    caller,
                    initiative_id=deliverable.parent_id,
                    deliverable_id=deliverable.id,
                    title=input.title,
                    stretch=input.stretch,
                    reason=input.reason or "",
                    expected_version=input.expected_version,
                    effective_at=input.effective_at,
                ),
                lambda recorded: deliverable_of(info, deliverable.parent_id, recorded),
            )

        outcome = await execute(info, prepare, DELIVERABLE_IN_INITIATIVE)
        return UpdateDeliverablePayload(
            deliverable=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Take a deliverable off the roadmap (a reason is required).")
    async def remove_deliverable(
        self, info: Info, input: RemoveDeliverableInput
    ) -> RemoveDeliverablePayload:
        def prepare() -> Prepared[Initiative]:
            deliverable = parse_deliverable(input.deliverable_id)
            decision = parse_optional_id(input.decision_id, "Decision", "decisionId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.remove_deliverable(
                    caller,
                    initiative_id=deliverable.parent_id,
                    deliverable_id=deliverable.id,
                    reason=input.reason,
                    decision_id=decision.id if decision else None,
                    effective_at=input.effective_at,
                ),
                lambda recorded: initiative_of(info, recorded),
            )

        outcome = await execute(info, prepare, DELIVERABLE_IN_INITIATIVE)
        return RemoveDeliverablePayload(
            initiative=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Change a deliverable's status.")
    async def change_deliverable_status(
        self, info: Info, input: ChangeDeliverableStatusInput
    ) -> ChangeDeliverableStatusPayload:
        def prepare() -> Prepared[Deliverable]:
            deliverable = parse_deliverable(input.deliverable_id)
            app = info.context.services.app
            return Prepared(
                lambda caller: app.change_deliverable_status(
                    caller,
                    initiative_id=deliverable.parent_id,
                    deliverable_id=deliverable.id,
                    status=input.status.name,
                    reason=input.reason or "",
                    expected_version=input.expected_version,
                    effective_at=input.effective_at,
                ),
                lambda recorded: deliverable_of(info, deliverable.parent_id, recorded),
            )

        outcome = await execute(info, prepare, DELIVERABLE_IN_INITIATIVE)
        return ChangeDeliverableStatusPayload(
            deliverable=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Estimate a deliverable again (a new generation).")
    async def estimate_deliverable(
        self, info: Info, input: EstimateDeliverableInput
    ) -> EstimateDeliverablePayload:
        def prepare() -> Prepared[Deliverable]:
            deliverable = parse_deliverable(input.deliverable_id)
            app = info.context.services.app
            return Prepared(
                lambda caller: app.estimate_deliverable(
                    caller,
                    initiative_id=deliverable.parent_id,
                    deliverable_id=deliverable.id,
                    weeks=input.weeks,
                    confidence=input.confidence,
                    reason=input.reason or "",
                    effective_at=input.effective_at,
                ),
                lambda recorded: deliverable_of(info, deliverable.parent_id, recorded),
            )

        outcome = await execute(info, prepare, DELIVERABLE_IN_INITIATIVE)
        return EstimateDeliverablePayload(
            deliverable=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Move a deliverable's target (later is a slip).")
    async def retarget_deliverable(
        self, info: Info, input: RetargetDeliverableInput
    ) -> RetargetDeliverablePayload:
        def prepare() -> Prepared[Deliverable]:
            deliverable = parse_deliverable(input.deliverable_id)
            cycle = parse_optional_id(input.target_cycle_id, "Cycle", "targetCycleId")
            decision = parse_optional_id(input.decision_id, "Decision", "decisionId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.retarget_deliverable(
                    caller,
                    initiative_id=deliverable.parent_id,
                    deliverable_id=deliverable.id,
                    reason=input.reason,
                    target_cycle_id=cycle.id if cycle else None,
                    target_date=input.target_date,
                    decision_id=decision.id if decision else None,
                    effective_at=input.effective_at,
                ),
                lambda recorded: deliverable_of(info, deliverable.parent_id, recorded),
            )

        outcome = await execute(info, prepare, DELIVERABLE_IN_INITIATIVE)
        return RetargetDeliverablePayload(
            deliverable=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Log effort spent on a deliverable.")
    async def log_effort(self, info: Info, input: LogEffortInput) -> LogEffortPayload:
        def prepare() -> Prepared[Deliverable]:
            deliverable = parse_deliverable(input.deliverable_id)
            app = info.context.services.app
            return Prepared(
                lambda caller: app.log_effort(
                    caller,
                    initiative_id=deliverable.parent_id,
                    deliverable_id=deliverable.id,
                    weeks=input.weeks,
                    note=input.note or "",
                    effective_at=input.effective_at,
                ),
                lambda recorded: deliverable_of(info, deliverable.parent_id, recorded),
            )

        outcome = await execute(info, prepare, DELIVERABLE_IN_INITIATIVE)
        return LogEffortPayload(
            deliverable=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )


async def deliverable_of(info: Info, initiative_id: UUID, recorded: Recorded) -> Deliverable | None:
    return await first(deliverables_by_refs(info, [(initiative_id, recorded.id)]))
