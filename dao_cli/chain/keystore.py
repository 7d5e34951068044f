"""The keys that sign: Web3 Secret Storage v3 keystores, our own and those of brownie, ape and foundry.

coop keeps its own keystores in `paths.keystore_dir()` as `<name>.json` (scrypt, mode 0600, written
atomically so a crash never leaves half a key behind). It also reads, but never writes or deletes, the
keystores other tools keep under the user's home folder, so that a member who already has a brownie, ape or
foundry account does not have to copy a key around: they appear as `brownie:NAME`, `ape:NAME` and
`foundry:NAME`.

A password comes from `--password-file` (its first line), else the environment variable `COOP_PASSWORD`,
else a hidden prompt on the terminal. Neither a password nor a private key is ever printed or logged; the
one exception is `export`, whose whole point is to print the key.

eth_account and web3 are imported inside the functions that need them, so that importing this module (as
the command line does to build `coop --help`) stays instant.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from string import hexdigits
from typing import TYPE_CHECKING, Any

import click

from .. import paths
from ..errors import CoopError

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount
    from web3 import Web3

    from .transact import Sender

#: scrypt cost parameter n of new keystores: 2**18, geth's "standard" setting (about 256 MiB and half a
#: second or more per unlock), which is what brownie, ape and foundry write too. r=8 and p=1 are fixed by
#: eth_keyfile. There is deliberately no environment variable to lower it; the test suite monkeypatches
#: `SCRYPT_N` in-process (tests/test_cli_accounts.py) to stay fast.
DEFAULT_SCRYPT_N = 2**18
SCRYPT_N = DEFAULT_SCRYPT_N

#: The environment variable that holds a password for non-interactive use.
PASSWORD_ENV = "COOP_PASSWORD"

OWN = "coop"
#: Keystores of other tools: source -> (folder under the home folder, file suffix; "" = the whole file name).
FOREIGN: dict[str, tuple[str, str]] = {
    "brownie": (".brownie/accounts", ".json"),
    "ape": (".ape/accounts", ".json"),
    "foundry": (".foundry/keystores", ""),
}

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
# The order of the secp256k1 group: a private key is a number in [1, N-1].
_SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@dataclass(frozen=True)
class KeystoreEntry:
    """One keystore file as `coop accounts list` shows it.

    `address` is None when the file does not name its address (foundry may leave it out) or cannot be read;
    `problem` then says why the file cannot be used, so a broken file is listed instead of hiding the rest.
    """

    name: str
    source: str
    path: Path
    address: str | None
    problem: str | None = None

    @property
    def own(self) -> bool:
        return self.source == OWN

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "address": self.address,
            "source": self.source,
            "path": str(self.path),
        }
        if self.problem:
            data["problem"] = self.problem
        return data


# --------------------------------------------------------------------------- listing and finding


def validate_name(name: str) -> str:
    """Check a name for a new keystore of our own: it becomes a file name and must never be mistaken for
    another tool's keystore (`tool:NAME`), a development account (`dev:N`) or an address (`0x...`)."""
    if ":" in name:
        raise CoopError(
            f"invalid account name {name!r}: ':' is reserved for dev:N and other tools' keystores "
            "(brownie:NAME, ape:NAME, foundry:NAME)"
        )
    if name[:2].lower() == "0x":
        raise CoopError(f"invalid account name {name!r}: a name starting with 0x would read as an address")
    if not _NAME.fullmatch(name):
        raise CoopError(
            f"invalid account name {name!r}: use 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def list_accounts() -> list[KeystoreEntry]:
    """Every keystore coop can use: its own first (by name), then brownie's, ape's and foundry's."""
    entries = _entries_in(paths.keystore_dir(), ".json", OWN)
    home = Path.home()
    for source, (folder, suffix) in FOREIGN.items():
        entries += _entries_in(home / folder, suffix, source)
    return entries


def _entries_in(folder: Path, suffix: str, source: str) -> list[KeystoreEntry]:
    if not folder.is_dir():
        return []
    entries = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if suffix:
            if not path.name.endswith(suffix) or len(path.name) == len(suffix):
                continue
            stem = path.name[: -len(suffix)]
        else:
            stem = path.name
        name = stem if source == OWN else f"{source}:{stem}"
        entries.append(_read_entry(name, source, path))
    return entries


def _read_entry(name: str, source: str, path: Path) -> KeystoreEntry:
    try:
        data = _load_keystore_json(path, name)
    except CoopError as exc:
        return KeystoreEntry(name, source, path, None, problem=str(exc))
    address = data.get("address")
    if address is None:
        return KeystoreEntry(name, source, path, None)
    checksummed = _checksum_or_none(str(address))
    if checksummed is None:
        return KeystoreEntry(
            name, source, path, None, problem=f"keystore {name}: its address field is invalid"
        )
    return KeystoreEntry(name, source, path, checksummed)


def find(name: str) -> KeystoreEntry:
    """The keystore called `name` (own name or `tool:NAME`); an unknown name lists the known ones."""
    source, rest = name.split(":", 1) if ":" in name else (OWN, name)
    if source != OWN and source not in FOREIGN:
        raise CoopError(
            f"unknown account source {source!r} in {name!r}: use a keystore name, brownie:NAME, ape:NAME, "
            "foundry:NAME, an address, or dev:N on a local chain"
        )
    if not rest:
        raise CoopError(f"invalid account name {name!r}")
    entries = list_accounts()
    for entry in entries:
        if entry.name == name:
            return entry
    raise CoopError(f"no account named {name!r}; {_known(entries)}")


def find_by_address(address: str) -> KeystoreEntry | None:
    """The keystore holding `address` (checksummed), preferring our own over other tools'."""
    for entry in list_accounts():
        if entry.address == address:
            return entry
    return None


def _known(entries: list[KeystoreEntry]) -> str:
    names = [e.name for e in entries]
    if not names:
        return "there are no keystores yet: create one with `coop accounts new NAME` or `... import NAME`"
    return "known: " + ", ".join(names) + " (and dev:N on a local chain)"


# --------------------------------------------------------------------------- reading files and input


def _load_keystore_json(path: Path, name: str) -> dict[str, Any]:
    """The parsed keystore file, checked to be Web3 Secret Storage v3, or a one-line CoopError."""
    where = name if name == str(path) else f"{name} ({path})"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CoopError(f"cannot read keystore {where}: {_reason(exc)}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CoopError(f"keystore {where} is not JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, dict) or not isinstance(data.get("crypto"), dict):
        raise CoopError(f"keystore {where} is not a Web3 Secret Storage keystore (no crypto section)")
    if data.get("version") != 3:
        raise CoopError(
            f"keystore {where} has version {data.get('version')!r}; only version 3 keystores are read"
        )
    return data


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


def _checksum_or_none(address: str) -> str | None:
    from eth_utils import is_hex_address, to_checksum_address

    text = address if address[:2].lower() == "0x" else "0x" + address
    return to_checksum_address(text) if is_hex_address(text) else None


def _can_prompt() -> bool:
    """Whether a person can answer a prompt (tests replace this to exercise the prompts)."""
    return sys.stdin.isatty()


def read_password(label: str, password_file: str | None = None, new: bool = False) -> str:
    """The password for keystore `label`: --password-file (first line), else $COOP_PASSWORD, else a hidden
    prompt on stderr (asked twice for a new keystore, so a typo cannot lock the key away)."""
    if password_file is not None:
        try:
            text = Path(password_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CoopError(f"cannot read the password file {password_file}: {_reason(exc)}") from None
        lines = text.splitlines()
        password = lines[0] if lines else ""
    elif os.environ.get(PASSWORD_ENV) is not None:
        password = os.environ[PASSWORD_ENV]
    elif _can_prompt():
        if new:
            password = click.prompt(
                f"password for the new keystore {label}",
                hide_input=True,
                confirmation_prompt="repeat the password",
                err=True,
            )
        else:
            password = click.prompt(f"password for keystore {label}", hide_input=True, err=True)
    else:
        raise CoopError(
            f"keystore {label} needs a password and stdin is not a terminal: "
            f"pass --password-file PATH or set {PASSWORD_ENV}"
        )
    if new and not password:
        raise CoopError(f"refusing an empty password for keystore {label}")
    return password


def read_private_key() -> bytes:
    """A private key typed at a hidden prompt, or the first line of stdin when it is not a terminal."""
    if _can_prompt():
        text = click.prompt("private key (hex)", hide_input=True, err=True)
    else:
        text = sys.stdin.readline()
        if not text.strip():
            raise CoopError("no private key on stdin: pipe the key in hex, or run in a terminal to be asked")
    return parse_private_key(text)


def parse_private_key(text: str) -> bytes:
    """32 bytes from 64 hex digits (0x optional). The message never repeats the input: it may be a key."""
    words = text.split()
    if len(words) > 1:
        raise CoopError("that looks like a mnemonic or several values; give the private key in hex")
    digits = words[0] if words else ""
    if digits[:2].lower() == "0x":
        digits = digits[2:]
    if len(digits) != 64 or not all(c in hexdigits for c in digits):
        raise CoopError("not a private key: expected 64 hexadecimal digits (32 bytes), 0x optional")
    key = bytes.fromhex(digits)
    if not 0 < int.from_bytes(key, "big") < _SECP256K1_N:
        raise CoopError("not a private key: the number is outside the secp256k1 range")
    return key


# --------------------------------------------------------------------------- writing our own keystores


def _own_path(name: str) -> Path:
    return paths.keystore_dir() / f"{validate_name(name)}.json"


def _check_free(name: str) -> Path:
    path = _own_path(name)
    if path.exists():
        raise CoopError(f"the account name {name!r} is taken ({path}); choose another or delete it first")
    return path


def _store(name: str, key: bytes, password: str) -> KeystoreEntry:
    """Encrypt `key` with scrypt and write it as keystore `name`, atomically and never over another file."""
    from eth_account import Account

    path = _check_free(name)
    data = Account.encrypt(key, password, kdf="scrypt", iterations=SCRYPT_N)
    _write_new(path, data, name)
    return _read_entry(name, OWN, path)


def _write_new(path: Path, data: dict[str, Any], name: str) -> None:
    """Write to a temporary file (mode 0600) in the same folder, then link it into place: readers see the
    whole file or none, and an existing keystore is never replaced."""
    folder = path.parent
    with contextlib.suppress(OSError):
        folder.chmod(0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            json.dump(data, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise CoopError(f"the account name {name!r} is taken ({path})") from None
        except OSError:
            # A file system without hard links: the name was checked just before, so replace is safe enough.
            if path.exists():
                raise CoopError(f"the account name {name!r} is taken ({path})") from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def create(name: str, password_file: str | None = None) -> KeystoreEntry:
    """A new random key, stored as keystore `name`. The key is made by the operating system's random source
    (eth_account's `Account.create`) and only ever leaves this function encrypted."""
    from eth_account import Account

    _check_free(name)
    password = read_password(name, password_file, new=True)
    account = Account.create()
    return _store(name, bytes(account.key), password)


def import_key(
    name: str, private_key: str | bytes | None = None, password_file: str | None = None
) -> KeystoreEntry:
    """Store an existing private key as keystore `name`; without `private_key` it is read from a hidden
    prompt or stdin (never from the command line, where it would land in the shell history)."""
    _check_free(name)
    if private_key is None:
        key = read_private_key()
    elif isinstance(private_key, bytes):
        key = parse_private_key(private_key.hex())
    else:
        key = parse_private_key(private_key)
    password = read_password(name, password_file, new=True)
    return _store(name, key, password)


def import_keystore(name: str, file: str | Path, password_file: str | None = None) -> KeystoreEntry:
    """Store the key of an existing v3 keystore file (geth, MetaMask, brownie, ...) as keystore `name`.

    The file's password unlocks it (a wrong one fails before anything is written) and the key is stored again
    with the same password, encrypted with scrypt at full strength whatever the original used.
    """
    _check_free(name)
    source = Path(file)
    label = str(source)
    data = _load_keystore_json(source, label)
    password = read_password(label, password_file)
    account = _decrypt(data, password, label, _checksum_or_none(str(data.get("address") or "")))
    return _store(name, bytes(account.key), password)


# --------------------------------------------------------------------------- using keystores


def _decrypt(data: dict[str, Any], password: str, label: str, address: str | None) -> LocalAccount:
    from eth_account import Account

    try:
        key = Account.decrypt(data, password)
    except ValueError as exc:
        if "mismatch" in str(exc).lower():
            raise CoopError(f"wrong password for keystore {label}") from None
        raise CoopError(f"keystore {label} cannot be decrypted: {str(exc).splitlines()[0]}") from None
    except Exception as exc:
        raise CoopError(f"keystore {label} is not a valid v3 keystore ({type(exc).__name__})") from None
    account = Account.from_key(key)
    if address is not None and account.address != address:
        raise CoopError(f"keystore {label} says it holds {address} but its key is that of {account.address}")
    return account


def unlock(entry: KeystoreEntry, password_file: str | None = None) -> LocalAccount:
    """Decrypt keystore `entry` with its password; a wrong password is a one-line CoopError."""
    data = _load_keystore_json(entry.path, entry.name)
    password = read_password(entry.name, password_file)
    return _decrypt(data, password, entry.name, entry.address)


def export_key(name: str, password_file: str | None = None) -> tuple[KeystoreEntry, str]:
    """The keystore entry and its private key as 0x-hex: only for `coop accounts export`, which a person asks
    for explicitly (to move the key to a wallet)."""
    entry = find(name)
    account = unlock(entry, password_file)
    return replace(entry, address=account.address), "0x" + bytes(account.key).hex()


def delete(name: str, yes: bool = False) -> KeystoreEntry:
    """Delete our own keystore `name` after confirmation (or at once with `yes`). Other tools' keystores are
    never touched: they belong to those tools."""
    entry = find(name)
    if not entry.own:
        raise CoopError(
            f"{entry.name} is {entry.source}'s keystore ({entry.path}); coop only reads it, delete it with "
            f"{entry.source}"
        )
    if not yes:
        if not _can_prompt():
            raise CoopError("confirmation needed: run again with --yes to delete without asking")
        shown = entry.address or "address unknown"
        question = f"delete keystore {entry.name} ({shown})? Without a backup the key is lost for good"
        if not click.confirm(question, default=False, err=True):
            raise CoopError(f"keystore {entry.name} was not deleted")
    entry.path.unlink()
    _fsync_dir(entry.path.parent)
    return entry


def resolve_sender(spec: str, w3: Web3, password_file: str | None = None) -> Sender:
    """Who signs, from what a user typed for --account.

    - `dev:N`: the chain's N-th node-held (unlocked) development account; the node signs.
    - a keystore name (`alice`, `brownie:alice`, ...) or a 0x address one of the keystores holds: the key
      is decrypted and transactions are signed locally.
    - any other 0x address the node holds unlocked is used like a development account.
    """
    from .transact import Sender

    spec = spec.strip()
    if spec.startswith("dev:"):
        return Sender(_dev_account(spec, w3))
    if spec[:2].lower() == "0x":
        address = _parse_address(spec)
        entry = find_by_address(address)
        if entry is not None:
            return Sender.local(unlock(entry, password_file))
        if address in {_checksum_or_none(a) for a in _node_accounts(w3)}:
            return Sender(address)
        entries = list_accounts()
        hint = (
            " (keystores without an address field are found by name only)"
            if any(e.address is None for e in entries)
            else ""
        )
        raise CoopError(
            f"no keystore holds {address} and the node does not hold its key{hint}; {_known(entries)}"
        )
    return Sender.local(unlock(find(spec), password_file))


def _dev_account(spec: str, w3: Web3) -> str:
    number = spec[4:]
    if not number.isdigit():
        raise CoopError(f"invalid account {spec!r}: dev:N takes a number, e.g. dev:0")
    index = int(number)
    node_accounts = _node_accounts(w3)
    if not node_accounts:
        raise CoopError(
            f"this chain has no development accounts, so {spec} is unavailable "
            "(dev:N works on a local Anvil or Ganache; elsewhere use a keystore)"
        )
    if index >= len(node_accounts):
        raise CoopError(
            f"this chain has no development account {spec}: it has {len(node_accounts)} "
            f"(dev:0 to dev:{len(node_accounts) - 1})"
        )
    return _checksum_or_none(node_accounts[index]) or node_accounts[index]


def _node_accounts(w3: Web3) -> list[str]:
    """The node's unlocked accounts; none when the node does not offer eth_accounts (public endpoints)."""
    from web3.exceptions import Web3Exception

    try:
        return list(w3.eth.accounts)
    except (Web3Exception, ValueError):
        return []


def _parse_address(text: str) -> str:
    from eth_utils import (
        is_checksum_address,
        is_checksum_formatted_address,
        is_hex_address,
        to_checksum_address,
    )

    if not is_hex_address(text):
        raise CoopError(f"not an address: {text} (expected 0x and 40 hexadecimal digits)")
    # Mixed case means EIP-55: then the case must be right (all lower or all upper case carries no checksum).
    if is_checksum_formatted_address(text) and not is_checksum_address(text):
        raise CoopError(f"address {text} has a wrong checksum (a typo?)")
    return to_checksum_address(text)
