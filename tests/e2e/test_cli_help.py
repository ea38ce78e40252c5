"""``roadlog --version``, and help that lists every choice a command accepts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.metadata import version

import click
import pytest

from backend.cli import cli
from projections.catalog import READ_MODELS
from tests.support.process import roadlog


def commands_with_choices(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], list[str]]]:
    """(command path, its choices) for every command with a parameter of fixed choices."""
    with click.Context(group) as ctx:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None
            if isinstance(command, click.Group):
                yield from commands_with_choices(command, (*path, name))
                continue
            choices = [
                str(choice)
                for param in command.params
                if isinstance(param.type, click.Choice)
                for choice in param.type.choices
            ]
            if choices:
                yield (*path, name), choices


WITH_CHOICES = list(commands_with_choices(cli))


def test_version_is_the_installed_package_version() -> None:
    result = roadlog("--version", timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"roadlog {version('roadlog')}\n"


def test_rebuild_help_names_every_read_model() -> None:
    result = roadlog("rebuild", "--help", timeout=30)
    assert result.returncode == 0, result.stderr
    for model in READ_MODELS:
        assert model.name in result.stdout, model.name
    assert ("rebuild",) in [path for path, _ in WITH_CHOICES]


@pytest.mark.parametrize(
    ("path", "choices"), WITH_CHOICES, ids=[" ".join(path) for path, _ in WITH_CHOICES]
)
def test_every_help_lists_its_choices(path: tuple[str, ...], choices: list[str]) -> None:
    result = roadlog(*path, "--help", timeout=30)
    assert result.returncode == 0, result.stderr
    for choice in choices:
        assert re.search(rf"\b{re.escape(choice)}\b", result.stdout), choice


def test_an_unknown_read_model_is_refused_with_the_known_ones() -> None:
    result = roadlog("rebuild", "bogus", timeout=30)
    assert result.returncode == 2
    assert "'bogus' is not one of 'roadmap', 'timeline'" in result.stderr
    assert result.stderr.strip().count("\n") == 0
