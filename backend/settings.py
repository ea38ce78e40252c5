"""Configuration from the environment, one typed object built once and passed down."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


class Settings(BaseSettings):
    """Every setting roadlog reads, with the environment variable that sets it.

    The same names are used by the CLI flags, the container image and the Kubernetes
    manifests in ``deploy/``.
    """

    # An empty variable (``ROADLOG_PORT=``, what a template leaves behind) means the
    # default, as if it were unset.
    model_config = SettingsConfigDict(
        env_prefix="ROADLOG_", extra="ignore", frozen=True, env_ignore_empty=True
    )

    database_url: str | None = Field(
        default=None,
        validation_alias="DATABASE_URL",
        description="PostgreSQL server to use; unset means an embedded server in data_dir.",
    )
    owner_database_url: str | None = Field(
        default=None,
        description="The same database as DATABASE_URL, reached as the role that owns the "
        "event store and runs migrations; DATABASE_URL's role then only runs roadlog and "
        "cannot rewrite history. Unset: DATABASE_URL's role does both (with a warning).",
    )
    data_dir: Path = Field(default=Path(".roadlog"), description="Embedded server and secrets.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    dev: bool = Field(default=False, description="Development mode: GraphiQL is served.")
    # NoDecode: the value reaches the validator as written, so "a,b" is not taken for
    # broken JSON.
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Browser origins allowed to call the API: comma-separated, or a JSON list.",
    )
    log_level: str = Field(default="info", description=f"One of {', '.join(LOG_LEVELS)}.")
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="API processes sharing the port; each has its own pools and projector "
        "(one projector is active at a time).",
    )

    pool_min_size: int = Field(default=2, ge=1)
    pool_max_size: int = Field(default=10, ge=1)
    eventstore_pool_size: int = Field(default=10, ge=1)

    projector: bool = Field(default=True, description="Run the projector inside serve.")
    projector_batch_size: int = Field(default=500, ge=1)
    projector_poll_seconds: float = Field(default=2.0, gt=0)
    consistency_timeout_seconds: float = Field(default=5.0, gt=0)
    token_recheck_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often the tokens of open WebSockets are checked again, in case a "
        "revocation's notification was missed (a revoked token's sockets close with 4403).",
    )

    max_depth: int = Field(default=12, ge=1)
    max_aliases: int = Field(default=30, ge=1)
    max_tokens: int = Field(default=5000, ge=1)
    max_body_bytes: int = Field(default=1_000_000, ge=1)
    max_page_size: int = Field(default=100, ge=1)
    max_cost: int = Field(
        default=100_000,
        ge=1,
        description="Most fields an operation may ask to resolve, estimated before it runs "
        "from page sizes and assumed list sizes (see schema/cost.py).",
    )
    request_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Longest a query may run; past it the query is cut off (mutations and "
        "subscriptions are not).",
    )
    introspection: bool = Field(
        default=True, description="Answer introspection queries (__schema, __type)."
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        return text_list(value) if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_log_level(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        level = value.strip().lower()
        if level not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not one of {', '.join(LOG_LEVELS)}")
        return level

    def environment(self) -> dict[str, str]:
        """These settings as the environment variables that set them (for worker processes)."""
        env = {}
        prefix = self.model_config.get("env_prefix", "")
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if value is None:
                continue
            alias = field.validation_alias
            key = alias if isinstance(alias, str) else f"{prefix}{name.upper()}"
            env[key] = json.dumps(value) if isinstance(value, list) else str(value)
        return env

    @property
    def pgdata(self) -> Path:
        """Where the embedded PostgreSQL keeps its cluster."""
        return self.data_dir / "pgdata"

    @property
    def admin_token_file(self) -> Path:
        """Where the first start leaves the admin token, readable by its owner only."""
        return self.data_dir / "admin-token"


def text_list(text: str) -> list[str]:
    """A list setting as written: a JSON list, or comma-separated (blank items dropped)."""
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"{text!r} is not a JSON list: {error.msg}") from None
        return items  # type: ignore[no-any-return]  # the field's type checks the items
    return [item.strip() for item in text.split(",") if item.strip()]
