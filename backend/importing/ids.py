"""Ids derived from the source, so that running an import again creates nothing twice.

Every id includes the workspace: the event store is shared by all workspaces, and the
same file imported into two workspaces must create two independent histories.
"""

from __future__ import annotations

from uuid import UUID, uuid5

IMPORT_NAMESPACE = UUID("3f9a5c1e-7d2b-5e4f-8a61-0c4b9e2d7f13")


def derived_id(workspace_id: UUID, *parts: object) -> UUID:
    """A stable id for what an import creates, from the workspace and the source's words."""
    return uuid5(IMPORT_NAMESPACE, ":".join([str(workspace_id), *(str(part) for part in parts)]))


def match_key(text: str) -> str:
    """How names are matched between runs: case-insensitive, whitespace collapsed."""
    return " ".join(text.split()).casefold()
