"""The board's pages: sign-in and sign-out, and the roadmap table with its switcher."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from backend.tokens import Principal, Role
from board.roadmap_table import roadmap_links, roadmap_table, status_options
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
from schema.auth import AuthenticationFailed
from schema.relay import InvalidGlobalId, from_global_id

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

SEE_OTHER = 303


@dataclass(frozen=True)
class Refused:
    """A command's refusal, in the API's words, shown next to the control that sent it."""

    control: str
    message: str


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
    return await render_roadmap(request, principal, request.path_params["roadmap"])


async def render_roadmap(
    request: Request,
    principal: Principal,
    roadmap: str,
    refused: Refused | None = None,
) -> Response:
    """The roadmap table page (422 with the refusal next to its control, if any)."""
    try:
        ref = from_global_id(roadmap, "Roadmap")
    except InvalidGlobalId:
        return refusal_page(request, 404, f"Roadmap {roadmap!r} not found")
    services = services_of(request)
    table = await roadmap_table(services, principal.workspace_id, ref.id)
    if table is None:
        return refusal_page(request, 404, f"Roadmap {roadmap!r} not found")
    return page(
        request,
        "roadmap.html",
        422 if refused else 200,
        principal=principal,
        roadmaps=await roadmap_links(services, principal.workspace_id),
        table=table,
        editor=principal.role.allows(Role.EDITOR),
        refused=refused,
    )


def _text(value: object) -> str | None:
    """A form field's text (an uploaded file is no answer)."""
    return value if isinstance(value, str) else None
