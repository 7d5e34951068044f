"""The `coop` command: a thin click layer over the library.

Each command group lives in `dao_cli/cli/commands/`; this module holds the root group, its global options and
the error handling that turns every failure into one line and a non-zero exit code. Nothing heavy is
imported here, so `coop --help` answers at once.
"""

from __future__ import annotations

import os

import click

from ..chain.connection import DEFAULT_TIMEOUT
from ..errors import CoopError
from .context import AppContext
from .watch import DEFAULT_WAIT

# The modules whose commands `coop` offers (`coop --help` lists the commands by name).
COMMAND_MODULES = ("coop", "members", "proposals", "token", "tx", "audit", "accounts", "node", "demo")


#: The root group's options, which people also write after the command (`coop vote 1 for --yes`), as
#: brownie and cast accept them: flags, and options that take one value.
GLOBAL_FLAGS = {"--json", "--yes", "-y", "--dry-run", "--quiet", "-q"}
GLOBAL_OPTIONS = {
    "--network", "--rpc-url", "--coop", "--account", "-a", "--password-file", "--timeout", "--wait",
}  # fmt: skip


class CoopGroup(click.Group):
    """The root group: every failure below it ends as one line on stderr and exit code 1, never a traceback
    (set COOP_DEBUG=1 to see the traceback of an unexpected error)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Global options written anywhere before a `--` are moved in front of the command."""
        front: list[str] = []
        rest: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                rest.extend(args[i:])
                break
            name = arg.split("=", 1)[0]
            if arg in GLOBAL_FLAGS or (name in GLOBAL_OPTIONS and "=" in arg):
                front.append(arg)
            elif arg in GLOBAL_OPTIONS and i + 1 < len(args):
                front.extend(args[i : i + 2])
                i += 1
            else:
                rest.append(arg)
            i += 1
        return super().parse_args(ctx, front + rest)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit):
            raise
        except click.exceptions.Abort:
            raise Failure("aborted: nothing was sent") from None
        except CoopError as exc:
            raise Failure(f"error: {exc}", exit_code=exc.exit_code) from None
        except KeyboardInterrupt as exc:
            raise Failure(f"interrupted: {exc}" if str(exc) else "interrupted", exit_code=130) from None
        except Exception as exc:
            if os.environ.get("COOP_DEBUG"):
                raise
            from .context import describe_exception

            raise Failure(f"error: {describe_exception(exc)}") from None


class Failure(click.ClickException):
    """A failure already worded for the user: printed as it is."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: object = None) -> None:
        import sys

        from .output import write

        write(sys.stderr, self.message + "\n")


@click.group(
    cls=CoopGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.option(
    "--network", metavar="NAME", help="anvil (default, started on demand), ganache, or a brownie network."
)
@click.option(
    "--rpc-url",
    metavar="URL",
    envvar="ETH_RPC_URL",
    help="Any Ethereum JSON-RPC endpoint [env: ETH_RPC_URL].",
)
@click.option("--coop", "coop_name", metavar="NAME", help="The cooperative, by its name in the address book.")
@click.option(
    "--account",
    "-a",
    metavar="ACCOUNT",
    envvar="COOP_ACCOUNT",
    help="Keystore name or address, or dev:N on a local chain [env: COOP_ACCOUNT].",
)
@click.option(
    "--password-file", type=click.Path(dir_okay=False), help="Read the keystore password from a file."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    envvar="COOP_TIMEOUT",
    metavar="SECONDS",
    show_default=True,
    help="How long one request to the node may take, retries included [env: COOP_TIMEOUT].",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=DEFAULT_WAIT,
    envvar="COOP_WAIT",
    metavar="SECONDS",
    show_default=True,
    help="How long to wait for a transaction to be mined before saying why not [env: COOP_WAIT].",
)
@click.option("--json", "json_mode", is_flag=True, help="Print one JSON document on stdout.")
@click.option("--yes", "-y", is_flag=True, help="Send without asking for confirmation.")
@click.option("--dry-run", is_flag=True, help="Simulate and show what would be sent, then stop.")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages on stderr.")
@click.version_option(package_name="coopdao", prog_name="coop")
@click.pass_context
def main_group(ctx: click.Context, **options: object) -> None:
    """coopdao: found, run and audit a cooperative on Ethereum."""
    ctx.obj = AppContext(**options)  # type: ignore[arg-type]


def _register() -> None:
    from importlib import import_module

    from .commands.examples import epilog

    for name in COMMAND_MODULES:
        module = import_module(f"dao_cli.cli.commands.{name}")
        for command in module.COMMANDS:
            main_group.add_command(command)

    def annotate(command: click.Command, path: str) -> None:
        command.epilog = epilog(path)
        for name, sub in getattr(command, "commands", {}).items():
            annotate(sub, f"{path} {name}".strip())

    for name, command in main_group.commands.items():
        annotate(command, name)


_register()


def main(argv: list[str] | None = None) -> None:
    """The `coop` console command. Its output streams take a reader that went away as no failure (see
    `output`); what is still buffered is flushed here, not by the interpreter on its way out, where a closed
    pipe would still be one (exit code 120)."""
    import sys

    from .output import QuietStream

    sys.stdout = QuietStream(sys.stdout)  # type: ignore[assignment]
    sys.stderr = QuietStream(sys.stderr)  # type: ignore[assignment]
    try:
        main_group.main(args=argv, prog_name="coop")
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


if __name__ == "__main__":
    main()
