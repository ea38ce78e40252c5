"""The geometry of the board's charts; templates draw them as inline SVG.

No script and no ``style`` attribute (the pages' Content-Security-Policy allows neither):
positions and sizes are SVG attributes computed here, colours are board.css classes. Every
bar carries its value as text too, and each chart has a table of the same numbers beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

LABEL_WIDTH = 190
"""Room for a row's name left of its bars."""
PLOT_WIDTH = 330
VALUE_WIDTH = 60
"""Room for the value written after the longest bar."""
BAR_HEIGHT = 11
BAR_GAP = 2
GROUP_GAP = 14
LEGEND_HEIGHT = 26
MAX_LABEL = 28
"""Characters of a name shown in a chart; the whole name is its tooltip and in the table."""

COLUMN_WIDTH = 40
COLUMN_GAP = 28
PLOT_HEIGHT = 120
TOP_MARGIN = 22
"""Room for the value above a full column."""
BOTTOM_MARGIN = 22
"""Room for the names under the columns."""
SIDE_MARGIN = 40
"""Room for the axis' labels (0 %, 100 %)."""


def short(text: str, most: int = MAX_LABEL) -> str:
    """A name cut to ``most`` characters, with an ellipsis when cut."""
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def weeks(value: Decimal) -> str:
    """Weeks as the board writes them: 2.5 w, 10 w."""
    return f"{value.normalize():f} w"


@dataclass(frozen=True)
class Series:
    """One kind of bar of every group: its css class (colour) and its name in the legend."""

    css: str
    name: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    text: str
    """Its value, written after it."""
    tooltip: str


@dataclass(frozen=True)
class BarGroup:
    label: str
    tooltip: str
    label_y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class LegendEntry:
    x: float
    css: str
    name: str


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars in groups (one group per named row, one bar per series)."""

    width: float
    height: float
    label_width: float
    groups: tuple[BarGroup, ...]
    legend: tuple[LegendEntry, ...]


def grouped_bars(
    rows: Sequence[tuple[str, Sequence[Decimal | None]]], series: Sequence[Series]
) -> BarChart:
    """Bars of weeks: each row a name and one value per series (None: no bar), all on one
    scale, the longest bar the plot's width."""
    assert all(len(values) == len(series) for _, values in rows), "a value per series"
    largest = max(
        (value for _, values in rows for value in values if value is not None), default=Decimal(0)
    )
    scale = PLOT_WIDTH / float(largest) if largest > 0 else 0.0
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    groups = []
    top = float(LEGEND_HEIGHT)
    for name, values in rows:
        bars = []
        for index, (kind, value) in enumerate(zip(series, values, strict=True)):
            if value is None:
                continue
            bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=top + index * (BAR_HEIGHT + BAR_GAP),
                    width=round(float(value) * scale, 1),
                    height=BAR_HEIGHT,
                    css=kind.css,
                    text=weeks(value),
                    tooltip=f"{name}: {kind.name.lower()} {weeks(value)}",
                )
            )
        groups.append(BarGroup(short(name), name, top + group_height / 2, tuple(bars)))
        top += group_height + GROUP_GAP
    legend = tuple(
        LegendEntry(LABEL_WIDTH + index * 120, kind.css, kind.name)
        for index, kind in enumerate(series)
    )
    return BarChart(
        width=LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH,
        height=top - GROUP_GAP + 4 if rows else LEGEND_HEIGHT,
        label_width=LABEL_WIDTH,
        groups=tuple(groups),
        legend=legend,
    )


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str
    tooltip: str
    text: str
    """Its value, written above it (a dash when there is none)."""
    center: float
    current: bool


@dataclass(frozen=True)
class ColumnChart:
    """Vertical columns of fractions (0 to 1), one per named point, left to right."""

    width: float
    height: float
    plot_top: float
    plot_bottom: float
    plot_left: float
    plot_right: float
    columns: tuple[Column, ...]


NONE = "\N{EN DASH}"
"""What a chart or a figure shows for a value there is none of (nothing committed)."""


def percent(fraction: float | None) -> str:
    return NONE if fraction is None else f"{round(fraction * 100)} %"


def fraction_columns(points: Sequence[tuple[str, float | None, bool]]) -> ColumnChart:
    """Columns of fractions (a point: its name, its fraction or None, whether it is the
    one the page is about); 100 % is the plot's height."""
    columns = []
    for index, (name, fraction, current) in enumerate(points):
        x = SIDE_MARGIN + COLUMN_GAP / 2 + index * (COLUMN_WIDTH + COLUMN_GAP)
        height = round(PLOT_HEIGHT * max(0.0, min(fraction or 0.0, 1.0)), 1)
        columns.append(
            Column(
                x=x,
                y=TOP_MARGIN + PLOT_HEIGHT - height,
                width=COLUMN_WIDTH,
                height=height,
                label=short(name, 12),
                tooltip=f"{name}: {percent(fraction)}",
                text=percent(fraction),
                center=x + COLUMN_WIDTH / 2,
                current=current,
            )
        )
    right = SIDE_MARGIN + len(points) * (COLUMN_WIDTH + COLUMN_GAP)
    return ColumnChart(
        width=right + 8,
        height=TOP_MARGIN + PLOT_HEIGHT + BOTTOM_MARGIN,
        plot_top=TOP_MARGIN,
        plot_bottom=TOP_MARGIN + PLOT_HEIGHT,
        plot_left=SIDE_MARGIN,
        plot_right=right,
        columns=tuple(columns),
    )
