"""Mutations on OKRs: objectives, key results and their check-ins."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from backend.application import Recorded
from schema.context import Info
from schema.initiatives import key_results_by_refs, objectives_by_ids
from schema.mutations.initiatives import KEY_RESULT_IN_OBJECTIVE, parse_key_result
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
from schema.reports.types import KeyResult, Objective, ObjectiveLevel


@strawberry.input(description="A new objective for a period, company-wide or of a team.")
class CreateObjectiveInput:
    title: str = strawberry.field(description="What we want to achieve.")
    period: str = strawberry.field(description='The period, e.g. "2026-Q3".')
    level: ObjectiveLevel = strawberry.field(description="COMPANY or TEAM.")
    team_id: strawberry.ID | None = strawberry.field(default=None, description="For TEAM level.")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The objective this one ladders up to (same period)."
    )
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The objective, or why nothing was recorded.")
class CreateObjectivePayload:
    objective: Objective | None = strawberry.field(description="The objective.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="A key result of an objective.")
class AddKeyResultInput:
    objective_id: strawberry.ID = strawberry.field(description="The objective.")
    title: str = strawberry.field(description="What is measured.")
    unit: str = strawberry.field(description='The unit, e.g. "%".')
    start_value: float = strawberry.field(description="Value at the start.")
    target_value: float = strawberry.field(description="Value that means done.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The key result, or why nothing was recorded.")
class AddKeyResultPayload:
    key_result: KeyResult | None = strawberry.field(description="The key result.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="A measurement of a key result (check-ins append).")
class CheckInKeyResultInput:
    key_result_id: strawberry.ID = strawberry.field(description="The key result.")
    value: float = strawberry.field(description="The current value.")
    confidence: float | None = strawberry.field(default=None, description="Within 0..1.")
    note: str | None = strawberry.field(default=None, description="Context for the value.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The key result, or why nothing was recorded.")
class CheckInKeyResultPayload:
    key_result: KeyResult | None = strawberry.field(description="The key result.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.type
class ObjectiveMutations:
    @strawberry.mutation(description="Set an objective for a period.")
    async def create_objective(
        self, info: Info, input: CreateObjectiveInput
    ) -> CreateObjectivePayload:
        def prepare() -> Prepared[Objective]:
            team = parse_optional_id(input.team_id, "Team", "teamId")
            parent = parse_optional_id(input.parent_id, "Objective", "parentId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.create_objective(
                    caller,
                    title=input.title,
                    period=input.period,
                    level=input.level.name,
                    team_id=team.id if team else None,
                    parent_id=parent.id if parent else None,
                    effective_at=input.effective_at,
                ),
                lambda recorded: objective_of(info, recorded),
            )

        outcome = await execute(info, prepare)
        return CreateObjectivePayload(
            objective=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Add a key result to an objective.")
    async def add_key_result(self, info: Info, input: AddKeyResultInput) -> AddKeyResultPayload:
        def prepare() -> Prepared[KeyResult]:
            objective = parse_id(input.objective_id, "Objective", "objectiveId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.add_key_result(
                    caller,
                    objective_id=objective.id,
                    title=input.title,
                    unit=input.unit,
                    start_value=input.start_value,
                    target_value=input.target_value,
                    effective_at=input.effective_at,
                ),
                lambda recorded: key_result_of(info, objective.id, recorded),
            )

        outcome = await execute(info, prepare)
        return AddKeyResultPayload(
            key_result=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Check in a key result's current value.")
    async def check_in_key_result(
        self, info: Info, input: CheckInKeyResultInput
    ) -> CheckInKeyResultPayload:
        def prepare() -> Prepared[KeyResult]:
            key_result = parse_key_result(input.key_result_id)
            app = info.context.services.app
            return Prepared(
                lambda caller: app.check_in_key_result(
                    caller,
                    objective_id=key_result.parent_id,
                    key_result_id=key_result.id,
                    value=input.value,
                    confidence=input.confidence,
                    note=input.note or "",
                    effective_at=input.effective_at,
                ),
                lambda recorded: key_result_of(info, key_result.parent_id, recorded),
            )

        outcome = await execute(info, prepare, KEY_RESULT_IN_OBJECTIVE)
        return CheckInKeyResultPayload(
            key_result=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )


async def objective_of(info: Info, recorded: Recorded) -> Objective | None:
    return await first(objectives_by_ids(info, [recorded.id]))


async def key_result_of(info: Info, objective_id: UUID, recorded: Recorded) -> KeyResult | None:
    return await first(key_results_by_refs(info, [(objective_id, recorded.id)]))
