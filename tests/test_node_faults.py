"""Nodes that misbehave on the wire: one that takes the connection and never answers, one that fails a few
requests and then recovers, and one whose answer to a transaction is lost after the transaction reached the
chain behind it (or never arrives at all).

The nodes are real: a server on 127.0.0.1 that accepts and stays silent, and a proxy on 127.0.0.1 in front
of the chain brownie started (`loopback.LossyProxy`). Each test bounds its own time.
"""

from __future__ import annotations

import signal
import subprocess
import time

import pytest
from brownie import accounts, web3
from loopback import LossyProxy, SilentServer, coop_executable, interruptible, wait_until

from dao_cli.chain.connection import DEFAULT_TIMEOUT, connect
from dao_cli.chain.transact import Sender, send_transaction
from dao_cli.errors import NodeUnresponsive, OutcomeUnknown

ETHER = 10**18


def one_line_error(result, words):
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert words in lines[-1], result.stderr
    return lines[-1]


# --------------------------------------------------------------------------- a node that never answers


def test_a_silent_node_is_given_up_after_the_timeout_with_what_to_do(run_coop):
    with SilentServer() as silent:
        started = time.monotonic()
        result = run_coop("--rpc-url", silent.url, "--timeout", "2", "info", rpc=False, expect=1)
        took = time.monotonic() - started
    assert 2 <= took < 6, took
    assert f"waiting for the node at {silent.url} to answer eth_chainId (at most 2 s" in result.stderr
    line = one_line_error(result, f"the node at {silent.url} did not answer eth_chainId within 2 s")
    assert "--timeout" in line and result.stdout == ""


def test_the_timeout_comes_from_the_environment_too_and_has_a_sane_default(run_coop):
    assert 10 <= DEFAULT_TIMEOUT <= 60  # tens of seconds: a busy endpoint answers, a dead one is noticed
    assert f"[default: {DEFAULT_TIMEOUT}" in run_coop("--help", rpc=False).stdout
    with SilentServer() as silent:
        started = time.monotonic()
        result = run_coop("--rpc-url", silent.url, "info", rpc=False, expect=1, env={"COOP_TIMEOUT": "1"})
        assert time.monotonic() - started < 5
    one_line_error(result, "within 1 s")
    bad = run_coop("--timeout", "0", "info", rpc=False, expect=2)
    assert "--timeout" in bad.stderr and "Traceback" not in bad.stderr


def test_a_read_is_retried_with_backoff_and_a_send_never(coop_home):
    """Reads that fail for a passing reason (HTTP 503 here) are asked again, each time after a longer wait;
    a transaction answered with 503 is not sent a second time."""
    with LossyProxy(web3.provider.endpoint_uri, fail_first=3) as proxy:
        w3 = connect(proxy.url, timeout=10)  # eth_chainId: three 503s, then the answer
        assert w3.eth.chain_id == web3.eth.chain_id
        times = [t for t, method in proxy.seen if method == "eth_chainId"][:4]
        assert proxy.count("eth_chainId") >= 4
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert gaps[0] >= 0.2 and gaps[1] >= 0.45 and gaps[2] >= 0.9, gaps  # 0.25 s, doubled each time

        # the 503 here comes from the proxy, which did not pass the transaction on: the chain never saw it
        nonce = web3.eth.get_transaction_count(accounts[0].address)
        tx = {"from": accounts[0].address, "to": accounts[1].address, "value": 1, "gas": 21000}
        proxy.lose, proxy.mode = {"eth_sendTransaction"}, "fail"
        with pytest.raises(OutcomeUnknown) as unknown:
            send_transaction(w3, Sender(accounts[0].address), tx)
        assert "did not confirm that it took the transaction" in str(unknown.value)
        assert proxy.count("eth_sendTransaction") == 1
        assert web3.eth.get_transaction_count(accounts[0].address) == nonce


def test_a_read_that_keeps_failing_ends_within_the_timeout(coop_home):
    with LossyProxy(web3.provider.endpoint_uri) as proxy:
        w3 = connect(proxy.url, timeout=3)
        proxy.fail_first = 1000
        started = time.monotonic()
        with pytest.raises(NodeUnresponsive) as failed:
            w3.eth.block_number  # noqa: B018
        assert time.monotonic() - started < 5
    assert "answered HTTP 503" in str(failed.value) and "--timeout" in str(failed.value)


# --------------------------------------------------------------------------- a lost answer to a send


@pytest.fixture
def coop_at(run_coop, tmp_path):
    """A cooperative deployed on brownie's chain; `coop(url, ...)` runs coop against `url` (a proxy)."""
    path = tmp_path / "statute.yaml"
    founders = [x for a in accounts[1:4] for x in ("--founder", a.address)]
    run_coop("init", path, *founders)
    run_coop("-a", "dev:0", "--yes", "deploy", path)

    def coop(url, *args, **kw):
        return run_coop("--rpc-url", url, *args, rpc=False, **kw)

    return coop


def treasury(run_coop):
    return run_coop("--json", "info").json()["treasury"]["coin"]


