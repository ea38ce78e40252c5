"""A fresh clone is all there is: no test, document or code reaches outside the repository."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

REPOSITORY = Path(__file__).parents[2]

# What a clone does not hold: tools' and runs' leftovers, never committed (.gitignore).
NOT_THE_PROJECTS = {
    ".git",
    ".venv",
    ".roadlog",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "__pycache__",
    "build",
}

# The folder beside the repository, named as a relative path, an absolute one, or joined
# from parts (as the contract test once did, going up from its own file).
OUTSIDE = re.compile(r"\.\./+shared\b|/work/(?:shared|main|wt-)|/\s*[\"'](?:shared)[\"']")


def project_files() -> Iterator[Path]:
    """Every file a clone holds, outside tool caches and build output."""
    for folder, folders, files in os.walk(REPOSITORY):
        folders[:] = sorted(
            name
            for name in folders
            if name not in NOT_THE_PROJECTS and not name.endswith(".egg-info")
        )
        for name in sorted(files):
            if name not in NOT_THE_PROJECTS:  # a worktree's .git is a file
                yield Path(folder) / name


def references_outside(path: Path) -> list[str]:
    """The lines of a text file that name something outside the repository."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return []  # compressed data, not a reference anyone follows
    return [
        f"{path.relative_to(REPOSITORY)}:{number}: {line.strip()[:120]}"
        for number, line in enumerate(text.splitlines(), start=1)
        if OUTSIDE.search(line)
    ]


def test_nothing_in_the_repository_points_outside_it() -> None:
    files = list(project_files())
    assert REPOSITORY / "README.md" in files
    assert [line for path in files for line in references_outside(path)] == []


def test_the_pattern_catches_each_way_of_naming_the_folder_beside() -> None:
    for line in (
        "Design: `" + "../" + "shared/DESIGN.md`",
        'CONTRACT = Path(__file__).parents[3] / "' + 'shared" / "contract.graphql"',
        "see /work/" + "shared/datasets/README.md",
    ):
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search("pg_advisory_xact_lock_shared($1)")
    assert not OUTSIDE.search("Options shared by every command")
