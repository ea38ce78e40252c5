"""Initiatives: proposing (with deliverables, atomically placed) and updating."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from backend.application import Caller
from backend.domain.deliverable import NewDeliverable
from backend.domain.errors import AlreadyExists, Conflict, Invalid, NotFound
from backend.domain.initiative import Initiative
from tests.domain.helpers import (
    ObservedRoadlog,
    a_cycle,
    a_roadmap,
    attrs,
    current,
    event_count,
    events_after,
    initiatives_on,
    kinds,
    recorded,
    rejected,
)


def test_proposing_records_the_initiative_its_deliverables_and_its_place_in_one_save(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    cycle_id = a_cycle(app, editor, roadmap_id)
    team_id = app.create_team(editor, name="SRE").id
    before = event_count(app)

    result = app.propose_initiative(
        editor,
        roadmap_id=roadmap_id,
        title=" Zero-downtime deploys ",
        goal="Users never see a maintenance page, because deploys are routine",
        stakeholders=[" support ", "sales"],
        team_id=team_id,
        kind="OPERATIONS",
        deliverables=[
            NewDeliverable("Blue/green", estimate_weeks=Decimal("3.5"), target_cycle_id=cycle_id),
            NewDeliverable("Runbook", stretch=True, target_date=date(2026, 3, 1)),
        ],
        reason="Q1 planning",
    )

    events = events_after(app, before)
    assert kinds(events) == [
        "Initiative.Proposed",
        "Initiative.DeliverableAdded",
        "Initiative.DeliverableEstimated",
        "Initiative.DeliverableRetargeted",
        "Initiative.DeliverableAdded",
        "Initiative.DeliverableRetargeted",
        "Roadmap.InitiativePlaced",
    ]
    proposed, added, estimated, targeted, added2, targeted2, placed = events
    assert result.id == proposed.originator_id
    assert result.position == event_count(app)
    assert attrs(
        proposed, "roadmap_id", "title", "goal", "stakeholders", "team_id", "kind", "parent_id"
    ) == {
        "roadmap_id": roadmap_id,
        "title": "Zero-downtime deploys",
        "goal": "Users never see a maintenance page, because deploys are routine",
        "stakeholders": ["support", "sales"],
        "team_id": team_id,
        "kind": "OPERATIONS",
        "parent_id": None,
    }
    deliverable_id = attrs(added, "deliverable_id")["deliverable_id"]
    assert attrs(added, "title", "stretch") == {"title": "Blue/green", "stretch": False}
    assert attrs(estimated, "deliverable_id", "weeks", "confidence", "generation") == {
        "deliverable_id": deliverable_id,
        "weeks": Decimal("3.5"),
        "confidence": None,
        "generation": 1,
    }
    assert attrs(
        targeted, "to_cycle_id", "to_date", "to_due_on", "from_cycle_id", "from_due_on", "slip"
    ) == {
        "to_cycle_id": cycle_id,
        "to_date": None,
        "to_due_on": date(2026, 2, 13),
        "from_cycle_id": None,
        "from_due_on": None,
        "slip": False,
    }
    assert attrs(added2, "title", "stretch") == {"title": "Runbook", "stretch": True}
    assert attrs(targeted2, "to_cycle_id", "to_date", "to_due_on") == {
        "to_cycle_id": None,
        "to_date": date(2026, 3, 1),
        "to_due_on": date(2026, 3, 1),
    }
    assert attrs(placed, "originator_id", "initiative_id", "position") == {
        "originator_id": roadmap_id,
        "initiative_id": result.id,
        "position": 1,
    }
    for event in events:
        assert attrs(event, "actor", "reason", "workspace_id", "effective_at") == {
            "actor": "ed@example.com",
            "reason": "Q1 planning",
            "workspace_id": editor.workspace_id,
            "effective_at": attrs(proposed, "effective_at")["effective_at"],
        }


def test_the_kind_defaults_to_feature(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    assert current(app, Initiative, initiative_id).kind == "FEATURE"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"goal": ""}, "goal"),
        ({"kind": "EPIC"}, "kind"),
        ({"stakeholders": ["ok", " "]}, "stakeholders"),
        ({"deliverables": [NewDeliverable(" ")]}, "deliverables.0.title"),
        (
            {"deliverables": [NewDeliverable("a"), NewDeliverable("b", estimate_weeks=Decimal(0))]},
            "deliverables.1.estimate_weeks",
        ),
        (
            {
                "deliverables": [
                    NewDeliverable("a", target_cycle_id=uuid4(), target_date=date(2026, 1, 1))
                ]
            },
            "deliverables.0.target_date",
        ),
    ],
)
def test_a_bad_proposal_is_invalid_and_records_nothing(
    app: ObservedRoadlog,
    editor: Caller,
    roadmap_id: UUID,
    changes: dict[str, Any],
    field: str,
) -> None:
    proposal: dict[str, Any] = {"roadmap_id": roadmap_id, "title": "T", "goal": "G"}
    rejected(
        app,
        Invalid,
        field,
        lambda: app.propose_initiative(editor, **{**proposal, **changes}),
    )


def test_a_deliverable_targeting_a_cycle_of_another_roadmap_is_not_found(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    elsewhere = a_cycle(app, editor, a_roadmap(app, editor, "Other"))
    rejected(
        app,
        NotFound,
        "deliverables.0.target_cycle_id",
        lambda: app.propose_initiative(
            editor,
            roadmap_id=roadmap_id,
            title="T",
            goal="G",
            deliverables=[NewDeliverable("a", target_cycle_id=elsewhere)],
        ),
    )


def test_two_deliverables_with_the_same_client_id_conflict(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    same = uuid4()
    rejected(
        app,
        AlreadyExists,
        "deliverables.1.id",
        lambda: app.propose_initiative(
            editor,
            roadmap_id=roadmap_id,
            title="T",
            goal="G",
            deliverables=[NewDeliverable("a", id=same), NewDeliverable("b", id=same)],
        ),
    )


@pytest.mark.parametrize("field", ["roadmap_id", "team_id", "parent_id"])
def test_proposing_with_a_missing_reference_is_not_found(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID, field: str
) -> None:
    proposal: dict[str, Any] = {"roadmap_id": roadmap_id, "title": "T", "goal": "G"}
    proposal[field] = uuid4()
    rejected(
        app,
        NotFound,
        field,
        lambda: app.propose_initiative(editor, **proposal),
    )


def test_a_parent_initiative_names_phases_on_the_same_roadmap(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [pilot] = initiatives_on(app, editor, roadmap_id, 1)
    [proposed, _] = recorded(
        app,
        lambda: app.propose_initiative(
            editor, roadmap_id=roadmap_id, title="GA", goal="G", parent_id=pilot
        ),
    )
    assert attrs(proposed, "parent_id") == {"parent_id": pilot}


def test_a_parent_on_another_roadmap_is_invalid(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [elsewhere] = initiatives_on(app, editor, a_roadmap(app, editor, "Other"), 1)
    rejected(
        app,
        Invalid,
        "parent_id",
        lambda: app.propose_initiative(
            editor, roadmap_id=roadmap_id, title="GA", goal="G", parent_id=elsewhere
        ),
    )


def test_a_roadmap_of_another_workspace_looks_missing(
    app: ObservedRoadlog, editor: Caller, outsider: Caller
) -> None:
    theirs = a_roadmap(app, outsider)
    rejected(
        app,
        NotFound,
        "roadmap_id",
        lambda: app.propose_initiative(editor, roadmap_id=theirs, title="T", goal="G"),
    )


def test_an_id_of_another_kind_of_thing_looks_missing(app: ObservedRoadlog, editor: Caller) -> None:
    team_id = app.create_team(editor, name="SRE").id
    rejected(
        app,
        NotFound,
        "roadmap_id",
        lambda: app.propose_initiative(editor, roadmap_id=team_id, title="T", goal="G"),
    )


def test_a_proposal_repeated_with_its_idempotency_key_returns_the_first_result(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    def propose() -> object:
        return app.propose_initiative(
            editor,
            roadmap_id=roadmap_id,
            title="T",
            goal="G",
            deliverables=[NewDeliverable("a")],
            idempotency_key="req-42",
        )

    first = propose()
    initiatives_on(app, editor, roadmap_id, 1)
    before = event_count(app)
    assert propose() == first
    assert event_count(app) == before


def test_the_receipt_of_an_idempotency_key_is_saved_last_in_the_same_save(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    events = recorded(
        app,
        lambda: app.propose_initiative(
            editor, roadmap_id=roadmap_id, title="T", goal="G", idempotency_key="k"
        ),
    )
    assert kinds(events) == [
        "Initiative.Proposed",
        "Roadmap.InitiativePlaced",
        "CommandReceipt.Issued",
    ]
    assert attrs(events[-1], "command", "key", "result_id") == {
        "command": "propose_initiative",
        "key": "k",
        "result_id": events[0].originator_id,
    }


def test_a_client_supplied_initiative_id_is_used_once(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    chosen = uuid4()
    assert (
        app.propose_initiative(editor, roadmap_id=roadmap_id, title="T", goal="G", id=chosen).id
        == chosen
    )
    rejected(
        app,
        AlreadyExists,
        "id",
        lambda: app.propose_initiative(
            editor, roadmap_id=roadmap_id, title="T", goal="G", id=chosen
        ),
    )


def test_updating_records_only_the_fields_that_really_change(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    team_id = app.create_team(editor, name="SRE").id
    [updated] = recorded(
        app,
        lambda: app.update_initiative(
            editor,
            initiative_id=initiative_id,
            title="I1",
            goal=" New goal ",
            stakeholders=["ops"],
            team_id=team_id,
            kind="FEATURE",
            reason="rescoped",
        ),
    )
    assert kinds([updated]) == ["Initiative.Updated"]
    assert attrs(updated, "changes", "reason") == {
        "changes": {
            "goal": ["g", "New goal"],
            "stakeholders": [[], ["ops"]],
            "team_id": [None, team_id],
        },
        "reason": "rescoped",
    }
    initiative = current(app, Initiative, initiative_id)
    assert (initiative.goal, initiative.stakeholders, initiative.team_id) == (
        "New goal",
        ["ops"],
        team_id,
    )


def test_an_update_that_changes_nothing_records_nothing(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    before = event_count(app)
    result = app.update_initiative(editor, initiative_id=initiative_id, title=" I1 ", goal="g")
    assert result.position is None
    assert event_count(app) == before


def test_an_update_with_a_stale_expected_version_is_a_conflict(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    app.update_initiative(editor, initiative_id=initiative_id, title="v2")
    rejected(
        app,
        Conflict,
        "expected_version",
        lambda: app.update_initiative(
            editor, initiative_id=initiative_id, title="v3", expected_version=1
        ),
    )


def test_an_update_to_a_blank_title_or_unknown_kind_is_invalid(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    rejected(
        app,
        Invalid,
        "title",
        lambda: app.update_initiative(editor, initiative_id=initiative_id, title=""),
    )
    rejected(
        app,
        Invalid,
        "kind",
        lambda: app.update_initiative(editor, initiative_id=initiative_id, kind="X"),
    )
