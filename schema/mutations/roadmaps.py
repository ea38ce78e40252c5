"""Mutations on teams, roadmaps (cadence and priority order) and their cycles."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import strawberry

from backend.application import Recorded
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
from schema.roadmap.loaders import cycles_by_refs, roadmaps_by_ids, teams_by_ids
from schema.roadmap.types import Cycle, Roadmap, Team


@strawberry.input(description="A new team.")
class CreateTeamInput:
    name: str = strawberry.field(description="The team's name, e.g. SRE.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The created team, or why nothing was recorded.")
class CreateTeamPayload:
    team: Team | None = strawberry.field(description="The new team.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(
    description="Quarters (the default; each cycle one fiscal quarter of the workspace), fixed"
    " cycles (cycleWeeks and anchorDate: each cycle exactly cycleWeeks long), or releases"
    " (releases: true; each cycle dated on its own, of any length)."
)
class CadenceInput:
    fiscal_year_start_month: int | None = strawberry.field(
        default=None, description="First month of the fiscal year (1..12), for quarters."
    )
    cycle_weeks: int | None = strawberry.field(default=None, description="Length of a cycle.")
    anchor_date: date | None = strawberry.field(default=None, description="Start of a cycle.")
    releases: bool = strawberry.field(
        default=False,
        description="Cycles are releases, each created with its own dates (e.g. a release"
        " train whose releases differ in length); takes none of the other fields.",
    )


@strawberry.input(description="A new roadmap.")
class CreateRoadmapInput:
    name: str = strawberry.field(description="The roadmap's name.")
    team_id: strawberry.ID | None = strawberry.field(default=None, description="Owning team.")
    cadence: CadenceInput = strawberry.field(description="How time is cut.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The created roadmap, or why nothing was recorded.")
class CreateRoadmapPayload:
    roadmap: Roadmap | None = strawberry.field(description="The new roadmap.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Move an initiative to another priority position.")
class MoveInitiativeInput:
    roadmap_id: strawberry.ID = strawberry.field(description="The roadmap.")
    initiative_id: strawberry.ID = strawberry.field(description="The initiative to move.")
    to_position: int = strawberry.field(description="1-based; at most the number of rows.")
    reason: str = strawberry.field(description="Required: why the priority changed.")
    decision_id: strawberry.ID | None = strawberry.field(
        default=None, description="The decision behind the move."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="The roadmap version the client saw; stale is CONFLICT."
    )
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key records nothing new."
    )


@strawberry.type(description="The roadmap after the move, or why nothing was recorded.")
class MoveInitiativePayload:
    roadmap: Roadmap | None = strawberry.field(description="The roadmap, in its new order.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Take an initiative off a roadmap.")
class RemoveInitiativeInput:
    roadmap_id: strawberry.ID = strawberry.field(description="The roadmap.")
    initiative_id: strawberry.ID = strawberry.field(description="The initiative to remove.")
    reason: str = strawberry.field(description="Required: why it leaves the roadmap.")
    decision_id: strawberry.ID | None = strawberry.field(
        default=None, description="The decision behind it."
    )
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The roadmap after the removal, or why nothing was recorded.")
class RemoveInitiativePayload:
    roadmap: Roadmap | None = strawberry.field(description="The roadmap.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(
    description="A new cycle of a roadmap. Its dates fit the cadence: on quarters one fiscal"
    " quarter of the workspace's fiscal year, on fixed cycles exactly cycleWeeks long (first"
    " to last day inclusive), on releases any dates; never overlapping another cycle."
)
class CreateCycleInput:
    roadmap_id: strawberry.ID = strawberry.field(description="The roadmap.")
    name: str = strawberry.field(description="Unique within the roadmap.")
    starts_on: date = strawberry.field(description="First day (inclusive).")
    ends_on: date = strawberry.field(description="Last day (inclusive).")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The cycle, or why nothing was recorded.")
class CreateCyclePayload:
    cycle: Cycle | None = strawberry.field(description="The cycle.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Start a cycle: freezes its committed scope.")
class StartCycleInput:
    cycle_id: strawberry.ID = strawberry.field(description="The cycle.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The cycle, or why nothing was recorded.")
class StartCyclePayload:
    cycle: Cycle | None = strawberry.field(description="The cycle.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Close a cycle: freezes its outcome.")
class CloseCycleInput:
    cycle_id: strawberry.ID = strawberry.field(description="The cycle.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The cycle, or why nothing was recorded.")
class CloseCyclePayload:
    cycle: Cycle | None = strawberry.field(description="The cycle.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


# The cadence's fields are nested in the input.
CADENCE = {
    name: f"cadence.{name}"
    for name in ("fiscal_year_start_month", "cycle_weeks", "anchor_date", "releases")
}

# A cycle lives inside its roadmap: the roadmap aggregate is the first id of a cycle id.
CYCLE_IN_ROADMAP = {"roadmap_id": "cycle_id"}


@strawberry.type
class RoadmapMutations:
    @strawberry.mutation(description="Create a team.")
    async def create_team(self, info: Info, input: CreateTeamInput) -> CreateTeamPayload:
        def prepare() -> Prepared[Team]:
            app = info.context.services.app
            return Prepared(
                lambda caller: app.create_team(
                    caller, name=input.name, effective_at=input.effective_at
                ),
                lambda recorded: first(teams_by_ids(info, [recorded.id])),
            )

        outcome = await execute(info, prepare)
        return CreateTeamPayload(
            team=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Create a roadmap with its cadence.")
    async def create_roadmap(self, info: Info, input: CreateRoadmapInput) -> CreateRoadmapPayload:
        def prepare() -> Prepared[Roadmap]:
            team = parse_optional_id(input.team_id, "Team", "teamId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.create_roadmap(
                    caller,
                    name=input.name,
                    team_id=team.id if team else None,
                    fiscal_year_start_month=input.cadence.fiscal_year_start_month,
                    cycle_weeks=input.cadence.cycle_weeks,
                    anchor_date=input.cadence.anchor_date,
                    releases=input.cadence.releases,
                    effective_at=input.effective_at,
                ),
                lambda recorded: _roadmap(info, recorded),
            )

        outcome = await execute(info, prepare, CADENCE)
        return CreateRoadmapPayload(
            roadmap=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Move an initiative to another priority position.")
    async def move_initiative(
        self, info: Info, input: MoveInitiativeInput
    ) -> MoveInitiativePayload:
        def prepare() -> Prepared[Roadmap]:
            roadmap = parse_id(input.roadmap_id, "Roadmap", "roadmapId")
            initiative = parse_id(input.initiative_id, "Initiative", "initiativeId")
            decision = parse_optional_id(input.decision_id, "Decision", "decisionId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.move_initiative(
                    caller,
                    roadmap_id=roadmap.id,
                    initiative_id=initiative.id,
                    to_position=input.to_position,
                    reason=input.reason,
                    decision_id=decision.id if decision else None,
                    expected_version=input.expected_version,
                    idempotency_key=input.idempotency_key,
                    effective_at=input.effective_at,
                ),
                lambda recorded: _roadmap(info, recorded),
            )

        outcome = await execute(info, prepare)
        return MoveInitiativePayload(
            roadmap=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Take an initiative off a roadmap.")
    async def remove_initiative(
        self, info: Info, input: RemoveInitiativeInput
    ) -> RemoveInitiativePayload:
        def prepare() -> Prepared[Roadmap]:
            roadmap = parse_id(input.roadmap_id, "Roadmap", "roadmapId")
            initiative = parse_id(input.initiative_id, "Initiative", "initiativeId")
            decision = parse_optional_id(input.decision_id, "Decision", "decisionId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.remove_initiative(
                    caller,
                    roadmap_id=roadmap.id,
                    initiative_id=initiative.id,
                    reason=input.reason,
                    decision_id=decision.id if decision else None,
                    effective_at=input.effective_at,
                ),
                lambda recorded: _roadmap(info, recorded),
            )

        outcome = await execute(info, prepare)
        return RemoveInitiativePayload(
            roadmap=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Create a cycle on a roadmap (no overlaps).")
    async def create_cycle(self, info: Info, input: CreateCycleInput) -> CreateCyclePayload:
        def prepare() -> Prepared[Cycle]:
            roadmap = parse_id(input.roadmap_id, "Roadmap", "roadmapId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.create_cycle(
                    caller,
                    roadmap_id=roadmap.id,
                    name=input.name,
                    starts_on=input.starts_on,
                    ends_on=input.ends_on,
                    effective_at=input.effective_at,
                ),
                lambda recorded: cycle_of(info, roadmap.id, recorded),
            )

        outcome = await execute(info, prepare)
        return CreateCyclePayload(
            cycle=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Start a cycle, freezing its committed scope.")
    async def start_cycle(self, info: Info, input: StartCycleInput) -> StartCyclePayload:
        def prepare() -> Prepared[Cycle]:
            cycle = parse_id(input.cycle_id, "Cycle", "cycleId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.start_cycle(
                    caller,
                    roadmap_id=cycle.parent_id,
                    cycle_id=cycle.id,
                    effective_at=input.effective_at,
                ),
                lambda recorded: cycle_of(info, cycle.parent_id, recorded),
            )

        outcome = await execute(info, prepare, CYCLE_IN_ROADMAP)
        return StartCyclePayload(
            cycle=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Close a cycle, freezing its outcome.")
    async def close_cycle(self, info: Info, input: CloseCycleInput) -> CloseCyclePayload:
        def prepare() -> Prepared[Cycle]:
            cycle = parse_id(input.cycle_id, "Cycle", "cycleId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.close_cycle(
                    caller,
                    roadmap_id=cycle.parent_id,
                    cycle_id=cycle.id,
                    effective_at=input.effective_at,
                ),
                lambda recorded: cycle_of(info, cycle.parent_id, recorded),
            )

        outcome = await execute(info, prepare, CYCLE_IN_ROADMAP)
        return CloseCyclePayload(
            cycle=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )


async def _roadmap(info: Info, recorded: Recorded) -> Roadmap | None:
    return await first(roadmaps_by_ids(info, [recorded.id]))


async def cycle_of(info: Info, roadmap_id: UUID, recorded: Recorded) -> Cycle | None:
    """The cycle a command recorded (``recorded.id``) on a roadmap, as projected."""
    return await first(cycles_by_refs(info, [(roadmap_id, recorded.id)]))
