"""Required texts: blank (empty or only whitespace) is refused, whichever command takes it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

import pytest

from backend.application import Caller
from backend.domain.deliverable import NewDeliverable
from backend.domain.errors import DomainError, Invalid, ReasonRequired
from tests.domain.helpers import ObservedRoadlog, a_key_result, initiatives_on, rejected

BLANKS = ["", "   ", "\t\n"]

Command = Callable[[str], object]
Attempt = Callable[[ObservedRoadlog, Caller, UUID], Command]
"""Sets up what the command needs (that may record), then gives the command of a text."""


def decision(field: str) -> Attempt:
    def attempt(app: ObservedRoadlog, caller: Caller, roadmap_id: UUID) -> Command:
        def record(blank: str) -> object:
            texts = {"title": "D", "context": "c", "outcome": "o", "rationale": "r", field: blank}
            return app.record_decision(
                caller,
                title=texts["title"],
                context=texts["context"],
                outcome=texts["outcome"],
                rationale=texts["rationale"],
            )

        return record

    return attempt


def move(app: ObservedRoadlog, caller: Caller, roadmap_id: UUID) -> Command:
    first, _ = initiatives_on(app, caller, roadmap_id, 2)
    return lambda blank: app.move_initiative(
        caller, roadmap_id=roadmap_id, initiative_id=first, to_position=2, reason=blank
    )


def key_result(app: ObservedRoadlog, caller: Caller, roadmap_id: UUID) -> Command:
    objective_id, _ = a_key_result(app, caller)
    return lambda blank: app.add_key_result(
        caller, objective_id=objective_id, title=blank, unit="", start_value=0.0, target_value=1.0
    )


REQUIRED: list[tuple[str, Attempt, type[DomainError], str]] = [
    ("decision rationale", decision("rationale"), Invalid, "rationale"),
    ("decision context", decision("context"), Invalid, "context"),
    ("decision outcome", decision("outcome"), Invalid, "outcome"),
    ("decision title", decision("title"), Invalid, "title"),
    ("team name", lambda app, c, r: lambda blank: app.create_team(c, name=blank), Invalid, "name"),
    (
        "roadmap name",
        lambda app, c, r: lambda blank: app.create_roadmap(c, name=blank),
        Invalid,
        "name",
    ),
    (
        "cycle name",
        lambda app, c, r: (
            lambda blank: app.create_cycle(
                c, roadmap_id=r, name=blank, starts_on=date(2026, 1, 5), ends_on=date(2026, 2, 1)
            )
        ),
        Invalid,
        "name",
    ),
    (
        "initiative title",
        lambda app, c, r: (
            lambda blank: app.propose_initiative(c, roadmap_id=r, title=blank, goal="g")
        ),
        Invalid,
        "title",
    ),
    (
        "initiative goal",
        lambda app, c, r: (
            lambda blank: app.propose_initiative(c, roadmap_id=r, title="t", goal=blank)
        ),
        Invalid,
        "goal",
    ),
    (
        "deliverable title",
        lambda app, c, r: (
            lambda blank: app.propose_initiative(
                c, roadmap_id=r, title="t", goal="g", deliverables=[NewDeliverable(blank)]
            )
        ),
        Invalid,
        "deliverables.0.title",
    ),
    (
        "objective title",
        lambda app, c, r: (
            lambda blank: app.create_objective(c, title=blank, period="2026-Q3", level="COMPANY")
        ),
        Invalid,
        "title",
    ),
    ("key result title", key_result, Invalid, "title"),
    ("reason of a move", move, ReasonRequired, "reason"),
]


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize(
    ("attempt", "error", "field"),
    [pytest.param(attempt, error, field, id=name) for name, attempt, error, field in REQUIRED],
)
def test_a_blank_required_text_is_refused_and_records_nothing(
    app: ObservedRoadlog,
    editor: Caller,
    roadmap_id: UUID,
    attempt: Attempt,
    error: type[DomainError],
    field: str,
    blank: str,
) -> None:
    command = attempt(app, editor, roadmap_id)
    refused = rejected(app, error, field, lambda: command(blank))
    assert "blank" in refused.message or "reason" in refused.message
