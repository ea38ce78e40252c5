"""Reading a roadmap spreadsheet (CSV export) into checked projects and deliverables.

The columns teams already use, found by their header (case, spaces and punctuation
ignored; other columns are ignored):

| column | required | meaning |
|---|---|---|
| Project | yes | the initiative; blank continues the project of the row above (merged cells) |
| Stakeholders | yes | comma- or semicolon-separated names |
| User-centric goal (or Goal) | yes | what and why; needed once per project |
| Deliverable | yes | the deliverable's title |
| Deliverable status (or Status) | yes | Planned, In progress, Possible delay, At risk, |
| | | Done, Won't do; blank: Planned |
| Estimate weeks (or Estimate) | no | positive resource-weeks |
| Target | yes | a cycle name of the roadmap, or an ISO date (2026-03-31); blank: none |
| Stretch | no | Yes or No (also Y, N, True, False, X, 1, 0); blank: as recorded (new: No) |
| Team | no | the owning team's name (created if new); blank: as recorded |
| Kind | no | Feature, Tech debt, Operations, Research, Other (or Ops); blank: as |
| | | recorded (new: Feature) |

A deliverable title starting with "Stretch goal:" (any case) is a stretch goal; the
prefix is not kept in the title. One row per deliverable, in priority order: a
project's first row gives its position; a project without deliverables is one row with
blank Deliverable, status, estimate, target and stretch cells. A project's
stakeholders, goal, team and kind may be given on any of its rows, but two different
non-blank values are a bad row.
Every bad row is reported with its line number, and a file with any bad row is refused
as a whole (nothing is recorded).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from backend.domain.base import require_positive_weeks
from backend.domain.errors import Invalid
from backend.importing.errors import BadLine, ImportRefused
from backend.importing.ids import match_key

COLUMNS: dict[str, tuple[str, ...]] = {
    "project": ("Project",),
    "stakeholders": ("Stakeholders",),
    "goal": ("User-centric goal", "Goal"),
    "deliverable": ("Deliverable",),
    "status": ("Deliverable status", "Status"),
    "estimate": ("Estimate weeks", "Estimate (weeks)", "Estimate"),
    "target": ("Target",),
    "stretch": ("Stretch", "Stretch goal"),
    "team": ("Team",),
    "kind": ("Kind",),
}
OPTIONAL_COLUMNS = ("estimate", "stretch", "team", "kind")
STATUS_WORDS = {
    "": "PLANNED",
    "planned": "PLANNED",
    "inprogress": "IN_PROGRESS",
    "possibledelay": "POSSIBLE_DELAY",
    "atrisk": "AT_RISK",
    "done": "DONE",
    "wontdo": "WONT_DO",
}
STATUS_NAMES = "Planned, In progress, Possible delay, At risk, Done, Won't do"
STRETCH_WORDS = {
    "yes": True,
    "y": True,
    "true": True,
    "x": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}
STRETCH_NAMES = "Yes, No (or Y, N, True, False, X, 1, 0), or blank"
STRETCH_PREFIX = "stretch goal:"
KIND_WORDS = {
    "feature": "FEATURE",
    "techdebt": "TECH_DEBT",
    "operations": "OPERATIONS",
    "ops": "OPERATIONS",
    "research": "RESEARCH",
    "other": "OTHER",
}
KIND_NAMES = "Feature, Tech debt, Operations, Research, Other, or blank"
LIST_SEPARATORS = re.compile(r"[;,\n]")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Target = date | str | None
"""A target as written: a date, a cycle name (resolved against the roadmap later), or none."""


@dataclass(frozen=True)
class SheetDeliverable:
    """One row: a deliverable of a project."""

    line: int
    title: str
    status: str
    estimate_weeks: Decimal | None
    target: Target
    stretch: bool | None = None
    """None: the sheet does not say (blank, or no Stretch column)."""

    @property
    def key(self) -> str:
        """How it is matched between exports: its title, case and spaces ignored."""
        return match_key(self.title)


@dataclass
class SheetProject:
    """A project (initiative) and its rows, at the position of its first row."""

    line: int
    name: str
    stakeholders: tuple[str, ...] = ()
    goal: str = ""
    team: str = ""
    """The owning team's name; blank: the sheet does not say."""
    kind: str | None = None
    """FEATURE, TECH_DEBT, ...; None: the sheet does not say."""
    deliverables: list[SheetDeliverable] = field(default_factory=list)
    without_deliverables: bool = False
    """A row of its own names it with no deliverable: kept even if it has no rows."""

    @property
    def key(self) -> str:
        """How it is matched between exports: its name, case and spaces ignored."""
        return match_key(self.name)


