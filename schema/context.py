"""The typed context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from backend.bootstrap import Services
from backend.tokens import Principal


@dataclass
class Context:
    """One request (or one WebSocket connection): who calls, and the process's services."""

    request: Request | WebSocket
    response: Response | None
    services: Services
    request_id: str
    principal: Principal | None = None
    connection_params: dict[str, Any] | None = None
    cache: dict[Any, Any] = field(default_factory=dict)


Info = StrawberryInfo[Context, None]
