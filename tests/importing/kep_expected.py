"""What the KEP import must produce, computed here from the file alone, by the issue's rules.

Written independently of ``backend.importing`` (which plans the import step by step):
this is a plain replay of the raw JSON lines into per-KEP state, so that the tests
compare two implementations of rules 1-5, not one with itself.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

RELEASE = re.compile(r"v1\.(\d{1,2})")
STAGES = ("alpha", "beta", "stable")
ENDING = ("withdrawn", "rejected", "replaced")


@dataclass
class Kep:
    """A KEP after the events replayed so far."""

    order: int
    title: str
    sig: str
    stakeholders: list[str]
    status: str | None = None
    stage: str | None = None
    statuses: dict[str, str] = field(default_factory=lambda: dict.fromkeys(STAGES, "PLANNED"))
    targets: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(STAGES))
    slips: int = 0


@dataclass
class Expected:
    """The replayed KEPs, and the field changes that must be counted as skipped."""

    keps: dict[str, Kep]
    finished_target_skips: int = 0
    not_a_release: int = 0
    latest_milestone: int = 0

    def status_counts(self) -> Counter[str]:
        """Deliverables by status."""
        return Counter(s for kep in self.keps.values() for s in kep.statuses.values())

    def slips_per_team(self) -> Counter[str]:
        """Slips (retargets to a later release) by the KEP's current owning SIG."""
        slips: Counter[str] = Counter()
        for kep in self.keps.values():
            slips[kep.sig] += kep.slips
        return +slips

    def most_slipped(self, count: int) -> list[tuple[str, int]]:
        """The ``count`` most slipped KEPs (title, slips), ties broken by title."""
        ranked = sorted(self.keps.values(), key=lambda kep: (-kep.slips, kep.title))
        return [(kep.title, kep.slips) for kep in ranked[:count]]

    def order(self) -> list[str]:
        """KEP titles in roadmap order: by first appearance."""
        return [kep.title for kep in sorted(self.keps.values(), key=lambda kep: kep.order)]


def raw_events(path: Path) -> list[dict[str, Any]]:
    """The file's JSON lines as dicts."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def at_of(event: dict[str, Any]) -> datetime:
    """An event's time."""
    return datetime.fromisoformat(event["at"].replace("Z", "+00:00"))


def replay(events: list[dict[str, Any]], until: datetime | None = None) -> Expected:
    """Replay the events (those at or before ``until``) by rules 1-5."""
    expected = Expected({})
    for event in events:
        if until is not None and at_of(event) > until:
            break
        fields = event["fields"]
        kep = expected.keps.get(event["kep"])
        if kep is None:
            kep = expected.keps[event["kep"]] = Kep(
                order=len(expected.keps),
                title=fields.get("title") or f"KEP-{event['kep']}",
                sig=event["sig"],
                stakeholders=list(fields.get("participating-sigs") or []),
            )
        else:
            kep.title = fields.get("title") or kep.title
            kep.sig = event["sig"]
            if "participating-sigs" in fields:
                kep.stakeholders = list(fields["participating-sigs"] or [])
        expected.latest_milestone += "latest-milestone" in fields
        for stage in STAGES:
            if f"milestone.{stage}" not in fields:
                continue
            match = RELEASE.fullmatch(fields[f"milestone.{stage}"] or "")
            if match is None:
                expected.not_a_release += 1
            elif kep.statuses[stage] in ("DONE", "WONT_DO"):
                expected.finished_target_skips += 1
            else:
                release = int(match.group(1))
                current = kep.targets[stage]
                if current is not None and release > current:
                    kep.slips += 1
                kep.targets[stage] = release
        if "stage" in fields:
            kep.stage = fields["stage"]
            done = {"beta": ["alpha"], "stable": ["alpha", "beta"]}.get(kep.stage or "", [])
            for stage in done:
                kep.statuses[stage] = "DONE"
        if "status" in fields:
            kep.status = fields["status"]
            if kep.status in ENDING:
                for stage in STAGES:
                    if kep.statuses[stage] != "DONE":
                        kep.statuses[stage] = "WONT_DO"
        changed = "stage" in fields or "status" in fields
        if changed and kep.status == "implemented" and kep.stage == "stable":
            kep.statuses["stable"] = "DONE"
    return expected
