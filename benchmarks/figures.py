"""One benchmark figure, as ``make bench`` prints it and writes it to bench-results.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NotRequired, TypedDict


class Figure(TypedDict):
    """A measured value next to its baseline measured in the same run.

    ``ratio`` is value / baseline; ``target`` says which ratio passes, e.g. ">= 0.5".
    ``before`` is the same figure measured on an earlier release (see ``Before``), if any.
    """

    name: str
    value: float
    unit: str
    baseline: float | None
    ratio: float | None
    target: str
    before: NotRequired[Before]


class Before(TypedDict):
    """A figure as measured on an earlier release, with its baseline and ratio then."""

    release: str
    value: float
    baseline: float | None
    ratio: float | None


BEFORE_FILES = sorted(Path(__file__).parent.glob("before-*.json"))
"""Figures of earlier releases: ``{"commit", "date", "machine", ..., "figures": [...]}``."""


def with_before(figures: list[Figure], files: list[Path] = BEFORE_FILES) -> list[Figure]:
    """``figures``, each with its namesake from the first file of ``files`` that has one."""
    earlier: dict[str, Before] = {}
    for path in reversed(files):
        recorded = json.loads(path.read_text())
        release = f"{recorded['commit']} ({path.stem})"
        for item in recorded["figures"]:
            earlier[item["name"]] = Before(
                release=release,
                value=item["value"],
                baseline=item["baseline"],
                ratio=item["ratio"],
            )
    return [
        Figure(**item, before=earlier[item["name"]]) if item["name"] in earlier else item
        for item in figures
    ]


def figure(name: str, value: float, unit: str, baseline: float | None, target: str) -> Figure:
    ratio = value / baseline if baseline else None
    return Figure(name=name, value=value, unit=unit, baseline=baseline, ratio=ratio, target=target)


def meets(item: Figure) -> bool | None:
    """Whether the figure meets its target (None when the target is not a ratio bound)."""
    target = item["target"].strip()
    for operator in (">=", "<=", ">", "<"):
        if target.startswith(operator):
            try:
                bound = float(target[len(operator) :].strip().rstrip("x"))
            except ValueError:
                return None
            ratio = item["ratio"] if item["baseline"] is not None else item["value"]
            if ratio is None:
                return None
            return {
                ">=": ratio >= bound,
                "<=": ratio <= bound,
                ">": ratio > bound,
                "<": ratio < bound,
            }[operator]
    return None
