"""The roadmap's fast path answers exactly what graphql-core's own execution answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar
from uuid import uuid4

import pytest
import strawberry
from strawberry.schema.config import StrawberryConfig

from backend.bootstrap import Services
from backend.tokens import Principal, Role
from schema.context import Context
from schema.relay import to_global_id
from schema.roadmap.shaped import ShapingExecutionContext
from schema.root import Query
from tests.support.roadmap import build_sre_roadmap, new_workspace

EVERYTHING = """
fragment Delivery on Deliverable {
  __typename id title stretch status estimateWeeks actualWeeks targetDate completedAt
  cycle: targetCycle { id name startsOn endsOn state __typename }
  estimates { weeks confidence reason at actor }
}
query ($id: ID!, $asOf: DateTime, $withGoal: Boolean!, $first: Int) {
  roadmap(id: $id, asOf: $asOf) {
    __typename id name asOf
    team { id name }
    cadence { fiscalYearStartMonth cycleWeeks anchorDate }
    top: initiatives { title }
    initiatives {
      id title
      goal @include(if: $withGoal)
      stakeholders kind position status
      ... on Initiative { owner: team { name } }
      parent { id title position parent { title } }
      deliverables { ...Delivery }
      history(first: $first) { edges { node { type summary } } pageInfo { hasNextPage } }
      alignments { kind }
    }
  }
}
"""


@dataclass
class FakeRequest:
    """Enough of a request for the schema's extensions (no header to honour)."""

    headers: dict[str, str] = field(default_factory=dict)
    scope: dict[str, Any] = field(default_factory=dict)


def plain_schema() -> strawberry.Schema:
    """The same types, executed by graphql-core's own execution context."""
    return strawberry.Schema(query=Query, config=StrawberryConfig(disable_field_suggestions=True))


class Recording(ShapingExecutionContext):
    """The fast path, noting each value it shaped (so the test knows it was taken)."""

    shaped: ClassVar[list[str]] = []

    def complete_value(self, return_type: Any, *args: Any) -> Any:
        completed = super().complete_value(return_type, *args)
        result = args[3]
        if getattr(result, "shapeable", False):
            Recording.shaped.append(str(return_type))
        return completed


def shaping_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        config=StrawberryConfig(disable_field_suggestions=True),
        execution_context_class=Recording,
    )


@pytest.mark.parametrize("moment", ["now", "before the move", "before the roadmap"])
async def test_the_shaped_roadmap_equals_the_executed_one(services: Services, moment: str) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    story.later().run(
        "remove_initiative",
        roadmap_id=sre.roadmap,
        initiative_id=sre.pilot,
        reason="pilot done",
    )
    await story.projected(services)
    principal = Principal(uuid4(), "viewer", Role.VIEWER, ws.caller.workspace_id, "ws")
    as_of = {
        "now": None,
        "before the move": sre.before_move.isoformat(),
        "before the roadmap": (sre.before_move - timedelta(days=1)).isoformat(),
    }[moment]
    variables = {
        "id": to_global_id("Roadmap", sre.roadmap),
        "asOf": as_of,
        "withGoal": True,
        "first": 2,
    }

    def context() -> Context:
        return Context(
            request=FakeRequest(),  # type: ignore[arg-type]
            response=None,
            services=services,
            request_id="test",
            principal=principal,
        )

    Recording.shaped.clear()
    shaped = await shaping_schema().execute(
        EVERYTHING, variable_values=variables, context_value=context()
    )
    executed = await plain_schema().execute(
        EVERYTHING, variable_values=variables, context_value=context()
    )

    assert shaped.errors is None and executed.errors is None
    assert shaped.data is not None and executed.data is not None
    if moment == "now":  # "now" is each request's own instant
        for data in (shaped.data, executed.data):
            data["roadmap"]["asOf"] = "now"
    assert shaped.data == executed.data
    if moment == "before the roadmap":
        assert shaped.data == {"roadmap": None}
    else:
        assert shaped.data["roadmap"]["initiatives"], "a roadmap with initiatives was compared"
        assert Recording.shaped == ["Roadmap"], "the fast path completed the roadmap"
