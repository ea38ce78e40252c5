"""The weekly meeting's controls: change a deliverable's status, move an initiative,
propose an initiative, add a deliverable, retarget a deliverable to a cycle.

Each control posts a form that runs the same Application command the GraphQL mutation
runs, with the same caller and the same rules; a refusal is the API's message, shown
next to the control. A success waits (bounded) until the read models show the change,
then sends the browser back to the roadmap (303), so a reload never posts twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from backend.application import Caller, Recorded
from backend.domain.deliverable import NewDeliverable
from backend.domain.errors import DomainError
from backend.tokens import Principal, Role
from board.pages import Refused, forged, go, refusal_page, render_roadmap
from board.session import CSRF_FIELD, csrf_holds, principal_of, services_of
from board.time_travel import came_from
from schema.mutations.outcome import caller_of, settle
from schema.mutations.wording import api_message
from schema.permissions import not_allowed
from schema.relay import GlobalRef, InvalidGlobalId, from_global_id

Command = Callable[[Caller], Recorded]


class BadForm(Exception):
    """A form no page of the board sends (a hand-made request): 400."""


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _number(form: FormData, name: str) -> int | None:
    text = _field(form, name)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise BadForm(f"{name} must be a whole number, not {text!r}") from None


def _ref(value: str, kind: str) -> GlobalRef:
    try:
        return from_global_id(value, kind)
    except InvalidGlobalId:
        raise BadForm(f"{value!r} is not the id of a {kind}") from None


async def _run(
    request: Request,
    prepare: Callable[[FormData], Command],
    control: Callable[[FormData], str],
) -> Response:
    """Check the session, the role and the CSRF token, then run the command."""
    principal: Principal | None = await principal_of(request)
    if principal is None:
        return go("/sign-in")
    form = await request.form()
    if not csrf_holds(request, _field(form, CSRF_FIELD)):
        return forged(request)
    if not principal.role.allows(Role.EDITOR):
        return refusal_page(request, 403, not_allowed(principal, Role.EDITOR))
    roadmap = request.path_params["roadmap"]
    page_path = f"/roadmaps/{roadmap}"
    # Back to the view the form was on: now, or now with the changes since an instant.
    travel = came_from(request.headers.get("referer"), page_path)
    try:
        command = prepare(form)
        recorded = await run_in_threadpool(partial(command, caller_of(principal)))
    except BadForm as error:
        return refusal_page(request, 400, str(error))
    except DomainError as error:
        values = {
            name: value
            for name, value in form.multi_items()
            if isinstance(value, str) and name != CSRF_FIELD
        }
        refused = Refused(control(form), api_message(error), values)
        answer = await render_roadmap(request, principal, roadmap, refused, travel)
        # The page with the refusal is the roadmap's, not the control's address: keep the
        # address bar (htmx would push the form's), so that a reload never GETs a control.
        answer.headers["hx-push-url"] = "false"
        return answer
    await settle(services_of(request), recorded.position)
    return go(page_path if travel is None else f"{page_path}?{travel.query}")


async def change_status(request: Request) -> Response:
    """A deliverable's new status (a reason to reopen a finished one)."""
    deliverable = request.path_params["deliverable"]

    def prepare(form: FormData) -> Command:
        ref = _ref(deliverable, "Deliverable")
        app = services_of(request).app
        return lambda caller: app.change_deliverable_status(
            caller,
            initiative_id=ref.parent_id,
            deliverable_id=ref.id,
            status=_field(form, "status"),
            reason=_field(form, "reason"),
            expected_version=_number(form, "expected_version"),
        )

    return await _run(request, prepare, lambda _form: f"status-{deliverable}")


async def move_initiative(request: Request) -> Response:
    """An initiative (the form's) to another priority position, with the reason asked for."""

    def prepare(form: FormData) -> Command:
        roadmap_ref = _ref(request.path_params["roadmap"], "Roadmap")
        initiative_ref = _ref(_field(form, "initiative"), "Initiative")
        to_position = _number(form, "to_position")
        if to_position is None:
            raise BadForm("to_position is required")
        app = services_of(request).app
        return lambda caller: app.move_initiative(
            caller,
            roadmap_id=roadmap_ref.id,
            initiative_id=initiative_ref.id,
            to_position=to_position,
            reason=_field(form, "reason"),
            expected_version=_number(form, "expected_version"),
        )

    return await _run(request, prepare, lambda form: f"move-{_field(form, 'initiative')}")


def _weeks(form: FormData, name: str) -> Decimal | None:
    text = _field(form, name)
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise BadForm(f"{name} must be a number of weeks, not {text!r}") from None


def _day(form: FormData, name: str) -> date | None:
    text = _field(form, name)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadForm(f"{name} must be a date (2026-12-07), not {text!r}") from None


def _cycle(form: FormData, name: str) -> GlobalRef | None:
    text = _field(form, name)
    return _ref(text, "Cycle") if text else None


async def propose_initiative(request: Request) -> Response:
    """A new initiative on this roadmap (last, or at the position asked for)."""

    def prepare(form: FormData) -> Command:
        roadmap_ref = _ref(request.path_params["roadmap"], "Roadmap")
        stakeholders = [name.strip() for name in _field(form, "stakeholders").split(",")]
        app = services_of(request).app
        return lambda caller: app.propose_initiative(
            caller,
            roadmap_id=roadmap_ref.id,
            title=_field(form, "title"),
            goal=_field(form, "goal"),
            stakeholders=[name for name in stakeholders if name],
            position=_number(form, "position"),
            reason=_field(form, "reason"),
            # One per rendered form: a form sent twice proposes one initiative.
            idempotency_key=_field(form, "idempotency_key") or None,
        )

    return await _run(request, prepare, lambda _form: "propose")


async def add_deliverable(request: Request) -> Response:
    """A deliverable for the form's initiative, with its first estimate and target."""

    def prepare(form: FormData) -> Command:
        initiative_ref = _ref(_field(form, "initiative"), "Initiative")
        cycle = _cycle(form, "target_cycle")
        deliverable = NewDeliverable(
            title=_field(form, "title"),
            stretch=_field(form, "stretch") == "on",
            estimate_weeks=_weeks(form, "estimate_weeks"),
            target_cycle_id=None if cycle is None else cycle.id,
            target_date=_day(form, "target_date"),
        )
        app = services_of(request).app
        return lambda caller: app.add_deliverable(
            caller, initiative_id=initiative_ref.id, deliverable=deliverable
        )

    return await _run(request, prepare, lambda form: f"add-{_field(form, 'initiative')}")


async def retarget_deliverable(request: Request) -> Response:
    """The form's deliverable aimed at a cycle of the roadmap, with the reason asked for."""

    def prepare(form: FormData) -> Command:
        deliverable_ref = _ref(_field(form, "deliverable"), "Deliverable")
        cycle = _cycle(form, "target_cycle")
        app = services_of(request).app
        return lambda caller: app.retarget_deliverable(
            caller,
            initiative_id=deliverable_ref.parent_id,
            deliverable_id=deliverable_ref.id,
            reason=_field(form, "reason"),
            target_cycle_id=None if cycle is None else cycle.id,
        )

    return await _run(request, prepare, lambda form: f"retarget-{_field(form, 'deliverable')}")
