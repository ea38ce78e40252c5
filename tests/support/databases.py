"""Test databases as roadlog reaches them: as the runtime role, with the server's user as
the owner (``backend.roles``)."""

from __future__ import annotations

import psycopg
from psycopg import sql

from backend.database import DatabaseTarget
from backend.embedded import runtime_target
from backend.roles import RUNTIME_ROLE, grant_database_statement


def runtime_database(server: DatabaseTarget, name: str) -> DatabaseTarget:
    """Database ``name`` of ``server`` reached as the runtime role, owned by ``server``'s
    user (who runs the migrations)."""
    return runtime_target(server, RUNTIME_ROLE).with_dbname(name)


def create_from_template(server: DatabaseTarget, name: str, template: str) -> DatabaseTarget:
    """A new database ``name`` copied from ``template`` (nobody may be connected to it),
    as the runtime role reaches it.

    The copy has every grant the template holds inside it, but not those on the database
    itself, which are granted here.
    """
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
        conn.execute(grant_database_statement(name, RUNTIME_ROLE).encode())
    return runtime_database(server, name)
