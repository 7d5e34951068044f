"""`coop node start|stop|status|reset` and the embedded chain `local_url` starts on demand.

Every test has a data folder of its own (the `coop_home` fixture), so its own nodes on their own ports; the
`nodes` fixture stops whatever a test started, also when it fails. These tests do not use the chain brownie
started (`rpc=False`): they run the embedded Anvil and Ganache themselves.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from eth_account import Account
from web3 import HTTPProvider, Web3

from dao_cli.chain.node import LocalNode, local_url
from dao_cli.cli.context import AppContext

DEV0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # the first account of the "test ... junk" mnemonic
CHAIN_IDS = {"anvil": 31337, "ganache": 1337}


@pytest.fixture
def nodes(coop_home):
    """The test's nodes, stopped at the end whatever happened (a leaked node would outlive the test run)."""
    yield
    for kind in CHAIN_IDS:
        LocalNode(kind).stop()


@pytest.fixture
def node(run_coop, nodes):
    """`coop [--network KIND] node ARGS --json` on the embedded chain; returns the JSON document."""

    def run(kind, *args, expect=0, env=None):
        network = () if kind == "anvil" else ("--network", kind)
        result = run_coop("--json", *network, "node", *args, rpc=False, expect=expect, env=env)
        return result.json() if expect == 0 else result

    return run


def w3_at(url):
    w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": 10}))
    assert w3.is_connected()
    return w3


def pay(w3, to, value):
    tx = w3.eth.send_transaction({"from": w3.eth.accounts[0], "to": to, "value": value})
    assert w3.eth.wait_for_transaction_receipt(tx, timeout=10)["status"] == 1


# --------------------------------------------------------------------------- anvil, the default


def test_anvil_lifecycle_keeps_state_across_restarts_until_reset(node, run_coop):
    started = node("anvil", "start")
    assert started["started"] is True
    assert started["chain_id"] == 31337
    assert started["url"].startswith("http://127.0.0.1:")

    status = node("anvil", "status")
    assert status["running"] is True
    assert status["pid"] == started["pid"]
    assert (status["chain_id"], status["block"]) == (31337, 0)

    w3 = w3_at(started["url"])
    assert w3.eth.accounts[0] == DEV0 and len(w3.eth.accounts) == 10
    assert w3.eth.get_balance(DEV0) == 1000 * 10**18
    member = Account.create().address
    pay(w3, member, 12345)
    assert w3.eth.get_balance(member) == 12345

    stopped = node("anvil", "stop")
    assert stopped["stopped"] is True and stopped["pid"] == started["pid"]
    status = node("anvil", "status")
    assert status["running"] is False and status["pid"] is None
    assert status["state_bytes"] > 0  # written on SIGTERM

    again = node("anvil", "start")
    assert again["started"] is True and again["pid"] != started["pid"]
    assert again["url"] == started["url"]  # the kept port
    w3 = w3_at(again["url"])
    assert w3.eth.get_balance(member) == 12345
    assert w3.eth.block_number == 1

    refused = node("anvil", "reset", expect=1)
    assert "--yes" in refused.stderr
    assert w3.eth.get_balance(member) == 12345  # nothing happened without confirmation

    reset = run_coop("--json", "--yes", "node", "reset", rpc=False).json()
    assert reset["stopped"] is True and reset["pid"] == again["pid"]
    assert node("anvil", "status")["state_bytes"] == 0

    fresh = node("anvil", "start")
    w3 = w3_at(fresh["url"])
    assert w3.eth.get_balance(member) == 0
    assert w3.eth.block_number == 0
    assert w3.eth.get_balance(DEV0) == 1000 * 10**18


def test_start_twice_is_idempotent(node):
    first = node("anvil", "start")
    second = node("anvil", "start")
    assert second["started"] is False
    assert (second["pid"], second["url"]) == (first["pid"], first["url"])


def test_status_and_stop_when_nothing_runs(node, run_coop):
    status = node("anvil", "status")
    assert status["running"] is False
    assert status["pid"] is None and status["chain_id"] is None
    assert node("anvil", "stop") == {"kind": "anvil", "stopped": False, "pid": None, "forced": False}
    text = run_coop("node", "status", rpc=False)
    assert "not running" in text.stdout


def test_a_stale_pid_file_is_cleaned_up_and_its_process_left_alone(node, coop_home):
    # a live process that is not the node (its pid reused), and a pid whose process is gone
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        pid_file = LocalNode("anvil").pid_file
        pid_file.write_text(f"{stranger.pid}\n")
        assert node("anvil", "status")["running"] is False
        assert not pid_file.exists()

        pid_file.write_text(f"{stranger.pid}\n")
        assert node("anvil", "stop")["stopped"] is False
        assert stranger.poll() is None, "stop signalled a process that is not the node"

        gone = subprocess.Popen([sys.executable, "-c", "pass"])
        gone.wait()
        pid_file.write_text(f"{gone.pid}\n")
        started = node("anvil", "start")
        assert started["started"] is True and started["pid"] not in (gone.pid, stranger.pid)
        assert pid_file.read_text().strip() == str(started["pid"])
        assert stranger.poll() is None
    finally:
        stranger.kill()
        stranger.wait()


