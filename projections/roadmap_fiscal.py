"""The workspace's fiscal calendar in the roadmap read model (table ``fiscal_years``).

One row per workspace whose fiscal year was set: the first setting inserts it, each
change updates it. The estimate report reads it for its fiscal quarters.
"""

from __future__ import annotations

from collections.abc import Sequence

from backend.domain.workspace import Workspace
from projections.read_model import Statement

INSERT_FISCAL_YEAR = """
    INSERT INTO {schema}.fiscal_years (workspace_id, start_month, set_at) VALUES ($1, $2, $3)
"""

SET_FISCAL_YEAR = """
    UPDATE {schema}.fiscal_years SET start_month = $2, set_at = $3 WHERE workspace_id = $1
"""


def workspace_created(event: Workspace.Created, position: int) -> Sequence[Statement]:
    args = (event.workspace_id, event.fiscal_year_start_month, event.effective_at)
    return [Statement(INSERT_FISCAL_YEAR, args)]


def fiscal_year_set(event: Workspace.FiscalYearSet, position: int) -> Sequence[Statement]:
    args = (event.workspace_id, event.fiscal_year_start_month, event.effective_at)
    return [Statement(SET_FISCAL_YEAR, args)]
