"""``roadlog demo``: the Kubernetes KEP history in the KEP workspace, and a viewer token."""

from __future__ import annotations

import asyncio
from importlib.resources import as_file, files
from pathlib import Path

import click

from backend.bootstrap import prepared_pool
from backend.cli.imports import event_store, import_kep_history, reported
from backend.cli.options import data_dir_option, database_target, load_settings
from backend.importing.kep import KEP_WORKSPACE
from backend.importing.kep_source import KepEvent, read_kep_history
from backend.tokens import Role, Tokens

DEMO_VIEWER = "demo-viewer"


def shipped_kep_history() -> list[KepEvent]:
    """The KEP history shipped with roadlog (package data ``backend/data``)."""
    resource = files("backend").joinpath("data", "kep-history.jsonl.gz")
    with as_file(resource) as path:
        return read_kep_history(path)


async def _viewer_token(data_dir: Path | None) -> str:
    target = database_target(load_settings(data_dir=data_dir))
    async with prepared_pool(target) as pool:
        _, secret = await Tokens(pool).create(Role.VIEWER, DEMO_VIEWER, KEP_WORKSPACE)
    return secret


@click.command(
    help="Load the Kubernetes KEP history and print a viewer token for it.\n\n"
    f"The history goes into the workspace {KEP_WORKSPACE!r} (where `roadlog import kep` puts "
    "it too), once: running the demo again, or importing the same history, adds nothing "
    "to it. Each run prints a new viewer token on stdout."
)
@data_dir_option
def demo(data_dir: Path | None) -> None:
    """The KEP history in ``KEP_WORKSPACE``, and a viewer token for it (help above)."""
    with reported():
        events = shipped_kep_history()
        with event_store(data_dir, KEP_WORKSPACE) as (app, workspace):
            summary = import_kep_history(app, workspace, events)
    for line in summary.lines():
        click.echo(line, err=True)
    secret = asyncio.run(_viewer_token(data_dir))
    click.echo(f"viewer token for workspace {KEP_WORKSPACE!r} (shown once):", err=True)
    click.echo(secret)
