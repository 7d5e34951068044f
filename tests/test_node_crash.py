"""A transaction `coop` has reported survives a crash of the embedded node: SIGKILL right after the receipt,
then `coop node start`, and it is there.

Anvil writes its own state only every few seconds (`node.STATE_INTERVAL`) and at a clean exit, so these
tests set that interval to an hour: whatever survives the kill is what `coop` itself saved before it
reported (with the interval at 5 s, a kill within the window would lose it only most of the time). The
nodes are the real embedded ones, started by the in-process `coop` in the test's own data folder.
"""

from __future__ import annotations

import json
import os
import signal

import pytest
from loopback import wait_until
from web3 import HTTPProvider, Web3

from dao_cli.chain import node as node_module
from dao_cli.chain.node import LocalNode

FOUNDERS = (1, 2, 3)
SHARE = 10**18 // 2  # the share price `coop init` writes


@pytest.fixture
def embedded(run_coop, coop_home, monkeypatch, tmp_path):
    """`coop` on the embedded node of `kind` with a cooperative deployed; the nodes are stopped afterwards."""
    monkeypatch.setattr(node_module, "STATE_INTERVAL", 3600)
    started = []

    def found(kind):
        network = () if kind == "anvil" else ("--network", kind)
        started.append(kind)

        def coop(*args, **kw):
            return run_coop(*network, *args, rpc=False, **kw)

        statute = tmp_path / f"{kind}.yaml"
        coop("init", statute)
        coop("-a", "dev:0", "--yes", "deploy", statute)
        return coop

    yield found
    for kind in started:
        LocalNode(kind).stop()


def kill_hard(kind):
    """SIGKILL the running node and wait until it is gone (reaped), as a crash would leave it."""
    local = LocalNode(kind)
    pid = local.running_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: local.running_pid() is None, 5, f"the {kind} node to die of SIGKILL")


def chain_of(coop):
    url = coop("--json", "node", "status").json()["url"]
    return Web3(HTTPProvider(url, request_kwargs={"timeout": 10}))


@pytest.mark.parametrize("kind", ["anvil", "ganache"])
def test_a_reported_payment_survives_sigkill_of_the_node(embedded, kind):
    coop = embedded(kind)
    paid = []
    for n in FOUNDERS:
        result = coop("-a", f"dev:{n}", "--yes", "--json", "member", "pay-in").json()
        paid.append(result)
    block = paid[-1]["block"]
    kill_hard(kind)

    assert coop("--json", "node", "start").json()["started"] is True
    w3 = chain_of(coop)
    assert w3.eth.block_number >= block
    for result in paid:
        receipt = w3.eth.get_transaction_receipt(result["tx"])
        assert receipt["status"] == 1 and receipt["blockNumber"] == result["block"]
    members = coop("--json", "member", "list").json()
    assert [m["paid"] for m in members] == [SHARE] * 3
    assert coop("--json", "info").json()["capital"]["paid_in"] == 3 * SHARE


def test_anvil_loads_the_later_of_its_two_state_files(embedded, run_coop, coop_home):
    """Anvil's own dumps (at exit, and every few seconds) hold what other tools sent; coop's saves hold
    what coop reported. The start loads the one with the later block, and passes over one that a kill
    in the middle of Anvil's write left truncated."""
    coop = embedded("anvil")
    coop("-a", "dev:1", "--yes", "member", "pay-in")
    local = LocalNode("anvil")
    saved_block = json.loads(local.state_path.read_text())["block"]["number"]
    w3 = chain_of(coop)
    stranger = w3.eth.account.create().address
    tx = w3.eth.send_transaction({"from": w3.eth.accounts[5], "to": stranger, "value": 12345})
    w3.eth.wait_for_transaction_receipt(tx, timeout=10)  # sent by another tool: coop saved nothing
    assert coop("--json", "node", "stop").json()["stopped"] is True  # Anvil writes autosave.json at exit

    assert local.state_to_load() == local.autosave_path
    coop("node", "start")
    assert chain_of(coop).eth.get_balance(stranger) == 12345
    coop("node", "stop")

    # a kill while Anvil wrote its file: only the first half of it is there
    text = local.autosave_path.read_bytes()
    local.autosave_path.write_bytes(text[: len(text) // 2])
    assert local.state_to_load() == local.state_path
    coop("node", "start")
    w3 = chain_of(coop)
    assert hex(w3.eth.block_number) == saved_block
    assert w3.eth.get_balance(stranger) == 0  # lost with the damaged file: it was never coop's to save
    assert coop("--json", "member", "show", w3.eth.accounts[1]).json()["paid"] == SHARE


def test_the_node_is_given_no_secrets_from_the_environment(embedded, monkeypatch):
    """The embedded node outlives `coop` and other programs of the user may read its environment."""
    secret = "correct horse battery staple"
    monkeypatch.setenv("COOP_PASSWORD", secret)
    monkeypatch.setenv("WEB3_INFURA_API_KEY", secret)
    embedded("anvil")
    pid = LocalNode("anvil").running_pid()
    with open(f"/proc/{pid}/environ", "rb") as handle:
        environ = handle.read()
    assert secret.encode() not in environ
    assert b"COOPDAO_HOME=" in environ  # the rest of the environment is passed on


def test_a_clock_move_survives_sigkill_of_the_node(embedded):
    """`coop node advance` reports the new time: a crash must not take the chain back before it."""
    coop = embedded("anvil")
    moved = coop("--json", "node", "advance", "30 days").json()
    kill_hard("anvil")
    coop("node", "start")
    w3 = chain_of(coop)
    assert w3.eth.get_block("latest")["timestamp"] >= moved["timestamp"]
