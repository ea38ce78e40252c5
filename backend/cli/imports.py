"""``roadlog import csv|kep``: bring a roadmap in, with a progress bar on stderr.

Exit status: 0 imported (or nothing to do); 1 refused before recording anything (a bad
file, with every bad line listed; a bad option); 3 stopped midway by a refused command
(what came before is recorded; running the same import again resumes).
"""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click

from backend.application import Roadlog
from backend.bootstrap import prepared_pool
from backend.cli.options import data_dir_option, database_target, load_settings
from backend.database import DatabaseTarget
from backend.eventstore import open_event_store
from backend.importing.csv_import import SheetImporter
from backend.importing.csv_sheet import read_sheet
from backend.importing.errors import ImportFailed, ImportRefused
from backend.importing.kep import KEP_WORKSPACE, ROADMAP_NAME, KepImporter, KepSummary
from backend.importing.kep_source import KepEvent, read_kep_history
from backend.importing.progress import progress_bar
from backend.importing.workspaces import Workspace, ensure_workspace
from backend.startup import StartupError

EVENT_STORE_POOL_SIZE = 2


class ImportStopped(click.ClickException):
    """An import stopped midway: exit status 3, one line."""

    exit_code = 3


def parse_time(text: str, option: str = "--at") -> datetime:
    """An ISO 8601 time or date (a date is its midnight; no offset means UTC), not future."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise StartupError(f"{option} {text!r} is not an ISO 8601 time or date") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    at = at.astimezone(UTC)
    if at > datetime.now(UTC):
        raise StartupError(f"{option} {text!r} is in the future")
    return at


def default_actor() -> str:
    """Who runs the command: the login name, when the system knows it."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "roadlog import"


async def _workspace(target: DatabaseTarget, name: str | None) -> Workspace:
    async with prepared_pool(target) as pool:
        return await ensure_workspace(pool, name)


@contextmanager
def event_store(
    data_dir: Path | None, workspace: str | None
) -> Iterator[tuple[Roadlog, Workspace]]:
    """The application on the configured database, and the workspace (created if new)."""
    target = database_target(load_settings(data_dir=data_dir))
    found = asyncio.run(_workspace(target, workspace))
    if found.created:
        click.echo(f"created workspace {found.name!r}", err=True)
    app = open_event_store(target, pool_size=EVENT_STORE_POOL_SIZE, create_tables=False)
    try:
        yield app, found
    finally:
        app.close()


@contextmanager
def reported() -> Iterator[None]:
    """Import errors as one line: refused (exit 1) or stopped midway (exit 3)."""
    try:
        yield
    except ImportRefused as refused:
        raise StartupError(str(refused)) from None
    except ImportFailed as failed:
        raise ImportStopped(str(failed)) from None


def import_kep_history(app: Roadlog, workspace: Workspace, events: list[KepEvent]) -> KepSummary:
    """Import checked KEP events, with a progress bar on stderr."""
    with progress_bar() as bar:
        return KepImporter(app, workspace.id, tracker=bar).run(events)


@click.group(name="import")
def import_() -> None:
    """Import a roadmap: a spreadsheet export (csv) or the Kubernetes KEP history (kep)."""


def _not_blank(option: str, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise StartupError(f"{option} must not be blank")
    return None if value is None else value.strip()


@import_.command(name="csv")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--roadmap",
    "roadmap_name",
    required=True,
    help="The roadmap: its name (created if new) or its id.",
)
@click.option("--at", "at_text", default=None, help="Business time of the changes [now].")
@click.option("--actor", default=None, help="Who made the changes [your login name].")
@click.option("--reason", default=None, help="Why [imported from FILE].")
@click.option("--workspace", default=None, help="Workspace name (created if new) [the first one].")
@click.option(
    "--remove-missing",
    is_flag=True,
    help="Remove the deliverables whose rows are no longer in the sheet, with the import's"
    " reason [they become Won't do].",
)
@data_dir_option
def import_csv(
    file: Path,
    roadmap_name: str,
    at_text: str | None,
    actor: str | None,
    reason: str | None,
    workspace: str | None,
    remove_missing: bool,
    data_dir: Path | None,
) -> None:
    """Import a roadmap spreadsheet exported as CSV; again later, only what changed.

    Columns: Project, Stakeholders, User-centric goal, Deliverable, Deliverable status,
    Target, and optionally Estimate weeks, Stretch (Yes/No), Team (created if new) and
    Kind (Feature, Tech debt, Operations, Research, Other); one row per deliverable, in
    priority order. A Target is an ISO date or the name of a cycle of the roadmap. A
    deliverable title starting with "Stretch goal:" is a stretch goal (the prefix is
    dropped). A blank Estimate, Target, Stretch, Team or Kind keeps what is recorded.

    Matching: rows match earlier imports by project name and deliverable title (case
    and spaces ignored). A row whose title matches none is a RENAMED deliverable (its
    title is updated, its history kept) when nothing else changed on it: same project,
    same status, target, estimate and stretch as exactly one deliverable of that
    project whose title left the sheet, and no other new row fits that deliverable.
    Otherwise it is a new deliverable. A deliverable whose row left the sheet becomes
    Won't do, or is removed with --remove-missing.
    """
    name = _not_blank("--roadmap", roadmap_name) or ""
    at = datetime.now(UTC) if at_text is None else parse_time(at_text)
    with reported():
        projects = read_sheet(file)
        with (
            event_store(data_dir, _not_blank("--workspace", workspace)) as (app, found),
            progress_bar() as bar,
        ):
            importer = SheetImporter(
                app,
                found.id,
                roadmap_name=name,
                actor=_not_blank("--actor", actor) or default_actor(),
                reason=_not_blank("--reason", reason) or f"imported from {file.name}",
                at=at,
                tracker=bar,
                remove_missing=remove_missing,
            )
            summary = importer.run(projects, str(file))
    for line in summary.lines():
        click.echo(line)


@import_.command(name="kep")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workspace", default=KEP_WORKSPACE, help="Workspace name (created if new).")
@data_dir_option
def import_kep(file: Path, workspace: str, data_dir: Path | None) -> None:
    """Import the Kubernetes KEP history (kep-history.jsonl[.gz]).

    It becomes the roadmap "Kubernetes enhancements", with the original times, actors
    and reasons. Running it again records only what an earlier run did not.
    """
    with reported():
        events = read_kep_history(file)
        with event_store(data_dir, _not_blank("--workspace", workspace)) as (app, found):
            summary = import_kep_history(app, found, events)
    click.echo(f"{ROADMAP_NAME!r} in workspace {found.name!r}:")
    for line in summary.lines():
        click.echo(line)
