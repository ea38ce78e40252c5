"""Mutations on initiatives: propose (with deliverables), update, align to key results."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from backend.application import Recorded
from backend.domain.deliverable import NewDeliverable
from schema.context import Info
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
from schema.reports.types import AlignmentKind
from schema.roadmap.loaders import initiatives_by_ids
from schema.roadmap.types import DeliverableStatus, Initiative, InitiativeKind

# A key result lives inside its objective: the objective is the first id of a key result id.
KEY_RESULT_IN_OBJECTIVE = {"objective_id": "key_result_id"}


@strawberry.input(description="A deliverable of a new initiative, or one added later.")
class DeliverableInput:
    title: str = strawberry.field(description="What will be delivered.")
    stretch: bool | None = strawberry.field(default=None, description="A stretch goal.")
    estimate_weeks: Decimal | None = strawberry.field(
        default=None, description="First estimate, in resource-weeks."
    )
    target_cycle_id: strawberry.ID | None = strawberry.field(
        default=None, description="Target cycle (of the initiative's roadmap)."
    )
    target_date: date | None = strawberry.field(default=None, description="Or a target date.")
    status: DeliverableStatus | None = strawberry.field(
        default=None,
        description="Initial status (default PLANNED); DONE sets completedAt to the business time.",
    )


def new_deliverable(given: DeliverableInput, at_field: str) -> NewDeliverable:
    cycle = parse_optional_id(given.target_cycle_id, "Cycle", at_field + "targetCycleId")
    return NewDeliverable(
        title=given.title,
        stretch=bool(given.stretch),
        estimate_weeks=given.estimate_weeks,
        target_cycle_id=cycle.id if cycle else None,
        target_date=given.target_date,
        status="PLANNED" if given.status is None else given.status.name,
    )


@strawberry.input(description="A new initiative on a roadmap.")
class ProposeInitiativeInput:
    roadmap_id: strawberry.ID = strawberry.field(description="The roadmap it goes on.")
    title: str = strawberry.field(description="Its title.")
    goal: str = strawberry.field(description="User-centric goal: what and why.")
    stakeholders: list[str] | None = strawberry.field(default=None, description="Who cares.")
    team_id: strawberry.ID | None = strawberry.field(default=None, description="Owning team.")
    kind: InitiativeKind | None = strawberry.field(default=None, description="Default FEATURE.")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="Parent initiative (phases: pilot, GA, final)."
    )
    position: int | None = strawberry.field(
        default=None, description="Where to place it; default: last."
    )
    deliverables: list[DeliverableInput] | None = strawberry.field(
        default=None, description="Its deliverables."
    )
    reason: str | None = strawberry.field(default=None, description="Why it is proposed.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key returns the first result."
    )


@strawberry.type(description="The proposed initiative, or why nothing was recorded.")
class ProposeInitiativePayload:
    initiative: Initiative | None = strawberry.field(description="The new initiative.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Change an initiative's fields; omitted fields stay as they are.")
class UpdateInitiativeInput:
    initiative_id: strawberry.ID = strawberry.field(description="The initiative.")
    title: str | None = strawberry.field(default=None, description="New title.")
    goal: str | None = strawberry.field(default=None, description="New goal.")
    stakeholders: list[str] | None = strawberry.field(default=None, description="New list.")
    team_id: strawberry.ID | None = strawberry.field(default=None, description="New team.")
    kind: InitiativeKind | None = strawberry.field(default=None, description="New kind.")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="Make it a phase of this initiative (same roadmap; no cycles)."
    )
    clear_parent: bool | None = strawberry.field(
        default=None, description="Make it a top-level initiative again."
    )
    reason: str | None = strawberry.field(default=None, description="Why.")
    expected_version: int | None = strawberry.field(
        default=None, description="The version the client saw; stale is CONFLICT."
    )
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The updated initiative, or why nothing was recorded.")
class UpdateInitiativePayload:
    initiative: Initiative | None = strawberry.field(description="The initiative.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Align an initiative to a key result.")
class AlignInitiativeInput:
    initiative_id: strawberry.ID = strawberry.field(description="The initiative.")
    key_result_id: strawberry.ID = strawberry.field(description="The key result.")
    kind: AlignmentKind = strawberry.field(description="CONTRIBUTES counts; SUPPORTS not.")
    reason: str | None = strawberry.field(default=None, description="Why.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The aligned initiative, or why nothing was recorded.")
class AlignInitiativePayload:
    initiative: Initiative | None = strawberry.field(description="The initiative.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Remove an initiative's alignment to a key result.")
class UnalignInitiativeInput:
    initiative_id: strawberry.ID = strawberry.field(description="The initiative.")
    key_result_id: strawberry.ID = strawberry.field(description="The key result.")
    reason: str | None = strawberry.field(default=None, description="Why.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The initiative, or why nothing was recorded.")
class UnalignInitiativePayload:
    initiative: Initiative | None = strawberry.field(description="The initiative.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.type
class InitiativeMutations:
    @strawberry.mutation(description="Propose an initiative with its deliverables.")
    async def propose_initiative(
        self, info: Info, input: ProposeInitiativeInput
    ) -> ProposeInitiativePayload:
        def prepare() -> Prepared[Initiative]:
            roadmap = parse_id(input.roadmap_id, "Roadmap", "roadmapId")
            team = parse_optional_id(input.team_id, "Team", "teamId")
            parent = parse_optional_id(input.parent_id, "Initiative", "parentId")
            deliverables = [
                new_deliverable(given, f"deliverables.{index}.")
                for index, given in enumerate(input.deliverables or [])
            ]
            app = info.context.services.app
            return Prepared(
                lambda caller: app.propose_initiative(
                    caller,
                    roadmap_id=roadmap.id,
                    title=input.title,
                    goal=input.goal,
                    stakeholders=input.stakeholders or [],
                    team_id=team.id if team else None,
                    kind=input.kind.name if input.kind else "FEATURE",
                    parent_id=parent.id if parent else None,
                    position=input.position,
                    deliverables=deliverables,
                    reason=input.reason or "",
                    idempotency_key=input.idempotency_key,
                    effective_at=input.effective_at,
                ),
                lambda recorded: initiative_of(info, recorded),
            )

        outcome = await execute(info, prepare)
        return ProposeInitiativePayload(
            initiative=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Change an initiative's title, goal, team, ...")
    async def update_initiative(
        self, info: Info, input: UpdateInitiativeInput
    ) -> UpdateInitiativePayload:
        def prepare() -> Prepared[Initiative]:
            initiative = parse_id(input.initiative_id, "Initiative", "initiativeId")
            team = parse_optional_id(input.team_id, "Team", "teamId")
            parent = parse_optional_id(input.parent_id, "Initiative", "parentId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.update_initiative(
                    caller,
                    initiative_id=initiative.id,
                    title=input.title,
                    goal=input.goal,
                    stakeholders=input.stakeholders,
                    team_id=team.id if team else None,
                    kind=input.kind.name if input.kind else None,
                    parent_id=parent.id if parent else None,
                    clear_parent=bool(input.clear_parent),
                    reason=input.reason or "",
                    expected_version=input.expected_version,
                    effective_at=input.effective_at,
                ),
                lambda recorded: initiative_of(info, recorded),
            )

        outcome = await execute(info, prepare)
        return UpdateInitiativePayload(
            initiative=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Align an initiative to a key result.")
    async def align_initiative(
        self, info: Info, input: AlignInitiativeInput
    ) -> AlignInitiativePayload:
        def prepare() -> Prepared[Initiative]:
            initiative = parse_id(input.initiative_id, "Initiative", "initiativeId")
            key_result = parse_key_result(input.key_result_id)
            app = info.context.services.app
            return Prepared(
                lambda caller: app.align_initiative(
                    caller,
                    initiative_id=initiative.id,
                    objective_id=key_result.parent_id,
                    key_result_id=key_result.id,
                    kind=input.kind.name,
                    reason=input.reason or "",
                    effective_at=input.effective_at,
                ),
                lambda recorded: initiative_of(info, recorded),
            )

        outcome = await execute(info, prepare, KEY_RESULT_IN_OBJECTIVE)
        return AlignInitiativePayload(
            initiative=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Remove an initiative's alignment to a key result.")
    async def unalign_initiative(
        self, info: Info, input: UnalignInitiativeInput
    ) -> UnalignInitiativePayload:
        def prepare() -> Prepared[Initiative]:
            initiative = parse_id(input.initiative_id, "Initiative", "initiativeId")
            key_result = parse_key_result(input.key_result_id)
            app = info.context.services.app
            return Prepared(
                lambda caller: app.unalign_initiative(
                    caller,
                    initiative_id=initiative.id,
                    objective_id=key_result.parent_id,
                    key_result_id=key_result.id,
                    reason=input.reason or "",
                    effective_at=input.effective_at,
                ),
                lambda recorded: initiative_of(info, recorded),
            )

        outcome = await execute(info, prepare, KEY_RESULT_IN_OBJECTIVE)
        return UnalignInitiativePayload(
            initiative=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )


def parse_key_result(value: str) -> GlobalRef:
    return parse_id(value, "KeyResult", "keyResultId")


async def initiative_of(info: Info, recorded: Recorded) -> Initiative | None:
    return await first(initiatives_by_ids(info, [recorded.id]))
