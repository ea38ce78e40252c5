"""Teams, roadmaps, priority moves and cycles, over HTTP: each accepted change is one or more
events; each rejected one records nothing and says what was wrong."""

from __future__ import annotations

from typing import Any

from backend.database import DatabaseTarget
from backend.tokens import Role, Tokens
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

ORDER = "roadmap { id initiatives { id title position } }"


async def roadmap_with(client: GraphQLClient, *titles: str) -> tuple[str, list[str]]:
    """A roadmap with initiatives in this order: (roadmap id, initiative ids)."""
    created = await mutate(
        client,
        "createRoadmap",
        {"name": "SRE", "cadence": {"releases": True}},
        "roadmap { id }",
    )
    roadmap_id = created["roadmap"]["id"]
    ids = []
    for title in titles:
        proposed = await mutate(
            client,
            "proposeInitiative",
            {"roadmapId": roadmap_id, "title": title, "goal": f"{title} goal"},
            "initiative { id }",
        )
        ids.append(proposed["initiative"]["id"])
    return roadmap_id, ids


def titles(payload: dict[str, Any]) -> list[str]:
    return [row["title"] for row in payload["roadmap"]["initiatives"]]


async def test_create_team_and_roadmap_return_them_with_a_position(client: GraphQLClient) -> None:
    team = await mutate(client, "createTeam", {"name": "SRE"}, "team { id name }")
    assert team["team"]["name"] == "SRE"
    assert int(team["position"]) > 0
    roadmap = await mutate(
        client,
        "createRoadmap",
        {
            "name": "Infra",
            "teamId": team["team"]["id"],
            "cadence": {"cycleWeeks": 6, "anchorDate": "2026-01-05"},
        },
        "roadmap { name team { name } cadence { cycleWeeks anchorDate fiscalYearStartMonth } }",
    )
    assert roadmap["userErrors"] == []
    assert roadmap["roadmap"]["team"] == {"name": "SRE"}
    assert roadmap["roadmap"]["cadence"] == {
        "cycleWeeks": 6,
        "anchorDate": "2026-01-05",
        "fiscalYearStartMonth": None,
    }


