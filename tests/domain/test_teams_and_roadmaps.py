"""Creating teams and roadmaps: names, cadences, owners, client-supplied ids."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from backend.application import Caller
from backend.domain.errors import AlreadyExists, Invalid, NotFound
from backend.domain.team import Team
from tests.domain.helpers import (
    ObservedRoadlog,
    attrs,
    event_count,
    events_after,
    kinds,
    recorded,
    rejected,
)


def test_creating_a_team_records_its_trimmed_name_and_who_created_it(
    app: ObservedRoadlog, editor: Caller
) -> None:
    result = app.create_team(editor, name="  SRE ")

    [event] = events_after(app, 0)
    assert kinds([event]) == ["Team.Created"]
    assert event.originator_id == result.id
    assert attrs(event, "name", "actor", "reason", "decision_id", "workspace_id") == {
        "name": "SRE",
        "actor": "ed@example.com",
        "reason": "",
        "decision_id": None,
        "workspace_id": editor.workspace_id,
    }
    # The last event of the log: the reservation of its name was saved just before it.
    assert result.position == event_count(app)


def test_a_blank_team_name_is_invalid_and_records_nothing(
    app: ObservedRoadlog, editor: Caller
) -> None:
    rejected(app, Invalid, "name", lambda: app.create_team(editor, name="   "))


def test_a_client_supplied_id_is_used_and_a_second_use_is_a_conflict(
    app: ObservedRoadlog, editor: Caller
) -> None:
    team_id = uuid4()
    assert app.create_team(editor, name="SRE", id=team_id).id == team_id
    error = rejected(
        app, AlreadyExists, "id", lambda: app.create_team(editor, name="x", id=team_id)
    )
    assert error.code == "CONFLICT"
    assert isinstance(app.repository.get(team_id), Team)


def test_a_roadmap_defaults_to_quarters_starting_in_january(
    app: ObservedRoadlog, editor: Caller
) -> None:
    [event] = recorded(app, lambda: app.create_roadmap(editor, name=" Platform "))
    assert kinds([event]) == ["Roadmap.Created"]
    assert attrs(
        event, "name", "team_id", "fiscal_year_start_month", "cycle_weeks", "anchor_date"
    ) == {
        "name": "Platform",
        "team_id": None,
        "fiscal_year_start_month": 1,
        "cycle_weeks": None,
        "anchor_date": None,
    }


def test_a_roadmap_with_a_fiscal_year_starting_in_february_and_a_team(
    app: ObservedRoadlog, editor: Caller
) -> None:
    team_id = app.create_team(editor, name="SRE").id
    [event] = recorded(
        app,
        lambda: app.create_roadmap(
            editor, name="SRE board", team_id=team_id, fiscal_year_start_month=2
        ),
    )
    assert attrs(event, "team_id", "fiscal_year_start_month") == {
        "team_id": team_id,
        "fiscal_year_start_month": 2,
    }


def test_a_roadmap_with_fixed_six_week_cycles(app: ObservedRoadlog, editor: Caller) -> None:
    [event] = recorded(
        app,
        lambda: app.create_roadmap(
            editor, name="Node", cycle_weeks=6, anchor_date=date(2026, 1, 5)
        ),
    )
    assert attrs(event, "fiscal_year_start_month", "cycle_weeks", "anchor_date") == {
        "fiscal_year_start_month": None,
        "cycle_weeks": 6,
        "anchor_date": date(2026, 1, 5),
    }


@pytest.mark.parametrize(
    ("cadence", "field"),
    [
        ({"fiscal_year_start_month": 0}, "fiscal_year_start_month"),
        ({"fiscal_year_start_month": 13}, "fiscal_year_start_month"),
        ({"cycle_weeks": 6}, "anchor_date"),
        ({"anchor_date": date(2026, 1, 5)}, "cycle_weeks"),
        ({"cycle_weeks": 0, "anchor_date": date(2026, 1, 5)}, "cycle_weeks"),
        (
            {"fiscal_year_start_month": 2, "cycle_weeks": 6, "anchor_date": date(2026, 1, 5)},
            "cadence",
        ),
    ],
)
def test_a_bad_or_mixed_cadence_is_invalid_and_records_nothing(
    app: ObservedRoadlog, editor: Caller, cadence: dict[str, Any], field: str
) -> None:
    rejected(
        app,
        Invalid,
        field,
        lambda: app.create_roadmap(editor, name="Platform", **cadence),
    )


def test_a_blank_roadmap_name_is_invalid(app: ObservedRoadlog, editor: Caller) -> None:
    rejected(app, Invalid, "name", lambda: app.create_roadmap(editor, name=""))


def test_a_roadmap_of_a_missing_team_is_not_found(
    app: ObservedRoadlog, editor: Caller, some_id: UUID
) -> None:
    rejected(
        app, NotFound, "team_id", lambda: app.create_roadmap(editor, name="P", team_id=some_id)
    )


def test_a_team_of_another_workspace_looks_missing(
    app: ObservedRoadlog, editor: Caller, outsider: Caller
) -> None:
    their_team = app.create_team(outsider, name="Theirs").id
    error = rejected(
        app, NotFound, "team_id", lambda: app.create_roadmap(editor, name="P", team_id=their_team)
    )
    assert error.message == f"Team {str(their_team)!r} not found"
