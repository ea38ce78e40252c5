"""What the roadmap's own pages (retrospective, OKRs, status updates) share: the signed-in
principal, the roadmap they are about (its name and initiatives, now) and their links.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from backend.tokens import Principal
from board.pages import go, refusal_page
from board.session import principal_of, services_of
from projections.roadmap_queries import roadmap_rows
from schema.relay import GlobalRef, InvalidGlobalId, from_global_id, to_global_id


@dataclass(frozen=True)
class InitiativeLink:
    """An initiative on the roadmap, in priority order."""

    uuid: UUID
    id: str
    title: str


@dataclass(frozen=True)
class RoadmapHead:
    """The roadmap a page is about: ids, name and its initiatives now, highest first."""

    uuid: UUID
    id: str
    name: str
    initiatives: tuple[InitiativeLink, ...]

    def title_of(self, initiative_id: UUID) -> str | None:
        return next((i.title for i in self.initiatives if i.uuid == initiative_id), None)


@dataclass(frozen=True)
class Viewing:
    """Who is signed in, and the roadmap the page is about."""

    principal: Principal
    roadmap: RoadmapHead


def parse_ref(value: str | None, kind: str, parts: int = 1) -> GlobalRef | None:
    """A global id of ``kind`` sent by a page (a link, a picker), None if it is not one."""
    if not value:
        return None
    try:
        ref = from_global_id(value, kind)
    except InvalidGlobalId:
        return None
    return ref if len(ref.ids) == parts else None


async def roadmap_head(request: Request, principal: Principal, roadmap: str) -> RoadmapHead | None:
    """The roadmap of the path (a global id), None if the workspace has no such roadmap."""
    ref = parse_ref(roadmap, "Roadmap")
    if ref is None:
        return None
    async with services_of(request).pool.acquire() as conn:
        found = await roadmap_rows(conn, principal.workspace_id, ref.id, None)
    if found is None:
        return None
    return RoadmapHead(
        uuid=ref.id,
        id=to_global_id("Roadmap", ref.id),
        name=found.roadmap["name"],
        initiatives=tuple(
            InitiativeLink(
                row["initiative_id"], to_global_id("Initiative", row["initiative_id"]), row["title"]
            )
            for row in found.initiatives
        ),
    )


async def viewing(request: Request) -> Viewing | Response:
    """The signed-in principal and the path's roadmap; else where to go instead (the
    sign-in page, or a 404 naming the roadmap asked for)."""
    principal = await principal_of(request)
    if principal is None:
        return go("/sign-in")
    roadmap = request.path_params["roadmap"]
    head = await roadmap_head(request, principal, roadmap)
    if head is None:
        return refusal_page(request, 404, f"Roadmap {roadmap!r} not found")
    return Viewing(principal, head)
