"""Randomized histories of one workspace, drawn by hypothesis.

``Driver`` runs random commands in one workspace, at a business clock that advances by
random steps, landing now and then exactly on, or one second before, the first instant
of a month (fiscal-quarter boundaries). Commands the domain refuses are simply skipped.
What the history was is then read back from the log by ``retro_model.Model``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from hypothesis import strategies as st

from backend.application import Caller, Roadlog
from backend.domain.deliverable import STATUSES, NewDeliverable
from backend.domain.errors import DomainError
from backend.domain.initiative import KINDS
from backend.domain.roadmap import Roadmap

Ref = tuple[UUID, UUID]
LATEST = datetime(2026, 6, 1, tzinfo=UTC)
WEEKS = [Decimal("0.5"), Decimal(1), Decimal("1.5"), Decimal(2), Decimal(3), Decimal(5)]
PERIODS = ["2025-H1", "2025-H2"]
"""The periods of the objectives in the release database (before periods were checked)."""
OBJECTIVE_PERIODS = ["2025", "FY2026-Q1"]


def next_month_start(at: datetime) -> datetime:
    year, month = (at.year + 1, 1) if at.month == 12 else (at.year, at.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


class Driver:
    """Random commands of one caller, each at the driver's business clock."""

    def __init__(
        self,
        app: Roadlog,
        caller: Caller,
        draw: Callable[[st.SearchStrategy[Any]], Any],
        *,
        start: datetime = datetime(2024, 12, 20, tzinfo=UTC),
    ) -> None:
        self.app, self.caller, self.draw = app, caller, draw
        self.clock = start
        self.position = 0
        self.teams: list[UUID] = []
        self.roadmaps: list[UUID] = []
        self.cycles: dict[UUID, list[UUID]] = {}
        self.cycle_states: dict[UUID, str] = {}
        self.next_cycle_start: dict[UUID, date] = {}
        self.archived: set[UUID] = set()
        self.initiatives: dict[UUID, UUID] = {}
        self.deliverables: list[Ref] = []
        self.objectives: list[tuple[UUID, str]] = []
        self.key_results: list[Ref] = []
        self.names = 0

    def pick(self, options: Iterable[Any]) -> Any:
        return self.draw(st.sampled_from(list(options)))

    def name(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    def tick(self) -> None:
        step = self.pick(["same", "second", "hour", "day", "week", "month", "boundary", "before"])
        deltas = {
            "same": timedelta(0),
            "second": timedelta(seconds=1),
            "hour": timedelta(hours=1),
            "day": timedelta(days=1),
            "week": timedelta(days=7),
            "month": timedelta(days=30),
        }
        if step in deltas:
            later = self.clock + deltas[step]
        else:
            boundary = next_month_start(self.clock)
            later = boundary if step == "boundary" else boundary - timedelta(seconds=1)
        self.clock = min(max(later, self.clock), LATEST)

    def run(self, command: str, **kwargs: Any) -> UUID | None:
        """Run a command at the clock; None when the domain refuses it."""
        try:
            done = getattr(self.app, command)(self.caller, effective_at=self.clock, **kwargs)
        except DomainError:
            return None
        if done.position is not None:
            self.position = max(self.position, done.position)
        return done.id  # type: ignore[no-any-return]

    # What the driver may do next, each returning whether it applies now.

    def create_team(self) -> None:
        if len(self.teams) < 3 and (team := self.run("create_team", name=self.name("T"))):
            self.teams.append(team)

    def create_roadmap(self) -> None:
        if len([r for r in self.roadmaps if r not in self.archived]) >= 2:
            return
        # A quarters roadmap takes only fiscal quarters: plan_cycle makes them.
        cadence: dict[str, Any] = self.pick(
            [{"fiscal_year_start_month": m} for m in (1, 4)]
            + [{"releases": True}, {"cycle_weeks": 6, "anchor_date": date(2025, 1, 6)}]
        )
        team = self.pick([None, *self.teams])
        roadmap = self.run("create_roadmap", name=self.name("R"), team_id=team, **cadence)
        if roadmap:
            self.roadmaps.append(roadmap)
            self.cycles[roadmap] = []
            self.next_cycle_start[roadmap] = date(2025, 1, 6)

    def create_cycle(self) -> None:
        if not self.roadmaps:
            return
        roadmap = self.pick(self.roadmaps)
        if len(self.cycles[roadmap]) >= 4:
            return
        board: Roadmap = self.app.repository.get(roadmap)
        if board.fiscal_year_start_month is not None:
            self.plan_cycle(roadmap)
            return
        starts_on = self.next_cycle_start[roadmap] + timedelta(days=self.pick([0, 3]))
        ends_on = starts_on + timedelta(days=41)
        cycle = self.run(
            "create_cycle",
            roadmap_id=roadmap,
            name=self.name("C"),
            starts_on=starts_on,
            ends_on=ends_on,
        )
        if cycle:
            self.cycles[roadmap].append(cycle)
            self.cycle_states[cycle] = "PLANNED"
            self.next_cycle_start[roadmap] = ends_on + timedelta(days=1)

    def plan_cycle(self, roadmap: UUID | None = None) -> None:
        """The next cycle of a roadmap's cadence (the workspace's quarters, or the grid)."""
        if not self.roadmaps:
            return
        roadmap = self.pick(self.roadmaps) if roadmap is None else roadmap
        if len(self.cycles[roadmap]) >= 4:
            return
        cycle_id = uuid4()
        if self.run("plan_cycles", roadmap_id=roadmap, cycle_ids=[cycle_id]):
            self.cycles[roadmap].append(cycle_id)
            self.cycle_states[cycle_id] = "PLANNED"
            board: Roadmap = self.app.repository.get(roadmap)
            self.next_cycle_start[roadmap] = board.cycle(cycle_id).ends_on + timedelta(days=1)

    def rename_or_cancel_cycle(self) -> None:
        """Rename or move a planned cycle, or cancel it (its deliverables lose that target)."""
        planned = [
            (roadmap, cycle_id)
            for roadmap in self.roadmaps
            for cycle_id in self.cycles[roadmap]
            if self.cycle_states[cycle_id] == "PLANNED"
        ]
        if not planned:
            return
        roadmap, cycle_id = self.pick(planned)
        change = self.pick(["rename", "move", "cancel"])
        if change == "rename":
            name = self.name("C")
            self.run("update_cycle", roadmap_id=roadmap, cycle_id=cycle_id, name=name, reason="r")
        elif change == "move":
            # Its deliverables are due when it ends, wherever it moves (refused if it
            # would overlap another cycle).
            board: Roadmap = self.app.repository.get(roadmap)
            cycle = board.cycle(cycle_id)
            by = timedelta(days=self.pick([-7, 7, 14]))
            self.run(
                "update_cycle",
                roadmap_id=roadmap,
                cycle_id=cycle_id,
                starts_on=cycle.starts_on + by,
                ends_on=cycle.ends_on + by,
                reason="r",
            )
        elif self.run("cancel_cycle", roadmap_id=roadmap, cycle_id=cycle_id, reason="r"):
            self.cycle_states[cycle_id] = "CANCELLED"

    def rename_or_archive_roadmap(self) -> None:
        """Rename a roadmap, or now and then archive it (read-only from then on: the
        commands drawn for it later are refused, and a new roadmap may take its place)."""
        if not self.roadmaps:
            return
        roadmap = self.pick(self.roadmaps)
        if self.pick(["rename", "rename", "rename", "archive"]) == "rename":
            self.run("rename_roadmap", roadmap_id=roadmap, name=self.name("R"))
        elif self.run("archive_roadmap", roadmap_id=roadmap, reason="r"):
            self.archived.add(roadmap)

    def set_fiscal_year(self) -> None:
        self.run("set_fiscal_year", fiscal_year_start_month=self.pick([1, 2, 4, 11]))

    def start_or_close_cycle(self) -> None:
        """Close a roadmap's active cycle, or start its next planned one."""
        if not self.roadmaps:
            return
        roadmap = self.pick(self.roadmaps)
        states = {c: self.cycle_states[c] for c in self.cycles[roadmap]}
        active = [c for c, state in states.items() if state == "ACTIVE"]
        planned = [c for c, state in states.items() if state == "PLANNED"]
        if active:
            if self.run("close_cycle", roadmap_id=roadmap, cycle_id=active[0]):
                self.cycle_states[active[0]] = "CLOSED"
        elif planned and self.run("start_cycle", roadmap_id=roadmap, cycle_id=planned[0]):
            self.cycle_states[planned[0]] = "ACTIVE"

    def new_deliverable(self, roadmap: UUID) -> NewDeliverable:
        target = self.pick(["none", "cycle", "date", "cycle"])
        cycles = self.cycles[roadmap]
        return NewDeliverable(
            self.name("D"),
            status=self.pick(["PLANNED", "PLANNED", "PLANNED", "IN_PROGRESS", "DONE"]),
            stretch=self.pick([False, True]),
            estimate_weeks=self.pick([None, *WEEKS]),
            target_cycle_id=self.pick(cycles) if target == "cycle" and cycles else None,
            target_date=date(2025, 3, 1) + timedelta(days=self.pick([0, 40, 100]))
            if target == "date"
            else None,
        )

    def propose_initiative(self) -> None:
        if not self.roadmaps or len(self.initiatives) >= 6:
            return
        roadmap = self.pick(self.roadmaps)
        count = self.pick([1, 2, 3, 0])
        initiative = self.run(
            "propose_initiative",
            roadmap_id=roadmap,
            title=self.name("I"),
            goal="g",
            team_id=self.pick([None, *self.teams]),
            kind=self.pick(KINDS),
            deliverables=[self.new_deliverable(roadmap) for _ in range(count)],
        )
        if initiative:
            self.initiatives[initiative] = roadmap
            added: list[Any] = self.app.repository.get(initiative).deliverables
            self.deliverables += [(initiative, d.deliverable_id) for d in added]

    def update_initiative(self) -> None:
        """Change some fields, and mostly the parent: another initiative of the same roadmap
        (the domain refuses a cycle, or one off the roadmap), or none."""
        if self.initiatives:
            initiative = self.pick(self.initiatives)
            roadmap = self.initiatives[initiative]
            others = [i for i, r in self.initiatives.items() if r == roadmap and i != initiative]
            parent = self.pick(["keep", "clear", *others, *others])
            self.run(
                "update_initiative",
                initiative_id=initiative,
                title=self.pick([None, self.name("I")]),
                team_id=self.pick([None, *self.teams]),
                kind=self.pick([None, *KINDS]),
                parent_id=None if parent in ("keep", "clear") else parent,
                clear_parent=parent == "clear",
            )

    def remove_initiative(self) -> None:
        if self.initiatives and self.pick([False, False, True]):
            initiative = self.pick(self.initiatives)
            self.run(
                "remove_initiative",
                roadmap_id=self.initiatives[initiative],
                initiative_id=initiative,
                reason="dropped",
            )

    def add_deliverable(self) -> None:
        if self.initiatives:
            initiative = self.pick(self.initiatives)
            new = self.new_deliverable(self.initiatives[initiative])
            if deliverable := self.run(
                "add_deliverable", initiative_id=initiative, deliverable=new
            ):
                self.deliverables.append((initiative, deliverable))

    def work_on_deliverable(self) -> None:
        if not self.deliverables:
            return
        initiative, deliverable = self.pick(self.deliverables)
        ids = {"initiative_id": initiative, "deliverable_id": deliverable}
        action = self.pick(
            ["status", "estimate", "effort", "status", "retarget", "status", "correct", "remove"]
        )
        if action == "correct":
            self.run(
                "update_deliverable", title=self.name("D"), stretch=self.pick([False, True]), **ids
            )
        elif action == "remove":
            self.run("remove_deliverable", reason="a duplicate", **ids)
        elif action == "status":
            status = self.pick(["DONE", "IN_PROGRESS", "DONE", "WONT_DO", "DONE", *STATUSES])
            self.run("change_deliverable_status", status=status, reason="r", **ids)
        elif action == "estimate":
            self.run("estimate_deliverable", weeks=self.pick(WEEKS), **ids)
        elif action == "effort":
            self.run("log_effort", weeks=self.pick(WEEKS), **ids)
        else:
            cycles = self.cycles[self.initiatives[initiative]]
            if cycles and self.pick([True, False]):
                self.run(
                    "retarget_deliverable", target_cycle_id=self.pick(cycles), reason="r", **ids
                )
            else:
                day = date(2025, 2, 1) + timedelta(days=self.pick([0, 20, 60, 150]))
                self.run("retarget_deliverable", target_date=day, reason="r", **ids)

    def create_objective(self) -> None:
        if len(self.objectives) >= 6:
            return
        period = self.pick(OBJECTIVE_PERIODS)
        level = self.pick(["COMPANY", "TEAM"])
        team = self.pick(self.teams) if level == "TEAM" and self.teams else None
        parents = [o for o, p in self.objectives if p == period]
        parent = self.pick([None, *parents]) if level == "TEAM" else None
        objective = self.run(
            "create_objective",
            title=self.name("O"),
            period=period,
            level=level,
            team_id=team,
            parent_id=parent,
        )
        if objective:
            self.objectives.append((objective, period))

    def add_key_result(self) -> None:
        if self.objectives and len(self.key_results) < 8:
            objective, _ = self.pick(self.objectives)
            start, target = self.pick([(0.0, 10.0), (100.0, 50.0), (1.0, 2.0)])
            key_result = self.run(
                "add_key_result",
                objective_id=objective,
                title=self.name("K"),
                unit="u",
                start_value=start,
                target_value=target,
            )
            if key_result:
                self.key_results.append((objective, key_result))

    def check_in(self) -> None:
        if self.key_results:
            objective, key_result = self.pick(self.key_results)
            self.run(
                "check_in_key_result",
                objective_id=objective,
                key_result_id=key_result,
                value=self.pick([-5.0, 0.0, 3.0, 7.5, 12.0, 60.0, 100.0]),
                confidence=self.pick([None, 0.5]),
                note="n",
            )

    def align(self) -> None:
        if self.key_results and self.initiatives:
            objective, key_result = self.pick(self.key_results)
            ids = {
                "initiative_id": self.pick(self.initiatives),
                "objective_id": objective,
                "key_result_id": key_result,
            }
            if self.pick([True, True, False]):
                self.run("align_initiative", kind=self.pick(["CONTRIBUTES", "SUPPORTS"]), **ids)
            else:
                self.run("unalign_initiative", **ids)

    def rename_team(self) -> None:
        if self.teams:
            self.run("rename_team", team_id=self.pick(self.teams), name=self.name("T"))

    def correct_objective(self) -> None:
        if not self.objectives:
            return
        objective, period = self.pick(self.objectives)
        change = self.pick(["title", "parent", "clear", "archive"])
        if change == "archive":
            self.run("archive_objective", objective_id=objective, reason="r")
        elif change == "title":
            self.run("update_objective", objective_id=objective, title=self.name("O"))
        elif change == "clear":
            self.run("update_objective", objective_id=objective, clear_parent=True)
        else:
            parents = [o for o, p in self.objectives if p == period]
            self.run("update_objective", objective_id=objective, parent_id=self.pick(parents))

    def correct_key_result(self) -> None:
        if not self.key_results:
            return
        objective, key_result = self.pick(self.key_results)
        ids = {"objective_id": objective, "key_result_id": key_result}
        if self.pick([True, True, False]):
            self.run("update_key_result", target_value=self.pick([5.0, 20.0, 75.0]), **ids)
        else:
            self.run("remove_key_result", reason="r", **ids)

    def play(self, steps: int, *, okr: bool = True, cycles: bool = True) -> None:
        """``steps`` random steps; without ``okr`` or ``cycles`` those commands are left out."""
        actions: list[Callable[[], None]] = [
            self.create_team,
            self.create_roadmap,
            self.propose_initiative,
            self.propose_initiative,
            self.update_initiative,
            self.remove_initiative,
            self.add_deliverable,
            *[self.work_on_deliverable] * 10,
            self.set_fiscal_year,
            self.rename_or_archive_roadmap,
        ]
        if cycles:
            actions += [self.create_cycle, self.start_or_close_cycle]
            actions += [self.plan_cycle, self.rename_or_cancel_cycle]
        if okr:
            actions += [self.create_objective, self.add_key_result, self.check_in]
            actions += [self.align] * 5
            actions += [self.rename_team, self.correct_objective, self.correct_key_result]
        # Something to work on, whatever is drawn first.
        self.create_team()
        self.create_roadmap()
        if cycles:
            self.create_cycle()
            self.create_cycle()
        if okr:
            for seed in (self.create_objective, self.create_objective, self.add_key_result):
                seed()
            self.add_key_result()
            self.add_key_result()
        for _ in range(steps):
            self.tick()
            self.pick(actions)()
        # Then mostly work on what is there, so that much of it gets finished.
        for _ in range(steps // 2):
            self.tick()
            self.pick([self.work_on_deliverable] * 4 + actions)()
