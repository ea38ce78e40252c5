"""Fixtures of the API tests: board sessions of an editor and of a viewer (over real HTTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from backend.tokens import Role, Tokens
from tests.api.board_sessions import board_session


@pytest.fixture
async def editor(live_server: str, tokens: Tokens) -> AsyncIterator[httpx.AsyncClient]:
    _, secret = await tokens.create(Role.EDITOR, "pm", "acme")
    async for browser in board_session(live_server, secret):
        yield browser


@pytest.fixture
async def viewer(live_server: str, tokens: Tokens) -> AsyncIterator[httpx.AsyncClient]:
    _, secret = await tokens.create(Role.VIEWER, "stakeholder", "acme")
    async for browser in board_session(live_server, secret):
        yield browser
