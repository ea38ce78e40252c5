"""Alignments: initiatives laddering up to key results, CONTRIBUTES or SUPPORTS."""

from __future__ import annotations

from functools import partial
from uuid import UUID, uuid4

from backend.application import Caller
from backend.domain.errors import Invalid, NotFound
from backend.domain.initiative import Initiative
from tests.domain.helpers import (
    ObservedRoadlog,
    attrs,
    current,
    initiatives_on,
    kinds,
    recorded,
    rejected,
)


def a_key_result(app: ObservedRoadlog, caller: Caller) -> tuple[UUID, UUID]:
    objective_id = app.create_objective(
        caller, title="Reliable", period="2026-Q1", level="COMPANY"
    ).id
    key_result_id = app.add_key_result(
        caller, objective_id=objective_id, title="SLO", unit="%", start_value=99, target_value=99.9
    ).id
    return objective_id, key_result_id


def test_aligning_an_initiative_to_a_key_result(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    objective_id, key_result_id = a_key_result(app, editor)
    [aligned] = recorded(
        app,
        lambda: app.align_initiative(
            editor,
            initiative_id=initiative_id,
            objective_id=objective_id,
            key_result_id=key_result_id,
            kind="CONTRIBUTES",
            reason="directly moves the SLO",
        ),
    )
    assert kinds([aligned]) == ["Initiative.Aligned"]
    assert attrs(aligned, "objective_id", "key_result_id", "kind", "reason") == {
        "objective_id": objective_id,
        "key_result_id": key_result_id,
        "kind": "CONTRIBUTES",
        "reason": "directly moves the SLO",
    }


def test_aligning_again_with_the_same_kind_records_nothing_and_another_kind_realigns(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    objective_id, key_result_id = a_key_result(app, editor)

    def align(kind: str) -> object:
        return app.align_initiative(
            editor,
            initiative_id=initiative_id,
            objective_id=objective_id,
            key_result_id=key_result_id,
            kind=kind,
        )

    align("CONTRIBUTES")
    assert recorded(app, lambda: align("CONTRIBUTES")) == []
    [realigned] = recorded(app, lambda: align("SUPPORTS"))
    assert attrs(realigned, "kind") == {"kind": "SUPPORTS"}
    [alignment] = current(app, Initiative, initiative_id).alignments
    assert alignment.kind == "SUPPORTS"


def test_aligning_to_a_missing_key_result_or_with_an_unknown_kind_is_refused(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    objective_id, key_result_id = a_key_result(app, editor)
    for objective, key_result, kind, error, field in [
        (uuid4(), key_result_id, "SUPPORTS", NotFound, "objective_id"),
        (objective_id, uuid4(), "SUPPORTS", NotFound, "key_result_id"),
        (objective_id, key_result_id, "BLOCKS", Invalid, "kind"),
    ]:
        rejected(
            app,
            error,
            field,
            partial(
                app.align_initiative,
                editor,
                initiative_id=initiative_id,
                objective_id=objective,
                key_result_id=key_result,
                kind=kind,
            ),
        )


def test_unaligning_records_it_and_unaligning_what_is_not_aligned_is_invalid(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    objective_id, key_result_id = a_key_result(app, editor)
    app.align_initiative(
        editor,
        initiative_id=initiative_id,
        objective_id=objective_id,
        key_result_id=key_result_id,
        kind="SUPPORTS",
    )

    def unalign() -> object:
        return app.unalign_initiative(
            editor,
            initiative_id=initiative_id,
            objective_id=objective_id,
            key_result_id=key_result_id,
            reason="descoped",
        )

    [unaligned] = recorded(app, unalign)
    assert kinds([unaligned]) == ["Initiative.Unaligned"]
    assert attrs(unaligned, "objective_id", "key_result_id", "reason") == {
        "objective_id": objective_id,
        "key_result_id": key_result_id,
        "reason": "descoped",
    }
    assert current(app, Initiative, initiative_id).alignments == []
    rejected(app, Invalid, "key_result_id", unalign)
