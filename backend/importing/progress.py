"""Progress of an import: a rich progress bar on stderr, or nothing (tests, benchmarks)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class Tracker(Protocol):
    """Told how many items an import has, then each time it finishes some."""

    def start(self, description: str, total: int) -> None:
        """A new phase of ``total`` items begins."""

    def advance(self, count: int = 1) -> None:
        """``count`` more items are done."""


class Silent:
    """A tracker that shows nothing."""

    def start(self, description: str, total: int) -> None:
        """Nothing to show."""

    def advance(self, count: int = 1) -> None:
        """Nothing to show."""


class Bar:
    """A rich progress bar (one task per phase), drawn on stderr."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None

    def start(self, description: str, total: int) -> None:
        """Finish the previous phase's bar and start one for this phase."""
        if self._task is not None:
            self._progress.stop_task(self._task)
        self._task = self._progress.add_task(description, total=total)

    def advance(self, count: int = 1) -> None:
        """Move the current bar on."""
        if self._task is not None:
            self._progress.advance(self._task, count)


@contextmanager
def progress_bar(console: Console | None = None) -> Iterator[Bar]:
    """A progress bar on stderr for the duration of the block (hidden when not a terminal)."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console or Console(stderr=True), transient=False) as progress:
        yield Bar(progress)
