"""Decision records: links to what they affect, supersession without cycles."""

from __future__ import annotations

from functools import partial
from typing import Any
from uuid import UUID, uuid4

from backend.application import Caller
from backend.domain.decision import Decision, DecisionLink
from backend.domain.errors import DomainError, Invalid, NotFound
from tests.domain.helpers import (
    ObservedRoadlog,
    attrs,
    current,
    initiatives_on,
    kinds,
    recorded,
    rejected,
)


def decide(app: ObservedRoadlog, caller: Caller, title: str = "D", **changes: Any) -> UUID:
    """Record a decision with defaults, overridden by ``changes``."""
    command: dict[str, Any] = {
        "title": title,
        "context": "c",
        "outcome": "o",
        "rationale": "r",
        **changes,
    }
    return app.record_decision(caller, **command).id


def test_recording_a_decision_with_links_to_everything_it_affects(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    objective_id = app.create_objective(editor, title="O", period="2026-Q3", level="COMPANY").id
    key_result_id = app.add_key_result(
        editor, objective_id=objective_id, title="KR", unit="", start_value=0, target_value=1
    ).id
    [recorded_event] = recorded(
        app,
        lambda: app.record_decision(
            editor,
            title=" Adopt Postgres ",
            context="We need durability",
            options=["Postgres", " MySQL "],
            outcome="Postgres",
            rationale="Team knows it",
            decided_by=["cto", "lead"],
            status="PROPOSED",
            links=[
                DecisionLink("Initiative", initiative_id),
                DecisionLink("Roadmap", roadmap_id),
                DecisionLink("Objective", objective_id),
                DecisionLink("KeyResult", key_result_id, objective_id),
            ],
        ),
    )
    assert kinds([recorded_event]) == ["Decision.Recorded"]
    assert attrs(
        recorded_event,
        "title",
        "context",
        "options",
        "outcome",
        "rationale",
        "decided_by",
        "status",
        "links",
    ) == {
        "title": "Adopt Postgres",
        "context": "We need durability",
        "options": ["Postgres", "MySQL"],
        "outcome": "Postgres",
        "rationale": "Team knows it",
        "decided_by": ["cto", "lead"],
        "status": "PROPOSED",
        "links": [
            {"kind": "Initiative", "id": initiative_id, "parent_id": None},
            {"kind": "Roadmap", "id": roadmap_id, "parent_id": None},
            {"kind": "Objective", "id": objective_id, "parent_id": None},
            {"kind": "KeyResult", "id": key_result_id, "parent_id": objective_id},
        ],
    }


def test_a_decision_is_accepted_by_default(app: ObservedRoadlog, editor: Caller) -> None:
    assert current(app, Decision, decide(app, editor)).status == "ACCEPTED"


def test_bad_decisions_are_refused_with_their_field(
    app: ObservedRoadlog, editor: Caller, outsider: Caller, roadmap_id: UUID
) -> None:
    theirs = app.create_roadmap(outsider, name="Theirs").id
    objective_id = app.create_objective(editor, title="O", period="2026-Q3", level="COMPANY").id
    cases: list[tuple[type[DomainError], str, dict[str, Any]]] = [
        (Invalid, "title", {"title": " "}),
        (Invalid, "status", {"status": "SUPERSEDED"}),
        (Invalid, "status", {"status": "MAYBE"}),
        (Invalid, "links.0", {"links": [DecisionLink("Team", roadmap_id)]}),
        (Invalid, "links.0", {"links": [DecisionLink("KeyResult", uuid4())]}),
        (
            NotFound,
            "links.1",
            {"links": [DecisionLink("Roadmap", roadmap_id), DecisionLink("Roadmap", theirs)]},
        ),
        (NotFound, "links.0", {"links": [DecisionLink("Initiative", roadmap_id)]}),
        (NotFound, "links.0", {"links": [DecisionLink("KeyResult", uuid4(), objective_id)]}),
    ]
    for error, field, changes in cases:
        rejected(
            app,
            error,
            field,
            partial(decide, app, editor, **changes),
        )


def test_superseding_marks_the_older_decision_superseded(
    app: ObservedRoadlog, editor: Caller
) -> None:
    old = decide(app, editor, "old")
    new = decide(app, editor, "new")
    [superseded] = recorded(
        app,
        lambda: app.supersede_decision(
            editor, decision_id=old, superseded_by_id=new, reason="new facts"
        ),
    )
    assert kinds([superseded]) == ["Decision.Superseded"]
    assert superseded.originator_id == old
    assert attrs(superseded, "superseded_by_id", "reason") == {
        "superseded_by_id": new,
        "reason": "new facts",
    }
    decision = current(app, Decision, old)
    assert (decision.status, decision.superseded_by_id) == ("SUPERSEDED", new)


def test_no_self_or_circular_supersession_and_no_missing_decisions(
    app: ObservedRoadlog, editor: Caller
) -> None:
    first, second, third = (decide(app, editor, name) for name in ["1", "2", "3"])
    app.supersede_decision(editor, decision_id=first, superseded_by_id=second)
    app.supersede_decision(editor, decision_id=second, superseded_by_id=third)
    for decision, by, error, field in [
        (third, third, Invalid, "superseded_by_id"),
        (third, first, Invalid, "superseded_by_id"),
        (third, second, Invalid, "superseded_by_id"),
        (first, third, Invalid, "decision_id"),
        (uuid4(), third, NotFound, "decision_id"),
        (third, uuid4(), NotFound, "superseded_by_id"),
    ]:
        rejected(
            app,
            error,
            field,
            partial(app.supersede_decision, editor, decision_id=decision, superseded_by_id=by),
        )


def test_a_decision_of_another_workspace_cannot_drive_a_change(
    app: ObservedRoadlog, editor: Caller, outsider: Caller, roadmap_id: UUID
) -> None:
    first, _ = initiatives_on(app, editor, roadmap_id, 2)
    theirs = decide(app, outsider)
    rejected(
        app,
        NotFound,
        "decision_id",
        lambda: app.remove_initiative(
            editor, roadmap_id=roadmap_id, initiative_id=first, reason="r", decision_id=theirs
        ),
    )
