"""A transaction that is not mined: it is reported in words, with exit code 3 (its outcome is not known: a
script must not send it again), and it is replaced with a higher fee and the same nonce, either when
`coop` offers it on a terminal or later with `coop tx replace`; exactly one of the two is ever mined.

Each test runs an Anvil of its own (`loopback.own_anvil`) whose mining the test controls: automatic mining
is switched off, so a transaction waits in the mempool until the test mines a block; and a block mined at a
base fee above a transaction's fee cap makes Anvil drop that transaction, as a node does when fees rise
after it was sent. The interactive test runs the real `coop` in a pseudo-terminal.
"""

from __future__ import annotations

import threading

import pytest
from loopback import Terminal, own_anvil, rpc, wait_until
from web3 import HTTPProvider, Web3

GWEI = 10**9
CENT = 10**16  # 0.01 ETH
FOUNDERS = (
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
)
PAYER = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"  # dev:5


@pytest.fixture
def chain(run_coop, tmp_path, monkeypatch):
    """An own Anvil with a cooperative on it, automatic mining switched off afterwards; yields a helper."""
    with own_anvil() as url:
        monkeypatch.setenv("ETH_RPC_URL", url)  # for the `coop` processes the tests start

        def coop(*args, **kw):
            return run_coop("--rpc-url", url, *args, rpc=False, **kw)

        statute = tmp_path / "statute.yaml"
        coop("init", statute, *[x for f in FOUNDERS for x in ("--founder", f)])
        coop("-a", "dev:0", "--yes", "deploy", statute)
        rpc(url, "evm_setAutomine", [False])
        w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": 10}))
        yield type("Chain", (), {"url": url, "w3": w3, "coop": staticmethod(coop)})


def pool(url, sender=PAYER):
    """{nonce: tx} of `sender` in the node's mempool."""
    content = rpc(url, "txpool_content")
    mine = {a.lower(): txs for a, txs in content["pending"].items()}.get(sender.lower(), {})
    return {int(n): tx for n, tx in mine.items()}


def treasury(chain):
    return chain.coop("--json", "info").json()["treasury"]["coin"]


def mine_once_replaced(url, original, nonce):
    """In the background: mine a block as soon as the mempool holds another transaction with `nonce`."""

    def run():
        wait_until(lambda: nonce in pool(url) and pool(url)[nonce]["hash"] != original, 30, "the replacement")
        rpc(url, "evm_mine")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_waiting_transaction_is_reported_and_replaced_later_with_the_same_nonce(chain):
    before = treasury(chain)
    nonce = chain.w3.eth.get_transaction_count(PAYER)
    result = chain.coop("-a", "dev:5", "--yes", "--wait", "1", "fund", "0.01", expect=3)
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: transaction 0x") and "Traceback" not in result.stderr
    assert f"(nonce {nonce}) is not mined after 1 s: it waits in the mempool (fee cap " in last
    assert "It may still be mined, so do not send it again: `coop tx replace 0x" in last
    original = pool(chain.url)[nonce]["hash"]
    assert original in last
    listed = chain.coop("--json", "tx", "list").json()
    assert [(e["tx"], e["nonce"]) for e in listed] == [(original, nonce)]
    shown = chain.coop("--json", "tx", "show", original).json()
    assert shown["state"] == "pending" and shown["nonce"] == nonce

    old = chain.w3.eth.get_transaction(original)
    miner = mine_once_replaced(chain.url, original, nonce)
    replaced = chain.coop("-a", "dev:5", "--yes", "--json", "tx", "replace", original).json()
    miner.join(timeout=30)
    mined = chain.w3.eth.get_transaction(replaced["tx"])
    assert replaced["tx"] != original and mined["nonce"] == nonce
    assert mined["maxFeePerGas"] >= old["maxFeePerGas"] * 9 // 8
    assert mined["maxPriorityFeePerGas"] >= old["maxPriorityFeePerGas"] * 9 // 8
    assert chain.w3.eth.get_transaction_count(PAYER) == nonce + 1
    rpc(chain.url, "evm_setAutomine", [True])
    assert treasury(chain) == before + CENT  # the payment happened once: only one of the two was mined
    assert chain.coop("--json", "tx", "show", original).json()["state"] != "mined"
    assert chain.coop("--json", "tx", "list").json() == []