def _squeeze(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def header_columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Which cell holds which column, and the problems (missing or repeated columns)."""
    wanted = {_squeeze(name): column for column, names in COLUMNS.items() for name in names}
    found: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(header):
        column = wanted.get(_squeeze(cell))
        if column is None:
            continue
        if column in found:
            problems.append(f"column {cell!r} appears twice")
        found[column] = index
    missing = [
        COLUMNS[column][0]
        for column in COLUMNS
        if column not in found and column not in OPTIONAL_COLUMNS
    ]
    if missing:
        problems.append(
            f"the header lacks the column{'s' if len(missing) > 1 else ''}"
            f" {', '.join(repr(name) for name in missing)} (found {header!r})"
        )
    return found, problems


def parse_status(text: str) -> str:
    """A status as teams write it ("In progress", "won't do") as roadlog's name."""
    status = STATUS_WORDS.get(_squeeze(text))
    if status is None:
        raise ValueError(f"Deliverable status {text.strip()!r} is not one of {STATUS_NAMES}")
    return status


def parse_estimate(text: str) -> Decimal | None:
    """Resource-weeks: blank is none, otherwise within the bounds of an estimate.

    The command checks them again; checking here reports every bad row, with its line,
    before anything is recorded.
    """
    if not text.strip():
        return None
    try:
        weeks = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(
            f"Estimate weeks {text.strip()!r} is not a number; accepted: resource-weeks"
            " (e.g. 2.5), or blank"
        ) from None
    try:
        return require_positive_weeks(weeks)
    except Invalid as error:
        raise ValueError(f"Estimate weeks {text.strip()!r}: {error.message}") from None


def parse_target(text: str) -> Target:
    """An ISO date, a cycle name, or None when blank."""
    text = " ".join(text.split())
    if not text:
        return None
    if ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"Target {text!r} is not a real date; accepted: a date (YYYY-MM-DD),"
                " a cycle's name, or blank"
            ) from None
    return text


def parse_stretch(text: str) -> bool | None:
    """Whether a row is a stretch goal; None when the cell is blank."""
    if not text.strip():
        return None
    stretch = STRETCH_WORDS.get(text.strip().casefold())
    if stretch is None:
        raise ValueError(f"Stretch {text.strip()!r} is not one of {STRETCH_NAMES}")
    return stretch


def parse_kind(text: str) -> str | None:
    """An initiative's kind as teams write it ("Tech debt") as roadlog's name; None if blank."""
    if not text.strip():
        return None
    kind = KIND_WORDS.get(_squeeze(text))
    if kind is None:
        raise ValueError(f"Kind {text.strip()!r} is not one of {KIND_NAMES}")
    return kind


def split_stretch_prefix(title: str) -> tuple[str, bool]:
    """A title without its "Stretch goal:" prefix (any case), and whether it had one."""
    if title.casefold().startswith(STRETCH_PREFIX):
        return " ".join(title[len(STRETCH_PREFIX) :].split()), True
    return title, False


def parse_list(text: str) -> tuple[str, ...]:
    """Stakeholders: separated by commas, semicolons or line breaks; blanks dropped."""
    return tuple(part.strip() for part in LIST_SEPARATORS.split(text) if part.strip())


