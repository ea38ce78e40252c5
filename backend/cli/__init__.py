"""The ``roadlog`` command: serve, token, and the rest, each a small module."""

from __future__ import annotations

import sys

import click

from backend.cli.demo import demo
from backend.cli.exports import export
from backend.cli.imports import import_
from backend.cli.projector import migrate, project, rebuild_command
from backend.cli.serve import serve
from backend.cli.tokens import token
from backend.startup import StartupError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.version_option(package_name="roadlog", prog_name="roadlog", message="%(prog)s %(version)s")
def cli() -> None:
    """roadlog: a roadmap service with a memory."""


cli.add_command(serve)
cli.add_command(token)
cli.add_command(project)
cli.add_command(rebuild_command)
cli.add_command(migrate)
cli.add_command(import_)
cli.add_command(demo)
cli.add_command(export)


def main() -> None:
    """Entry point: operator mistakes end in one line on stderr and a non-zero exit."""
    try:
        cli.main(standalone_mode=False, prog_name="roadlog")
    except click.exceptions.Abort:
        click.echo("roadlog: aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        click.echo(f"roadlog: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except StartupError as error:
        click.echo(f"roadlog: {error}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
