"""`coop accounts` and `keystore.resolve_sender`: keystores of our own and of brownie, ape and foundry, the
passwords that unlock them, and the accounts that sign on the chain brownie started.

New keystores here use scrypt n = 2**10 instead of the real 2**18 (monkeypatched in-process, there is no
user-facing switch), so that each unlock takes milliseconds; `test_new_keystores_use_strong_scrypt` checks
the real default.
"""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from brownie import accounts, web3
from eth_account import Account

from dao_cli.chain import keystore
from dao_cli.chain.transact import send_transaction
from dao_cli.cli.context import AppContext
from dao_cli.errors import CoopError

FAST_N = 2**10
PASSWORD = "correct horse battery staple"
# A fixed key, so the test knows the address independently of the code under test.
KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
KEY_ADDRESS = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
ENV = {"COOP_PASSWORD": PASSWORD}


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    monkeypatch.setattr(keystore, "SCRYPT_N", FAST_N)


@pytest.fixture
def prompts(monkeypatch):
    """Pretend stdin is a terminal, so coop asks (CliRunner's `input` answers)."""
    monkeypatch.setattr(keystore, "_can_prompt", lambda: True)


def keystore_path(home, name):
    return home / "coopdao" / "keystores" / f"{name}.json"


def snapshot(home):
    """Every file under the test's home folder with its bytes: to prove a failure changed nothing."""
    return {p: p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def foreign_keystore(home, folder, filename, key, password, with_address=True):
    """A keystore as brownie, ape or foundry would write it, under the test's HOME."""
    data = Account.encrypt(key, password, kdf="scrypt", iterations=FAST_N)
    if not with_address:
        del data["address"]
    path = home / folder / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


# --------------------------------------------------------------------------- the keystore round trip


def test_new_list_export_round_trip(run_coop, coop_home):
    created = run_coop("--json", "accounts", "new", "alice", env=ENV).json()
    assert set(created) == {"name", "address", "source", "path"}
    assert created["name"] == "alice" and created["source"] == "coop"
    path = keystore_path(coop_home, "alice")
    assert created["path"] == str(path)

    listed = run_coop("--json", "accounts", "list").json()
    assert listed == {"accounts": [created]}

    exported = run_coop("--json", "accounts", "export", "alice", env=ENV).json()
    assert set(exported) == {"name", "address", "source", "path", "private_key"}
    assert Account.from_key(exported["private_key"]).address == listed["accounts"][0]["address"]
    assert exported["address"] == created["address"]

    # the file: Web3 Secret Storage v3, scrypt, readable by its owner only, the key nowhere in clear
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["version"] == 3
    assert data["crypto"]["kdf"] == "scrypt"
    assert data["crypto"]["kdfparams"]["n"] == FAST_N
    assert exported["private_key"][2:] not in path.read_text()
    assert not [p for p in path.parent.iterdir() if p.name != "alice.json"]  # no temporary file left


def test_people_output_and_no_secret_printed(run_coop, coop_home):
    assert "no keystores yet" in run_coop("accounts", "list").stdout
    created = run_coop("accounts", "new", "alice", env=ENV)
    assert created.stdout.startswith("created alice: 0x")
    assert "keep the password safe" in created.stderr
    imported = run_coop("accounts", "import", "bob", input=KEY + "\n", env=ENV)
    assert imported.stdout.startswith(f"imported bob: {KEY_ADDRESS}")
    for result in (created, imported):
        for secret in (PASSWORD, KEY[2:]):
            assert secret not in result.stdout and secret not in result.stderr
    assert KEY[2:] not in keystore_path(coop_home, "bob").read_text()

    lines = run_coop("accounts", "list").stdout.splitlines()
    assert len(lines) == 2
    assert lines[1].split() == ["bob", KEY_ADDRESS, "coop"]

    exported = run_coop("accounts", "export", "bob", env=ENV)
    assert exported.stdout.strip() == KEY  # only the key on stdout, so it can be piped
    assert "keep it secret" in exported.stderr


def test_new_keystores_use_strong_scrypt(coop_home, monkeypatch):
    monkeypatch.setattr(keystore, "SCRYPT_N", keystore.DEFAULT_SCRYPT_N)
    monkeypatch.setenv("COOP_PASSWORD", PASSWORD)
    assert keystore.DEFAULT_SCRYPT_N >= 2**18
    entry = keystore.create("strong")
    params = json.loads(entry.path.read_text())["crypto"]["kdfparams"]
    assert (params["n"], params["r"], params["p"]) == (2**18, 8, 1)


# --------------------------------------------------------------------------- import


@pytest.mark.parametrize("typed", [KEY, KEY[2:], "  " + KEY.upper().replace("0X", "0x") + "  "])
def test_import_a_private_key_from_stdin(run_coop, typed):
    result = run_coop("--json", "accounts", "import", "bob", input=typed + "\n", env=ENV).json()
    assert result["address"] == KEY_ADDRESS
    assert run_coop("--json", "accounts", "export", "bob", env=ENV).json()["private_key"] == KEY


@pytest.mark.parametrize(
    "typed, words",
    [
        ("0x1234", "64 hexadecimal digits"),
        ("zz" * 32, "64 hexadecimal digits"),
        ("0x" + "00" * 32, "secp256k1 range"),
        ("0x" + "ff" * 32, "secp256k1 range"),
        ("test test test test test test test test test test test junk", "mnemonic"),
        ("", "no private key on stdin"),
    ],
)
def test_import_rejects_what_is_not_a_key(run_coop, coop_home, typed, words):
    before = snapshot(coop_home)
    result = run_coop("accounts", "import", "bob", input=typed + "\n", env=ENV, expect=1)
    line = assert_one_line_error(result, words)
    if typed.strip():
        assert typed not in line  # a near-key is never echoed
    assert snapshot(coop_home) == before


def test_import_a_keystore_file(run_coop, coop_home, tmp_path):
    # a geth-style file with pbkdf2: the copy is stored with scrypt and the same password
    source = tmp_path / "UTC--2024--geth.json"
    source.write_text(json.dumps(Account.encrypt(KEY, "old password", kdf="pbkdf2", iterations=1000)))
    old = {"COOP_PASSWORD": "old password"}

    wrong = run_coop("accounts", "import", "geth", "--keystore", source, env=ENV, expect=1)
    assert_one_line_error(wrong, "wrong password for keystore")
    assert not keystore_path(coop_home, "geth").exists()

    result = run_coop("--json", "accounts", "import", "geth", "--keystore", source, env=old).json()
    assert result["address"] == KEY_ADDRESS
    data = json.loads(keystore_path(coop_home, "geth").read_text())
    assert data["crypto"]["kdf"] == "scrypt"
    assert stat.S_IMODE(keystore_path(coop_home, "geth").stat().st_mode) == 0o600
    assert run_coop("--json", "accounts", "export", "geth", env=old).json()["private_key"] == KEY


def test_import_rejects_bad_keystore_files(run_coop, coop_home, tmp_path):
    not_json = tmp_path / "notjson.json"
    not_json.write_text("{ this is not json")
    no_crypto = tmp_path / "nocrypto.json"
    no_crypto.write_text(json.dumps({"version": 3, "address": KEY_ADDRESS[2:]}))
    version_4 = tmp_path / "v4.json"
    version_4.write_text(json.dumps({**Account.encrypt(KEY, PASSWORD, iterations=FAST_N), "version": 4}))
    lying = tmp_path / "lying.json"
    lying.write_text(json.dumps({**Account.encrypt(KEY, PASSWORD, iterations=FAST_N), "address": "11" * 20}))
    cases = [
        (not_json, "is not JSON"),
        (no_crypto, "no crypto section"),
        (version_4, "only version 3"),
        (tmp_path / "missing.json", "cannot read keystore"),
        (lying, "says it holds 0x1111111111111111111111111111111111111111"),
    ]
    before = snapshot(coop_home)
    for path, words in cases:
        result = run_coop("accounts", "import", "x", "--keystore", path, env=ENV, expect=1)
        assert_one_line_error(result, words)
    assert snapshot(coop_home) == before


# --------------------------------------------------------------------------- passwords


def test_wrong_password_changes_nothing(run_coop, coop_home):
    run_coop("accounts", "new", "alice", env=ENV)
    before = snapshot(coop_home)
    result = run_coop("accounts", "export", "alice", env={"COOP_PASSWORD": "wrong"}, expect=1)
    assert assert_one_line_error(result) == "error: wrong password for keystore alice"
    assert result.stdout == ""
    assert snapshot(coop_home) == before


def test_password_file_first_line(run_coop, tmp_path):
    pw = tmp_path / "pw"
    pw.write_text(PASSWORD + "\nsecond line is ignored\n")
    run_coop("--password-file", pw, "accounts", "new", "alice")
    # the first line without its newline is the password: the environment's copy of it unlocks
    run_coop("accounts", "export", "alice", env=ENV)
    crlf = tmp_path / "pw-crlf"
    crlf.write_bytes(PASSWORD.encode() + b"\r\n")
    run_coop("--password-file", crlf, "accounts", "export", "alice")
    # the file wins over the environment
    result = run_coop("--password-file", pw, "accounts", "export", "alice", env={"COOP_PASSWORD": "no"})
    assert result.stdout.startswith("0x")

    missing = run_coop("--password-file", tmp_path / "nope", "accounts", "export", "alice", expect=1)
    assert_one_line_error(missing, "cannot read the password file")
    empty = tmp_path / "empty"
    empty.write_text("\n")
    refused = run_coop("--password-file", empty, "accounts", "new", "bob", expect=1)
    assert_one_line_error(refused, "empty password")


def test_no_password_source_without_a_terminal(run_coop, coop_home):
    before = snapshot(coop_home)
    result = run_coop("accounts", "new", "alice", expect=1)
    assert_one_line_error(result, "--password-file", "COOP_PASSWORD", "not a terminal")
    assert not keystore_path(coop_home, "alice").exists()
    assert snapshot(coop_home) == before


def test_password_prompts(run_coop, coop_home, prompts):
    created = run_coop("accounts", "new", "alice", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert "password for the new keystore alice" in created.stderr
    assert "repeat the password" in created.stderr
    assert PASSWORD not in created.stderr + created.stdout  # hidden input is not echoed
    exported = run_coop("accounts", "export", "alice", input=f"{PASSWORD}\n")
    assert "password for keystore alice" in exported.stderr
    assert Account.from_key(exported.stdout.strip()).address == created.stdout.split()[2]

    # a mistyped repetition is asked again; the key and its password prompt for import
    imported = run_coop(
        "accounts", "import", "bob", input=f"{KEY}\n{PASSWORD}\ntypo\n{PASSWORD}\n{PASSWORD}\n"
    )
    assert "private key" in imported.stderr and "do not match" in imported.stderr
    assert KEY[2:] not in imported.stderr + imported.stdout
    assert run_coop("--json", "accounts", "export", "bob", env=ENV).json()["private_key"] == KEY


# --------------------------------------------------------------------------- names


def test_name_already_taken(run_coop, coop_home):
    run_coop("accounts", "new", "alice", env=ENV)
    before = snapshot(coop_home)
    for args, kwargs in [(("new", "alice"), {}), (("import", "alice"), {"input": KEY + "\n"})]:
        result = run_coop("accounts", *args, env=ENV, expect=1, **kwargs)
        assert_one_line_error(result, "'alice' is taken")
    assert snapshot(coop_home) == before


@pytest.mark.parametrize("name", ["a/b", "../evil", ".hidden", "0xabc", "brownie:x", "dev:1", "x" * 65, ""])
def test_invalid_names(run_coop, coop_home, name):
    result = run_coop("accounts", "new", name, env=ENV, expect=1)
    assert_one_line_error(result, "invalid account name")
    assert not list((coop_home / "coopdao" / "keystores").glob("*"))


def test_unknown_names(run_coop):
    empty = run_coop("accounts", "export", "nobody", env=ENV, expect=1)
    assert_one_line_error(empty, "no account named 'nobody'", "no keystores yet")
    run_coop("accounts", "new", "alice", env=ENV)
    run_coop("accounts", "new", "bob", env=ENV)
    result = run_coop("accounts", "export", "nobody", env=ENV, expect=1)
    assert_one_line_error(result, "no account named 'nobody'", "known: alice, bob")
    other = run_coop("accounts", "export", "geth:alice", env=ENV, expect=1)
    assert_one_line_error(other, "unknown account source 'geth'")


# --------------------------------------------------------------------------- delete


def test_delete(run_coop, coop_home, prompts):
    run_coop("accounts", "new", "alice", env=ENV)
    run_coop("accounts", "new", "bob", env=ENV)
    path = keystore_path(coop_home, "alice")

    declined = run_coop("accounts", "delete", "alice", input="n\n", expect=1)
    assert "delete keystore alice (0x" in declined.stderr
    assert declined.stderr.strip().splitlines()[-1] == "error: keystore alice was not deleted"
    assert path.exists()

    deleted = run_coop("--json", "accounts", "delete", "alice", input="y\n").json()
    assert deleted["deleted"] is True and deleted["name"] == "alice" and deleted["address"].startswith("0x")
    assert not path.exists()

    run_coop("--yes", "accounts", "delete", "bob")
    assert run_coop("--json", "accounts", "list").json() == {"accounts": []}
    gone = run_coop("--yes", "accounts", "delete", "bob", expect=1)
    assert_one_line_error(gone, "no account named 'bob'")


def test_delete_without_a_terminal_needs_yes(run_coop, coop_home):
    run_coop("accounts", "new", "alice", env=ENV)
    result = run_coop("accounts", "delete", "alice", expect=1)
    assert_one_line_error(result, "--yes")
    assert keystore_path(coop_home, "alice").exists()


# --------------------------------------------------------------------------- brownie, ape and foundry


@pytest.fixture
def other_tools(coop_home):
    """One keystore each of brownie, ape and foundry (foundry's without an address field), and a broken
    file, under the test's HOME. Returns {name: (path, key)}."""
    keys = {name: Account.create().key.hex() for name in ("brownie:b", "ape:a", "foundry:f")}
    paths = {
        "brownie:b": foreign_keystore(coop_home, ".brownie/accounts", "b.json", keys["brownie:b"], "pw-b"),
        "ape:a": foreign_keystore(coop_home, ".ape/accounts", "a.json", keys["ape:a"], "pw-a"),
        "foundry:f": foreign_keystore(
            coop_home, ".foundry/keystores", "f", keys["foundry:f"], "pw-f", with_address=False
        ),
    }
    (coop_home / ".ape/accounts/broken.json").write_text("not json")
    (coop_home / ".ape/accounts/notes.txt").write_text("not a keystore and not listed")
    return {name: (paths[name], keys[name]) for name in keys}


def test_other_tools_keystores_are_listed_and_used(run_coop, coop_home, other_tools):
    run_coop("accounts", "new", "mine", env=ENV)
    listed = run_coop("--json", "accounts", "list").json()["accounts"]
    by_name = {e["name"]: e for e in listed}
    assert [e["name"] for e in listed] == ["mine", "brownie:b", "ape:a", "ape:broken", "foundry:f"]
    assert by_name["brownie:b"]["source"] == "brownie"
    assert by_name["brownie:b"]["address"] == Account.from_key(other_tools["brownie:b"][1]).address
    assert by_name["ape:a"]["address"] == Account.from_key(other_tools["ape:a"][1]).address
    assert by_name["foundry:f"]["address"] is None  # not in the file; known once unlocked
    assert by_name["ape:broken"]["address"] is None and "not JSON" in by_name["ape:broken"]["problem"]
    text = run_coop("accounts", "list").stdout
    assert "address not in the file" in text and "unreadable" in text

    before = snapshot(coop_home)
    for name, password in (("brownie:b", "pw-b"), ("ape:a", "pw-a"), ("foundry:f", "pw-f")):
        exported = run_coop("--json", "accounts", "export", name, env={"COOP_PASSWORD": password}).json()
        assert exported["private_key"] == "0x" + other_tools[name][1].removeprefix("0x")
        assert exported["address"] == Account.from_key(other_tools[name][1]).address
    wrong = run_coop("accounts", "export", "ape:a", env={"COOP_PASSWORD": "pw-b"}, expect=1)
    assert_one_line_error(wrong, "wrong password for keystore ape:a")
    broken = run_coop("accounts", "export", "ape:broken", env=ENV, expect=1)
    assert_one_line_error(broken, "is not JSON")
    assert snapshot(coop_home) == before  # read, never written


def test_other_tools_keystores_are_never_deleted(run_coop, coop_home, other_tools):
    before = snapshot(coop_home)
    for name in other_tools:
        result = run_coop("--yes", "accounts", "delete", name, expect=1)
        assert_one_line_error(result, "coop only reads it")
    assert snapshot(coop_home) == before


# --------------------------------------------------------------------------- resolve_sender


def test_resolve_development_accounts(coop_home):
    sender = keystore.resolve_sender("dev:0", web3)
    assert sender.address == web3.eth.accounts[0] == accounts[0].address
    assert sender.account is None
    assert keystore.resolve_sender("dev:3", web3).address == accounts[3].address
    count = len(web3.eth.accounts)
    with pytest.raises(CoopError, match=rf"no development account dev:99: it has {count} \(dev:0 to dev:"):
        keystore.resolve_sender("dev:99", web3)
    with pytest.raises(CoopError, match="dev:N takes a number"):
        keystore.resolve_sender("dev:x", web3)
    # an address the node holds unlocked is used like a development account
    node_held = keystore.resolve_sender(accounts[2].address.lower(), web3)
    assert node_held.address == accounts[2].address and node_held.account is None


def test_app_context_resolves_dev_accounts(coop_home):
    app = AppContext(rpc_url=web3.provider.endpoint_uri, account="dev:1")
    assert app.sender().address == accounts[1].address
    with pytest.raises(CoopError, match="dev:99"):
        AppContext(rpc_url=web3.provider.endpoint_uri, account="dev:99").sender()


def test_keystore_account_signs_on_chain(run_coop, coop_home, tmp_path):
    fresh = Account.create()
    run_coop("accounts", "import", "carol", input="0x" + bytes(fresh.key).hex() + "\n", env=ENV)
    pw = tmp_path / "pw"
    pw.write_text(PASSWORD + "\n")

    sender = keystore.resolve_sender("carol", web3, password_file=str(pw))
    assert sender.address == fresh.address and sender.account is not None
    assert (
        keystore.resolve_sender(fresh.address.lower(), web3, password_file=str(pw)).address == fresh.address
    )

    accounts[0].transfer(sender.address, "1 ether")
    recipient = accounts[5].address
    before = web3.eth.get_balance(recipient)
    tx = {"to": recipient, "value": 10**17, "gasPrice": web3.eth.gas_price}
    receipt = send_transaction(web3, sender, tx)
    assert receipt["status"] == 1
    assert receipt["from"] == sender.address
    assert web3.eth.get_balance(recipient) == before + 10**17
    assert web3.eth.get_transaction_count(sender.address) == 1  # signed locally with carol's key


def test_resolve_errors(coop_home, other_tools, monkeypatch):
    monkeypatch.setenv("COOP_PASSWORD", PASSWORD)
    keystore.import_key("bob", KEY)
    first_letter = next(i for i, c in enumerate(KEY_ADDRESS) if i > 1 and c.isalpha())
    bad_checksum = (
        KEY_ADDRESS[:first_letter] + KEY_ADDRESS[first_letter].swapcase() + KEY_ADDRESS[first_letter + 1 :]
    )
    cases = [
        ("0x1234", "not an address: 0x1234"),
        ("0x" + "g" * 40, "not an address"),
        (bad_checksum, "wrong checksum"),
        ("0x" + "12" * 20, "no keystore holds 0x1212121212121212121212121212121212121212"),
        ("nobody", "no account named 'nobody'; known: bob, brownie:b, ape:a"),
    ]
    for spec, words in cases:
        with pytest.raises(CoopError) as info:
            keystore.resolve_sender(spec, web3)
        assert words in str(info.value)
        assert "\n" not in str(info.value)
    with pytest.raises(CoopError, match="wrong password for keystore brownie:b"):
        keystore.resolve_sender("brownie:b", web3)
    monkeypatch.setenv("COOP_PASSWORD", "pw-f")
    address = Account.from_key(other_tools["foundry:f"][1]).address
    assert keystore.resolve_sender("foundry:f", web3).address == address


# --------------------------------------------------------------------------- the command line stays fast


def test_accounts_modules_import_nothing_heavy():
    code = (
        "import sys, dao_cli.chain.keystore, dao_cli.cli.commands.accounts\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        "print(','.join(sorted(loaded & {'web3', 'eth_account', 'eth_utils', 'eth_keyfile', 'brownie'})))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == ""