class _SheetBuilder:
    """Collects rows into projects, and every problem with its line number."""

    def __init__(self) -> None:
        self.projects: dict[str, SheetProject] = {}
        self.bad: list[BadLine] = []
        self.seen: dict[tuple[str, str], int] = {}
        self.current: SheetProject | None = None
        self.first_line: dict[tuple[str, str], int] = {}

    def add(self, line: int, cell: dict[str, str]) -> None:
        try:
            project = self._project(line, cell["project"])
            if _only_the_project(cell):
                self._project_fields(line, project, cell)
                project.without_deliverables = True
                return
            title, stretch = self._title(cell["deliverable"], parse_stretch(cell["stretch"]))
            row = SheetDeliverable(
                line=line,
                title=title,
                status=parse_status(cell["status"]),
                estimate_weeks=parse_estimate(cell["estimate"]),
                target=parse_target(cell["target"]),
                stretch=stretch,
            )
            first = self.seen.setdefault((project.key, row.key), line)
            if first != line:
                raise ValueError(
                    f"deliverable {row.title!r} of project {project.name!r}"
                    f" is already on line {first}"
                )
            self._project_fields(line, project, cell)
        except ValueError as error:
            self.bad.append(BadLine(line, str(error)))
            return
        project.deliverables.append(row)

    def _project(self, line: int, name: str) -> SheetProject:
        name = " ".join(name.split())
        if not name:
            if self.current is None:
                raise ValueError("Project is blank and there is no project above to continue")
            return self.current
        key = match_key(name)
        if key not in self.projects:
            self.projects[key] = SheetProject(line=line, name=name)
        self.current = self.projects[key]
        return self.current

    @staticmethod
    def _title(text: str, stretch: bool | None) -> tuple[str, bool | None]:
        """The title without a "Stretch goal:" prefix, and the row's stretch flag."""
        title, prefixed = split_stretch_prefix(" ".join(text.split()))
        if not title:
            raise ValueError(
                "Deliverable is blank; accepted: a title (a project without deliverables"
                " is a row whose deliverable cells are all blank)"
            )
        if prefixed and stretch is False:
            raise ValueError(
                f"Deliverable {text.strip()!r} starts with 'Stretch goal:' but Stretch is No;"
                " accepted: Stretch Yes or blank with the prefix, or no prefix"
            )
        return title, True if prefixed else stretch

    def _project_fields(self, line: int, project: SheetProject, cell: dict[str, str]) -> None:
        stakeholders = parse_list(cell["stakeholders"])
        if stakeholders:
            self._same_on_every_row(
                line,
                project,
                "Stakeholders",
                ", ".join(stakeholders),
                ", ".join(project.stakeholders),
            )
            project.stakeholders = stakeholders
        if goal := " ".join(cell["goal"].split()):
            self._same_on_every_row(line, project, "User-centric goal", goal, project.goal)
            project.goal = goal
        if team := " ".join(cell["team"].split()):
            self._same_on_every_row(line, project, "Team", team, project.team)
            project.team = team
        if kind := parse_kind(cell["kind"]):
            self._same_on_every_row(line, project, "Kind", kind, project.kind or "")
            project.kind = kind

    def _same_on_every_row(
        self, line: int, project: SheetProject, column: str, value: str, known: str
    ) -> None:
        """A project's value of ``column`` on this row agrees with an earlier row's."""
        first = self.first_line.setdefault((project.key, column), line)
        if known and value != known:
            differ = "differ" if column == "Stakeholders" else "differs"
            raise ValueError(
                f"{column} of project {project.name!r} {differ} from line {first}:"
                f" {value!r} is not {known!r}"
            )

    def finish(self) -> list[SheetProject]:
        for project in self.projects.values():
            if not project.goal and (project.deliverables or project.without_deliverables):
                self.bad.append(
                    BadLine(project.line, f"project {project.name!r} has no User-centric goal")
                )
        self.bad.sort(key=lambda bad: bad.line)
        return [
            project
            for project in self.projects.values()
            if project.deliverables or project.without_deliverables
        ]


DELIVERABLE_CELLS = ("deliverable", "status", "estimate", "target", "stretch")


def _only_the_project(cell: dict[str, str]) -> bool:
    """A row naming a project and no deliverable at all: the project has none (yet)."""
    return bool(cell["project"].strip()) and not any(
        cell[column].strip() for column in DELIVERABLE_CELLS
    )


def _by_column(cells: list[str], columns: dict[str, int]) -> dict[str, str]:
    """A row's cells by column; missing cells (short rows, optional columns) are blank."""
    return {
        column: cells[index] if (index := columns.get(column, len(cells))) < len(cells) else ""
        for column in COLUMNS
    }


def parse_sheet(text: str, source: str = "the sheet") -> list[SheetProject]:
    """The projects of a CSV export, in priority order; ImportRefused listing all bad lines.

    The delimiter is the one of ``,``, ``;`` and tab that the header row uses most.
    """
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportRefused(source, [BadLine(1, "the file is empty: no header row")])
        columns, problems = header_columns(header)
        if problems:
            raise ImportRefused(source, [BadLine(1, problem) for problem in problems])
        builder = _SheetBuilder()
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                builder.add(start, _by_column(cells, columns))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportRefused(source, [BadLine(reader.line_num, f"not CSV: {error}")]) from None
    projects = builder.finish()
    if builder.bad:
        raise ImportRefused(source, builder.bad)
    if not projects:
        raise ImportRefused(source, [BadLine(0, "the file has a header but no rows")])
    return projects


def read_sheet(path: Path) -> list[SheetProject]:
    """The projects of a CSV file (UTF-8, a spreadsheet's byte-order mark allowed)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise ImportRefused(str(path), [BadLine(0, f"cannot read it: {error}")]) from None
    except UnicodeDecodeError as error:
        raise ImportRefused(str(path), [BadLine(0, f"not UTF-8 text: {error}")]) from None
    return parse_sheet(text, str(path))
