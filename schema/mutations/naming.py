"""Mutations that rename and archive teams and roadmaps.

Names are unique per workspace, ignoring case. Archived teams and roadmaps are read-only:
every later change to them is refused, and the lists leave them out unless asked.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.context import Info
from schema.mutations.outcome import Prepared, UserError, execute, first, parse_id
from schema.mutations.payloads import EFFECTIVE_AT, POSITION, USER_ERRORS
from schema.roadmap.loaders import roadmaps_by_ids, teams_by_ids
from schema.roadmap.types import Roadmap, Team


@strawberry.input(description="Rename a team.")
class RenameTeamInput:
    team_id: strawberry.ID = strawberry.field(description="The team.")
    name: str = strawberry.field(description="Its new name, unique in the workspace.")
    reason: str | None = strawberry.field(default=None, description="Why it is renamed.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The renamed team, or why nothing was recorded.")
class RenameTeamPayload:
    team: Team | None = strawberry.field(description="The team, under its new name.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Archive a team: read-only from then on.")
class ArchiveTeamInput:
    team_id: strawberry.ID = strawberry.field(description="The team.")
    reason: str = strawberry.field(description="Required: why it is archived.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The archived team, or why nothing was recorded.")
class ArchiveTeamPayload:
    team: Team | None = strawberry.field(description="The team, archived.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Rename a roadmap.")
class RenameRoadmapInput:
    roadmap_id: strawberry.ID = strawberry.field(description="The roadmap.")
    name: str = strawberry.field(description="Its new name, unique in the workspace.")
    reason: str | None = strawberry.field(default=None, description="Why it is renamed.")
    expected_version: int | None = strawberry.field(
        default=None, description="The roadmap version the client saw; stale is CONFLICT."
    )
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The renamed roadmap, or why nothing was recorded.")
class RenameRoadmapPayload:
    roadmap: Roadmap | None = strawberry.field(description="The roadmap, under its new name.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.input(description="Archive a roadmap: read-only from then on.")
class ArchiveRoadmapInput:
    roadmap_id: strawberry.ID = strawberry.field(description="The roadmap.")
    reason: str = strawberry.field(description="Required: why it is archived.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)


@strawberry.type(description="The archived roadmap, or why nothing was recorded.")
class ArchiveRoadmapPayload:
    roadmap: Roadmap | None = strawberry.field(description="The roadmap, archived.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.type
class NamingMutations:
    @strawberry.mutation(description="Rename a team; names are unique in the workspace.")
    async def rename_team(self, info: Info, input: RenameTeamInput) -> RenameTeamPayload:
        def prepare() -> Prepared[Team]:
            team = parse_id(input.team_id, "Team", "teamId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.rename_team(
                    caller,
                    team_id=team.id,
                    name=input.name,
                    reason=input.reason or "",
                    effective_at=input.effective_at,
                ),
                lambda recorded: first(teams_by_ids(info, [recorded.id])),
            )

        outcome = await execute(info, prepare)
        return RenameTeamPayload(
            team=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Archive a team: read-only, out of `teams` unless asked.")
    async def archive_team(self, info: Info, input: ArchiveTeamInput) -> ArchiveTeamPayload:
        def prepare() -> Prepared[Team]:
            team = parse_id(input.team_id, "Team", "teamId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.archive_team(
                    caller, team_id=team.id, reason=input.reason, effective_at=input.effective_at
                ),
                lambda recorded: first(teams_by_ids(info, [recorded.id])),
            )

        outcome = await execute(info, prepare)
        return ArchiveTeamPayload(
            team=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(description="Rename a roadmap; names are unique in the workspace.")
    async def rename_roadmap(self, info: Info, input: RenameRoadmapInput) -> RenameRoadmapPayload:
        def prepare() -> Prepared[Roadmap]:
            roadmap = parse_id(input.roadmap_id, "Roadmap", "roadmapId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.rename_roadmap(
                    caller,
                    roadmap_id=roadmap.id,
                    name=input.name,
                    reason=input.reason or "",
                    expected_version=input.expected_version,
                    effective_at=input.effective_at,
                ),
                lambda recorded: first(roadmaps_by_ids(info, [recorded.id])),
            )

        outcome = await execute(info, prepare)
        return RenameRoadmapPayload(
            roadmap=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )

    @strawberry.mutation(
        description="Archive a roadmap: read-only, out of `roadmaps` unless asked."
    )
    async def archive_roadmap(
        self, info: Info, input: ArchiveRoadmapInput
    ) -> ArchiveRoadmapPayload:
        def prepare() -> Prepared[Roadmap]:
            roadmap = parse_id(input.roadmap_id, "Roadmap", "roadmapId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.archive_roadmap(
                    caller,
                    roadmap_id=roadmap.id,
                    reason=input.reason,
                    effective_at=input.effective_at,
                ),
                lambda recorded: first(roadmaps_by_ids(info, [recorded.id])),
            )

        outcome = await execute(info, prepare)
        return ArchiveRoadmapPayload(
            roadmap=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )
