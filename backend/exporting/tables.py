"""A table of text cells, rendered as Markdown or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

FORMATS = ("markdown", "csv")


@dataclass(frozen=True)
class Table:
    """Column names and rows of cells, all text."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            assert len(row) == len(self.columns), f"row {row!r} does not fit {self.columns!r}"


def _markdown_cell(text: str) -> str:
    # A pipe ends a cell and a line break ends the row: escape one, <br> the other.
    lines = [line.strip() for line in text.replace("|", "\\|").splitlines()]
    return "<br>".join(line for line in lines if line)


def as_markdown(table: Table) -> str:
    """A GitHub-flavoured Markdown table (multi-line cells joined with ``<br>``)."""
    lines = [
        "| " + " | ".join(_markdown_cell(c) for c in table.columns) + " |",
        "|" + "|".join("---" for _ in table.columns) + "|",
    ]
    lines += ["| " + " | ".join(_markdown_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


def as_csv(table: Table) -> str:
    """CSV with a header row (RFC 4180 quoting, ``\\r\\n`` line ends as spreadsheets expect)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return out.getvalue()


def render(table: Table, format: str) -> str:
    """The table in ``markdown`` or ``csv``."""
    assert format in FORMATS, f"unknown format {format!r}"
    return as_markdown(table) if format == "markdown" else as_csv(table)


def weeks_text(weeks: Decimal | None) -> str:
    """Resource-weeks without trailing zeros (``2.5``, ``3``); blank when none."""
    if weeks is None:
        return ""
    if weeks == weeks.to_integral_value():
        return str(weeks.quantize(Decimal(1)))
    return str(weeks.normalize())


def ratio_text(value: float | None, *, percent: bool = False) -> str:
    """A ratio to two decimals, or a percentage; blank when none."""
    if value is None:
        return ""
    return f"{value * 100:.0f}%" if percent else f"{value:.2f}"


def joined(values: Sequence[str]) -> str:
    """A list in one cell."""
    return ", ".join(values)
