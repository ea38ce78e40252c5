"""Domain messages in the API's words: camelCase names, global ids, quoted values kept."""

from __future__ import annotations

from uuid import UUID

from backend.domain.errors import Conflict, Invalid, NotFound, ReasonRequired
from schema.mutations.wording import api_message
from schema.relay import to_global_id

INITIATIVE = UUID("11111111-1111-4111-8111-111111111111")
DELIVERABLE = UUID("22222222-2222-4222-8222-222222222222")


def test_names_are_camel_case_outside_quoted_values() -> None:
    error = Invalid("fiscal_year_start_month 13 is not a month (1..12)", "x")
    assert api_message(error) == "fiscalYearStartMonth 13 is not a month (1..12)"
    error = Invalid("a deliverable's title must not be blank, got 'keep_this_value'", "x")
    assert api_message(error) == "a deliverable's title must not be blank, got 'keep_this_value'"
    error = Invalid("'my_title' and \"it's_mine\" are values; effective_at is a name", "x")
    assert api_message(error) == "'my_title' and \"it's_mine\" are values; effectiveAt is a name"


def test_quoted_ids_become_global_ids() -> None:
    conflict = api_message(Conflict("Initiative", INITIATIVE, expected=2, current=3))
    assert str(INITIATIVE) not in conflict
    assert f"Initiative {to_global_id('Initiative', INITIATIVE)!r} is at version 3" in conflict
    missing = api_message(NotFound("Deliverable", DELIVERABLE, within=INITIATIVE))
    assert (
        missing == f"Deliverable {to_global_id('Deliverable', INITIATIVE, DELIVERABLE)!r} not found"
    )


def test_a_message_without_names_or_ids_is_unchanged() -> None:
    assert api_message(ReasonRequired("moving an initiative needs a reason: say why")) == (
        "moving an initiative needs a reason: say why"
    )
