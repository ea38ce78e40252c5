"""The board's pages: sign-in and sign-out, and the roadmap table with its switcher."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from jinja2 import Environment, FileSystemLoader
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from backend.domain.deliverable import FINISHED
from backend.tokens import Principal, Role
from board.roadmap_table import roadmap_links, roadmap_table, status_badges, status_options
from board.session import (
    CSRF_FIELD,
    csrf_holds,
    csrf_token,
    end_session,
    keep_nonce,
    keep_session,
    principal_of,
    services_of,
    sign_in,
)
from board.time_travel import BadInstant, TimeTravel, changes_since, picker_value, time_travel
from schema.auth import AuthenticationFailed
from schema.relay import InvalidGlobalId, from_global_id


def when(at: datetime) -> str:
    """An instant as the board shows it: its UTC minute, "2026-12-07 14:05 UTC"."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


TEMPLATES = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
"""Autoescaped: every user-written text renders as text."""
TEMPLATES.env.filters["status_options"] = status_options
TEMPLATES.env.filters["when"] = when
TEMPLATES.env.globals["finished"] = FINISHED

SEE_OTHER = 303


@dataclass(frozen=True)
class Refused:
    """A command's refusal, in the API's words, shown next to the control that sent it."""

    control: str
    message: str
    values: Mapping[str, str] = field(default_factory=dict)
    """What the refused form held, to fill it in again."""


def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    """A rendered page; every form on it carries this browser's CSRF token."""
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {"csrf_field": CSRF_FIELD, "csrf": csrf_token(request), **context},
        status_code=status,
    )
    keep_nonce(response, request)
    return response


def go(path: str) -> Response:
    return RedirectResponse(path, status_code=SEE_OTHER)


def refusal_page(request: Request, status: int, message: str) -> Response:
    return page(request, "refused.html", status, message=message)


def forged(request: Request) -> Response:
    return refusal_page(
        request,
        403,
        "This form was not sent from a page of this board (its CSRF token is missing or"
        " wrong); reload the page and try again.",
    )


async def sign_in_page(request: Request) -> Response:
    if request.method == "GET":
        return page(request, "sign_in.html")
    form = await request.form()
    if not csrf_holds(request, _text(form.get(CSRF_FIELD))):
        return forged(request)
    secret = _text(form.get("token")) or ""
    try:
        await sign_in(request, secret)
    except AuthenticationFailed as failure:
        return page(request, "sign_in.html", 401, refusal=str(failure))
    response = go("/")
    keep_session(response, request, secret)
    return response


async def sign_out(request: Request) -> Response:
    form = await request.form()
    if not csrf_holds(request, _text(form.get(CSRF_FIELD))):
        return forged(request)
    response = go("/sign-in")
    end_session(response)
    return response


async def home(request: Request) -> Response:
    """The first roadmap by name, or a page saying there is none yet."""
    principal = await principal_of(request)
    if principal is None:
        return go("/sign-in")
    links = await roadmap_links(services_of(request), principal.workspace_id)
    if links:
        return go(f"/roadmaps/{links[0].id}")
    return page(request, "roadmap.html", principal=principal, roadmaps=links, table=None)


async def roadmap_page(request: Request) -> Response:
    principal = await principal_of(request)
    if principal is None:
        return go("/sign-in")
    try:
        travel = time_travel(request.query_params)
    except BadInstant as bad:
        return refusal_page(request, 400, str(bad))
    return await render_roadmap(request, principal, request.path_params["roadmap"], travel=travel)


async def render_roadmap(
    request: Request,
    principal: Principal,
    roadmap: str,
    refused: Refused | None = None,
    travel: TimeTravel | None = None,
) -> Response:
    """The roadmap table page (422 with the refusal next to its control, if any): now, now
    with the changes since an instant marked, or as of an instant (read only)."""
    try:
        ref = from_global_id(roadmap, "Roadmap")
    except InvalidGlobalId:
        return refusal_page(request, 404, f"Roadmap {roadmap!r} not found")
    services = services_of(request)
    # Read before the table: a change committed meanwhile is signalled, never missed.
    read_at = services.watcher.position
    as_of = travel.at if travel is not None and not travel.since else None
    table = await roadmap_table(services, principal.workspace_id, ref.id, as_of)
    if table is None and as_of is not None:
        table = await roadmap_table(services, principal.workspace_id, ref.id)
        if table is not None:
            return refusal_page(
                request, 404, f"Roadmap {table.name!r} did not exist yet at {when(as_of)}"
            )
    if table is None:
        return refusal_page(request, 404, f"Roadmap {roadmap!r} not found")
    since = None
    if travel is not None and travel.since:
        since = await changes_since(services, principal.workspace_id, ref.id, travel.at)
    editor = principal.role.allows(Role.EDITOR) and as_of is None
    return page(
        request,
        "roadmap.html",
        422 if refused else 200,
        principal=principal,
        roadmaps=await roadmap_links(services, principal.workspace_id),
        table=table,
        editor=editor,
        badges=status_badges(editor),
        refused=refused,
        travel=travel,
        picked=picker_value(travel.at if travel else datetime.now(UTC)),
        since=since,
        live_after=read_at if as_of is None else None,
        proposal_key=uuid4().hex,
    )


def _text(value: object) -> str | None:
    """A form field's text (an uploaded file is no answer)."""
    return value if isinstance(value, str) else None
