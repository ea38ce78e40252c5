"""``digest``: what changed on a roadmap over a period, for a stakeholder email."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from projections.digest import digest_of
from schema.consistency import consistent_with as wait_for_argument
from schema.context import Info
from schema.errors import BAD_USER_INPUT, coded_error
from schema.nodes import parse_global_id
from schema.permissions import require
from schema.relay import to_global_id
from schema.roadmap.roadmaps import Digest
from schema.roadmap.rows import view_time


@strawberry.type
class DigestQuery:
    @strawberry.field(
        description="What changed on a roadmap in (since, until]; since defaults to its"
        " latest status update (on the roadmap as a whole), or to just before its creation;"
        " until to now."
        " Net effects: see Digest.items. consistentWith: a mutation's position to read at"
        " least."
    )
    async def digest(
        self,
        info: Info,
        roadmap_id: Annotated[strawberry.ID, strawberry.argument(description="The roadmap.")],
        since: Annotated[
            datetime | None,
            strawberry.argument(description="Start of the period (exclusive), business time."),
        ] = None,
        until: Annotated[
            datetime | None,
            strawberry.argument(description="End of the period (inclusive); default now."),
        ] = None,
        consistent_with: Annotated[
            str | None, strawberry.argument(description="A mutation's position to read at least.")
        ] = None,
    ) -> Digest:
        workspace_id = require(info).workspace_id
        ref = parse_global_id(roadmap_id, "roadmapId", "Roadmap")
        end = view_time(info) if until is None else until
        if since is not None and since > end:
            raise coded_error(
                BAD_USER_INPUT,
                f"since ({since.isoformat()}) is after until ({end.isoformat()});"
                " a period runs forwards",
            )
        await wait_for_argument(info, consistent_with)
        async with info.context.services.pool.acquire() as conn:
            found = await digest_of(conn, workspace_id, ref.id, since, end)
        if found is None:
            missing = to_global_id("Roadmap", ref.id)
            raise coded_error(BAD_USER_INPUT, f"roadmapId: no roadmap {missing!r}")
        return Digest.of(found)
