"""Where the database is: one parsed target, used by the event store and the read models."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TypedDict
from urllib.parse import quote

import asyncpg
import psycopg
from eventsourcing import persistence
from psycopg.conninfo import conninfo_to_dict

from backend.startup import StartupError

URL_SCHEMES = ("postgresql://", "postgres://")

log = logging.getLogger(__name__)

UNREACHABLE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, no socket file: the server is not there
    asyncpg.InterfaceError,  # "connection is closed" under a query
    asyncpg.PostgresConnectionError,  # class 08
    asyncpg.exceptions.AdminShutdownError,  # 57P01: the server is shutting down
    asyncpg.exceptions.CrashShutdownError,  # 57P02: another backend crashed
    asyncpg.exceptions.CannotConnectNowError,  # 57P03: starting up or in recovery
    asyncpg.exceptions.TooManyConnectionsError,  # 53300
    # A pooled connection whose server died in the middle of an operation can refuse the
    # next query with "cannot switch to state ...; another operation is in progress".
    asyncpg.exceptions._base.InternalClientError,
    persistence.InterfaceError,  # the event store (psycopg), after the library's retries
    persistence.OperationalError,
)
"""What a driver raises when the database cannot be reached (or refuses to serve) right
now, as opposed to a query that is wrong: a request that meets one of these is answered
503 and may be retried as it is."""


def is_unreachable(error: BaseException | None) -> bool:
    """Whether ``error`` (or an error it was raised from) says the database is unreachable."""
    while error is not None:
        if isinstance(error, UNREACHABLE_ERRORS):
            return True
        error = error.__cause__
    return False


class AsyncpgParams(TypedDict):
    host: str
    port: int
    user: str
    password: str
    database: str


@dataclass(frozen=True)
class DatabaseTarget:
    """Connection parameters of one PostgreSQL database, whatever the URL looked like.

    ``user`` is the role roadlog runs as. ``owner``, when given, is the same database
    reached as the role that owns the event store and runs the migrations
    (``backend.roles``); without it, ``user`` does both.
    """

    host: str
    port: int
    user: str
    password: str
    dbname: str
    owner: DatabaseTarget | None = None

    @classmethod
    def from_url(cls, url: str) -> DatabaseTarget:
        """Parse a ``postgresql://`` URL, socket directories (``?host=/path``) included."""
        if not url.startswith(URL_SCHEMES):
            raise StartupError(f"DATABASE_URL must start with postgresql://, got {url!r}")
        try:
            params = conninfo_to_dict(url)
        except psycopg.ProgrammingError as error:
            detail = str(error).strip()
            raise StartupError(f"DATABASE_URL {url!r} is malformed: {detail}") from None
        port = str(params.get("port") or "5432")
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise StartupError(f"DATABASE_URL {url!r} has an invalid port {port!r}")
        dbname = str(params.get("dbname") or params.get("user") or "postgres")
        return cls(
            host=str(params.get("host") or "localhost"),
            port=int(port),
            user=str(params.get("user") or "postgres"),
            password=str(params.get("password") or ""),
            dbname=dbname,
        )

    def with_dbname(self, dbname: str) -> DatabaseTarget:
        """The same server (and owner), another database."""
        owner = self.owner.with_dbname(dbname) if self.owner else None
        return replace(self, dbname=dbname, owner=owner)

    def owned_by(self, owner: DatabaseTarget | None) -> DatabaseTarget:
        """This target, prepared by ``owner`` (a role of its own), or by its own user."""
        if owner is not None and owner.user == self.user:
            owner = None
        return replace(self, owner=owner)

    @property
    def migrator(self) -> DatabaseTarget:
        """Where the database is prepared from: the owner, else this very target."""
        return self.owner or self

    @property
    def runtime_role(self) -> str | None:
        """The role to grant runtime rights to, when it is not the owner itself."""
        return self.user if self.owner is not None else None

    @property
    def url(self) -> str:
        """This target as a URL that every driver here understands."""
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + quote(self.password, safe="")
        if self.host.startswith("/"):
            return f"postgresql://{auth}@/{self.dbname}?host={quote(self.host)}&port={self.port}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{self.dbname}"

    @classmethod
    def configured(cls, database_url: str, owner_database_url: str | None) -> DatabaseTarget:
        """``DATABASE_URL``'s database, prepared by ``ROADLOG_OWNER_DATABASE_URL``'s role."""
        target = cls.from_url(database_url)
        if owner_database_url is None:
            log.warning(
                "roadlog runs as the role that owns its event store (%s): anything that"
                " role can do, it can do to history. Set ROADLOG_OWNER_DATABASE_URL to the"
                " owner's URL and DATABASE_URL to a runtime role (see the README).",
                target.user,
            )
            return target
        owner = cls.from_url(owner_database_url)
        if owner.dbname != target.dbname:
            raise StartupError(
                "ROADLOG_OWNER_DATABASE_URL must name the same database as DATABASE_URL,"
                f" got {owner.dbname!r} for {target.dbname!r}"
            )
        return target.owned_by(owner)

    def asyncpg_kwargs(self) -> AsyncpgParams:
        """Keyword arguments for ``asyncpg.connect`` and ``asyncpg.create_pool``."""
        return AsyncpgParams(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            database=self.dbname,
        )

    def eventsourcing_env(self, pool_size: int) -> dict[str, str]:
        """Environment for the eventsourcing PostgreSQL recorder (psycopg)."""
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "APPLICATION_RECORDER_TOPIC": "backend.recorder:OrderedInsertRecorder",
            "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_POOL_SIZE": str(pool_size),
            "POSTGRES_MAX_OVERFLOW": str(pool_size),
            "POSTGRES_CONNECT_TIMEOUT": "10",
            "POSTGRES_PRE_PING": "y",
            "POSTGRES_LOCK_TIMEOUT": "10",
        }