def test_a_killed_node_is_started_again(node):
    """A node that died without `coop node stop` (SIGKILL, a reboot) is started again on first need."""
    started = node("anvil", "start")
    os.kill(started["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 5
    while node("anvil", "status")["running"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert node("anvil", "status")["running"] is False
    again = node("anvil", "start")
    assert again["started"] is True and again["url"] == started["url"]


def test_local_url_starts_the_node_on_demand_and_reuses_it(nodes, coop_home):
    said = []
    url = local_url("anvil", said.append)
    assert len(said) == 1
    assert said[0].startswith("starting a local anvil on 127.0.0.1:")
    assert url.startswith("http://127.0.0.1:") and url.split(":")[-1] in said[0]
    assert w3_at(url).eth.chain_id == 31337

    assert local_url("anvil", said.append) == url
    assert len(said) == 1  # reused, nothing started

    # what every `coop` command does when no network is named
    app = AppContext()
    assert app.local_kind == "anvil"
    assert app.url() == url
    assert AppContext(network="ganache").local_kind == "ganache"


def test_the_chain_clock_does_not_run_backwards_after_a_restart(nodes, coop_home):
    """Anvil forgets `evm_increaseTime` at a restart; the node module moves the clock on again."""
    node = LocalNode("anvil")
    w3 = w3_at(local_url("anvil", lambda _: None))
    w3.provider.make_request("evm_increaseTime", [30 * 86400])
    w3.provider.make_request("evm_mine", [])
    before = w3.eth.get_block("latest")["timestamp"]
    assert before > time.time() + 29 * 86400
    node.stop()

    w3 = w3_at(local_url("anvil", lambda _: None))
    w3.provider.make_request("evm_mine", [])
    assert w3.eth.get_block("latest")["timestamp"] > before


# --------------------------------------------------------------------------- errors


def test_rpc_url_and_remote_networks_are_refused(run_coop, nodes):
    refused = run_coop("--rpc-url", "http://127.0.0.1:9", "node", "start", rpc=False, expect=1)
    assert "--rpc-url" in refused.stderr and "Traceback" not in refused.stderr
    refused = run_coop("--network", "sepolia", "node", "status", rpc=False, expect=1)
    assert "'sepolia' is not one of them" in refused.stderr
    assert LocalNode("anvil").running_pid() is None


def test_missing_or_failing_binary_is_one_clear_line(node, tmp_path):
    missing = node("anvil", "start", expect=1, env={"COOP_ANVIL": str(tmp_path / "no-anvil")})
    assert missing.stderr.strip().count("\n") == 0
    assert "COOP_ANVIL" in missing.stderr and "coop node install" in missing.stderr

    broken = tmp_path / "broken-anvil"
    broken.write_text("#!/bin/sh\necho 'starting'\necho 'error: address already in use' >&2\nexit 3\n")
    broken.chmod(0o755)
    failed = node("anvil", "start", expect=1, env={"COOP_ANVIL": str(broken)})
    assert "did not start (exit 3): address already in use (log: " in failed.stderr
    assert LocalNode("anvil").running_pid() is None
    assert not LocalNode("anvil").pid_file.exists()


def test_a_damaged_state_file_is_reported_and_reset_recovers(node, run_coop):
    LocalNode("anvil").state_path.write_text('{"block": {"num')
    failed = node("anvil", "start", expect=1)
    assert "did not start (exit 2): invalid value" in failed.stderr
    assert "`coop node reset`" in failed.stderr
    assert failed.stderr.strip().splitlines()[-1].startswith("error: ")
    assert not LocalNode("anvil").pid_file.exists()

    run_coop("--yes", "node", "reset", rpc=False)
    assert node("anvil", "start")["started"] is True


# --------------------------------------------------------------------------- ganache


def test_ganache_keeps_its_chain_across_restarts(node):
    started = node("ganache", "start")
    assert started["started"] is True and started["chain_id"] == 1337
    w3 = w3_at(started["url"])
    assert w3.eth.chain_id == 1337
    assert w3.eth.accounts[0] == DEV0
    member = Account.create().address
    pay(w3, member, 777)

    assert node("ganache", "stop")["stopped"] is True
    assert node("ganache", "status")["running"] is False
    assert LocalNode("anvil").running_pid() is None  # the networks have separate nodes

    again = node("ganache", "start")
    assert again["url"] == started["url"]
    w3 = w3_at(again["url"])
    assert w3.eth.get_balance(member) == 777
    status = node("ganache", "status")
    assert (status["running"], status["chain_id"], status["block"]) == (True, 1337, 1)
    assert node("ganache", "stop")["stopped"] is True


def test_advance_moves_the_local_clock(node):
    before = node("anvil", "start")
    moved = node("anvil", "advance", "2 days")
    assert moved["advanced"] == 2 * 86400
    w3 = w3_at(before["url"])
    assert w3.eth.get_block("latest")["timestamp"] == moved["timestamp"]
    assert moved["timestamp"] >= w3.eth.get_block(0)["timestamp"] + 2 * 86400
    result = node("anvil", "advance", "soon", expect=1)
    assert "expected a duration" in result.stderr and "Traceback" not in result.stderr


def test_node_fund_gives_a_new_account_test_coin(node, run_coop):
    newcomer = Account.create().address
    funded = run_coop("--yes", "--json", "node", "fund", newcomer, "2.5", rpc=False).json()
    url = node("anvil", "status")["url"]
    assert w3_at(url).eth.get_balance(newcomer) == 25 * 10**17
    assert funded["tx"]
    refused = run_coop("--yes", "node", "fund", newcomer, "0", rpc=False, expect=1)
    assert "more than 0" in refused.stderr
