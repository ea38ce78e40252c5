"""A realistic roadmap story for the projector benchmark with the real read models.

One workspace's life through the real commands: teams, a roadmap with cycles,
initiatives with deliverables, estimates and re-estimates, status changes, retargets,
priority moves, effort, OKRs with check-ins and alignments, decisions. The benchmark
copies it under fresh ids until the log is as long as it wants.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from backend.application import Caller, Roadlog
from backend.domain.decision import DecisionLink
from backend.domain.deliverable import NewDeliverable

INITIATIVES = 12
STATUSES = ("IN_PROGRESS", "AT_RISK", "POSSIBLE_DELAY", "IN_PROGRESS", "DONE")


def roadmap_story() -> Sequence[Any]:
    """The events of one workspace's roadmap life (about 300 events)."""
    app = Roadlog(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    caller = Caller(workspace_id=uuid4(), actor="bench", may_backfill=True)
    clock = datetime(2025, 1, 6, 9, tzinfo=UTC)

    def at() -> datetime:
        nonlocal clock
        clock += timedelta(hours=5)
        return clock

    team = app.create_team(caller, name="SRE", effective_at=at()).id
    roadmap = app.create_roadmap(
        caller, name="Reliability", team_id=team, fiscal_year_start_month=2, effective_at=at()
    ).id
    cycles = [
        app.create_cycle(
            caller,
            roadmap_id=roadmap,
            name=f"C{number}",
            starts_on=date(2025, 1, 6) + timedelta(weeks=6 * number),
            ends_on=date(2025, 1, 6) + timedelta(weeks=6 * number + 6, days=-1),
            effective_at=at(),
        ).id
        for number in range(3)
    ]
    objective = app.create_objective(
        caller, title="Fewer incidents", period="2025-Q1", level="COMPANY", effective_at=at()
    ).id
    key_result = app.add_key_result(
        caller,
        objective_id=objective,
        title="Pages per week",
        unit="pages",
        start_value=40,
        target_value=10,
        effective_at=at(),
    ).id
    work: list[tuple[Any, list[Any]]] = []
    for number in range(INITIATIVES):
        deliverables = [uuid4() for _ in range(3)]
        initiative = app.propose_initiative(
            caller,
            roadmap_id=roadmap,
            title=f"Initiative {number}",
            goal="Engineers sleep through the night",
            stakeholders=["SRE", "Platform"],
            team_id=team,
            deliverables=[
                NewDeliverable(
                    title=f"Deliverable {number}.{part}",
                    id=deliverable,
                    estimate_weeks=Decimal(part + 2),
                    target_cycle_id=cycles[0],
                )
                for part, deliverable in enumerate(deliverables)
            ],
            effective_at=at(),
        ).id
        work.append((initiative, deliverables))
        app.align_initiative(
            caller,
            initiative_id=initiative,
            objective_id=objective,
            key_result_id=key_result,
            kind="CONTRIBUTES" if number % 2 else "SUPPORTS",
            effective_at=at(),
        )
    app.start_cycle(caller, roadmap_id=roadmap, cycle_id=cycles[0], effective_at=at())
    decision = app.record_decision(
        caller,
        title="Pager load first",
        context="Too many pages",
        outcome="Move alerting work up",
        rationale="Burn-out",
        links=[DecisionLink(kind="Roadmap", id=roadmap)],
        effective_at=at(),
    ).id
    for step, (initiative, deliverables) in enumerate(work):
        app.move_initiative(
            caller,
            roadmap_id=roadmap,
            initiative_id=initiative,
            to_position=1 + (step * 5) % INITIATIVES,
            reason="re-prioritised",
            decision_id=decision,
            effective_at=at(),
        )
        for part, deliverable in enumerate(deliverables):
            app.estimate_deliverable(
                caller,
                initiative_id=initiative,
                deliverable_id=deliverable,
                weeks=Decimal(part + 3),
                reason="learned more",
                effective_at=at(),
            )
            for status in STATUSES[: 2 + (step + part) % 4]:
                app.change_deliverable_status(
                    caller,
                    initiative_id=initiative,
                    deliverable_id=deliverable,
                    status=status,
                    effective_at=at(),
                )
            app.log_effort(
                caller,
                initiative_id=initiative,
                deliverable_id=deliverable,
                weeks=Decimal(part + 1),
                effective_at=at(),
            )
            if (step + part) % 3 == 0:
                app.retarget_deliverable(
                    caller,
                    initiative_id=initiative,
                    deliverable_id=deliverable,
                    target_cycle_id=cycles[1],
                    reason="slipped",
                    effective_at=at(),
                )
        app.check_in_key_result(
            caller,
            objective_id=objective,
            key_result_id=key_result,
            value=40 - step * 2,
            effective_at=at(),
        )
    app.close_cycle(caller, roadmap_id=roadmap, cycle_id=cycles[0], effective_at=at())
    notifications = app.recorder.select_notifications(start=1, limit=100_000)
    return [app.mapper.to_domain_event(notification) for notification in notifications]


def team_load(app: Roadlog, caller: Caller) -> int:
    """One real command of steady load: a new team; its position in the log."""
    recorded = app.create_team(caller, name=f"team {uuid4().hex[:8]}")
    assert recorded.position is not None
    return recorded.position
