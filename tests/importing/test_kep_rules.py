"""Rules 1-5 of the KEP import, one event at a time (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from backend.importing.kep_rules import (
    CreateCycle,
    CreateTeam,
    KepPlanner,
    PlannedEvent,
    Propose,
    Retarget,
    SetStatus,
    Skip,
    Update,
)
from backend.importing.kep_source import KepEvent

START = datetime(2022, 1, 3, tzinfo=UTC)


class History:
    """Events of made-up KEPs, one hour apart, through one planner."""

    def __init__(self) -> None:
        self.planner = KepPlanner()
        self.line = 0

    def event(self, kep: str = "42", sig: str = "sig-node", **fields: Any) -> PlannedEvent:
        self.line += 1
        values = {
            name.replace("_", "-").replace("milestone-", "milestone."): (
                tuple(value) if isinstance(value, list) else value
            )
            for name, value in fields.items()
        }
        return self.planner.plan(
            KepEvent(
                line=self.line,
                at=START + timedelta(hours=self.line),
                commit=f"{self.line:040x}",
                actor="Ada",
                reason=f"PR {self.line}",
                kep=kep,
                sig=sig,
                fields=values,
            )
        )


def statuses(planned: PlannedEvent) -> list[tuple[str, str]]:
    return [(s.stage, s.status) for s in planned.steps if isinstance(s, SetStatus)]


def test_a_keps_first_event_creates_its_team_and_cycles_and_proposes_it_with_targets() -> None:
    planned = History().event(
        title="Sidecars",
        participating_sigs=["sig-apps", " "],
        milestone_alpha="v1.28",
        milestone_beta="TBD",
        status="implementable",
        stage="alpha",
    )
    assert planned.steps == (
        CreateTeam("sig-node"),
        CreateCycle(28),
        Propose("42", "Sidecars", "sig-node", ("sig-apps",), (("alpha", 28),)),
    )
    assert planned.skipped == (Skip.NOT_A_RELEASE,)


def test_a_later_release_retargets_and_the_same_release_is_skipped() -> None:
    history = History()
    history.event(title="T", milestone_stable="v1.30")
    later = history.event(milestone_stable="v1.31")
    assert later.steps == (CreateCycle(31), Retarget("42", "stable", 31))
    history.event(milestone_stable="TBD")
    same = history.event(milestone_stable="v1.31")
    assert same.steps == () and same.skipped == (Skip.SAME_TARGET,)
    earlier = history.event(milestone_stable="v1.30")
    assert earlier.steps == (Retarget("42", "stable", 30),), "moving earlier is a retarget too"


def test_stage_beta_finishes_alpha_and_stable_finishes_alpha_and_beta() -> None:
    history = History()
    history.event(title="T", stage="alpha")
    assert statuses(history.event(stage="beta")) == [("alpha", "DONE")]
    assert statuses(history.event(stage="stable")) == [("beta", "DONE")]
    assert statuses(history.event(status="implemented")) == [("stable", "DONE")]


def test_implemented_with_stable_finishes_stable_whichever_comes_last() -> None:
    history = History()
    history.event(title="T", status="implemented", stage="beta")
    assert statuses(history.event(stage="stable")) == [
        ("beta", "DONE"),
        ("stable", "DONE"),
    ]


def test_targets_come_before_stage_and_status_within_one_event() -> None:
    history = History()
    history.event(title="T", milestone_beta="v1.25")
    planned = history.event(milestone_beta="v1.26", stage="stable")
    assert planned.steps == (
        CreateCycle(26),
        Retarget("42", "beta", 26),
        SetStatus("42", "alpha", "DONE"),
        SetStatus("42", "beta", "DONE"),
    )
    after = history.event(milestone_beta="v1.27")
    assert after.steps == () and after.skipped == (Skip.FINISHED,)


def test_withdrawn_rejected_or_replaced_ends_every_deliverable_not_done() -> None:
    for ending in ("withdrawn", "rejected", "replaced"):
        history = History()
        history.event(title="T", stage="beta")
        assert statuses(history.event(status=ending)) == [
            ("beta", "WONT_DO"),
            ("stable", "WONT_DO"),
        ]
        assert history.event(milestone_stable="v1.30").skipped == (Skip.FINISHED,)


def test_noise_in_status_and_stage_is_skipped_and_counted_never_fatal() -> None:
    history = History()
    history.event(title="T", status="provisional|implementable|implemented", stage="GA")
    history.event(status="imlpemented", stage=None)
    history.event(latest_milestone="v1.30", milestone_alpha="v1.21, v1.37")
    assert history.planner.skipped == {
        Skip.UNKNOWN_STATUS: 2,
        Skip.UNKNOWN_STAGE: 2,
        Skip.LATEST_MILESTONE: 1,
        Skip.NOT_A_RELEASE: 1,
    }


def test_title_participating_and_owning_sig_changes_are_one_update() -> None:
    history = History()
    history.event(title="Old", participating_sigs=["sig-apps"])
    assert history.event(title="Old").steps == ()
    planned = history.event(sig="sig-xyz", title="New", participating_sigs=None)
    assert planned.steps == (CreateTeam("sig-xyz"), Update("42", "New", "sig-xyz", ()))


def test_done_is_applied_to_a_wont_do_deliverable_too() -> None:
    history = History()
    history.event(title="T")
    history.event(status="withdrawn")
    assert statuses(history.event(status="implementable", stage="beta")) == [("alpha", "DONE")]


def test_teams_and_cycles_are_created_once_across_keps() -> None:
    history = History()
    history.event(kep="1", title="A", milestone_alpha="v1.20")
    second = history.event(kep="2", title="B", milestone_alpha="v1.20")
    assert second.steps == (Propose("2", "B", "sig-node", (), (("alpha", 20),)),)
