"""The board's chart geometry and its Markdown: pure functions, checked without a server."""

from __future__ import annotations

from decimal import Decimal

from board.charts import (
    LABEL_WIDTH,
    MAX_LABEL,
    PLOT_HEIGHT,
    PLOT_WIDTH,
    Series,
    fraction_columns,
    grouped_bars,
)
from board.markdown import markdown_html

SERIES = (Series("bar-first", "First estimate"), Series("bar-actual", "Actual"))


def test_the_longest_bar_spans_the_plot_and_the_others_scale_with_it() -> None:
    chart = grouped_bars(
        [("Runner fleet", (Decimal(3), Decimal("4.5"))), ("Docs", (Decimal(1), None))], SERIES
    )
    runner, docs = chart.groups
    assert [bar.width for bar in runner.bars] == [PLOT_WIDTH * 3 / 4.5, PLOT_WIDTH]
    assert [bar.text for bar in runner.bars] == ["3 w", "4.5 w"]
    assert all(bar.x == LABEL_WIDTH for bar in runner.bars)
    # No actual: no bar, rather than one of zero weeks.
    assert [bar.css for bar in docs.bars] == ["bar-first"]
    assert docs.label_y > runner.label_y
    assert chart.height > docs.bars[0].y


def test_long_names_are_cut_in_the_chart_and_whole_in_the_tooltip() -> None:
    name = "Decommission every Jenkins controller in every region"
    [group] = grouped_bars([(name, (Decimal(2), Decimal(0)))], SERIES).groups
    assert len(group.label) <= MAX_LABEL
    assert group.label.endswith("…")
    assert group.tooltip == name
    assert group.bars[1].width == 0


def test_columns_are_fractions_of_the_plot_height() -> None:
    chart = fraction_columns([("Cycle 1", 0.6, False), ("Cycle 2", None, True)])
    first, second = chart.columns
    assert first.height == PLOT_HEIGHT * 0.6
    assert first.y + first.height == chart.plot_bottom
    assert (first.text, second.text) == ("60 %", "\N{EN DASH}")
    assert second.height == 0
    assert (first.current, second.current) == (False, True)
    assert second.x > first.x + first.width


def test_markdown_renders_raw_html_and_script_urls_as_text() -> None:
    html = markdown_html(
        "**Index** is slow\n\n<script>alert(1)</script> <img src=x onerror=alert(2)>\n\n"
        "[click](javascript:alert(3)) [docs](https://example.com/docs)"
    )
    assert "<strong>Index</strong>" in html
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert 'href="javascript:' not in html
    assert '<a href="https://example.com/docs">docs</a>' in html
