"""Workspace: the organisation's own settings, kept in the log like every other change.

The workspace itself (its name, its tokens) is a row of ``public.workspaces``; what its
people decide about it, the fiscal calendar, is this aggregate, whose id is the
workspace's own id. It is created by the first setting recorded (``Created`` carries
it); until then every setting has its default (the fiscal year starts in January).
"""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from uuid import UUID

from backend.domain.base import Meta, RoadlogAggregate
from backend.domain.errors import Invalid

DEFAULT_FISCAL_YEAR_START_MONTH = 1


def require_month(month: int, field_name: str) -> int:
    """A month number 1..12; anything else is Invalid."""
    if not 1 <= month <= 12:
        raise Invalid(f"{field_name} {month!r} is not a month: give 1 (January) to 12", field_name)
    return month


class Workspace(RoadlogAggregate):
    """The settings of one workspace: the first month of its fiscal year."""

    fiscal_year_start_month: int = field(init=False)

    class Created(RoadlogAggregate.Created):
        """The workspace's first setting: its fiscal year starts in another month than
        January."""

        class_version = 1
        fiscal_year_start_month: int

        def apply(self, aggregate: Workspace) -> None:
            super().apply(aggregate)
            aggregate.fiscal_year_start_month = self.fiscal_year_start_month

    class FiscalYearSet(RoadlogAggregate.Event):
        """The organisation's fiscal year now starts in another month."""

        class_version = 1
        from_month: int
        fiscal_year_start_month: int

        def apply(self, aggregate: Workspace) -> None:
            aggregate.fiscal_year_start_month = self.fiscal_year_start_month

    @classmethod
    def create(
        cls, *, id: UUID, fiscal_year_start_month: int, meta: Meta, at: datetime
    ) -> Workspace:
        """The settings of workspace ``id``, first recorded: its fiscal year's start month."""
        month = require_month(fiscal_year_start_month, "fiscal_year_start_month")
        return cls._create(
            cls.Created, id=id, fiscal_year_start_month=month, **meta.event_fields(at)
        )

    def set_fiscal_year(self, start_month: int, meta: Meta, at: datetime) -> None:
        """Start the fiscal year in another month (1..12); the same month records nothing."""
        month = require_month(start_month, "fiscal_year_start_month")
        if month == self.fiscal_year_start_month:
            return
        self.trigger_event(
            self.FiscalYearSet,
            from_month=self.fiscal_year_start_month,
            fiscal_year_start_month=month,
            **meta.event_fields(at),
        )
