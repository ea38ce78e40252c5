"""Every GraphQL type of retrospectives and OKRs, in one place for other features to name.

Other features (mutation payloads) import them from here. They are defined in
``schema.initiatives``
(objectives, key results, alignments: a home shared with the roadmap's initiatives),
``okr_types`` (the alignment view) and ``report_types`` (the estimate report's
rows, the cycle report).
"""

from __future__ import annotations

from schema.initiatives import (
    Alignment,
    AlignmentKind,
    CheckIn,
    KeyResult,
    Objective,
    ObjectiveLevel,
)
from schema.reports.okr_types import AlignmentView, ObjectiveEffort
from schema.reports.report_types import CycleReport, EstimateFilter, EstimateGrouping, EstimateRow

__all__ = [
    "Alignment",
    "AlignmentKind",
    "AlignmentView",
    "CheckIn",
    "CycleReport",
    "EstimateFilter",
    "EstimateGrouping",
    "EstimateRow",
    "KeyResult",
    "Objective",
    "ObjectiveEffort",
    "ObjectiveLevel",
]