@pytest.mark.parametrize("mode", ["drop", "hold"])
@pytest.mark.parametrize("account", ["dev:5", "keystore"])
def test_a_send_whose_answer_is_lost_is_found_not_sent_again(coop_at, run_coop, mode, account, monkeypatch):
    """The proxy passes the transaction to the chain and then loses the answer (closes the connection, or
    never answers): coop finds the transaction by its nonce (node-signed) or hash (signed here), reports
    its receipt, and the chain has it exactly once."""
    if account == "keystore":
        from dao_cli.chain import keystore

        monkeypatch.setattr(keystore, "SCRYPT_N", 2**10)
        monkeypatch.setenv("COOP_PASSWORD", "pw")
        key = "0x" + "5d" * 32
        run_coop("accounts", "import", "payer", input=key + "\n")
        payer = web3.eth.account.from_key(key).address
        accounts[7].transfer(payer, ETHER)
        account = "payer"
    else:
        payer = accounts[5].address
    before, nonce = treasury(run_coop), web3.eth.get_transaction_count(payer)
    lost = {"eth_sendTransaction", "eth_sendRawTransaction"}
    with LossyProxy(web3.provider.endpoint_uri, lose=lost, mode=mode) as proxy:
        result = coop_at(proxy.url, "--timeout", "2", "-a", account, "--yes", "--json", "fund", "0.25")
        assert proxy.count("eth_sendTransaction") + proxy.count("eth_sendRawTransaction") == 1
    receipt = web3.eth.get_transaction_receipt(result.json()["tx"])
    assert receipt["status"] == 1 and receipt["from"] == payer
    assert web3.eth.get_transaction_count(payer) == nonce + 1
    assert treasury(run_coop) == before + ETHER // 4
    assert run_coop("--json", "tx", "list").json() == []  # its outcome was seen: nothing left over


def test_a_send_that_never_arrived_is_not_reported_as_failed_and_a_rerun_sends_it_once(coop_at, run_coop):
    """The proxy swallows the transaction: coop cannot tell whether the node took it, says so with exit
    code 3 (not a failure a script would retry blindly), and sends nothing else; run again, the same
    command looks for it first, finds it was never taken, and sends it, once."""
    payer = accounts[5].address
    before, nonce = treasury(run_coop), web3.eth.get_transaction_count(payer)
    with LossyProxy(web3.provider.endpoint_uri, lose={"eth_sendTransaction"}, mode="swallow") as proxy:
        result = coop_at(proxy.url, "--timeout", "2", "-a", "dev:5", "--yes", "fund", "0.25", expect=3)
        assert proxy.count("eth_sendTransaction") == 1
    one_line_error(result, f"did not confirm that it took the transaction (nonce {nonce} of {payer})")
    assert "not sent again" in result.stderr and "Run the same command again" in result.stderr
    assert web3.eth.get_transaction_count(payer) == nonce
    [left] = run_coop("--json", "tx", "list").json()
    assert (left["from"], left["nonce"], left["hashes"]) == (payer, nonce, [])

    with LossyProxy(web3.provider.endpoint_uri) as proxy:
        coop_at(proxy.url, "-a", "dev:5", "--yes", "fund", "0.25")
        assert proxy.count("eth_sendTransaction") == 1
    assert web3.eth.get_transaction_count(payer) == nonce + 1
    assert treasury(run_coop) == before + ETHER // 4
    assert run_coop("--json", "tx", "list").json() == []


def test_an_interrupted_wait_is_resumed_by_the_same_command_without_a_second_send(coop_at, run_coop):
    """Ctrl-C (here: a node that stops answering) after the send: the rerun finds the transaction mined
    and reports it instead of paying twice."""
    payer = accounts[5].address
    before, nonce = treasury(run_coop), web3.eth.get_transaction_count(payer)
    with LossyProxy(web3.provider.endpoint_uri, lose={"eth_getTransactionReceipt"}, mode="hold") as proxy:
        result = coop_at(proxy.url, "--timeout", "1", "-a", "dev:5", "--yes", "fund", "0.25", expect=3)
    line = one_line_error(result, "did not answer eth_getTransactionReceipt within 1 s")
    assert "was sent and may still be mined, so do not send it again" in line
    assert web3.eth.get_transaction_count(payer) == nonce + 1  # it was mined meanwhile

    again = run_coop("-a", "dev:5", "--yes", "--json", "fund", "0.25")
    assert "sent before (nonce" in again.stderr and "instead of sending it again" in again.stderr
    assert web3.eth.get_transaction_count(payer) == nonce + 1
    assert treasury(run_coop) == before + ETHER // 4
    assert web3.eth.get_transaction_receipt(again.json()["tx"])["from"] == payer


def test_ctrl_c_while_the_node_takes_a_transaction_says_it_may_have_been_sent(coop_at, run_coop):
    """A real SIGINT while the node holds its answer to the send (the transaction reached the chain): coop
    does not call it nothing; it says the transaction may have reached the node, and the same command run
    again finds it instead of paying twice."""
    payer = accounts[5].address
    before, nonce = treasury(run_coop), web3.eth.get_transaction_count(payer)
    argv = [coop_executable(), "--timeout", "60", "-a", "dev:5", "--yes", "fund", "0.25"]
    with LossyProxy(web3.provider.endpoint_uri, lose={"eth_sendTransaction"}, mode="hold") as proxy:
        process = subprocess.Popen(
            [*argv, "--rpc-url", proxy.url], stderr=subprocess.PIPE, text=True, preexec_fn=interruptible
        )
        try:
            wait_until(lambda: web3.eth.get_transaction_count(payer) == nonce + 1, 30, "the payment mined")
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 130 and "Traceback" not in stderr
    line = stderr.strip().splitlines()[-1]
    assert line.startswith(f"interrupted: transaction (nonce {nonce} of {payer}) was being sent"), stderr
    assert "the same command run again waits for it instead of sending it twice" in line

    again = run_coop("-a", "dev:5", "--yes", "--json", "fund", "0.25")
    assert "sent before (nonce" in again.stderr
    assert web3.eth.get_transaction_count(payer) == nonce + 1
    assert treasury(run_coop) == before + ETHER // 4
    assert run_coop("--json", "tx", "list").json() == []
