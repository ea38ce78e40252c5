"""Configuration from the environment, one typed object built once and passed down."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting roadlog reads, with the environment variable that sets it.

    The same names are used by the CLI flags, the container image and the Kubernetes
    manifests in ``deploy/``.
    """

    model_config = SettingsConfigDict(env_prefix="ROADLOG_", extra="ignore", frozen=True)

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
    cors_origins: list[str] = Field(default_factory=list)
    log_level: str = "info"
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

    max_depth: int = Field(default=12, ge=1)
    max_aliases: int = Field(default=30, ge=1)
    max_tokens: int = Field(default=5000, ge=1)
    max_body_bytes: int = Field(default=1_000_000, ge=1)
    max_page_size: int = Field(default=100, ge=1)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        # "a,b" in the environment as well as a JSON list.
        if isinstance(value, str) and not value.lstrip().startswith("["):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

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
