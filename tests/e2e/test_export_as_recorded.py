"""``roadlog export roadmap --recorded-as-of``, as a process: the roadmap as it was
recorded by an instant, before a later import backfilled an earlier week."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backend.database import DatabaseTarget
from tests.support.process import roadlog
from tests.support.settings import database_environment

pytestmark = pytest.mark.slow

HEADER = (
    "Project,Stakeholders,User-centric goal,Deliverable,Deliverable status,Estimate weeks,Target"
)
WEEK_1 = [
    'Search,"Sales, Support",Find any document in a second,Index,In progress,3,2026-03-31',
    "Billing,Finance,Customers pay without calling us,Invoices,Done,2.5,2026-01-15",
]
WEEK_2 = [
    "Billing,Finance,Customers pay without calling us,Invoices,Done,2.5,2026-01-15",
    'Search,"Sales, Support",Find any document in a second,Index,Done,4,2026-03-31',
]
# As exported: the sheet's optional columns follow (not stretch, no team, a feature).
INDEX_THEN = (
    'Search,"Sales, Support",Find any document in a second,Index,In progress,3,2026-03-31'
    ",No,,Feature"
)
INDEX_NOW = (
    'Search,"Sales, Support",Find any document in a second,Index,Done,4,2026-03-31,No,,Feature'
)


def write_sheet(path: Path, *rows: str) -> str:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def test_the_export_as_recorded_leaves_out_a_later_backfill(
    database: DatabaseTarget, tmp_path: Path
) -> None:
    env = database_environment(database)
    common = ["--roadmap", "Platform", "--workspace", "audited"]
    nothing_recorded = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    first = write_sheet(tmp_path / "week1.csv", *WEEK_1)
    done = roadlog("import", "csv", first, *common, "--at", "2026-01-05T09:00:00Z", env=env)
    assert done.returncode == 0, done.stderr
    recorded_week_1 = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    # Recorded now, effective the next morning: a backfill of what happened then.
    second = write_sheet(tmp_path / "week2.csv", *WEEK_2)
    done = roadlog("import", "csv", second, *common, "--at", "2026-01-06T09:00:00Z", env=env)
    assert done.returncode == 0, done.stderr

    def export(*args: str) -> list[str]:
        shown = roadlog(
            "export",
            "roadmap",
            "Platform",
            "--workspace",
            "audited",
            "--format",
            "sheet",
            *args,
            env=env,
        )
        assert shown.returncode == 0, shown.stderr
        return shown.stdout.splitlines()

    as_of = ["--as-of", "2026-01-07"]
    assert INDEX_THEN in export(*as_of, "--recorded-as-of", recorded_week_1)
    assert INDEX_THEN in export("--recorded-as-of", recorded_week_1)
    assert INDEX_NOW in export(*as_of)
    assert INDEX_NOW in export(*as_of, "--recorded-as-of", datetime.now(UTC).isoformat())

    before = roadlog(
        "export",
        "roadmap",
        "Platform",
        "--workspace",
        "audited",
        "--recorded-as-of",
        nothing_recorded,
        env=env,
    )
    assert before.returncode == 1
    assert "the roadmap did not exist" in before.stderr
    assert f"as recorded by {datetime.fromisoformat(nothing_recorded).isoformat()}" in before.stderr
    future = roadlog(
        "export",
        "roadmap",
        "Platform",
        "--workspace",
        "audited",
        "--recorded-as-of",
        "2999-01-01",
        env=env,
    )
    assert future.returncode == 1
    assert future.stderr.strip() == "roadlog: --recorded-as-of '2999-01-01' is in the future"
