"""Teams, roadmaps and priority order: create them, move and remove initiatives."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from eventsourcing.utils import get_topic

from backend.commands.core import Caller, Decided, Recorded, RoadlogCore, idempotent, retried
from backend.domain.base import business_time, require_reason
from backend.domain.errors import NameTaken
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from backend.domain.team import Team

NAMED = Team | Roadmap
NAME_BATCH = 1000
"""Notifications read at once while looking for the names of teams or roadmaps."""


class RoadmapCommands(RoadlogCore):
    """Create, rename and archive teams and roadmaps; change the priority order of a roadmap."""

    def current_names(self, workspace_id: UUID, cls: type[NAMED]) -> dict[UUID, str]:
        """The current name of every team (or roadmap) of the workspace, oldest first.

        Read from the log (its Created and Renamed events), not from a read model: names
        recorded before they had to be unique count too, and a projector that lags (or
        does not run during a one-shot import) hides none.
        """
        topics = [get_topic(cls.Created), get_topic(cls.Renamed)]
        names: dict[UUID, str] = {}
        start = 1
        while batch := self.recorder.select_notifications(start, NAME_BATCH, topics=topics):
            for notification in batch:
                event = self.mapper.to_domain_event(notification)
                assert isinstance(event, (cls.Created, cls.Renamed)), f"{event!r} has no name"
                if event.workspace_id == workspace_id:
                    names[event.originator_id] = event.name
            start = batch[-1].id + 1
        return names

    def _require_free_name(
        self, caller: Caller, cls: type[NAMED], name: str, own_id: UUID | None = None
    ) -> None:
        """No other team (or roadmap) of the workspace has this name, ignoring case and
        surrounding spaces: NameTaken naming the one that has it."""
        wanted = name.strip().casefold()
        for holder_id, holder_name in self.current_names(caller.workspace_id, cls).items():
            if holder_id != own_id and holder_name.casefold() == wanted:
                raise NameTaken(cls.__name__, name.strip(), holder_id, holder_name)

    @retried
    def create_team(
        self,
        caller: Caller,
        *,
        name: str,
        id: UUID | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Create a team (Team.Created)."""
        meta = self._meta(caller, effective_at=effective_at)
        at = business_time(meta, datetime.now(UTC))
        team = Team.create(id=self._new_id(Team, id), name=name, meta=meta, at=at)
        self._require_free_name(caller, Team, team.name)
        return self._save_all(team.id, team)

    @retried
    def create_roadmap(
        self,
        caller: Caller,
        *,
        name: str,
        team_id: UUID | None = None,
        fiscal_year_start_month: int | None = None,
        cycle_weeks: int | None = None,
        anchor_date: date | None = None,
        id: UUID | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Create a roadmap with its cadence (Roadmap.Created)."""
        meta = self._meta(caller, effective_at=effective_at)
        now = datetime.now(UTC)
        if team_id is not None:
            self._load_active_team(caller, team_id, "team_id")
        roadmap = Roadmap.create(
            id=self._new_id(Roadmap, id),
            name=name,
            team_id=team_id,
            fiscal_year_start_month=fiscal_year_start_month,
            cycle_weeks=cycle_weeks,
            anchor_date=anchor_date,
            meta=meta,
            at=business_time(meta, now),
        )
        self._require_free_name(caller, Roadmap, roadmap.name)
        return self._save_all(roadmap.id, roadmap)

    @retried
    def rename_team(
        self,
        caller: Caller,
        *,
        team_id: UUID,
        name: str,
        reason: str = "",
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Rename a team (Team.Renamed); the name must be free in the workspace.

        Its own name again records nothing (position None).
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        team = self._load(caller, Team, team_id, "team_id")
        team.rename(name, meta, team.business_time(meta, now))
        self._require_free_name(caller, Team, team.name, team.id)
        return self._save_all(team.id, team)

    @retried
    def archive_team(
        self,
        caller: Caller,
        *,
        team_id: UUID,
        reason: str,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Archive a team (Team.Archived); needs a reason. It stays readable by id."""
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        team = self._load(caller, Team, team_id, "team_id")
        team.archive(meta, team.business_time(meta, now))
        return self._save_all(team.id, team)

    @retried
    def rename_roadmap(
        self,
        caller: Caller,
        *,
        roadmap_id: UUID,
        name: str,
        reason: str = "",
        expected_version: int | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Rename a roadmap (Roadmap.Renamed); the name must be free in the workspace.

        Its own name again records nothing (position None).
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        roadmap = self._load(caller, Roadmap, roadmap_id, "roadmap_id")
        self._check_version(roadmap, expected_version)
        roadmap.rename(name, meta, roadmap.business_time(meta, now))
        self._require_free_name(caller, Roadmap, roadmap.name, roadmap.id)
        return self._save_all(roadmap.id, roadmap)

    @retried
    def archive_roadmap(
        self,
        caller: Caller,
        *,
        roadmap_id: UUID,
        reason: str,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Archive a roadmap (Roadmap.Archived); needs a reason. It stays readable by id."""
        meta = self._meta(caller, reason=reason, effective_at=effective_at)
        now = datetime.now(UTC)
        roadmap = self._load(caller, Roadmap, roadmap_id, "roadmap_id")
        roadmap.archive(meta, roadmap.business_time(meta, now))
        return self._save_all(roadmap.id, roadmap)

    @retried
    @idempotent
    def move_initiative(
        self,
        caller: Caller,
        *,
        roadmap_id: UUID,
        initiative_id: UUID,
        to_position: int,
        reason: str,
        decision_id: UUID | None = None,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
        effective_at: datetime | None = None,
    ) -> Decided:
        """Change an initiative's priority (Roadmap.InitiativeMoved); needs a reason.

        To the current position records nothing (position None). Returns the roadmap id.
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at, decision_id=decision_id)
        now = datetime.now(UTC)
        require_reason(meta, "moving an initiative")
        roadmap = self._load(caller, Roadmap, roadmap_id, "roadmap_id")
        self._check_version(roadmap, expected_version)
        if roadmap.position_of(initiative_id) is None:
            # A missing initiative is NotFound; one on another roadmap is Invalid (below).
            self._load(caller, Initiative, initiative_id, "initiative_id")
        at = business_time(meta, now, roadmap)
        roadmap.move(initiative_id, to_position, meta, at)
        return Decided(roadmap.id, meta, at, (roadmap,))

    @retried
    def remove_initiative(
        self,
        caller: Caller,
        *,
        roadmap_id: UUID,
        initiative_id: UUID,
        reason: str,
        decision_id: UUID | None = None,
        expected_version: int | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Take an initiative off its roadmap; needs a reason. Returns the roadmap id.

        Records Roadmap.InitiativeRemoved and Initiative.RemovedFromRoadmap together.
        """
        meta = self._meta(caller, reason=reason, effective_at=effective_at, decision_id=decision_id)
        now = datetime.now(UTC)
        require_reason(meta, "removing an initiative")
        roadmap = self._load(caller, Roadmap, roadmap_id, "roadmap_id")
        self._check_version(roadmap, expected_version)
        initiative = self._load(caller, Initiative, initiative_id, "initiative_id")
        at = business_time(meta, now, roadmap, initiative)
        roadmap.remove(initiative_id, meta, at)
        initiative.remove_from_roadmap(meta, at)
        return self._save_all(roadmap.id, roadmap, initiative)
