"""The KEP history imported through the commands, checked against figures computed from the file.

The expected figures come from ``kep_expected`` (a separate replay of the raw file by
rules 1-5); what roadlog holds is read back from the event store (the aggregates and the
events the import recorded) and, for ``roadmap(asOf:)``, through GraphQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.application import project_aggregate
from eventsourcing.utils import get_topic

from backend.application import Roadlog
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from backend.domain.team import Team
from backend.importing.kep_rules import Skip
from backend.importing.lookup import roadmaps_named, teams_by_name
from tests.importing.conftest import KEP_FILE, ImportedKep
from tests.importing.kep_expected import Expected, at_of, raw_events, replay

pytestmark = pytest.mark.timeout(600)

ROADMAP = "Kubernetes enhancements"
INSTANTS = [
    datetime(2020, 6, 30, tzinfo=UTC),
    datetime(2021, 12, 31, tzinfo=UTC),
    datetime(2023, 7, 1, tzinfo=UTC),
    datetime(2025, 1, 1, tzinfo=UTC),
    datetime(2026, 7, 14, 19, 27, 18, tzinfo=UTC),
]


def the_roadmap(app: Roadlog, workspace_id: UUID) -> Roadmap:
    [roadmap_id] = roadmaps_named(app, workspace_id, ROADMAP)
    roadmap: Any = app.repository.get(roadmap_id)
    assert isinstance(roadmap, Roadmap)
    return roadmap


def initiatives_in_order(app: Roadlog, roadmap: Roadmap) -> list[Initiative]:
    found: list[Any] = [app.repository.get(id) for id in roadmap.priority]
    assert all(isinstance(initiative, Initiative) for initiative in found)
    return found


def keps_in_order(expected: Expected) -> list[str]:
    return [kep for kep, _ in sorted(expected.keps.items(), key=lambda item: item[1].order)]


def statuses_of(initiative: Initiative) -> dict[str, str]:
    return {d.title: d.status for d in initiative.deliverables}


def slips_by_initiative(app: Roadlog) -> Counter[UUID]:
    """Recorded retargets that slipped, by initiative (the domain decided ``slip``)."""
    topics = [get_topic(Initiative.DeliverableRetargeted)]
    slips: Counter[UUID] = Counter()
    start = 1
    while notifications := app.recorder.select_notifications(start, 1000, topics=topics):
        for notification in notifications:
            event: Any = app.mapper.to_domain_event(notification)
            slips[event.originator_id] += bool(event.slip)
        start = notifications[-1].id + 1
    return slips


@pytest.fixture(scope="module")
def expected() -> Expected:
    return replay(raw_events(KEP_FILE))


def test_the_full_import_is_fast_enough_for_the_suite(kep_imported: ImportedKep) -> None:
    summary = kep_imported.summary
    print(
        f"\nKEP import: {summary.read} events in {kep_imported.import_seconds:.1f} s"
        f" ({summary.read / kep_imported.import_seconds:.0f} events/s),"
        f" {summary.roadlog_events} roadlog events; read models rebuilt in"
        f" {kep_imported.rebuild_seconds:.1f} s"
    )
    assert kep_imported.import_seconds < 120


def test_every_kep_is_an_initiative_placed_in_order_of_its_first_event(
    kep_imported: ImportedKep, kep_app: Roadlog, expected: Expected
) -> None:
    roadmap = the_roadmap(kep_app, kep_imported.workspace_id)
    initiatives = initiatives_in_order(kep_app, roadmap)
    assert len(initiatives) == len(expected.keps) == 659
    assert [i.title for i in initiatives] == expected.order()
    teams: dict[UUID, str] = {}
    for initiative, kep in zip(initiatives, keps_in_order(expected), strict=True):
        want = expected.keps[kep]
        assert initiative.kind == "FEATURE"
        assert initiative.stakeholders == want.stakeholders, kep
        assert initiative.team_id is not None
        if initiative.team_id not in teams:
            team: Any = kep_app.repository.get(initiative.team_id)
            assert isinstance(team, Team)
            teams[initiative.team_id] = team.name
        assert teams[initiative.team_id] == want.sig, kep
        assert [d.title for d in initiative.deliverables] == ["alpha", "beta", "stable"]
    every_team = teams_by_name(kep_app, kep_imported.workspace_id)
    assert len(every_team) == 25
    assert "sig-xyz" in every_team and "api-machinery" in every_team, "stray SIGs as written"


def test_done_and_wont_do_deliverables_match_the_rules(
    kep_imported: ImportedKep, kep_app: Roadlog, expected: Expected
) -> None:
    initiatives = initiatives_in_order(kep_app, the_roadmap(kep_app, kep_imported.workspace_id))
    recorded = Counter(d.status for i in initiatives for d in i.deliverables)
    assert recorded == expected.status_counts()
    assert recorded["DONE"] > 500 and recorded["WONT_DO"] > 10
    for initiative, kep in zip(initiatives, keps_in_order(expected), strict=True):
        assert statuses_of(initiative) == expected.keps[kep].statuses, kep


def test_slips_per_team_and_the_most_slipped_initiatives_match(
    kep_imported: ImportedKep, kep_app: Roadlog, expected: Expected
) -> None:
    initiatives = initiatives_in_order(kep_app, the_roadmap(kep_app, kep_imported.workspace_id))
    slips = slips_by_initiative(kep_app)
    team_names = {
        id: name for name, id in teams_by_name(kep_app, kep_imported.workspace_id).items()
    }
    per_team: Counter[str] = Counter()
    for initiative in initiatives:
        assert initiative.team_id is not None
        per_team[team_names[initiative.team_id]] += slips[initiative.id]
    assert +per_team == expected.slips_per_team()
    most = sorted(initiatives, key=lambda i: (-slips[i.id], i.title))[:10]
    assert [(i.title, slips[i.id]) for i in most] == expected.most_slipped(10)
    assert expected.most_slipped(1)[0][1] >= 3


def test_the_summary_counts_skipped_changes_by_reason(
    kep_imported: ImportedKep, expected: Expected
) -> None:
    summary = kep_imported.summary
    assert summary.read == 2124 and summary.keps == 659
    assert summary.recorded + summary.unchanged == summary.read
    assert summary.already_imported == 0
    assert summary.skipped[Skip.FINISHED] == expected.finished_target_skips > 0
    assert summary.skipped[Skip.NOT_A_RELEASE] == expected.not_a_release > 0
    assert summary.skipped[Skip.LATEST_MILESTONE] == expected.latest_milestone
    assert summary.skipped[Skip.UNKNOWN_STATUS] > 0 and summary.skipped[Skip.UNKNOWN_STAGE] > 0
    assert summary.changes["Propose"] == 659
    assert "skipped" in "\n".join(summary.lines())


def test_history_carries_the_sources_times_actors_and_reasons(
    kep_imported: ImportedKep, kep_app: Roadlog, expected: Expected
) -> None:
    by_kep: dict[str, set[tuple[datetime, str, str]]] = {}
    for event in raw_events(KEP_FILE):
        by_kep.setdefault(event["kep"], set()).add((at_of(event), event["actor"], event["reason"]))
    roadmap = the_roadmap(kep_app, kep_imported.workspace_id)
    for initiative_id, kep in zip(roadmap.priority, keps_in_order(expected), strict=True):
        events: list[Any] = list(kep_app.events.get(initiative_id))
        times = [event.effective_at for event in events]
        assert times == sorted(times)
        for event in events:
            assert (event.effective_at, event.actor, event.reason) in by_kep[kep], kep


def state_at(app: Roadlog, aggregate_id: UUID, at: datetime) -> Any:
    """An aggregate as its events up to business time ``at`` left it (None: not yet)."""
    stored: list[Any] = list(app.events.get(aggregate_id))
    events = [e for e in stored if e.effective_at <= at]
    return project_aggregate(None, events) if events else None


@pytest.mark.parametrize("at", INSTANTS, ids=lambda at: at.date().isoformat())
def test_the_roadmap_as_of_sampled_instants_matches_a_replay_of_the_file(
    kep_imported: ImportedKep, kep_app: Roadlog, at: datetime
) -> None:
    events = raw_events(KEP_FILE)
    expected = replay(events, until=at)
    roadmap_id = the_roadmap(kep_app, kep_imported.workspace_id).id
    roadmap = state_at(kep_app, roadmap_id, at)
    initiatives = [state_at(kep_app, id, at) for id in roadmap.priority]
    assert [i.title for i in initiatives] == expected.order()
    for initiative, kep in zip(initiatives, keps_in_order(expected), strict=True):
        assert statuses_of(initiative) == expected.keps[kep].statuses, (kep, at)


ROADMAP_AS_OF = """
query ($id: ID!, $asOf: DateTime) {
  roadmap(id: $id, asOf: $asOf) {
    initiatives { title position status deliverables { title status } }
  }
}
"""


def graphql_statuses(initiatives: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    return [{d["title"]: d["status"] for d in i["deliverables"]} for i in initiatives]


async def test_graphql_roadmap_as_of_sampled_instants_matches_a_replay_of_the_file(
    kep_imported: ImportedKep, kep_graphql: Any
) -> None:
    client, roadmap_global_id = kep_graphql
    events = raw_events(KEP_FILE)
    for at in INSTANTS[1::2]:
        expected = replay(events, until=at)
        data = await client.execute(
            ROADMAP_AS_OF, {"id": roadmap_global_id, "asOf": at.isoformat()}
        )
        initiatives = data["roadmap"]["initiatives"]
        assert [i["title"] for i in initiatives] == expected.order()
        assert [i["position"] for i in initiatives] == list(range(1, len(initiatives) + 1))
        assert graphql_statuses(initiatives) == [
            expected.keps[kep].statuses for kep in keps_in_order(expected)
        ]
