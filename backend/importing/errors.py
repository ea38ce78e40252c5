"""Why an import refuses its input: the bad lines, each with its number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_LISTED = 20
"""How many bad lines a message lists before it only counts the rest."""


@dataclass(frozen=True)
class BadLine:
    """One problem of the input, at a 1-based line number (0: the file as a whole)."""

    line: int
    problem: str

    def __str__(self) -> str:
        return self.problem if self.line == 0 else f"line {self.line}: {self.problem}"


class ImportRefused(Exception):
    """The input is malformed: nothing was recorded. Lists every bad line found."""

    def __init__(self, source: str, bad_lines: Sequence[BadLine]) -> None:
        self.source = source
        self.bad_lines = list(bad_lines)
        listed = "; ".join(str(bad) for bad in self.bad_lines[:MAX_LISTED])
        more = len(self.bad_lines) - MAX_LISTED
        suffix = f"; and {more} more" if more > 0 else ""
        lines = [bad for bad in self.bad_lines if bad.line > 0]
        count = f"{len(lines)} bad line{'s' if len(lines) != 1 else ''}, " if lines else ""
        super().__init__(f"{source}: {count}nothing recorded: {listed}{suffix}")


class ImportFailed(Exception):
    """A command of the import was refused midway; what came before it is recorded.

    Running the same import again continues where this one stopped.
    """

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message} (what came before is recorded; run again to resume)")
        self.where = where
        self.message = message
