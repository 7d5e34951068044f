"""An operation of several transactions, interrupted between them, resumes without sending anything twice:
an application in a cooperative whose shares are paid in an ERC-20 token is an approval of the token and
then the application; Ctrl-C (a real SIGINT to the real `coop`) while the approval waits in the mempool,
and the same command run again waits for that approval instead of sending a second one.

The chain is an Anvil of the test's own with automatic mining switched off at the moment that matters, so
the approval is still pending when the command is run again. The token is a cooperative's own token,
minted by a resolution of that cooperative, all through `coop`.
"""

from __future__ import annotations

import signal
import subprocess
import threading

import pytest
from loopback import LossyProxy, coop_executable, interruptible, own_anvil, rpc, wait_until

ETHER = 10**18
DAY = 86400
DEV = {
    1: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    2: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    3: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    5: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
}
FOUNDERS = [x for n in (1, 2, 3) for x in ("--founder", DEV[n])]


def later(url, seconds):
    rpc(url, "evm_increaseTime", [seconds])
    rpc(url, "evm_mine")


def pending_of(url, address):
    content = rpc(url, "txpool_content")["pending"]
    return {int(n): tx for a, txs in content.items() if a.lower() == address.lower() for n, tx in txs.items()}


@pytest.fixture
def token_coop(run_coop, tmp_path, monkeypatch):
    """A federation whose token (minted by resolution) pays the shares of a local cooperative."""
    with own_anvil() as url:
        monkeypatch.setenv("ETH_RPC_URL", url)

        def coop(*args, **kw):
            return run_coop("--rpc-url", url, *args, rpc=False, **kw)

        federation = tmp_path / "federation.yaml"
        coop("init", federation, "--name", "Federation eG", *FOUNDERS)
        coop("-a", "dev:0", "--yes", "deploy", federation, "--name", "fed")
        for n in (1, 2, 3):
            coop("--coop", "fed", "-a", f"dev:{n}", "--yes", "member", "pay-in")
        coop("--coop", "fed", "-a", "dev:1", "--yes", "propose", "mint", DEV[1], "100", "--title", "Issue")
        later(url, DAY + 1)
        for n in (1, 2, 3):
            coop("--coop", "fed", "-a", f"dev:{n}", "--yes", "vote", "1", "for")
        later(url, 7 * DAY + 1)
        coop("--coop", "fed", "-a", "dev:4", "--yes", "queue", "1")
        later(url, 2 * DAY + 1)
        coop("--coop", "fed", "-a", "dev:4", "--yes", "execute", "1")
        token = coop("--coop", "fed", "--json", "info").json()["token"]["address"]
        for n in (2, 3, 5):
            coop("--coop", "fed", "-a", "dev:1", "--yes", "token", "transfer", DEV[n], "20")

        local = tmp_path / "local.yaml"
        coop("init", local, "--name", "Local eG", *FOUNDERS)
        text = local.read_text().replace('price: "0.5"', 'price: "10"')
        local.write_text(text.replace('# payment_token: "0x..."', f'payment_token: "{token}"'))
        coop("-a", "dev:0", "--yes", "deploy", local, "--name", "local")
        for n in (1, 2, 3):  # each an approval and a payment
            coop("--coop", "local", "-a", f"dev:{n}", "--yes", "member", "pay-in")
        assert coop("--coop", "local", "--json", "info").json()["capital"]["paid_in"] == 30 * ETHER
        yield url, coop


def test_an_interrupted_approval_and_payment_resume_without_a_second_approval(token_coop, run_coop):
    url, coop = token_coop
    payer = DEV[5]
    nonce = int(rpc(url, "eth_getTransactionCount", [payer, "latest"]), 16)
    rpc(url, "evm_setAutomine", [False])
    args = ["--coop", "local", "-a", "dev:5", "--yes", "member", "apply", "--shares", "1"]
    first = subprocess.Popen(
        [coop_executable(), *args], stderr=subprocess.PIPE, text=True, preexec_fn=interruptible
    )
    try:
        approval = wait_until(lambda: pending_of(url, payer).get(nonce), 30, "the approval in the mempool")
        first.send_signal(signal.SIGINT)  # Ctrl-C while coop waits for the approval to be mined
        _, stderr = first.communicate(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    # Ctrl-C while coop waits for the approval, or while the node takes it: either way it names it
    assert first.returncode == 130 and "interrupted: transaction " in stderr
    assert "the same command run again waits for it instead of sending it twice" in stderr
    assert "approve(" in stderr and "submitApplication" not in stderr

    results = []
    with LossyProxy(url) as proxy:  # passes everything on; it counts what the second run asks
        again = threading.Thread(target=lambda: results.append(run_coop("--rpc-url", proxy.url, *args)))
        again.start()
        # polling for a receipt again and again: the run has decided whether to send, and is waiting
        wait_until(lambda: proxy.count("eth_getTransactionReceipt") >= 3, 30, "the second run to wait")
        assert proxy.count("eth_sendTransaction") == 0
        assert list(pending_of(url, payer)) == [nonce]
        assert pending_of(url, payer)[nonce]["hash"] == approval["hash"]  # no second approval
        rpc(url, "evm_mine")  # the first run's approval
        wait_until(lambda: pending_of(url, payer).get(nonce + 1), 30, "the application in the mempool")
        rpc(url, "evm_mine")
        again.join(timeout=30)
    [result] = results
    assert f"this same transaction was sent before (nonce {nonce})" in result.stderr
    rpc(url, "evm_setAutomine", [True])

    assert int(rpc(url, "eth_getTransactionCount", [payer, "latest"]), 16) == nonce + 2
    shown = coop("--coop", "local", "--json", "member", "show", payer).json()
    assert shown["application"]["shares"] == 1
    assert coop("--coop", "local", "--json", "info").json()["capital"]["escrow"] == 10 * ETHER
    assert coop("--json", "tx", "list").json() == []
