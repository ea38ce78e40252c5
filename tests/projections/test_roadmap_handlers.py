"""The roadmap, priorities and decisions handlers: event in, statements out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from backend.domain.decision import DecisionLink
from backend.domain.deliverable import NewDeliverable
from backend.domain.initiative import Initiative
from projections import roadmap, roadmap_deliverables, roadmap_order
from projections.batch import LoggedEvent, in_bulk
from projections.decisions import DECISIONS, INSERT_LINKS
from projections.priorities import PRIORITIES
from projections.read_model import AGGREGATE_VERSIONS, Fact, Statement
from projections.roadmap import ROADMAP
from tests.projections.handler_log import AT, Log, a_roadmap

# Each event of a roadmap or an initiative records its version as a fact.
VERSION = AGGREGATE_VERSIONS.sql


def version_fact(event: Any, position: int) -> Statement:
    """The insert of ``event``'s version on its own (``ReadModel.written``)."""
    return AGGREGATE_VERSIONS.statement([(event.originator_id, event.originator_version, position)])


def sql_of(statements: Any) -> list[str]:
    return [statement.sql for statement in statements]


def test_a_move_changes_one_placement_and_renumbers_if_needed(
    log: Log,
) -> None:
    roadmap_id = a_roadmap(log)
    ids = [
        log.run("propose_initiative", roadmap_id=roadmap_id, title=t, goal="g")[0].originator_id
        for t in ("a", "b", "c")
    ]
    moved = log.last(
        "move_initiative",
        roadmap_id=roadmap_id,
        initiative_id=ids[2],
        to_position=1,
        reason="compliance audit moved up",
    )

    statements = ROADMAP.written(moved, 42)

    assert sql_of(statements) == [
        roadmap_order.MOVE_INITIATIVE,
        roadmap_order.RENUMBER_IF_LONG,
        VERSION,
    ]
    assert statements[0].args == (roadmap_id, ids[2], AT, 1, 42)
    assert moved.originator_id == roadmap_id
    assert statements[-1] == version_fact(moved, 42)


def test_an_update_sets_only_the_fields_that_changed(log: Log) -> None:
    roadmap_id = a_roadmap(log)
    [proposed, *_] = log.run("propose_initiative", roadmap_id=roadmap_id, title="a", goal="g")
    updated = log.last(
        "update_initiative", initiative_id=proposed.originator_id, goal="better", kind="OTHER"
    )

    [statement, version] = ROADMAP.written(updated, 7)

    assert statement.sql == roadmap.UPDATE_INITIATIVE
    flags = statement.args[2:-1:2]
    values = statement.args[3:-1:2]
    assert flags == (False, True, False, False, True)
    assert values == (None, "better", None, None, "OTHER")
    assert statement.args[-1] == 7
    assert updated.originator_id == proposed.originator_id
    assert version == version_fact(updated, 7)


def a_deliverable(log: Log) -> dict[str, UUID]:
    events = log.run(
        "propose_initiative",
        roadmap_id=a_roadmap(log),
        title="a",
        goal="g",
        deliverables=[NewDeliverable("A")],
    )
    [added] = [e for e in events if isinstance(e, Initiative.DeliverableAdded)]
    return {"initiative_id": added.originator_id, "deliverable_id": added.deliverable_id}


def test_a_deliverable_update_sets_only_the_fields_that_changed(log: Log) -> None:
    ids = a_deliverable(log)
    updated = log.last("update_deliverable", title="B", stretch=False, **ids)

    [statement, version] = ROADMAP.written(updated, 8)

    assert statement.sql == roadmap_deliverables.UPDATE_DELIVERABLE
    assert statement.args == (*ids.values(), AT, True, "B", False, None, 8)
    assert updated.originator_id == ids["initiative_id"]
    assert version == version_fact(updated, 8)


def test_a_removal_closes_the_deliverables_current_version(log: Log) -> None:
    ids = a_deliverable(log)
    removed = log.last("remove_deliverable", reason="a duplicate", **ids)

    [statement, _] = ROADMAP.written(removed, 8)

    assert statement == Statement(roadmap_deliverables.REMOVE_DELIVERABLE, (*ids.values(), AT, 8))


def test_an_estimate_is_one_versioned_update_and_one_fact(log: Log) -> None:
    ids = a_deliverable(log)
    estimated = log.last("estimate_deliverable", weeks=Decimal(3), **ids)

    update, fact, _ = ROADMAP.statements(estimated, 9)

    assert update == Statement(roadmap_deliverables.ESTIMATE, (*ids.values(), AT, Decimal(3), 9))
    assert isinstance(fact, Fact) and fact.table == roadmap_deliverables.ESTIMATES
    assert fact.row[:4] == (9, *ids.values(), 1)


