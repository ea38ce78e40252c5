"""Every read model the projector maintains, in the order their statements are applied."""

from __future__ import annotations

from projections.decisions import DECISIONS
from projections.okr import OKR
from projections.priorities import PRIORITIES
from projections.read_model import ReadModel
from projections.roadmap import ROADMAP
from projections.status_updates import UPDATES
from projections.timeline import TIMELINE

READ_MODELS: list[ReadModel] = [
    ROADMAP,
    TIMELINE,
    PRIORITIES,
    DECISIONS,
    OKR,
    UPDATES,
]


def read_model(name: str) -> ReadModel:
    """The read model called ``name``, or KeyError listing the known names."""
    for model in READ_MODELS:
        if model.name == name:
            return model
    known = ", ".join(model.name for model in READ_MODELS)
    raise KeyError(f"no read model {name!r}; known: {known}")
