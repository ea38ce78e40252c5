"""Mutations that plan a roadmap's cycles from its cadence, change or cancel a planned one."""

from __future__ import annotations

from datetime import date, datetime
from uuid import uuid4

import strawberry

from backend.domain.roadmap import check_plan_count
from schema.context import Info
from schema.mutations.outcome import Prepared, UserError, execute, first, parse_id
from schema.mutations.payloads import EFFECTIVE_AT, POSITION, USER_ERRORS
from schema.mutations.roadmaps import CYCLE_IN_ROADMAP, cycle_of
from schema.roadmap.loaders import cycles_by_refs, roadmaps_by_ids
from schema.roadmap.types import Cycle, Roadmap


@strawberry.input(
    description="Creates the next `count` cycles of the roadmap's cadence after its last"
    " cycle (or from its anchor)."
)
class PlanCyclesInput:
    roadmap_id: strawberry.ID = strawberry.field(description="The roadmap.")
    count: int = strawberry.field(
        description="How many cycles to create (1..26). Fixed cycles are cycleWeeks long on"
        ' the grid from anchorDate, named "Cycle N" after the highest such number; quarters'
        ' are fiscal quarters, named like "FY2027 Q1", from the current one when there is'
        " no cycle yet. A roadmap of releases has no cadence to plan from."
    )
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The new cycles, or why nothing was recorded.")
class PlanCyclesPayload:
    cycles: list[Cycle] = strawberry.field(description="The new cycles, by start date.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Only a PLANNED cycle can be changed.")
class UpdateCycleInput:
    cycle_id: strawberry.ID = strawberry.field(description="The cycle.")
    name: str | None = strawberry.field(
        default=None, description="New name, unique on the roadmap; null keeps it."
    )
    starts_on: date | None = strawberry.field(
        default=None, description="New first day (inclusive); null keeps it."
    )
    ends_on: date | None = strawberry.field(
        default=None,
        description="New last day (inclusive); null keeps it. New dates fit the cadence as"
        " a new cycle's do (see CreateCycleInput).",
    )
    reason: str | None = strawberry.field(default=None, description="Why it changed.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The cycle, or why nothing was recorded.")
class UpdateCyclePayload:
    cycle: Cycle | None = strawberry.field(description="The cycle as it is now.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(
    description="Only a PLANNED cycle can be cancelled; deliverables targeting it lose that"
    " target (not a slip)."
)
class CancelCycleInput:
    cycle_id: strawberry.ID = strawberry.field(description="The cycle.")
    reason: str = strawberry.field(description="Required: why it is cancelled.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The roadmap, or why nothing was recorded.")
class CancelCyclePayload:
    roadmap: Roadmap | None = strawberry.field(
        description="The roadmap, the cycle now CANCELLED among its cycles."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.type
class CycleMutations:
    @strawberry.mutation(description="Create the next cycles of a roadmap's cadence.")
    async def plan_cycles(self, info: Info, input: PlanCyclesInput) -> PlanCyclesPayload:
        def prepare() -> Prepared[list[Cycle]]:
            roadmap = parse_id(input.roadmap_id, "Roadmap", "roadmapId")
            # Chosen here, so that the new cycles can be read back once projected; the
            # count is checked first, so that no huge count makes a huge list.
            cycle_ids = [uuid4() for _ in range(check_plan_count(input.count))]
            app = info.context.services.app

            async def load(_: object) -> list[Cycle]:
                found = await cycles_by_refs(info, [(roadmap.id, id) for id in cycle_ids])
                return [cycle for cycle in found if cycle is not None]

            return Prepared(
                lambda caller: app.plan_cycles(
                    caller,
                    roadmap_id=roadmap.id,
                    cycle_ids=cycle_ids,
                    effective_at=input.effective_at,
                ),
                load,
            )

        outcome = await execute(info, prepare)
        return PlanCyclesPayload(
            cycles=outcome.entity or [], user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Rename or move a planned cycle.")
    async def update_cycle(self, info: Info, input: UpdateCycleInput) -> UpdateCyclePayload:
        def prepare() -> Prepared[Cycle]:
            cycle = parse_id(input.cycle_id, "Cycle", "cycleId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.update_cycle(
                    caller,
                    roadmap_id=cycle.parent_id,
                    cycle_id=cycle.id,
                    name=input.name,
                    starts_on=input.starts_on,
                    ends_on=input.ends_on,
                    reason=input.reason or "",
                    effective_at=input.effective_at,
                ),
                lambda recorded: cycle_of(info, cycle.parent_id, recorded),
            )

        outcome = await execute(info, prepare, CYCLE_IN_ROADMAP)
        return UpdateCyclePayload(
            cycle=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(
        description="Cancel a planned cycle; its deliverables lose that target (not a slip)."
    )
    async def cancel_cycle(self, info: Info, input: CancelCycleInput) -> CancelCyclePayload:
        def prepare() -> Prepared[Roadmap]:
            cycle = parse_id(input.cycle_id, "Cycle", "cycleId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.cancel_cycle(
                    caller,
                    roadmap_id=cycle.parent_id,
                    cycle_id=cycle.id,
                    reason=input.reason,
                    effective_at=input.effective_at,
                ),
                lambda recorded: first(roadmaps_by_ids(info, [recorded.id])),
            )

        outcome = await execute(info, prepare, CYCLE_IN_ROADMAP)
        return CancelCyclePayload(
            roadmap=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )
