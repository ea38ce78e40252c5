"""Mutations that correct objectives and key results, or remove a key result."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.context import Info
from schema.mutations.initiatives import KEY_RESULT_IN_OBJECTIVE, parse_key_result
from schema.mutations.objectives import key_result_of, objective_of
from schema.mutations.outcome import (
    Prepared,
    UserError,
    execute,
    parse_id,
    parse_optional_id,
)
from schema.mutations.payloads import EFFECTIVE_AT, POSITION, USER_ERRORS
from schema.reports.types import KeyResult, Objective


@strawberry.input(description="Correct an objective; omitted fields stay as they are.")
class UpdateObjectiveInput:
    objective_id: strawberry.ID = strawberry.field(description="The objective.")
    title: str | None = strawberry.field(default=None, description="Its new title.")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Ladder up to this objective (same period; not itself or below it).",
    )
    clear_parent: bool | None = strawberry.field(
        default=None, description="Make it a top-level objective again."
    )
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="Its team (TEAM objectives only)."
    )
    reason: str | None = strawberry.field(default=None, description="Why it changes.")
    expected_version: int | None = strawberry.field(
        default=None, description="The objective version the client saw; stale is CONFLICT."
    )
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The objective, or why nothing was recorded.")
class UpdateObjectivePayload:
    objective: Objective | None = strawberry.field(description="The objective, changed.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Archive an objective: out of its period's lists, still in history.")
class ArchiveObjectiveInput:
    objective_id: strawberry.ID = strawberry.field(description="The objective.")
    reason: str = strawberry.field(description="Required: why it is archived.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The archived objective, or why nothing was recorded.")
class ArchiveObjectivePayload:
    objective: Objective | None = strawberry.field(description="The objective, archived.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Correct a key result; omitted fields stay as they are.")
class UpdateKeyResultInput:
    key_result_id: strawberry.ID = strawberry.field(description="The key result.")
    title: str | None = strawberry.field(default=None, description="What is measured.")
    unit: str | None = strawberry.field(default=None, description='The unit, e.g. "%".')
    target_value: float | None = strawberry.field(
        default=None, description="Value that means done; not the start value."
    )
    reason: str | None = strawberry.field(default=None, description="Why it changes.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The key result, or why nothing was recorded.")
class UpdateKeyResultPayload:
    key_result: KeyResult | None = strawberry.field(
        description="The key result, its progress recomputed."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Remove a key result from its objective.")
class RemoveKeyResultInput:
    key_result_id: strawberry.ID = strawberry.field(description="The key result.")
    reason: str = strawberry.field(description="Required: why it is removed.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The objective without the key result, or why nothing was recorded.")
class RemoveKeyResultPayload:
    objective: Objective | None = strawberry.field(description="The objective.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.type
class OkrChangeMutations:
    @strawberry.mutation(description="Correct an objective's title, parent or team.")
    async def update_objective(
        self, info: Info, input: UpdateObjectiveInput
    ) -> UpdateObjectivePayload:
        def prepare() -> Prepared[Objective]:
            objective = parse_id(input.objective_id, "Objective", "objectiveId")
            parent = parse_optional_id(input.parent_id, "Objective", "parentId")
            team = parse_optional_id(input.team_id, "Team", "teamId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.update_objective(
                    caller,
                    objective_id=objective.id,
                    title=input.title,
                    parent_id=parent.id if parent else None,
                    clear_parent=bool(input.clear_parent),
                    team_id=team.id if team else None,
                    reason=input.reason or "",
                    expected_version=input.expected_version,
                    effective_at=input.effective_at,
                ),
                lambda recorded: objective_of(info, recorded),
            )

        outcome = await execute(info, prepare)
        return UpdateObjectivePayload(
            objective=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(
        description="Archive an objective: out of `objectives` and `alignment`, read-only."
    )
    async def archive_objective(
        self, info: Info, input: ArchiveObjectiveInput
    ) -> ArchiveObjectivePayload:
        def prepare() -> Prepared[Objective]:
            objective = parse_id(input.objective_id, "Objective", "objectiveId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.archive_objective(
                    caller,
                    objective_id=objective.id,
                    reason=input.reason,
                    effective_at=input.effective_at,
                ),
                lambda recorded: objective_of(info, recorded),
            )

        outcome = await execute(info, prepare)
        return ArchiveObjectivePayload(
            objective=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Correct a key result's title, unit or target.")
    async def update_key_result(
        self, info: Info, input: UpdateKeyResultInput
    ) -> UpdateKeyResultPayload:
        def prepare() -> Prepared[KeyResult]:
            key_result = parse_key_result(input.key_result_id)
            app = info.context.services.app
            return Prepared(
                lambda caller: app.update_key_result(
                    caller,
                    objective_id=key_result.parent_id,
                    key_result_id=key_result.id,
                    title=input.title,
                    unit=input.unit,
                    target_value=input.target_value,
                    reason=input.reason or "",
                    effective_at=input.effective_at,
                ),
                lambda recorded: key_result_of(info, key_result.parent_id, recorded),
            )

        outcome = await execute(info, prepare, KEY_RESULT_IN_OBJECTIVE)
        return UpdateKeyResultPayload(
            key_result=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Remove a key result; its alignments end with it.")
    async def remove_key_result(
        self, info: Info, input: RemoveKeyResultInput
    ) -> RemoveKeyResultPayload:
        def prepare() -> Prepared[Objective]:
            key_result = parse_key_result(input.key_result_id)
            app = info.context.services.app
            return Prepared(
                lambda caller: app.remove_key_result(
                    caller,
                    objective_id=key_result.parent_id,
                    key_result_id=key_result.id,
                    reason=input.reason,
                    effective_at=input.effective_at,
                ),
                lambda recorded: objective_of(info, recorded),
            )

        outcome = await execute(info, prepare, KEY_RESULT_IN_OBJECTIVE)
        return RemoveKeyResultPayload(
            objective=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )
