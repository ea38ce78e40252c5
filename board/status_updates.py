"""The status updates page: the roadmap's updates, newest first, each with its Markdown
body and the digest it carries; for editors, a form to post one (on the roadmap or on
one initiative) under a preview of the digest since that subject's previous update.

Read through ``projections.digest`` and ``projections.digest_queries`` (what the GraphQL
``digest`` query and ``StatusUpdate.digest`` resolve with); posted through the
Application's ``post_status_update``, the command of the ``postStatusUpdate`` mutation,
with an idempotency key from the page, so a form sent twice posts once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from itertools import groupby
from uuid import UUID

from graphql import GraphQLError
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from backend.domain.errors import DomainError
from backend.domain.status_update import HEALTHS
from backend.tokens import Role
from board.markdown import markdown_html
from board.pages import Refused, forged, go, page, refusal_page, when
from board.session import CSRF_FIELD, csrf_holds, services_of
from board.subpages import RoadmapHead, Viewing, parse_ref, viewing
from projections.digest import digest_of, digest_of_update
from projections.digest_items import HEALTHS as HEALTH_WORDS
from projections.digest_items import Digest
from projections.digest_markdown import HEADINGS
from projections.digest_queries import updates_newest_first
from projections.readers import Connection
from projections.roadmap_queries import Row
from schema.mutations.outcome import caller_of, settle
from schema.mutations.wording import api_message
from schema.pagination import decode_cursor
from schema.permissions import not_allowed
from schema.relay import to_global_id
from schema.roadmap.roadmaps import UPDATES, update_cursor

UPDATES_SHOWN = 10
"""Updates a page lists (each with its digest); a link leads to older ones."""

POST_CONTROL = "post-update"


@dataclass(frozen=True)
class DigestLine:
    summary: str
    reason: str
    decision: str | None
    actor: str
    at: str


@dataclass(frozen=True)
class DigestSection:
    heading: str
    lines: tuple[DigestLine, ...]


@dataclass(frozen=True)
class DigestView:
    since: str
    until: str
    sections: tuple[DigestSection, ...]


def digest_view(digest: Digest) -> DigestView:
    """A digest's items grouped under their headings, in the digest's order."""
    sections = tuple(
        DigestSection(
            HEADINGS[kind],
            tuple(
                DigestLine(
                    summary=item.summary,
                    reason=item.reason,
                    decision=None
                    if item.decision_id is None or kind == "DECISION_RECORDED"
                    else digest.decision_titles.get(item.decision_id),
                    actor=item.actor,
                    at=when(item.at),
                )
                for item in items
            ),
        )
        for kind, items in groupby(digest.items, key=lambda item: item.kind)
    )
    return DigestView(when(digest.since), when(digest.until), sections)


@dataclass(frozen=True)
class UpdateView:
    id: str
    health: str
    subject: str
    actor: str
    at: str
    body: Markup
    digest: DigestView

    @property
    def health_words(self) -> str:
        return HEALTH_WORDS[self.health]


@dataclass(frozen=True)
class Draft:
    """The compose form's fields: as sent back after a refusal, else fresh."""

    about: str
    """The initiative's global id, or "" for the roadmap as a whole."""
    health: str
    body: str
    idempotency_key: str

    @classmethod
    def fresh(cls, about: str) -> Draft:
        return cls(about, "ON_TRACK", "", secrets.token_urlsafe(16))


def subject_of(roadmap: RoadmapHead, initiative_id: UUID | None) -> str:
    if initiative_id is None:
        return roadmap.name
    return roadmap.title_of(initiative_id) or "an initiative no longer on the roadmap"


@dataclass(frozen=True)
class UpdatesPage:
    updates: tuple[UpdateView, ...]
    older: str | None
    """The cursor of the next page (the API's ``statusUpdates`` cursor), if there is one."""


async def past_updates(
    conn: Connection,
    workspace_id: UUID,
    roadmap: RoadmapHead,
    now: datetime,
    before: tuple[datetime, int] | None,
) -> UpdatesPage:
    """A page of the roadmap's updates, newest first, older than ``before`` if given."""
    rows: list[Row] = await updates_newest_first(
        conn, workspace_id, roadmap.uuid, now, before, UPDATES_SHOWN + 1
    )
    older = update_cursor(rows[UPDATES_SHOWN - 1]) if len(rows) > UPDATES_SHOWN else None
    found = []
    for row in rows[:UPDATES_SHOWN]:
        digest = await digest_of_update(conn, workspace_id, row)
        found.append(
            UpdateView(
                id=to_global_id("StatusUpdate", row["id"]),
                health=row["health"],
                subject=subject_of(roadmap, row["initiative_id"]),
                actor=row["actor"],
                at=when(row["at"]),
                body=markdown_html(row["body"]),
                digest=digest_view(digest),
            )
        )
    return UpdatesPage(tuple(found), older)


async def render_updates(
    request: Request,
    found: Viewing,
    about: UUID | None,
    draft: Draft | None = None,
    refused: Refused | None = None,
    before: tuple[datetime, int] | None = None,
) -> Response:
    """The page (422 with the refusal next to the post button, if any)."""
    workspace_id = found.principal.workspace_id
    editor = found.principal.role.allows(Role.EDITOR)
    now = datetime.now(UTC)
    preview = None
    async with services_of(request).pool.acquire() as conn:
        if editor:
            digest = await digest_of(conn, workspace_id, found.roadmap.uuid, None, now, about)
            preview = None if digest is None else digest_view(digest)
        updates = await past_updates(conn, workspace_id, found.roadmap, now, before)
    about_id = "" if about is None else to_global_id("Initiative", about)
    return page(
        request,
        "status_updates.html",
        422 if refused else 200,
        principal=found.principal,
        roadmap=found.roadmap,
        section="updates",
        editor=editor,
        about=about_id,
        subject=subject_of(found.roadmap, about),
        preview=preview,
        draft=draft or Draft.fresh(about_id),
        healths=[(health, HEALTH_WORDS[health]) for health in HEALTHS],
        updates=updates.updates,
        older=updates.older,
        paged=before is not None,
        refused=refused,
        post_control=POST_CONTROL,
    )


async def status_updates_page(request: Request) -> Response:
    found = await viewing(request)
    if not isinstance(found, Viewing):
        return found
    ref = parse_ref(request.query_params.get("about"), "Initiative")
    try:
        before = decode_cursor(request.query_params.get("before"), UPDATES, (datetime, int))
    except GraphQLError as error:
        return refusal_page(request, 400, error.message)
    key = None if before is None else (before[0], before[1])
    return await render_updates(request, found, None if ref is None else ref.id, before=key)


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def post_status_update(request: Request) -> Response:
    """Post the form's update; back to the page (303), or the page with the API's refusal."""
    found = await viewing(request)
    if not isinstance(found, Viewing):
        return found
    form = await request.form()
    if not csrf_holds(request, _field(form, CSRF_FIELD)):
        return forged(request)
    if not found.principal.role.allows(Role.EDITOR):
        return refusal_page(request, 403, not_allowed(found.principal, Role.EDITOR))
    draft = Draft(
        about=_field(form, "about").strip(),
        health=_field(form, "health"),
        body=_field(form, "body"),
        idempotency_key=_field(form, "idempotency_key"),
    )
    ref = parse_ref(draft.about, "Initiative")
    if draft.about and ref is None:
        return refusal_page(request, 400, f"{draft.about!r} is not the id of an Initiative")
    initiative_id = None if ref is None else ref.id
    command = partial(
        services_of(request).app.post_status_update,
        caller_of(found.principal),
        roadmap_id=found.roadmap.uuid,
        initiative_id=initiative_id,
        health=draft.health,
        body=draft.body,
        idempotency_key=draft.idempotency_key or None,
    )
    try:
        recorded = await run_in_threadpool(command)
    except DomainError as error:
        refused = Refused(POST_CONTROL, api_message(error))
        return await render_updates(request, found, initiative_id, draft, refused)
    await settle(services_of(request), recorded.position)
    about = "" if initiative_id is None else f"?about={to_global_id('Initiative', initiative_id)}"
    return go(f"/roadmaps/{found.roadmap.id}/updates{about}")
