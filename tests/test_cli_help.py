"""Every command's --help shows how it is used: one or two examples of that very command, and where the
global options are (they may also follow the command)."""

import click
from click.testing import CliRunner

from dao_cli.cli.commands.examples import EXAMPLES
from dao_cli.cli.main import main_group


def leaf_commands(command=main_group, path=()):
    """(path, command) of every command that runs something."""
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from leaf_commands(sub, (*path, name))
    else:
        yield " ".join(path), command


def test_every_command_has_examples_of_itself_and_names_the_global_options():
    paths = dict(leaf_commands())
    assert len(paths) > 60
    missing = sorted(set(paths) - set(EXAMPLES))
    assert not missing, f"commands without examples: {missing}"
    assert not sorted(set(EXAMPLES) - set(paths)), "examples for commands that do not exist"
    for path, examples in EXAMPLES.items():
        assert 1 <= len(examples) <= 2, path
        for example in examples:
            words = example.split()
            assert words[0] == "coop", example
            rest = iter(words[1:])
            assert all(any(w == part for w in rest) for part in path.split()), (
                f"{example!r} is not `coop {path}`"
            )
    help_text = CliRunner().invoke(main_group, ["member", "apply", "--help"]).output
    assert "Examples:\n    coop member apply --shares 2" in help_text
    assert "Global options, also after the command: --account/-a" in help_text
