"""`coop audit` needs no historical chain state: everything comes from events and the current state.

A node that keeps no history answers `eth_call` and `eth_getBalance` only at its head: an Anvil started
with `--prune-history`, the embedded node after a restart (it reloads its state file, not its history),
and public endpoints without archive state. Each test first shows that its node really refuses a read at
an old block, so that it would fail if the audit still made one.
"""

from __future__ import annotations

import socket
import subprocess
import time

import pytest
from web3 import HTTPProvider, Web3

from dao_cli.coop.demo import run_demo


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pruned_anvil():
    """An Anvil of its own that keeps no historical states, on a free loopback port; stopped afterwards."""
    port = free_port()
    process = subprocess.Popen(
        ["anvil", "--host", "127.0.0.1", "--port", str(port), "--prune-history", "--hardfork", "shanghai"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": 10}))
    deadline = time.monotonic() + 20
    while not w3.is_connected():
        assert process.poll() is None and time.monotonic() < deadline, "anvil did not start"
        time.sleep(0.1)
    yield url, w3
    process.terminate()
    process.wait(timeout=10)


def refuses_old_state(w3, block):
    """Whether the node refuses to read state at `block` (as a node without history does)."""
    try:
        w3.eth.get_balance(w3.eth.accounts[0], block)
    except Exception:
        return True
    return False


def audit_everything(run_coop, url, address, tmp_path):
    """Every audit command against `url`, by `address` alone; returns verify's findings."""
    base = ("--rpc-url", url)
    members = run_coop("--json", *base, "audit", "members", "--address", address, rpc=False).json()
    assert {m["status"] for m in members} >= {"active", "exited"}
    at = run_coop("--json", *base, "audit", "members", "--address", address, "--at", "10", rpc=False).json()
    assert len(at) < len(members)
    minutes = run_coop("--json", *base, "audit", "minutes", "--address", address, rpc=False).json()
    assert [m["state"] for m in minutes][0] == "executed"
    flows = run_coop("--json", *base, "audit", "treasury", "--address", address, rpc=False).json()
    assert any(f["direction"] == "in" and f["counterparty"] for f in flows)
    report = run_coop(
        *base, "--json", "audit", "report", "--out", tmp_path / "r", "--address", address, rpc=False
    )
    assert report.json()["failed_checks"] == 0
    return run_coop("--json", *base, "audit", "verify", "--address", address, rpc=False).json()


def test_the_audit_runs_against_a_node_without_history(pruned_anvil, run_coop, tmp_path):
    url, w3 = pruned_anvil
    result = run_demo(w3, w3.eth.accounts[:8], say=lambda line: None)
    governor = result["deployment"].governor
    assert refuses_old_state(w3, 1), "the node keeps history: the test would prove nothing"
    findings = audit_everything(run_coop, url, governor, tmp_path)
    assert findings and all(f["ok"] for f in findings), [f for f in findings if not f["ok"]]


def test_the_audit_runs_after_the_embedded_node_restarted(run_coop, tmp_path, coop_home):
    from dao_cli.chain.node import LocalNode

    node = LocalNode("anvil")
    try:
        url = run_coop("--json", "node", "start", rpc=False).json()["url"]
        w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": 10}))
        result = run_demo(w3, w3.eth.accounts[:8], say=lambda line: None)
        governor = result["deployment"].governor
        run_coop("node", "stop", rpc=False)
        url = run_coop("--json", "node", "start", rpc=False).json()["url"]
        w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": 10}))
        assert w3.eth.get_code(governor), "the restarted node lost the cooperative"
        assert refuses_old_state(w3, 1), "the node kept its history: the test would prove nothing"
        findings = audit_everything(run_coop, url, governor, tmp_path)
        assert findings and all(f["ok"] for f in findings), [f for f in findings if not f["ok"]]
    finally:
        node.stop()
