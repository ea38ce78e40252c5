"""``roadlog export roadmap|report|digest``: the roadmap, the reports and digests on stdout.

Exports read the read models. Before reading, the command waits until they hold every
event already in the log (running the projector itself when no other process does), so
an export right after an import shows the import.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from uuid import UUID

import click

from backend.bootstrap import bootstrap
from backend.cli.imports import parse_time
from backend.cli.options import data_dir_option, database_target, load_settings
from backend.exporting.read import (
    NotInReadModels,
    cycle_named,
    cycle_names,
    cycle_report_of,
    estimate_groups,
    roadmap_initiatives,
    roadmap_named,
)
from backend.exporting.reports import cycle_summary, cycle_table, estimates_table
from backend.exporting.roadmap import roadmap_sheet, roadmap_table
from backend.exporting.tables import FORMATS, render
from backend.startup import StartupError
from backend.tokens import SELECT_FIRST_WORKSPACE, SELECT_WORKSPACE
from projections.digest import digest_of
from projections.digest_markdown import markdown
from projections.readers import Connection
from projections.watcher import ConsistencyTimeout

T = TypeVar("T")
CATCH_UP_SECONDS = 600.0
QUIET_WAIT_SECONDS = 2.0
GROUPINGS = ("team", "cycle", "quarter", "kind", "initiative")

format_option = click.option(
    "--format", "format_", type=click.Choice(FORMATS), default="markdown", help="Output format."
)
workspace_option = click.option("--workspace", default=None, help="Workspace name [the first one].")


async def _workspace_id(conn: Connection, name: str | None) -> UUID:
    if name is None:
        first = await conn.fetchrow(SELECT_FIRST_WORKSPACE)
        if first is None:
            raise StartupError("there is no workspace yet: import or create something first")
        return UUID(str(first["id"]))
    found = await conn.fetchval(SELECT_WORKSPACE, name)
    if found is None:
        raise StartupError(f"no workspace named {name!r}")
    return UUID(str(found))


def read_caught_up(
    data_dir: Path | None,
    workspace: str | None,
    read: Callable[[Connection, UUID], Awaitable[T]],
) -> T:
    """Run ``read`` on the read models once they hold everything the log holds now."""
    settings = load_settings(data_dir=data_dir)
    target = database_target(settings)

    async def run() -> T:
        async with bootstrap(settings, target) as services:
            head = await asyncio.to_thread(services.app.recorder.max_notification_id) or 0
            try:
                try:
                    await services.watcher.wait_for(head, QUIET_WAIT_SECONDS)
                except ConsistencyTimeout:
                    click.echo("roadlog: waiting for the read models to catch up", err=True)
                    await services.watcher.wait_for(head, CATCH_UP_SECONDS)
            except ConsistencyTimeout as timeout:
                raise StartupError(
                    f"the read models did not catch up within {CATCH_UP_SECONDS:.0f} s"
                    f" ({timeout}); is the projector failing? see `roadlog serve` logs"
                ) from None
            async with services.pool.acquire() as conn:
                workspace_id = await _workspace_id(conn, workspace)
                try:
                    return await read(conn, workspace_id)
                except NotInReadModels as missing:
                    raise StartupError(str(missing)) from None

    return asyncio.run(run())


@click.group(name="export")
def export() -> None:
    """Export the roadmap or a report as Markdown or CSV, on stdout."""


@export.command(name="roadmap")
@click.argument("name")
@click.option(
    "--format",
    "format_",
    type=click.Choice([*FORMATS, "sheet"]),
    default="markdown",
    help="markdown or csv: the roadmap table; sheet: the CSV `roadlog import csv` reads.",
)
@click.option("--as-of", "as_of", default=None, help="Business time to show [now].")
@click.option(
    "--recorded-as-of",
    "recorded_as_of",
    default=None,
    help="Count only the changes recorded by then, backfills included [all];"
    " --as-of defaults to it.",
)
@workspace_option
@data_dir_option
def export_roadmap(
    name: str,
    format_: str,
    as_of: str | None,
    recorded_as_of: str | None,
    workspace: str | None,
    data_dir: Path | None,
) -> None:
    """The roadmap NAME (its name, or its global id) in priority order.

    markdown and csv: Project | Stakeholders | User-centric goal | Deliverables | Status,
    one row per initiative. sheet: one row per deliverable with the columns
    `roadlog import csv` reads, so it can be edited and imported back.

    --recorded-as-of shows it as it was recorded by then, for audits: changes recorded
    later are left out, also those effective earlier (backfills).
    """
    at = None if as_of is None else parse_time(as_of, "--as-of")
    recorded_at = None if recorded_as_of is None else parse_time(recorded_as_of, "--recorded-as-of")

    async def read(conn: Connection, workspace_id: UUID) -> str:
        roadmap_id = await roadmap_named(conn, workspace_id, name)
        initiatives = await roadmap_initiatives(conn, workspace_id, roadmap_id, at, recorded_at)
        if format_ == "sheet":
            return render(roadmap_sheet(initiatives), "csv")
        return render(roadmap_table(initiatives), format_)

    click.echo(read_caught_up(data_dir, workspace, read), nl=False)


@export.command(name="digest")
@click.argument("name")
@click.option(
    "--since", default=None, help="Start of the period (exclusive) [the latest status update]."
)
@click.option("--until", default=None, help="End of the period (inclusive) [now].")
@workspace_option
@data_dir_option
def export_digest(
    name: str, since: str | None, until: str | None, workspace: str | None, data_dir: Path | None
) -> None:
    """What changed on the roadmap NAME (its name, or its global id) in a period, as a
    Markdown document ready for an email: the health of the latest status update, then
    one section per kind of change. The same digest as the API's ``digest`` query.
    """
    start = None if since is None else parse_time(since, "--since")
    end = datetime.now(UTC) if until is None else parse_time(until, "--until")
    if start is not None and start > end:
        raise StartupError(f"--since {since!r} is after the end of the period ({end.isoformat()})")

    async def read(conn: Connection, workspace_id: UUID) -> str:
        roadmap_id = await roadmap_named(conn, workspace_id, name)
        found = await digest_of(conn, workspace_id, roadmap_id, start, end)
        assert found is not None, f"roadmap {roadmap_id} was just found"
        return markdown(found)

    click.echo(read_caught_up(data_dir, workspace, read), nl=False)


@export.group(name="report")
def report() -> None:
    """Export the estimate report or a cycle report."""


@report.command(name="estimates")
@click.option(
    "--group-by", "group_by", type=click.Choice(GROUPINGS), default="team", help="Grouping."
)
@click.option(
    "--roadmap", "roadmap_name", default=None, help="Only this roadmap (name or id) [all]."
)
@format_option
@workspace_option
@data_dir_option
def export_estimates(
    group_by: str,
    roadmap_name: str | None,
    format_: str,
    workspace: str | None,
    data_dir: Path | None,
) -> None:
    """Estimate versus actual of the completed deliverables, one row per group."""

    async def read(conn: Connection, workspace_id: UUID) -> str:
        roadmap_id = (
            None if roadmap_name is None else await roadmap_named(conn, workspace_id, roadmap_name)
        )
        groups = await estimate_groups(conn, workspace_id, group_by, roadmap_id)
        return render(estimates_table(groups, group_by), format_)

    click.echo(read_caught_up(data_dir, workspace, read), nl=False)


@report.command(name="cycle")
@click.option("--roadmap", "roadmap_name", required=True, help="The roadmap (name or id).")
@click.option("--cycle", "cycle_name", required=True, help="The cycle's name.")
@format_option
@workspace_option
@data_dir_option
def export_cycle(
    roadmap_name: str,
    cycle_name: str,
    format_: str,
    workspace: str | None,
    data_dir: Path | None,
) -> None:
    """A cycle's retrospective: committed, unplanned, completed, carried over, dropped.

    Markdown: the figures, then the deliverables; CSV: the deliverables only.
    """

    async def read(conn: Connection, workspace_id: UUID) -> str:
        roadmap_id = await roadmap_named(conn, workspace_id, roadmap_name)
        cycle_id = await cycle_named(conn, workspace_id, roadmap_id, cycle_name)
        data, titles = await cycle_report_of(conn, workspace_id, roadmap_id, cycle_id)
        table = cycle_table(data, titles, await cycle_names(conn, workspace_id, roadmap_id))
        if format_ == "csv":
            return render(table, "csv")
        return "\n".join(cycle_summary(data)) + "\n" + render(table, "markdown")

    click.echo(read_caught_up(data_dir, workspace, read), nl=False)
