"""The workspace's fiscal year over HTTP: admins set it, everyone reads it, and the
refusals record nothing."""

from __future__ import annotations

from backend.database import DatabaseTarget
from backend.tokens import Role, Tokens
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

VIEWER = """
query ($position: String) {
  viewer { workspace { id fiscalYearStartMonth } }
  timeline(types: ["FiscalYearSet"], consistentWith: $position) {
    edges { node { summary subject { __typename id } changes { field from to } } }
  }
}
"""

SET_FEBRUARY = (
    "mutation { setFiscalYear(input: {fiscalYearStartMonth: 2}) { position userErrors { code } } }"
)


async def test_an_admin_sets_the_fiscal_year_and_everyone_reads_it(
    client: GraphQLClient, tokens: Tokens
) -> None:
    before = await client.execute(VIEWER, {})
    assert before["viewer"]["workspace"]["fiscalYearStartMonth"] == 1

    payload = await mutate(
        client,
        "setFiscalYear",
        {"fiscalYearStartMonth": 2, "reason": "the company's books"},
        "workspace { id fiscalYearStartMonth }",
    )

    assert payload["userErrors"] == [] and int(payload["position"]) > 0
    assert payload["workspace"]["fiscalYearStartMonth"] == 2
    _, viewer = await tokens.create(Role.VIEWER, "vera", "acme")
    after = await client.execute(VIEWER, {"position": payload["position"]}, token=viewer)
    workspace_id = after["viewer"]["workspace"]["id"]
    assert payload["workspace"]["id"] == workspace_id
    assert after["viewer"]["workspace"]["fiscalYearStartMonth"] == 2
    [entry] = [edge["node"] for edge in after["timeline"]["edges"]]
    assert entry == {
        "summary": "Set the fiscal year to start in February (was January): the company's books",
        "subject": {"__typename": "Workspace", "id": workspace_id},
        "changes": [{"field": "fiscalYearStartMonth", "from": "1", "to": "2"}],
    }
    same = await mutate(client, "setFiscalYear", {"fiscalYearStartMonth": 2})
    assert same["userErrors"] == [] and same["position"] is None


async def test_only_an_admin_may_set_it_and_a_month_is_1_to_12(
    client: GraphQLClient, tokens: Tokens, database: DatabaseTarget
) -> None:
    before = await event_count(database)
    _, editor = await tokens.create(Role.EDITOR, "eddie", "acme")
    response = await client.post(SET_FEBRUARY, token=editor)
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    for month in (0, 13):
        payload = await mutate(
            client, "setFiscalYear", {"fiscalYearStartMonth": month}, "workspace { id }"
        )
        assert user_errors(payload) == [(["input", "fiscalYearStartMonth"], "INVALID")]
        assert f"fiscalYearStartMonth {month} is not a month" in payload["userErrors"][0]["message"]
        assert payload["workspace"] is None and payload["position"] is None
    assert await event_count(database) == before


async def test_objective_periods_are_checked_and_read_on_the_workspaces_calendar(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    before = await event_count(database)
    refused = await mutate(
        client,
        "createObjective",
        {"title": "Dinner", "period": "next year sometime", "level": "COMPANY"},
        "objective { id }",
    )
    assert user_errors(refused) == [(["input", "period"], "INVALID")]
    message = refused["userErrors"][0]["message"]
    assert "'next year sometime'" in message and "(FY2027-Q1)" in message
    assert refused["objective"] is None and refused["position"] is None
    assert await event_count(database) == before

    await mutate(client, "setFiscalYear", {"fiscalYearStartMonth": 2})
    days = "objective { period startsOn endsOn }"
    fiscal = await mutate(
        client,
        "createObjective",
        {"title": "Dinner", "period": "FY2027-Q1", "level": "COMPANY"},
        days,
    )
    assert fiscal["objective"] == {
        "period": "FY2027-Q1",
        "startsOn": "2026-02-01",
        "endsOn": "2026-04-30",
    }
    calendar = await mutate(
        client, "createObjective", {"title": "Lunch", "period": "2026", "level": "COMPANY"}, days
    )
    assert calendar["objective"] == {
        "period": "2026",
        "startsOn": "2026-01-01",
        "endsOn": "2026-12-31",
    }
