"""``roadlog token create|list|revoke``: API tokens, each bound to a workspace and a role."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click
from rich.console import Console
from rich.table import Table

from backend.bootstrap import prepared_pool
from backend.cli.options import data_dir_option, database_target, load_settings
from backend.startup import StartupError
from backend.tokens import Role, TokenInfo, TokenNotFoundError, Tokens

T = TypeVar("T")


def with_tokens(data_dir: Path | None, work: Callable[[Tokens], Awaitable[T]]) -> T:
    """Run ``work`` against the token store of the configured database."""
    target = database_target(load_settings(data_dir=data_dir))

    async def run() -> T:
        async with prepared_pool(target) as pool:
            return await work(Tokens(pool))

    return asyncio.run(run())


@click.group()
def token() -> None:
    """Create, list and revoke API tokens."""


@token.command()
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="viewer: queries; editor: also mutations; admin: also tokens and backfilling.",
)
@click.option("--name", default=None, help="Recorded as the actor of every change it makes.")
@click.option("--workspace", default=None, help="Workspace name (created if new) [the first one].")
@data_dir_option
def create(role: str, name: str | None, workspace: str | None, data_dir: Path | None) -> None:
    """Create a token and print only its secret on stdout (it is not shown again)."""
    if name is not None and not name.strip():
        raise StartupError("--name must not be blank")
    if workspace is not None and not workspace.strip():
        raise StartupError("--workspace must not be blank")
    info, secret = with_tokens(
        data_dir, lambda tokens: tokens.create(Role(role), name and name.strip(), workspace)
    )
    click.echo(
        f"created {info.role.value} token {info.id} ({info.name}) for workspace {info.workspace!r}",
        err=True,
    )
    click.echo(secret)


@token.command(name="list")
@data_dir_option
def list_tokens(data_dir: Path | None) -> None:
    """List tokens (never their secrets)."""
    infos: list[TokenInfo] = with_tokens(data_dir, lambda tokens: tokens.list())
    table = Table("id", "name", "role", "workspace", "created", "revoked", box=None)
    for info in infos:
        table.add_row(
            str(info.id),
            info.name,
            info.role.value,
            info.workspace,
            info.created_at.isoformat(timespec="seconds"),
            info.revoked_at.isoformat(timespec="seconds") if info.revoked_at else "",
        )
    Console(width=200).print(table)


@token.command()
@click.argument("token_id", metavar="ID")
@data_dir_option
def revoke(token_id: str, data_dir: Path | None) -> None:
    """Revoke the token with this ID: it stops working at once."""
    try:
        info = with_tokens(data_dir, lambda tokens: tokens.revoke(token_id))
    except TokenNotFoundError as error:
        raise StartupError(str(error)) from None
    click.echo(f"revoked token {info.id} ({info.name})")
