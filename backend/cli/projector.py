"""``roadlog project`` (the projector alone), ``roadlog rebuild [NAME]`` and
``roadlog migrate``."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from backend.application import Roadlog
from backend.bootstrap import prepare_database
from backend.cli.options import data_dir_option, database_target, load_settings
from backend.database import DatabaseTarget
from backend.eventstore import open_event_store
from backend.logs import configure_logging
from backend.startup import StartupError
from projections.batch import ProjectionFailed
from projections.catalog import READ_MODELS, read_model
from projections.projector import Projector
from projections.read_model import ReadModel
from projections.rebuild import RebuildConflict, RebuildProgress, rebuild


@asynccontextmanager
async def event_store(target: DatabaseTarget, pool_size: int) -> AsyncIterator[Roadlog]:
    """A migrated database and the event store on it, closed afterwards."""
    await prepare_database(target, READ_MODELS)
    app = await asyncio.to_thread(
        open_event_store, target, pool_size=pool_size, create_tables=False
    )
    try:
        yield app
    finally:
        app.close()


@click.command()
@data_dir_option
def project(data_dir: Path | None) -> None:
    """Run only the projector: keeps every read model up to date with the log.

    One projector is active per database; start more as standbys that take over when the
    active one stops. Stops on SIGTERM or Ctrl-C.
    """
    settings = load_settings(data_dir=data_dir)
    configure_logging(settings.log_level)
    target = database_target(settings)

    async def run() -> str | None:
        async with event_store(target, pool_size=2) as app:
            projector = Projector(
                app,
                target,
                READ_MODELS,
                batch_size=settings.projector_batch_size,
                poll_seconds=settings.projector_poll_seconds,
            )
            task = asyncio.create_task(projector.run())
            loop = asyncio.get_running_loop()
            for stop in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(stop, task.cancel)
            click.echo("roadlog: projector started (standby until it holds the lock)", err=True)
            try:
                await task
            except asyncio.CancelledError:
                return None
            error = projector.status.error
            return error.message if error else "the projector stopped"

    failure = asyncio.run(run())
    if failure is not None:
        raise StartupError(failure)


class RateColumn(ProgressColumn):
    """Events per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} events/s" if speed else "- events/s")


READ_MODEL_NAMES = [model.name for model in READ_MODELS]


@click.command(
    name="rebuild",
    help="Rebuild one read model (NAME) or all of them from the start of the log, into new "
    "tables swapped in when caught up; the API keeps serving the old ones meanwhile.\n\n"
    f"NAME is one of: {', '.join(READ_MODEL_NAMES)}.",
)
@click.argument("name", required=False, metavar="[NAME]", type=click.Choice(READ_MODEL_NAMES))
@data_dir_option
def rebuild_command(name: str | None, data_dir: Path | None) -> None:
    """Rebuild the read model ``name``, or all of them (help above, naming each)."""
    settings = load_settings(data_dir=data_dir)
    configure_logging("warning")
    models = chosen(name)
    target = database_target(settings)
    with progress_bar("rebuilding " + ", ".join(model.name for model in models)) as progress:

        async def run() -> dict[str, int]:
            async with event_store(target, pool_size=2) as app:
                return await rebuild(app, target, models, progress=progress)

        try:
            positions = asyncio.run(run())
        except ProjectionFailed as failure:
            raise StartupError(f"rebuild stopped, nothing swapped: {failure}") from None
        except RebuildConflict as conflict:
            raise StartupError(str(conflict)) from None
    for model_name, position in sorted(positions.items()):
        click.echo(f"rebuilt {model_name} up to position {position}")


@click.command()
@data_dir_option
def migrate(data_dir: Path | None) -> None:
    """Prepare the database as every start does, with a progress bar: apply pending
    migrations, drop read models that no longer exist and rebuild from the log those whose
    migrations changed (an upgrade).
    """
    settings = load_settings(data_dir=data_dir)
    configure_logging("warning")
    target = database_target(settings)
    with progress_bar("rebuilding changed read models") as progress:
        done = asyncio.run(prepare_database(target, READ_MODELS, progress=progress))
    for line in done:
        click.echo(line)
    if not done:
        click.echo("the database is up to date")


@contextmanager
def progress_bar(label: str) -> Iterator[RebuildProgress]:
    """A bar on stderr, shown once a rebuild reports; yields what to tell it."""
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task("events", total=None, visible=False)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=max(total, done), visible=True)

        yield progress


def chosen(name: str | None) -> Sequence[ReadModel]:
    """The read model called ``name``, or all of them."""
    if name is None:
        return READ_MODELS
    try:
        return [read_model(name)]
    except KeyError as unknown:
        raise StartupError(str(unknown.args[0])) from None
