"""Opaque global ids, as the API shows them and the timeline stores them.

A global id is the URL-safe base64 of ``Kind:uuid``, or ``Kind:parent-uuid:uuid`` for an
entity that lives inside another aggregate. The encoding lives here, below ``schema/``,
because the timeline read model keeps field changes ("targetCycle" from one cycle to
another) in the form the API answers with; ``schema.relay`` wraps it for GraphQL.
"""

from __future__ import annotations

import base64
from uuid import UUID


def global_id(kind: str, *ids: UUID) -> str:
    """Encode ``kind`` and one or two uuids as an opaque id."""
    raw = ":".join([kind, *(str(part) for part in ids)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