async def test_a_mixed_cadence_is_invalid_and_records_nothing(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    before = await event_count(database)
    payload = await mutate(
        client,
        "createRoadmap",
        {"name": "x", "cadence": {"fiscalYearStartMonth": 2, "cycleWeeks": 6}},
        "roadmap { id }",
    )
    assert payload["roadmap"] is None
    assert payload["position"] is None
    assert user_errors(payload) == [(["input", "cadence"], "INVALID")]
    assert await event_count(database) == before


async def test_proposed_initiatives_go_last_unless_a_position_is_given(
    client: GraphQLClient,
) -> None:
    roadmap_id, _ = await roadmap_with(client, "A", "B")
    placed = await mutate(
        client,
        "proposeInitiative",
        {"roadmapId": roadmap_id, "title": "C", "goal": "g", "position": 1},
        "initiative { position }",
    )
    assert placed["initiative"]["position"] == 1
    beyond = await mutate(
        client,
        "proposeInitiative",
        {"roadmapId": roadmap_id, "title": "D", "goal": "g", "position": 5},
        "initiative { id }",
    )
    assert user_errors(beyond) == [(["input", "position"], "INVALID")]


async def test_moving_an_initiative_reorders_the_roadmap_densely(client: GraphQLClient) -> None:
    roadmap_id, ids = await roadmap_with(client, "pilot", "GA", "final")
    moved = await mutate(
        client,
        "moveInitiative",
        {"roadmapId": roadmap_id, "initiativeId": ids[2], "toPosition": 1, "reason": "audit"},
        ORDER,
    )
    assert moved["userErrors"] == []
    assert titles(moved) == ["final", "pilot", "GA"]
    positions = [row["position"] for row in moved["roadmap"]["initiatives"]]
    assert positions == [1, 2, 3]


async def test_a_move_needs_a_non_blank_reason(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id, ids = await roadmap_with(client, "A", "B")
    before = await event_count(database)
    payload = await mutate(
        client,
        "moveInitiative",
        {"roadmapId": roadmap_id, "initiativeId": ids[1], "toPosition": 1, "reason": "  "},
        ORDER,
    )
    assert user_errors(payload) == [(["input", "reason"], "REASON_REQUIRED")]
    assert await event_count(database) == before


async def test_moving_beyond_the_end_is_invalid_not_clamped(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id, ids = await roadmap_with(client, "A", "B")
    before = await event_count(database)
    payload = await mutate(
        client,
        "moveInitiative",
        {"roadmapId": roadmap_id, "initiativeId": ids[0], "toPosition": 3, "reason": "r"},
        ORDER,
    )
    assert user_errors(payload) == [(["input", "toPosition"], "INVALID")]
    assert await event_count(database) == before


async def test_moving_to_the_current_position_records_nothing(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id, ids = await roadmap_with(client, "A", "B")
    before = await event_count(database)
    payload = await mutate(
        client,
        "moveInitiative",
        {"roadmapId": roadmap_id, "initiativeId": ids[0], "toPosition": 1, "reason": "r"},
        ORDER,
    )
    assert payload["userErrors"] == []
    assert payload["position"] is None
    assert titles(payload) == ["A", "B"]
    assert await event_count(database) == before


async def test_a_stale_expected_version_is_a_conflict_naming_the_current_one(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id, ids = await roadmap_with(client, "A", "B")
    before = await event_count(database)
    payload = await mutate(
        client,
        "moveInitiative",
        {
            "roadmapId": roadmap_id,
            "initiativeId": ids[1],
            "toPosition": 1,
            "reason": "r",
            "expectedVersion": 1,
        },
        ORDER,
    )
    [error] = payload["userErrors"]
    assert error["code"] == "CONFLICT"
    assert "version 3" in error["message"]
    assert await event_count(database) == before


async def test_a_repeated_idempotency_key_returns_the_first_result(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id, ids = await roadmap_with(client, "A", "B", "C")
    move = {
        "roadmapId": roadmap_id,
        "initiativeId": ids[2],
        "toPosition": 1,
        "reason": "r",
        "idempotencyKey": "move-c-up",
    }
    first = await mutate(client, "moveInitiative", move, ORDER)
    count = await event_count(database)
    again = await mutate(client, "moveInitiative", move, ORDER)
    assert again["position"] == first["position"]
    assert titles(again) == ["C", "A", "B"]
    assert await event_count(database) == count

    propose = {"roadmapId": roadmap_id, "title": "D", "goal": "g", "idempotencyKey": "d"}
    proposed = await mutate(client, "proposeInitiative", propose, "initiative { id }")
    count = await event_count(database)
    repeated = await mutate(client, "proposeInitiative", propose, "initiative { id }")
    assert repeated["initiative"]["id"] == proposed["initiative"]["id"]
    assert repeated["position"] == proposed["position"]
    assert await event_count(database) == count


async def test_removing_an_initiative_closes_the_gap(client: GraphQLClient) -> None:
    roadmap_id, ids = await roadmap_with(client, "A", "B", "C")
    removed = await mutate(
        client,
        "removeInitiative",
        {"roadmapId": roadmap_id, "initiativeId": ids[0], "reason": "dropped"},
        ORDER,
    )
    assert titles(removed) == ["B", "C"]
    assert [row["position"] for row in removed["roadmap"]["initiatives"]] == [1, 2]


async def test_an_unknown_decision_is_not_found(client: GraphQLClient) -> None:
    roadmap_id, ids = await roadmap_with(client, "A", "B")
    payload = await mutate(
        client,
        "moveInitiative",
        {
            "roadmapId": roadmap_id,
            "initiativeId": ids[1],
            "toPosition": 1,
            "reason": "r",
            "decisionId": "RGVjaXNpb246MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw",
        },
        ORDER,
    )
    assert user_errors(payload) == [(["input", "decisionId"], "NOT_FOUND")]


async def test_malformed_and_foreign_ids_are_rejected_alike_for_every_workspace(
    client: GraphQLClient, tokens: Tokens
) -> None:
    roadmap_id, ids = await roadmap_with(client, "A", "B")
    malformed = await mutate(
        client,
        "moveInitiative",
        {"roadmapId": "nope", "initiativeId": ids[0], "toPosition": 1, "reason": "r"},
        ORDER,
    )
    assert user_errors(malformed) == [(["input", "roadmapId"], "INVALID")]
    _, other = await tokens.create(Role.EDITOR, "mallory", "globex")
    foreign = await mutate(
        client,
        "moveInitiative",
        {"roadmapId": roadmap_id, "initiativeId": ids[1], "toPosition": 1, "reason": "r"},
        ORDER,
        token=other,
    )
    assert user_errors(foreign) == [(["input", "roadmapId"], "NOT_FOUND")]


async def test_cycles_start_and_close_and_refuse_inverted_or_overlapping_dates(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id, _ = await roadmap_with(client, "A")
    cycle = await mutate(
        client,
        "createCycle",
        {"roadmapId": roadmap_id, "name": "C1", "startsOn": "2026-01-05", "endsOn": "2026-02-15"},
        "cycle { id name state startsOn endsOn }",
    )
    assert cycle["cycle"]["state"] == "PLANNED"
    before = await event_count(database)
    inverted = await mutate(
        client,
        "createCycle",
        {"roadmapId": roadmap_id, "name": "C2", "startsOn": "2026-05-01", "endsOn": "2026-04-01"},
        "cycle { id }",
    )
    assert user_errors(inverted) == [(["input", "endsOn"], "INVALID")]
    overlapping = await mutate(
        client,
        "createCycle",
        {"roadmapId": roadmap_id, "name": "C3", "startsOn": "2026-02-01", "endsOn": "2026-03-01"},
        "cycle { id }",
    )
    assert user_errors(overlapping) == [(["input", "startsOn"], "INVALID")]
    assert "C1" in overlapping["userErrors"][0]["message"]
    assert await event_count(database) == before

    cycle_id = cycle["cycle"]["id"]
    started = await mutate(client, "startCycle", {"cycleId": cycle_id}, "cycle { state }")
    assert started["cycle"]["state"] == "ACTIVE"
    again = await mutate(client, "startCycle", {"cycleId": cycle_id}, "cycle { state }")
    assert user_errors(again)[0][1] == "INVALID"
    closed = await mutate(client, "closeCycle", {"cycleId": cycle_id}, "cycle { state }")
    assert closed["cycle"]["state"] == "CLOSED"
