"""Cycles over HTTP: listed on their roadmap, planned from the cadence, changed while
planned, started in order; each refusal records nothing and says what was wrong."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backend.database import DatabaseTarget
from backend.tokens import Role, Tokens
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

CYCLE = "id name startsOn endsOn state"

ROADMAP_CYCLES = f"""
query ($id: ID!, $position: String) {{
  roadmap(id: $id, consistentWith: $position) {{ cycles {{ {CYCLE} }} }}
}}
"""

TIMELINE = """
query ($subject: ID, $position: String) {
  timeline(subjectId: $subject, types: ["CycleUpdated"], consistentWith: $position) {
    edges { node { type summary reason changes { field from to } } }
  }
}
"""


async def six_weeks(client: GraphQLClient) -> str:
    """A roadmap of 6-week cycles from Monday 2026-01-05: its id."""
    created = await mutate(
        client,
        "createRoadmap",
        {"name": "Kitchen", "cadence": {"cycleWeeks": 6, "anchorDate": "2026-01-05"}},
        "roadmap { id }",
    )
    roadmap_id: str = created["roadmap"]["id"]
    return roadmap_id


async def planned(client: GraphQLClient, roadmap_id: str, count: int) -> dict[str, Any]:
    return await mutate(
        client, "planCycles", {"roadmapId": roadmap_id, "count": count}, f"cycles {{ {CYCLE} }}"
    )


def shown(cycles: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    return [(c["name"], c["startsOn"], c["endsOn"], c["state"]) for c in cycles]


async def test_planned_cycles_follow_the_cadence_and_the_roadmap_lists_them_by_start(
    client: GraphQLClient,
) -> None:
    roadmap_id = await six_weeks(client)
    first = await planned(client, roadmap_id, 1)
    second = await planned(client, roadmap_id, 2)
    assert first["userErrors"] == [] and int(first["position"]) > 0
    assert shown(first["cycles"]) == [("Cycle 1", "2026-01-05", "2026-02-15", "PLANNED")]
    assert shown(second["cycles"]) == [
        ("Cycle 2", "2026-02-16", "2026-03-29", "PLANNED"),
        ("Cycle 3", "2026-03-30", "2026-05-10", "PLANNED"),
    ]
    listed = await client.execute(
        ROADMAP_CYCLES, {"id": roadmap_id, "position": second["position"]}
    )
    assert [c["name"] for c in listed["roadmap"]["cycles"]] == ["Cycle 1", "Cycle 2", "Cycle 3"]
    assert listed["roadmap"]["cycles"][0]["id"] == first["cycles"][0]["id"]


async def test_planning_quarters_follows_the_workspaces_fiscal_year(
    client: GraphQLClient,
) -> None:
    await mutate(client, "setFiscalYear", {"fiscalYearStartMonth": 2})
    created = await mutate(
        client, "createRoadmap", {"name": "Company", "cadence": {}}, "roadmap { id }"
    )
    roadmap_id = created["roadmap"]["id"]
    await mutate(
        client,
        "createCycle",
        {"roadmapId": roadmap_id, "name": "Q1", "startsOn": "2026-02-01", "endsOn": "2026-04-30"},
    )
    payload = await planned(client, roadmap_id, 1)
    assert shown(payload["cycles"]) == [("FY2027 Q2", "2026-05-01", "2026-07-31", "PLANNED")]


async def test_planning_refusals_record_nothing(
    client: GraphQLClient, database: DatabaseTarget, tokens: Tokens
) -> None:
    roadmap_id = await six_weeks(client)
    before = await event_count(database)
    for count in (0, -1, 27, 2**31 - 1):
        payload = await planned(client, roadmap_id, count)
        assert payload["cycles"] == [] and payload["position"] is None
        assert user_errors(payload) == [(["input", "count"], "INVALID")]
        assert f"count {count} is not within 1..26" in payload["userErrors"][0]["message"]
    malformed = await mutate(client, "planCycles", {"roadmapId": "nope", "count": 1})
    assert user_errors(malformed) == [(["input", "roadmapId"], "INVALID")]
    _, other = await tokens.create(Role.EDITOR, "mallory", "globex")
    foreign = await mutate(client, "planCycles", {"roadmapId": roadmap_id, "count": 1}, token=other)
    assert user_errors(foreign) == [(["input", "roadmapId"], "NOT_FOUND")]
    assert await event_count(database) == before


async def test_a_cycle_of_the_wrong_length_for_fixed_cycles_is_refused(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id = await six_weeks(client)
    before = await event_count(database)
    payload = await mutate(
        client,
        "createCycle",
        {
            "roadmapId": roadmap_id,
            "name": "C-odd",
            "startsOn": "2026-01-05",
            "endsOn": "2026-01-20",
        },
        "cycle { id }",
    )
    assert user_errors(payload) == [(["input", "endsOn"], "INVALID")]
    message = payload["userErrors"][0]["message"]
    assert "16 days" in message and "6 weeks" in message and "2026-02-15" in message
    assert await event_count(database) == before


async def test_a_cycle_that_is_not_a_fiscal_quarter_is_refused_on_quarters(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    await mutate(client, "setFiscalYear", {"fiscalYearStartMonth": 2})
    created = await mutate(
        client, "createRoadmap", {"name": "Company", "cadence": {}}, "roadmap { id }"
    )
    roadmap_id = created["roadmap"]["id"]
    before = await event_count(database)
    for starts_on, ends_on, field in (
        ("2026-02-01", "2026-03-15", "endsOn"),
        ("2026-01-01", "2026-03-31", "startsOn"),
        ("2026-02-01", "2026-07-31", "endsOn"),
    ):
        payload = await mutate(
            client,
            "createCycle",
            {"roadmapId": roadmap_id, "name": "Q?", "startsOn": starts_on, "endsOn": ends_on},
            "cycle { id }",
        )
        assert user_errors(payload) == [(["input", field], "INVALID")], payload
        message = payload["userErrors"][0]["message"]
        assert f"{starts_on}..{ends_on} is not a fiscal quarter" in message
        assert "fiscal year starts in February" in message
    assert "FY2027 Q1 runs 2026-02-01..2026-04-30" in message
    assert await event_count(database) == before
    fitting = await mutate(
        client,
        "createCycle",
        {"roadmapId": roadmap_id, "name": "Q1", "startsOn": "2026-02-01", "endsOn": "2026-04-30"},
        "cycle { id }",
    )
    assert fitting["userErrors"] == []
    moved = await mutate(
        client,
        "updateCycle",
        {"cycleId": fitting["cycle"]["id"], "endsOn": "2026-05-31"},
        "cycle { id }",
    )
    assert user_errors(moved) == [(["input", "endsOn"], "INVALID")]


async def test_a_roadmap_of_releases_takes_cycles_of_any_length_and_plans_none(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    created = await mutate(
        client,
        "createRoadmap",
        {"name": "Kubernetes", "cadence": {"releases": True}},
        "roadmap { id cadence { releases fiscalYearStartMonth cycleWeeks anchorDate } }",
    )
    assert created["roadmap"]["cadence"] == {
        "releases": True,
        "fiscalYearStartMonth": None,
        "cycleWeeks": None,
        "anchorDate": None,
    }
    roadmap_id = created["roadmap"]["id"]
    for name, starts_on, ends_on in (
        ("v1.33", "2025-01-13", "2025-04-23"),
        ("v1.34", "2025-04-24", "2025-08-27"),
    ):
        payload = await mutate(
            client,
            "createCycle",
            {"roadmapId": roadmap_id, "name": name, "startsOn": starts_on, "endsOn": ends_on},
            "cycle { id }",
        )
        assert payload["userErrors"] == []
    before = await event_count(database)
    plan = await planned(client, roadmap_id, 1)
    assert user_errors(plan) == [(["input", "roadmapId"], "INVALID")]
    assert "releases" in plan["userErrors"][0]["message"]
    mixed = await mutate(
        client,
        "createRoadmap",
        {"name": "Mixed", "cadence": {"releases": True, "cycleWeeks": 2}},
        "roadmap { id }",
    )
    assert user_errors(mixed) == [(["input", "cadence", "releases"], "INVALID")]
    assert await event_count(database) == before
    quarters = await mutate(
        client,
        "createRoadmap",
        {"name": "Company", "cadence": {}},
        "roadmap { cadence { releases } }",
    )
    assert quarters["roadmap"]["cadence"] == {"releases": False}


async def test_a_later_cycle_cannot_start_before_an_earlier_one_is_closed(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id = await six_weeks(client)
    cycles = (await planned(client, roadmap_id, 2))["cycles"]
    before = await event_count(database)
    early = await mutate(client, "startCycle", {"cycleId": cycles[1]["id"]}, "cycle { state }")
    assert user_errors(early) == [(["input", "cycleId"], "INVALID")]
    assert "'Cycle 1'" in early["userErrors"][0]["message"]
    assert await event_count(database) == before
    for cycle in cycles:
        started = await mutate(client, "startCycle", {"cycleId": cycle["id"]}, "cycle { state }")
        assert started["cycle"] == {"state": "ACTIVE"}
        await mutate(client, "closeCycle", {"cycleId": cycle["id"]})


async def test_updating_a_planned_cycle_renames_and_moves_it_on_the_timeline(
    client: GraphQLClient,
) -> None:
    roadmap_id = await six_weeks(client)
    created = await mutate(
        client,
        "createCycle",
        {
            "roadmapId": roadmap_id,
            "name": "C-odd",
            "startsOn": "2026-01-12",
            "endsOn": "2026-02-22",
        },
        "cycle { id }",
    )
    cycle_id = created["cycle"]["id"]
    payload = await mutate(
        client,
        "updateCycle",
        {
            "cycleId": cycle_id,
            "name": "Cycle 1",
            "startsOn": "2026-01-05",
            "endsOn": "2026-02-15",
            "reason": "typed on the wrong Monday",
        },
        f"cycle {{ {CYCLE} }}",
    )
    assert payload["userErrors"] == []
    assert shown([payload["cycle"]]) == [("Cycle 1", "2026-01-05", "2026-02-15", "PLANNED")]
    timeline = await client.execute(
        TIMELINE, {"subject": cycle_id, "position": payload["position"]}
    )
    [entry] = [edge["node"] for edge in timeline["timeline"]["edges"]]
    assert entry["summary"] == (
        "Changed planned cycle 'C-odd' (2026-01-12..2026-02-22) to 'Cycle 1'"
        " (2026-01-05..2026-02-15) on 'Kitchen': typed on the wrong Monday"
    )
    # Values are JSON, as on every timeline entry.
    assert entry["changes"] == [
        {"field": "name", "from": '"C-odd"', "to": '"Cycle 1"'},
        {"field": "startsOn", "from": '"2026-01-12"', "to": '"2026-01-05"'},
        {"field": "endsOn", "from": '"2026-02-22"', "to": '"2026-02-15"'},
    ]
    same = await mutate(client, "updateCycle", {"cycleId": cycle_id, "name": "Cycle 1"})
    assert same["userErrors"] == [] and same["position"] is None


async def test_update_refusals_record_nothing(
    client: GraphQLClient, database: DatabaseTarget, tokens: Tokens
) -> None:
    roadmap_id = await six_weeks(client)
    first, second = (await planned(client, roadmap_id, 2))["cycles"]
    await mutate(client, "startCycle", {"cycleId": first["id"]})
    before = await event_count(database)
    refusals = [
        ({"cycleId": first["id"], "name": "X"}, ["input", "cycleId"], "only a PLANNED"),
        ({"cycleId": second["id"], "name": "cycle 1"}, ["input", "name"], "'Cycle 1'"),
        ({"cycleId": second["id"], "name": " "}, ["input", "name"], "blank"),
        ({"cycleId": second["id"], "endsOn": "2026-03-01"}, ["input", "endsOn"], "6 weeks"),
        (
            {"cycleId": second["id"], "startsOn": "2026-02-09", "endsOn": "2026-03-22"},
            ["input", "startsOn"],
            "overlaps cycle 'Cycle 1'",
        ),
        ({"cycleId": "nope", "name": "X"}, ["input", "cycleId"], "not an id"),
    ]
    for input, field, said in refusals:
        payload = await mutate(client, "updateCycle", input, "cycle { id }")
        assert [e["field"] for e in payload["userErrors"]] == [field], input
        assert said in payload["userErrors"][0]["message"], payload["userErrors"]
        assert payload["cycle"] is None and payload["position"] is None
    _, other = await tokens.create(Role.EDITOR, "mallory", "globex")
    foreign = await mutate(
        client, "updateCycle", {"cycleId": second["id"], "name": "X"}, token=other
    )
    assert user_errors(foreign) == [(["input", "cycleId"], "NOT_FOUND")]
    assert await event_count(database) == before


DELIVERABLE_TARGETS = "deliverables { title targetCycle { id } targetDate }"

CANCELLED_TIMELINE = """
query ($position: String) {
  timeline(types: ["CycleCancelled", "DeliverableUntargeted"], consistentWith: $position) {
    edges { node { type summary reason changes { field from to } } }
  }
}
"""


async def test_cancelling_a_planned_cycle_frees_its_slot_and_untargets_its_work(
    client: GraphQLClient,
) -> None:
    roadmap_id = await six_weeks(client)
    stray = await mutate(
        client,
        "createCycle",
        {
            "roadmapId": roadmap_id,
            "name": "C-odd",
            "startsOn": "2026-01-12",
            "endsOn": "2026-02-22",
        },
        "cycle { id }",
    )
    stray_id = stray["cycle"]["id"]
    proposed = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": roadmap_id,
            "title": "Make tacos",
            "goal": "dinner",
            "deliverables": [{"title": "Tacos", "targetCycleId": stray_id}],
        },
        "initiative { id }",
    )
    assert proposed["userErrors"] == []

    cancelled = await mutate(
        client,
        "cancelCycle",
        {"cycleId": stray_id, "reason": "typed on the wrong Monday"},
        f"roadmap {{ cycles {{ {CYCLE} }} initiatives {{ {DELIVERABLE_TARGETS} }} }}",
    )

    assert cancelled["userErrors"] == []
    assert shown(cancelled["roadmap"]["cycles"]) == [
        ("C-odd", "2026-01-12", "2026-02-22", "CANCELLED")
    ]
    assert cancelled["roadmap"]["initiatives"][0]["deliverables"] == [
        {"title": "Tacos", "targetCycle": None, "targetDate": None}
    ]
    timeline = await client.execute(CANCELLED_TIMELINE, {"position": cancelled["position"]})
    entries = {edge["node"]["type"]: edge["node"] for edge in timeline["timeline"]["edges"]}
    assert entries["CycleCancelled"]["summary"] == (
        "Cancelled cycle 'C-odd' on 'Kitchen': typed on the wrong Monday"
    )
    untargeted = entries["DeliverableUntargeted"]
    assert untargeted["summary"] == (
        "Took 'Tacos' off cycle 'C-odd' (due 2026-02-22), which was cancelled;"
        " it has no target now: typed on the wrong Monday"
    )
    assert untargeted["changes"] == [{"field": "targetCycle", "from": f'"{stray_id}"', "to": None}]
    retro = await client.execute(
        "query ($id: ID!) { cycleReport(cycleId: $id) {"
        " cycle { name state } committed { title } unplanned { title } } }",
        {"id": stray_id},
    )
    assert retro["cycleReport"] == {
        "cycle": {"name": "C-odd", "state": "CANCELLED"},
        "committed": [],
        "unplanned": [],
    }
    # Its slot and its name are free for the real cycle.
    real = await planned(client, roadmap_id, 1)
    assert shown(real["cycles"]) == [("Cycle 1", "2026-01-05", "2026-02-15", "PLANNED")]


async def test_cancel_refusals_record_nothing(
    client: GraphQLClient, database: DatabaseTarget, tokens: Tokens
) -> None:
    roadmap_id = await six_weeks(client)
    first, second = (await planned(client, roadmap_id, 2))["cycles"]
    await mutate(client, "startCycle", {"cycleId": first["id"]})
    before = await event_count(database)
    refusals = [
        (
            {"cycleId": second["id"], "reason": " "},
            ["input", "reason"],
            "REASON_REQUIRED",
            "needs a reason",
        ),
        ({"cycleId": first["id"], "reason": "r"}, ["input", "cycleId"], "INVALID", "ACTIVE"),
        ({"cycleId": "nope", "reason": "r"}, ["input", "cycleId"], "INVALID", "not an id"),
    ]
    for input, field, code, said in refusals:
        payload = await mutate(client, "cancelCycle", input, "roadmap { id }")
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
        assert said in payload["userErrors"][0]["message"], payload["userErrors"]
        assert payload["roadmap"] is None and payload["position"] is None
    _, other = await tokens.create(Role.EDITOR, "mallory", "globex")
    foreign = await mutate(
        client, "cancelCycle", {"cycleId": second["id"], "reason": "r"}, token=other
    )
    assert user_errors(foreign) == [(["input", "cycleId"], "NOT_FOUND")]
    assert await event_count(database) == before


async def test_a_view_as_of_before_a_cycle_changed_shows_its_name_and_dates_then(
    client: GraphQLClient,
) -> None:
    roadmap_id = await six_weeks(client)
    [cycle] = (await planned(client, roadmap_id, 1))["cycles"]
    proposed = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": roadmap_id,
            "title": "Make tacos",
            "goal": "dinner",
            "deliverables": [{"title": "Buy tortillas", "targetCycleId": cycle["id"]}],
        },
        "initiative { id }",
    )
    assert proposed["userErrors"] == []
    before = datetime.now(UTC).isoformat()
    updated = await mutate(
        client,
        "updateCycle",
        {
            "cycleId": cycle["id"],
            "name": "Tortilla run",
            "startsOn": "2026-01-12",
            "endsOn": "2026-02-22",
            "reason": "started a week late",
        },
        "cycle { id }",
    )
    assert updated["userErrors"] == []
    query = f"""
    query ($id: ID!, $at: DateTime, $p: String) {{
      roadmap(id: $id, asOf: $at, consistentWith: $p) {{
        cycles {{ {CYCLE} }}
        initiatives {{ deliverables {{ targetCycle {{ name startsOn endsOn }} }} }}
      }}
    }}"""
    for at, wanted in [
        (before, ("Cycle 1", "2026-01-05", "2026-02-15")),
        (None, ("Tortilla run", "2026-01-12", "2026-02-22")),
    ]:
        data = await client.execute(query, {"id": roadmap_id, "at": at, "p": updated["position"]})
        roadmap = data["roadmap"]
        assert shown(roadmap["cycles"]) == [(*wanted, "PLANNED")], at
        [initiative] = roadmap["initiatives"]
        target = initiative["deliverables"][0]["targetCycle"]
        assert (target["name"], target["startsOn"], target["endsOn"]) == wanted, at