def test_a_batch_writes_the_roadmaps_facts_after_its_statements_in_one_insert(
    log: Log,
) -> None:
    ids = a_deliverable(log)
    first = log.last("estimate_deliverable", weeks=Decimal(3), **ids)
    second = log.last("estimate_deliverable", weeks=Decimal(5), **ids)
    items = [
        (logged, item)
        for logged in (LoggedEvent(9, first), LoggedEvent(10, second))
        for item in ROADMAP.statements(logged.event, logged.position)
    ]

    written = [statement for _, statement in in_bulk(ROADMAP, items)]

    estimates = roadmap_deliverables.ESTIMATES
    # The versions of both events in one insert too, not one update each.
    assert sql_of(written) == [roadmap_deliverables.ESTIMATE] * 2 + [estimates.sql, VERSION]
    # Each column as the text of one array (``FactTable``).
    assert written[-2].args[0] == '{"9","10"}'
    assert written[-2].args[estimates.columns.index("generation")] == '{"1","2"}'
    assert written[-1] == AGGREGATE_VERSIONS.statement(
        [
            (first.originator_id, first.originator_version, 9),
            (second.originator_id, second.originator_version, 10),
        ]
    )


def test_a_status_change_sets_the_completed_cycle_and_keeps_a_fact(log: Log) -> None:
    ids = a_deliverable(log)
    done = log.last("change_deliverable_status", status="DONE", **ids)

    change, fact, _ = ROADMAP.statements(done, 11)

    assert isinstance(change, Statement)
    assert change.sql == roadmap_deliverables.CHANGE_STATUS
    assert "completed_cycle_id = CASE WHEN $4::text = 'DONE'" in change.sql
    assert isinstance(fact, Fact) and fact.table == roadmap_deliverables.STATUS_CHANGES
    assert fact.row[:6] == (11, log.caller.workspace_id, *ids.values(), "PLANNED", "DONE")


def test_priority_changes_come_from_nowhere_and_go_nowhere(log: Log) -> None:
    roadmap_id = a_roadmap(log)
    events = log.run("propose_initiative", roadmap_id=roadmap_id, title="a", goal="g")
    placed = events[-1]
    removed = log.run(
        "remove_initiative",
        roadmap_id=roadmap_id,
        initiative_id=placed.initiative_id,
        reason="dropped",
    )[0]

    placement, _ = PRIORITIES.statements(placed, 3)
    removal, _ = PRIORITIES.statements(removed, 4)

    assert isinstance(placement, Fact) and isinstance(removal, Fact)
    assert placement.row[4:6] == (None, 1)
    assert removal.row[4:6] == (1, None)
    assert removal.row[9] == "dropped"


def test_decision_links_are_written_in_order(log: Log) -> None:
    roadmap_id = a_roadmap(log)
    recorded = log.last(
        "record_decision",
        title="Prioritise compliance",
        context="audit",
        outcome="move",
        rationale="deadline",
        links=[DecisionLink("Roadmap", roadmap_id)],
    )

    [decision, links, version] = DECISIONS.written(recorded, 11)

    assert links.sql == INSERT_LINKS
    assert links.args[2:] == (["Roadmap"], [roadmap_id], [None])
    assert decision.args[11] == 11
    assert recorded.originator_version == 1
    assert version == version_fact(recorded, 11)


def test_a_batch_writes_the_decisions_versions_in_one_insert_after_its_statements(
    log: Log,
) -> None:
    def a_decision(title: str) -> Any:
        return log.last(
            "record_decision", title=title, context="audit", outcome="move", rationale="why"
        )

    old, new = a_decision("Old"), a_decision("New")
    superseded = log.last(
        "supersede_decision", decision_id=old.originator_id, superseded_by_id=new.originator_id
    )
    logged = [LoggedEvent(1, old), LoggedEvent(2, new), LoggedEvent(3, superseded)]
    items = [(e, item) for e in logged for item in DECISIONS.statements(e.event, e.position)]

    written = [statement for _, statement in in_bulk(DECISIONS, items)]

    assert [s.sql for s in written].count(VERSION) == 1
    assert written[-1] == AGGREGATE_VERSIONS.statement(
        [(old.originator_id, 1, 1), (new.originator_id, 1, 2), (old.originator_id, 2, 3)]
    )
    assert not any("SET version" in s.sql for s in written)
