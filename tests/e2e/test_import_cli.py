"""``roadlog import``, ``export`` and ``demo`` as processes on the test's database."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from backend.database import DatabaseTarget
from backend.eventstore import open_event_store
from tests.importing.conftest import KEP_FILE
from tests.support.process import roadlog
from tests.support.settings import database_environment

pytestmark = pytest.mark.slow

HEADER = (
    "Project,Stakeholders,User-centric goal,Deliverable,Deliverable status,Estimate weeks,Target"
)
WEEK_1 = [
    'Search,"Sales, Support",Find any document in a second,Index,In progress,3,2026-03-31',
    ",,,Search UI,Planned,2,",
    "Billing,Finance,Customers pay without calling us,Invoices,Done,2.5,2026-01-15",
]
WEEK_2 = [
    "Billing,Finance,Customers pay without calling us,Invoices,Done,2.5,2026-01-15",
    'Search,"Sales, Support",Find any document in a second,Index,Done,3,2026-03-31',
]


def write_sheet(path: Path, *rows: str) -> str:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def log_size(database: DatabaseTarget) -> int:
    app = open_event_store(database, pool_size=1, create_tables=False)
    try:
        return app.recorder.max_notification_id() or 0
    finally:
        app.close()


def test_importing_a_sheet_then_a_newer_export_prints_the_changes(
    database: DatabaseTarget, tmp_path: Path
) -> None:
    env = database_environment(database)
    first = write_sheet(tmp_path / "week1.csv", *WEEK_1)
    common = ["--roadmap", "Platform", "--actor", "pm@acme.example", "--workspace", "acme"]
    done = roadlog("import", "csv", first, *common, "--at", "2026-01-05T09:00:00Z", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "created roadmap 'Platform'",
        "proposed 'Search' at 1 with 2 deliverables",
        "'Search' / 'Index': Planned -> In progress",
        "proposed 'Billing' at 2 with 1 deliverable",
        "'Billing' / 'Invoices': Planned -> Done",
        "recorded 5 changes",
    ]
    assert "created workspace 'acme'" in done.stderr
    second = write_sheet(tmp_path / "week2.csv", *WEEK_2)
    args = ["import", "csv", second, *common, "--at", "2026-01-12", "--reason", "weekly sync"]
    changed = roadlog(*args, env=env)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.splitlines() == [
        "moved 'Billing' from 2 to 1",
        "'Search' / 'Index': In progress -> Done",
        "'Search' / 'Search UI': Planned -> Won't do (row removed from the sheet)",
        "recorded 3 changes",
    ]
    again = roadlog(*args, env=env)
    assert (again.returncode, again.stdout) == (0, "no changes\n")


def test_a_bad_sheet_or_time_is_one_line_exit_1_and_records_nothing(
    database: DatabaseTarget, tmp_path: Path
) -> None:
    env = database_environment(database)
    good = write_sheet(tmp_path / "good.csv", *WEEK_1)
    assert roadlog("import", "csv", good, "--roadmap", "Platform", env=env).returncode == 0
    before = log_size(database)
    bad = write_sheet(tmp_path / "bad.csv", "Search,,Goal,Index,Blocked,,", ",,,UI,Done,x,")
    refused = roadlog("import", "csv", bad, "--roadmap", "Platform", env=env)
    assert refused.returncode == 1
    assert refused.stdout == ""
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("roadlog: ") and "bad.csv: 2 bad lines, nothing recorded" in line
    assert "line 2: Deliverable status 'Blocked'" in line and "line 3: Estimate weeks 'x'" in line
    future = roadlog("import", "csv", good, "--roadmap", "Platform", "--at", "2999-01-01", env=env)
    assert future.returncode == 1 and "is in the future" in future.stderr
    past = roadlog("import", "csv", good, "--roadmap", "Platform", "--at", "2020-01-01", env=env)
    assert past.returncode == 0, "the same sheet: nothing to record, so any time will do"
    assert log_size(database) == before


def test_importing_kep_history_prints_a_summary_and_resumes(
    database: DatabaseTarget, tmp_path: Path
) -> None:
    env = database_environment(database)
    with gzip.open(KEP_FILE, "rt", encoding="utf-8") as lines:
        head = [next(lines) for _ in range(150)]
    part = tmp_path / "kep-part.jsonl"
    part.write_text("".join(head), encoding="utf-8")
    done = roadlog("import", "kep", str(part), env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("'Kubernetes enhancements' in workspace 'kubernetes':\nread 150 events")
    assert "skipped" in out and "latest-milestone is not a deliverable target" in out
    assert "0 already imported" in out
    again = roadlog("import", "kep", str(part), env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "recorded 0 events as 0 changes" in again.stdout
    broken = tmp_path / "broken.jsonl"
    broken.write_text(head[1] + head[0], encoding="utf-8")
    refused = roadlog("import", "kep", str(broken), env=env)
    assert refused.returncode == 1
    assert "line 2: 'at'" in refused.stderr and "must be sorted" in refused.stderr


def test_exports_print_the_roadmap_and_the_reports(
    database: DatabaseTarget, tmp_path: Path
) -> None:
    env = database_environment(database)
    sheet = write_sheet(tmp_path / "week1.csv", *WEEK_1)
    args = ["--roadmap", "Platform", "--at", "2026-01-05"]
    assert roadlog("import", "csv", sheet, *args, env=env).returncode == 0
    later = write_sheet(tmp_path / "week2.csv", *WEEK_2)
    assert roadlog("import", "csv", later, "--roadmap", "Platform", env=env).returncode == 0
    markdown = roadlog("export", "roadmap", "platform", env=env)
    assert markdown.returncode == 0, markdown.stderr
    assert markdown.stdout.splitlines()[0] == (
        "| Project | Stakeholders | User-centric goal | Deliverables | Status |"
    )
    assert markdown.stdout.splitlines()[2].startswith("| Billing | Finance |")
    earlier = roadlog(
        "export", "roadmap", "Platform", "--format", "sheet", "--as-of", "2026-01-06", env=env
    )
    assert earlier.returncode == 0, earlier.stderr
    assert earlier.stdout.splitlines()[1] == (
        'Search,"Sales, Support",Find any document in a second,Index,In progress,3,2026-03-31'
        ",No,,Feature"
    )
    table = roadlog("export", "roadmap", "Platform", "--format", "csv", env=env)
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0] == (
        "Project,Stakeholders,User-centric goal,Deliverables,Status"
    )
    report = roadlog("export", "report", "estimates", "--group-by", "initiative", env=env)
    assert report.returncode == 0, report.stderr
    assert "| Billing | 1 | 2.5 |" in report.stdout
    missing = roadlog("export", "roadmap", "Nope", env=env)
    assert missing.returncode == 1
    assert missing.stderr.strip() == "roadlog: no roadmap named 'Nope' (known: 'Platform')"


@pytest.mark.timeout(600)
def test_demo_loads_the_kep_history_once_into_the_kep_workspace_with_a_viewer_token(
    database: DatabaseTarget,
) -> None:
    env = database_environment(database)
    first = roadlog("demo", env=env, timeout=500)
    assert first.returncode == 0, first.stderr
    token = first.stdout.strip()
    assert token.startswith("rl_") and "\n" not in token
    assert "read 2124 events of 659 KEPs" in first.stderr
    assert "viewer token for workspace 'kubernetes'" in first.stderr
    size = log_size(database)
    # `import kep` defaults to the demo's workspace: the same history is not loaded twice.
    imported = roadlog("import", "kep", str(KEP_FILE), env=env, timeout=500)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("'Kubernetes enhancements' in workspace 'kubernetes':")
    assert "recorded 0 events as 0 changes" in imported.stdout
    assert log_size(database) == size
    second = roadlog("demo", env=env, timeout=500)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip().startswith("rl_") and second.stdout.strip() != token
    assert "recorded 0 events as 0 changes" in second.stderr
    assert log_size(database) == size
