"""The dreamq group builds a subcommand only when it is used (see _LazyGroup)."""

from __future__ import annotations

import pytest
import typer
from typer.main import get_group_from_info
from typer.models import TyperInfo
from typer.testing import CliRunner

import dreamq._cli as cli

runner = CliRunner()


@pytest.fixture
def built(monkeypatch) -> list[str]:
    """The names of the commands and sub-apps built, in order."""
    names: list[str] = []

    def spy(build):
        def wrapper(info, **kwargs):
            command = build(info, **kwargs)
            names.append(command.name)
            return command

        return wrapper

    monkeypatch.setattr(cli, "get_command_from_info", spy(cli.get_command_from_info))
    monkeypatch.setattr(cli, "get_group_from_info", spy(cli.get_group_from_info))
    return names


def _help(group: typer.core.TyperGroup, width: int = 80) -> str:
    ctx = group.context_class(group, info_name="dreamq", terminal_width=width)
    return group.get_help(ctx)


def test_help_and_version_build_no_subcommand(built):
    for args in (["--help"], ["--version"], []):
        result = runner.invoke(cli.app, args)
        assert result.exit_code == (2 if not args else 0)
    assert built == []


def test_a_subcommand_builds_only_itself(built):
    assert runner.invoke(cli.app, ["schema", "bank"]).exit_code == 0
    assert runner.invoke(cli.app, ["banks", "list", "--help"]).exit_code == 0
    assert runner.invoke(cli.app, ["generate", "--nosuchoption"]).exit_code == 2
    assert built == ["schema", "banks", "generate"]


def test_commands_are_listed_as_typer_lists_them():
    """Same names, same order, same short help as Typer's own, eagerly built group."""
    eager = get_group_from_info(
        TyperInfo(cli.commands),
        pretty_exceptions_short=cli.app.pretty_exceptions_short,
        rich_markup_mode=cli.app.rich_markup_mode,
        suggest_commands=cli.app.suggest_commands,
    )
    lazy = typer.main.get_command(cli.app)
    assert isinstance(lazy, cli._LazyGroup)
    assert list(lazy.commands) == list(eager.commands)
    for name, command in eager.commands.items():
        summary = lazy.commands.summary(name)
        assert (summary.hidden, summary.deprecated) == (command.hidden, command.deprecated)
        for limit in (30, 45, 74, 200):
            assert summary.get_short_help_str(limit) == command.get_short_help_str(limit)


def test_help_is_the_same_once_every_command_is_built():
    group = typer.main.get_command(cli.app)
    before = {width: _help(group, width) for width in (50, 80, 120)}
    assert dict(group.commands)  # builds them all
    assert {width: _help(group, width) for width in (50, 80, 120)} == before


def test_unknown_command_suggests_the_close_ones(built):
    result = runner.invoke(cli.app, ["generat"])
    assert result.exit_code == 2
    assert "Did you mean 'generate'?" in result.output
    assert built == []
