"""One benchmark figure, as ``make bench`` prints it and writes it to bench-results.json."""

from __future__ import annotations

from typing import TypedDict


class Figure(TypedDict):
    """A measured value next to its baseline measured in the same run.

    ``ratio`` is value / baseline; ``target`` says which ratio passes, e.g. ">= 0.5".
    """

    name: str
    value: float
    unit: str
    baseline: float | None
    ratio: float | None
    target: str


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
