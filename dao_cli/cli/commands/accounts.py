"""`coop accounts`: the keystores that sign (create, import, list, export, delete).

The commands only parse and print; the work is in `dao_cli.chain.keystore`, which the rest of the CLI uses to
resolve `--account`. Passwords come from --password-file, $COOP_PASSWORD or a hidden prompt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ...chain import keystore

if TYPE_CHECKING:
    from ...chain.keystore import KeystoreEntry
    from ..context import AppContext


def _lines(verb: str, entry: KeystoreEntry) -> list[str]:
    return [f"{verb} {entry.name}: {entry.address}", f"  keystore {entry.path}"]


@click.group("accounts")
def accounts() -> None:
    """Keystores: the keys that sign.

    coop keeps Web3 Secret Storage keystores (scrypt) in its data folder and also uses those of brownie,
    ape and foundry (as brownie:NAME, ape:NAME, foundry:NAME), read-only. Use an account with
    `--account NAME` (or its address); on a local chain `--account dev:N` is the N-th development account.
    The password comes from --password-file, $COOP_PASSWORD, or a prompt.
    """


@accounts.command("new")
@click.argument("name")
@click.pass_obj
def new(app: AppContext, name: str) -> None:
    """Create a keystore with a new random key."""
    entry = keystore.create(name, password_file=app.password_file)
    app.out.result(entry.as_json(), _lines("created", entry))
    app.out.say("  keep the password safe: without it the key cannot be recovered")


@accounts.command("import")
@click.argument("name")
@click.option(
    "--keystore",
    "keystore_file",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Import the key of this v3 keystore file (unlocked with its password, which the copy keeps).",
)
@click.pass_obj
def import_(app: AppContext, name: str, keystore_file: str | None) -> None:
    """Store an existing key as keystore NAME.

    Without --keystore the private key (hex) is asked for at a hidden prompt, or read from the first line
    of stdin when that is not a terminal; it is never taken as an argument, which would keep it in the
    shell history.
    """
    if keystore_file is not None:
        entry = keystore.import_keystore(name, keystore_file, password_file=app.password_file)
    else:
        entry = keystore.import_key(name, password_file=app.password_file)
    app.out.result(entry.as_json(), _lines("imported", entry))


@accounts.command("list")
@click.pass_obj
def list_(app: AppContext) -> None:
    """List the keystores coop can use: its own, brownie's, ape's and foundry's."""
    entries = keystore.list_accounts()
    data = {"accounts": [e.as_json() for e in entries]}
    if not entries:
        app.out.result(data, "no keystores yet: `coop accounts new NAME` or `coop accounts import NAME`")
        return
    width = max(len(e.name) for e in entries)
    lines = []
    for e in entries:
        shown = e.address or ("unreadable: " + e.problem if e.problem else "address not in the file")
        lines.append(f"{e.name:<{width}}  {shown}  {e.source}")
    app.out.result(data, lines)


@accounts.command("export")
@click.argument("name")
@click.pass_obj
def export(app: AppContext, name: str) -> None:
    """Print the private key of keystore NAME (to move it to a wallet); whoever sees it owns the account."""
    entry, private_key = keystore.export_key(name, password_file=app.password_file)
    app.out.say(f"  the private key of {entry.name} ({entry.address}); keep it secret")
    app.out.result({**entry.as_json(), "private_key": private_key}, private_key)


@accounts.command("delete")
@click.argument("name")
@click.pass_obj
def delete(app: AppContext, name: str) -> None:
    """Delete coop's keystore NAME (asks first unless --yes). Other tools' keystores are never deleted."""
    entry = keystore.delete(name, yes=app.yes)
    app.out.result({**entry.as_json(), "deleted": True}, f"deleted keystore {entry.name} ({entry.address})")


COMMANDS = [accounts]
