"""Teams, roadmaps and priority order: create them, move and remove initiatives."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from backend.commands.core import Caller, Decided, Recorded, idempotent, retried
from backend.commands.names import NameCommands
from backend.domain.base import Meta, business_time, require_reason
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from backend.domain.team import Team


class RoadmapCommands(NameCommands):
    """Create, rename and archive teams and roadmaps; change the priority order of a roadmap."""

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
        names = self._reserve_name(caller, team, None, meta, at)
        return self._save_all(team.id, team, names=names)

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
        releases: bool = False,
        id: UUID | None = None,
        effective_at: datetime | None = None,
    ) -> Recorded:
        """Create a roadmap with its cadence (Roadmap.Created): quarters, fixed cycles, or
        ``releases`` (cycles dated one by one)."""
        meta = self._meta(caller, effective_at=effective_at)
        at = business_time(meta, datetime.now(UTC))
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
            at=at,
            releases=releases,
        )
        names = self._reserve_name(caller, roadmap, None, meta, at)
        return self._save_all(roadmap.id, roadmap, names=names)

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
        return self._renamed(caller, self._load(caller, Team, team_id, "team_id"), name, meta)

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
        roadmap = self._load(caller, Roadmap, roadmap_id, "roadmap_id")
        self._check_version(roadmap, expected_version)
        return self._renamed(caller, roadmap, name, meta)

    def _renamed(self, caller: Caller, named: Team | Roadmap, name: str, meta: Meta) -> Recorded:
        """Rename a team or a roadmap and save it with the reservation of its new name
        (and the release of its old one); its own name again records nothing."""
        old_name, at = named.name, named.business_time(meta, datetime.now(UTC))
        named.rename(name, meta, at)
        if not named.pending_events:
            return Recorded(named.id, None)
        names = self._reserve_name(caller, named, old_name, meta, at)
        return self._save_all(named.id, named, names=names)

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