def test_a_transaction_dropped_for_a_too_low_fee_is_offered_for_replacement_on_a_terminal(chain):
    before = treasury(chain)
    nonce = chain.w3.eth.get_transaction_count(PAYER)
    terminal = Terminal("-a", "dev:5", "--yes", "--wait", "2", "fund", "0.01")
    try:
        terminal.expect("sent     0x", timeout=30)
        sent = wait_until(lambda: pool(chain.url).get(nonce), 10, "the payment in the mempool")
        fee_cap = int(sent["maxFeePerGas"], 16)
        # fees rise: the next block's base fee is ten times the payment's fee cap, and Anvil drops it
        rpc(chain.url, "anvil_setNextBlockBaseFeePerGas", [hex(10 * fee_cap)])
        rpc(chain.url, "evm_mine")
        assert nonce not in pool(chain.url)
        terminal.expect("replace it? [y/N]", timeout=30)
        assert "the node dropped it: its fee cap" in terminal.output
        assert "is below the base fee" in terminal.output
        assert f"the same nonce {nonce}" in terminal.output
        miner = mine_once_replaced(chain.url, sent["hash"], nonce)
        terminal.type("y\n")
        miner.join(timeout=30)
        code = terminal.finish(timeout=30)
    finally:
        if terminal.process.poll() is None:
            terminal.process.kill()
    assert code == 0, terminal.output
    assert "0.01 ETH paid into the treasury" in terminal.output
    assert chain.w3.eth.get_transaction_count(PAYER) == nonce + 1
    block = chain.w3.eth.get_block("latest", full_transactions=True)
    [mined] = [tx for tx in block["transactions"] if tx["from"] == PAYER]
    assert mined["nonce"] == nonce and mined["hash"].hex() != sent["hash"].removeprefix("0x")
    assert mined["maxFeePerGas"] >= block["baseFeePerGas"]
    rpc(chain.url, "evm_setAutomine", [True])
    assert treasury(chain) == before + CENT


def test_without_a_terminal_nothing_is_replaced_and_a_dropped_one_is_sent_again_by_tx_replace(chain):
    nonce = chain.w3.eth.get_transaction_count(PAYER)
    results = []
    terminal_less = threading.Thread(
        target=lambda: results.append(
            chain.coop("-a", "dev:5", "--yes", "--wait", "2", "fund", "0.01", expect=3)
        )
    )
    terminal_less.start()
    sent = wait_until(lambda: pool(chain.url).get(nonce), 20, "the payment in the mempool")
    rpc(chain.url, "anvil_setNextBlockBaseFeePerGas", [hex(10 * int(sent["maxFeePerGas"], 16))])
    rpc(chain.url, "evm_mine")
    terminal_less.join(timeout=30)
    [result] = results  # exit code 3, checked by run_coop
    assert "the node dropped it: its fee cap" in result.stderr and "replace it?" not in result.stderr
    assert chain.w3.eth.get_transaction_count(PAYER) == nonce  # nothing was sent in its place
    shown = chain.coop("--json", "tx", "show", sent["hash"]).json()
    assert shown["state"] == "unknown"

    rpc(chain.url, "evm_setAutomine", [True])  # the node forgot it; the outbox has what it was
    replaced = chain.coop("-a", "dev:5", "--yes", "--json", "tx", "replace", sent["hash"]).json()
    mined = chain.w3.eth.get_transaction(replaced["tx"])
    assert mined["nonce"] == nonce and mined["value"] == CENT
    assert chain.w3.eth.get_transaction_count(PAYER) == nonce + 1
    refused = chain.coop("-a", "dev:5", "--yes", "tx", "replace", replaced["tx"], expect=1)
    assert "is mined already: nothing to replace" in refused.stderr
