"""``roadlog export digest`` as a process: what changed on a roadmap, as Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.database import DatabaseTarget
from tests.e2e.test_import_cli import WEEK_1, WEEK_2, write_sheet
from tests.support.process import roadlog
from tests.support.settings import database_environment

pytestmark = pytest.mark.slow


def test_export_digest_prints_the_changes_of_a_period_as_markdown(
    database: DatabaseTarget, tmp_path: Path
) -> None:
    env = database_environment(database)
    first = write_sheet(tmp_path / "week1.csv", *WEEK_1)
    common = ["--roadmap", "Platform", "--actor", "pm@acme.example"]
    assert roadlog("import", "csv", first, *common, "--at", "2026-01-05", env=env).returncode == 0
    second = write_sheet(tmp_path / "week2.csv", *WEEK_2)
    week_2 = ["--at", "2026-01-12", "--reason", "weekly sync"]
    assert roadlog("import", "csv", second, *common, *week_2, env=env).returncode == 0

    done = roadlog(
        "export", "digest", "platform", "--since", "2026-01-06", "--until", "2026-01-13", env=env
    )

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:5] == [
        "# Platform: what changed",
        "",
        "From 2026-01-06 00:00 UTC to 2026-01-13 00:00 UTC.",
        "",
        "**Health: not reported** (no status update yet)",
    ]
    sections = [line for line in lines if line.startswith("## ")]
    assert sections == ["## Completed", "## Status changes", "## Priority moves"]
    items = [line.split(". ")[0] for line in lines if line.startswith("- ")]
    assert items == [
        "- Completed 'Index' of 'Search'",
        "- 'Search UI' of 'Search' is now Won't do (was Planned)",
        "- Moved 'Billing' from 2 to 1",
    ]
    assert all("(pm@acme.example, 2026-01-12 00:00 UTC)" in line for line in lines if "- " in line)

    # By default, since the roadmap began (no status update yet) until now.
    everything = roadlog("export", "digest", "Platform", env=env)
    assert everything.returncode == 0, everything.stderr
    assert "- Added 'Search' at 2." in everything.stdout
    backwards = roadlog(
        "export", "digest", "Platform", "--since", "2026-01-13", "--until", "2026-01-06", env=env
    )
    assert backwards.returncode == 1
    assert backwards.stderr.strip() == (
        "roadlog: --since '2026-01-13' is after the end of the period (2026-01-06T00:00:00+00:00)"
    )
