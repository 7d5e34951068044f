"""No private key and no password leaves the keystore: a whole workflow on the embedded chain (a new
keystore, an imported key, applications, a proposal, a direct vote, a signed ballot relayed by someone
else, the audit and its report), then every output of every command, every file in the data folder (the
keystores, the address book, the outbox, the audit cache, the node's log and state files) and everything the
workflow wrote, and the environment and command line of the running node, are searched for the keys and
passwords used, in every usual encoding. None may appear.

Bob's password is in the environment (COOP_PASSWORD) the whole time, as when a user exports it in the
shell: the node `coop` starts must not inherit it. The keys and passwords are random for each run, so a
match cannot be a coincidence; `coop accounts export` (whose purpose is to print a key) is run last, as a
check that the search finds a key where there is one.
"""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path

import pytest
from eth_account import Account

from dao_cli.chain import keystore
from dao_cli.chain.node import LocalNode


def encodings(secret: bytes) -> list[bytes]:
    """The ways a secret could show up in a file or an output."""
    forms = [secret, base64.b64encode(secret), base64.urlsafe_b64encode(secret)]
    if len(secret) == 32:  # a private key: as hex too, with and without 0x, in either case
        forms += [secret.hex().encode(), secret.hex().upper().encode()]
    return forms


def leaks(blob: bytes, secrets_: dict[str, bytes]) -> list[str]:
    return [name for name, secret in secrets_.items() if any(form in blob for form in encodings(secret))]


@pytest.fixture
def workflow_dir(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def test_no_key_or_password_appears_anywhere(run_coop, coop_home, tmp_path, workflow_dir, monkeypatch):
    monkeypatch.setattr(keystore, "SCRYPT_N", 2**10)
    alice_password = "alice " + secrets.token_hex(12)
    bob_password = "bob " + secrets.token_hex(12)
    bob_key = Account.create().key
    inputs = tmp_path / "inputs"  # what the user typed in: not searched, it is where the secrets come from
    inputs.mkdir()
    password_file = inputs / "alice.password"
    password_file.write_text(alice_password + "\n")
    outputs: list[tuple[str, bytes]] = []

    def coop(*args, **kw):
        result = run_coop(*args, rpc=False, **kw)
        outputs.append((" ".join(map(str, args)), (result.stdout + result.stderr).encode()))
        return result

    as_alice = ("-a", "alice", "--password-file", password_file)
    monkeypatch.setenv("COOP_PASSWORD", bob_password)  # as exported in the user's shell
    try:
        coop("--password-file", password_file, "accounts", "new", "alice")
        coop("accounts", "import", "bob", input=bob_key.hex() + "\n")
        listed = {a["name"]: a["address"] for a in coop("--json", "accounts", "list").json()["accounts"]}
        alice, bob = listed["alice"], listed["bob"]

        statute = workflow_dir / "statute.yaml"
        coop("init", statute)
        for member in (alice, bob):
            coop("--yes", "node", "fund", member, "5")
        coop("-a", "dev:0", "--yes", "deploy", statute)
        for n in (1, 2, 3):
            coop("-a", f"dev:{n}", "--yes", "member", "pay-in")
        coop(*as_alice, "--yes", "member", "apply", "--shares", "2")
        coop("-a", "bob", "--yes", "member", "apply", "--shares", "1")
        for member in (alice, bob):
            coop("-a", "dev:1", "--yes", "member", "admit", member)
        coop(*as_alice, "--yes", "propose", "mint", alice, "5", "--title", "Tokens for the garden")
        coop("node", "advance", "2 days")
        coop("-a", "bob", "--yes", "vote", "1", "for", "--reason", "a good garden")
        ballot = workflow_dir / "ballot.json"
        ballot.write_text(coop(*as_alice, "--json", "vote", "1", "for", "--sign-only").stdout)
        coop("-a", "dev:3", "--yes", "relay", ballot)
        assert coop("--json", "proposal", "show", "1").json()["votes"]["for"] == 2
        for table in ("history", "members", "capital", "minutes", "treasury", "verify"):
            coop("audit", table)
        coop("audit", "report", "--out", workflow_dir / "report")

        pid = LocalNode("anvil").running_pid()
        process = [Path(f"/proc/{pid}/{part}").read_bytes() for part in ("environ", "cmdline")]
    finally:
        LocalNode("anvil").stop()  # Anvil writes its own state file at exit: searched too

    alice_key = bytes(
        Account.decrypt(json.loads((coop_home / "coopdao/keystores/alice.json").read_text()), alice_password)
    )
    assert Account.from_key(alice_key).address == alice
    found = {
        "alice's key": alice_key,
        "bob's key": bytes(bob_key),
        "alice's password": alice_password.encode(),
        "bob's password": bob_password.encode(),
    }
    files = [p for root in (coop_home, workflow_dir) for p in root.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    left_behind = ("alice.json", "bob.json", "addressbook.json", "outbox.json", "state.json", "autosave.json")
    assert set(left_behind) | {"node.log"} <= names  # the search covers what the workflow left behind
    assert any(p.suffix == ".sqlite3" for p in files) and any(p.suffix == ".html" for p in files)
    searched = [*outputs, *((str(p), p.read_bytes()) for p in files), ("the node process", b"".join(process))]
    leaked = [(where, leaks(blob, found)) for where, blob in searched if leaks(blob, found)]
    assert leaked == [], leaked

    # the check of the check: where a key is printed on purpose, the search finds it
    exported = run_coop("--password-file", password_file, "accounts", "export", "alice", rpc=False)
    assert leaks(exported.stdout.encode(), found) == ["alice's key"]
