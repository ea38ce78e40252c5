"""Reading the KEP history file (JSON Lines, gzip or plain) into checked events.

The whole file is read and checked before anything is recorded: a line that is not a
JSON object, lacks a key, has a value of the wrong type, or is earlier than the line
before it makes the file malformed, and ``ImportRefused`` lists every such line. Noise
INSIDE the values (a status typo, ``TBD`` as a milestone) is not malformed: the rules
skip it and count it (see ``backend.importing.kep_rules``).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from backend.importing.errors import BadLine, ImportRefused

TRACKED_FIELDS = (
    "title",
    "status",
    "stage",
    "latest-milestone",
    "milestone.alpha",
    "milestone.beta",
    "milestone.stable",
    "participating-sigs",
)
LIST_FIELD = "participating-sigs"
TEXT_KEYS = ("at", "commit", "actor", "reason", "kep", "sig")
GZIP_MAGIC = b"\x1f\x8b"

Value = str | tuple[str, ...] | None


@dataclass(frozen=True)
class KepEvent:
    """One line of the history: at one commit, one KEP had some tracked fields change."""

    line: int
    at: datetime
    commit: str
    actor: str
    reason: str
    kep: str
    sig: str
    fields: Mapping[str, Value]
    """The new values of the fields that changed (participating-sigs as a tuple)."""

    @property
    def where(self) -> str:
        """Where this event is, for messages: ``line 12 (KEP 2221, commit 0bec369a1234)``."""
        return f"line {self.line} (KEP {self.kep}, commit {self.commit[:12]})"


def read_lines(path: Path) -> list[str]:
    """The file's lines, gunzipped when it starts like a gzip file."""
    raw = path.read_bytes()
    if raw.startswith(GZIP_MAGIC):
        raw = gzip.decompress(raw)
    return raw.decode("utf-8").splitlines()


def _timestamp(value: str) -> datetime:
    at = datetime.fromisoformat(value)
    if at.tzinfo is None:
        raise ValueError(f"'at' {value!r} has no UTC offset")
    return at.astimezone(UTC)


def _field_value(name: str, value: Any) -> Value:
    if name == LIST_FIELD:
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(f"{name!r} must be a list of strings or null, got {value!r}")
        return tuple(value)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name!r} must be a string or null, got {value!r}")
    return value


def parse_event(line: int, text: str) -> KepEvent:
    """One line as an event; ValueError saying what is wrong with it."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    for key in TEXT_KEYS:
        if not isinstance(record.get(key), str):
            raise ValueError(f"{key!r} must be a string, got {record.get(key)!r}")
    for key in ("commit", "kep", "sig"):
        if not record[key].strip():
            raise ValueError(f"{key!r} must not be blank")
    fields = record.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise ValueError(f"'fields' must be a non-empty object, got {fields!r}")
    unknown = sorted(set(fields) - set(TRACKED_FIELDS))
    if unknown:
        raise ValueError(f"'fields' has untracked keys {unknown!r}")
    try:
        at = _timestamp(record["at"])
    except ValueError as error:
        raise ValueError(f"'at' {record['at']!r} is not an ISO 8601 time: {error}") from None
    return KepEvent(
        line=line,
        at=at,
        commit=record["commit"].strip(),
        actor=record["actor"].strip() or "unknown",
        reason=record["reason"].strip(),
        kep=record["kep"].strip(),
        sig=record["sig"].strip(),
        fields={name: _field_value(name, value) for name, value in fields.items()},
    )


def parse_events(lines: Iterable[str]) -> list[KepEvent]:
    """Every non-blank line as an event, in order; ImportRefused listing all bad lines."""
    events: list[KepEvent] = []
    bad: list[BadLine] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            event = parse_event(number, text)
        except ValueError as error:
            bad.append(BadLine(number, str(error)))
            continue
        if events and event.at < events[-1].at:
            bad.append(
                BadLine(
                    number,
                    f"'at' {event.at.isoformat()} is earlier than line {events[-1].line}"
                    f" ({events[-1].at.isoformat()}): the file must be sorted by 'at'",
                )
            )
            continue
        events.append(event)
    if bad:
        raise ImportRefused("the KEP history", bad)
    if not events:
        raise ImportRefused("the KEP history", [BadLine(0, "the file holds no events")])
    return events


def read_kep_history(path: Path) -> list[KepEvent]:
    """The checked events of a KEP history file (``.jsonl`` or ``.jsonl.gz``)."""
    try:
        lines = read_lines(path)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise ImportRefused(str(path), [BadLine(0, f"cannot read it: {error}")]) from None
    except UnicodeDecodeError as error:
        raise ImportRefused(str(path), [BadLine(0, f"not UTF-8 text: {error}")]) from None
    try:
        return parse_events(lines)
    except ImportRefused as refused:
        raise ImportRefused(str(path), refused.bad_lines) from None
