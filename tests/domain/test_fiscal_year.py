"""The workspace's fiscal year: a setting recorded in the log, January until set."""

from __future__ import annotations

import pytest

from backend.application import Caller
from backend.domain.errors import Invalid
from backend.domain.workspace import Workspace
from tests.domain.helpers import ObservedRoadlog, attrs, current, kinds, recorded, rejected


def test_the_fiscal_year_starts_in_january_until_set(app: ObservedRoadlog, editor: Caller) -> None:
    assert app.fiscal_year_start_month(editor) == 1
    assert recorded(app, lambda: app.set_fiscal_year(editor, fiscal_year_start_month=1)) == []


def test_setting_the_fiscal_year_records_it_for_the_workspace(
    app: ObservedRoadlog, editor: Caller, outsider: Caller
) -> None:
    [first] = recorded(
        app, lambda: app.set_fiscal_year(editor, fiscal_year_start_month=2, reason="FY2027")
    )
    assert kinds([first]) == ["Workspace.Created"]
    assert first.originator_id == editor.workspace_id
    assert attrs(first, "fiscal_year_start_month", "reason") == {
        "fiscal_year_start_month": 2,
        "reason": "FY2027",
    }
    [changed] = recorded(app, lambda: app.set_fiscal_year(editor, fiscal_year_start_month=4))
    assert kinds([changed]) == ["Workspace.FiscalYearSet"]
    assert attrs(changed, "from_month", "fiscal_year_start_month") == {
        "from_month": 2,
        "fiscal_year_start_month": 4,
    }
    assert recorded(app, lambda: app.set_fiscal_year(editor, fiscal_year_start_month=4)) == []
    assert current(app, Workspace, editor.workspace_id).fiscal_year_start_month == 4
    assert app.fiscal_year_start_month(editor) == 4
    assert app.fiscal_year_start_month(outsider) == 1


@pytest.mark.parametrize("month", [0, 13, -1])
def test_a_month_outside_1_to_12_is_invalid(
    app: ObservedRoadlog, editor: Caller, month: int
) -> None:
    error = rejected(
        app,
        Invalid,
        "fiscal_year_start_month",
        lambda: app.set_fiscal_year(editor, fiscal_year_start_month=month),
    )
    assert repr(month) in error.message and "1 (January) to 12" in error.message
    app.set_fiscal_year(editor, fiscal_year_start_month=2)
    rejected(
        app,
        Invalid,
        "fiscal_year_start_month",
        lambda: app.set_fiscal_year(editor, fiscal_year_start_month=month),
    )
