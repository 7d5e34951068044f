"""The chain reader the audit uses (`dao_cli.books.chainlog`), against the chain brownie started, with a
generated history: a cooperative whose members join and vote, spread over some 800 blocks.

Providers are played by a small JSON-RPC proxy on 127.0.0.1 in front of that chain. It refuses log queries
over too many blocks (or results) in the words real providers use, answers some requests with HTTP 429, 503
or a reset connection, refuses batches, and counts what it served, so each test can check both the result
(exactly the events a direct full read gives) and how the reader got there.
"""

from __future__ import annotations

import io
import json
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
import requests
from brownie import accounts, chain, web3
from conftest import AGAINST, ETHER, FOR, end_voting, join, propose, resolve, start_voting

from dao_cli.books import chainlog
from dao_cli.books.chainlog import ChainReader
from dao_cli.chain.events import decode_log
from dao_cli.chain.jsonrpc import BATCH_REFUSED, BATCH_SIZE, OTHER, RANGE, TRANSIENT, classify, suggested_span
from dao_cli.cli.progress import ProgressBar
from dao_cli.errors import CoopError

LOOPBACK = ("127.0.0.1", "localhost")


# --------------------------------------------------------------------------- the generated history


@pytest.fixture(scope="module")
def history(module_isolation, make_coop, founders, board, deployer):
    """A cooperative with four newcomers, a resolution carried out and one voted down, over ~800 blocks.

    (`module_isolation` first: brownie resets the chain there, and it must not do so after this.)"""
    coop = make_coop()
    newcomers = accounts[4:9]
    for i, account in enumerate(newcomers[:3]):
        join(coop, account, shares=i + 1, board=board)
        chain.mine(40)
    deployer.transfer(coop.timelock, 2 * ETHER)
    chain.mine(150)
    voters = [*founders, *newcomers[:3]]
    resolve(coop, [(accounts[8].address, ETHER // 2, b"")], "Pay half an ether for the garden", voters[:4])
    chain.mine(200)
    proposal_id, _ = propose(coop, founders[0], [(accounts[8].address, ETHER, b"")], "A whole ether")
    start_voting(coop)
    for voter, support in zip(voters, (FOR, AGAINST, AGAINST, AGAINST, FOR, AGAINST), strict=True):
        coop.governor.castVote(proposal_id, support, {"from": voter})
    end_voting(coop)
    chain.mine(300)
    join(coop, newcomers[3], shares=2, board=board)
    chain.mine(5)
    d = coop.deployment
    return SimpleNamespace(
        coop=coop,
        addresses=[d.membership, d.token, d.governor, d.timelock],
        first=d.block,
        last=web3.eth.block_number,
        votes=4 + 6,
    )


@pytest.fixture(scope="module")
def upstream():
    url = web3.provider.endpoint_uri
    assert urlparse(url).hostname in LOOPBACK, url
    return url


def direct_read(addresses, first, last):
    """The reference: one eth_getLogs over the whole span through web3, decoded by `events.decode_log`."""
    logs = web3.eth.get_logs({"address": addresses, "fromBlock": first, "toBlock": last})
    out = []
    for log in logs:
        event = decode_log(log)
        if event is None:
            continue
        event.update(
            block=log["blockNumber"],
            block_hash="0x" + bytes(log["blockHash"]).hex(),
            tx="0x" + bytes(log["transactionHash"]).hex(),
            tx_index=log["transactionIndex"],
            log_index=log["logIndex"],
        )
        out.append(json.loads(json.dumps(event)))
    return sorted(out, key=lambda e: (e["block"], e["tx_index"], e["log_index"]))


@pytest.fixture(scope="module")
def reference(history):
    return direct_read(history.addresses, history.first, history.last)


def fast(url, **options):
    """A reader that never really sleeps between retries (it notes the waits instead)."""
    waits = []
    options = {"sleep": waits.append, "backoff": 0.25, "use_cache": False, **options}
    reader = ChainReader(url, **options)
    reader.waits = waits
    return reader


# --------------------------------------------------------------------------- the provider in the middle

RANGE_REFUSALS = {
    # style: (HTTP status, JSON-RPC error or None for a plain-text body); {n} is the limit, {lo}/{hi} a range
    "geth": (200, {"code": -32005, "message": "query returned more than 10000 results"}),
    "infura": (
        200,
        {
            "code": -32005,
            "message": "query returned more than 10000 results. Try with this block range [{lo}, {hi}].",
        },
    ),
    "alchemy": (
        400,
        {
            "code": -32602,
            "message": "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block "
            "range and no limit on the response size, or you can request any block range with a cap of 10K "
            "logs in the response. Based on your parameters, this block range should work: [{lo}, {hi}]",
        },
    ),
    "ankr": (200, {"code": -32000, "message": "block range is too wide"}),
    "bsc": (200, {"code": -32000, "message": "exceed maximum block range: {n}"}),
    "quicknode": (200, {"code": -32614, "message": "eth_getLogs is limited to a {n:,} range"}),
    "besu": (200, {"code": -32602, "message": "Requested range exceeds maximum range limit"}),
    "http-413": (413, None),
}


@dataclass
class Proxy:
    """A JSON-RPC provider on 127.0.0.1 in front of the test chain, with a provider's limits and faults."""

    upstream: str
    max_range: int | None = None  # refuse eth_getLogs over more blocks
    max_results: int | None = None  # refuse eth_getLogs with more logs ("query returned more than ...")
    style: str = "geth"  # the words of the range refusal (RANGE_REFUSALS)
    refuse_batches: str | None = None  # "json" (an error object) or "http" (HTTP 405)
    max_batch: int | None = None  # HTTP 413 for larger batches
    faults: list = field(default_factory=list)  # [(method or "batch" or None for any, fault)] used once each
    calls: list = field(default_factory=list)  # (method, params, outcome) of every request that arrived
    batches: list = field(default_factory=list)  # sizes of the batch requests answered as batches

    def __post_init__(self):
        assert urlparse(self.upstream).hostname in LOOPBACK
        self.lock = threading.Lock()
        self.upstream_session = threading.local()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                # headers and body go out in two writes: without this, Nagle and delayed ACKs cost 40 ms
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                proxy.handle(self, body)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a client that timed out and left: nothing to report

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # what arrived

    def of(self, method, outcome=None):
        return [c for c in self.calls if c[0] == method and (outcome is None or c[2] == outcome)]

    def log_ranges(self, outcome="served", since=0):
        return [
            (int(p[0]["fromBlock"], 16), int(p[0]["toBlock"], 16))
            for m, p, o in self.calls[since:]
            if m == "eth_getLogs" and o == outcome
        ]

    # answering

    def handle(self, handler, body):
        kind = "batch" if isinstance(body, list) else body.get("method")
        fault = self._take_fault(kind)
        if fault is not None:
            with self.lock:
                self.calls.append((kind, None if kind == "batch" else body.get("params"), f"fault:{fault}"))
            return self._fault(handler, fault, body)
        if isinstance(body, list):
            if self.refuse_batches == "json":
                error = {"code": -32600, "message": "Batch requests are not supported"}
                return self._send(handler, 200, {"jsonrpc": "2.0", "id": None, "error": error})
            if self.refuse_batches == "http":
                return self._send(handler, 405, None, "Method Not Allowed")
            if self.max_batch is not None and len(body) > self.max_batch:
                return self._send(handler, 413, None, "Request Entity Too Large")
            with self.lock:
                self.batches.append(len(body))
            answers = [self._answer(item)[1] for item in body]
            return self._send(handler, 200, answers)
        status, answer, text = self._answer(body)
        return self._send(handler, status, answer, text)

    def _answer(self, item):
        """(HTTP status, JSON answer, text) for one request, noted in `calls`."""
        method, params = item.get("method"), item.get("params", [])
        refusal = None
        if method == "eth_getLogs":
            lo, hi = int(params[0]["fromBlock"], 16), int(params[0]["toBlock"], 16)
            if self.max_range is not None and hi - lo + 1 > self.max_range:
                refusal = self._range_refusal(lo, min(hi, lo + self.max_range - 1))
        if refusal is None:
            answer = self._forward(item)
            if method == "eth_getLogs" and self.max_results is not None:
                if len(answer.get("result") or []) > self.max_results:
                    refusal = self._range_refusal(lo, lo, words=f"more than {self.max_results} results")
        with self.lock:
            self.calls.append((method, params, "refused" if refusal else "served"))
        if refusal is None:
            return 200, answer, None
        status, error = refusal
        if error is None:
            return status, None, "Request Entity Too Large"
        return status, {"jsonrpc": "2.0", "id": item.get("id"), "error": error}, None

    def _range_refusal(self, lo, hi, words=None):
        status, error = RANGE_REFUSALS[self.style]
        if error is None:
            return status, None
        message = error["message"].format(n=self.max_range or 0, lo=hex(lo), hi=hex(hi))
        if words:
            message = f"query returned {words}"
        return status, {"code": error["code"], "message": message}

    def _forward(self, item):
        session = getattr(self.upstream_session, "s", None)
        if session is None:
            session = self.upstream_session.s = requests.Session()
        return session.post(self.upstream, json=item, timeout=30).json()

    def _take_fault(self, kind):
        with self.lock:
            for i, (method, fault) in enumerate(self.faults):
                if method is None or method == kind:
                    del self.faults[i]
                    return fault
        return None

    def _fault(self, handler, fault, body):
        rid = None if isinstance(body, list) else body.get("id")
        if fault == "reset":  # an RST instead of an answer
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.close_connection = True
            return None
        if fault == "slow":
            time.sleep(1.0)
            return self._send(handler, 200, {"jsonrpc": "2.0", "id": rid, "result": "0x0"})
        if fault == "429":
            return self._send(handler, 429, None, "Too Many Requests", {"Retry-After": "0"})
        if fault == "429-json":
            error = {"code": 429, "message": "Your app has exceeded its compute units per second capacity."}
            return self._send(handler, 429, {"jsonrpc": "2.0", "id": rid, "error": error})
        if fault == "503":
            return self._send(handler, 503, None, "Service Unavailable")
        if fault == "header":
            error = {"code": -32000, "message": "header not found"}
            return self._send(handler, 200, {"jsonrpc": "2.0", "id": rid, "error": error})
        if fault == "rate":
            error = {"code": -32005, "message": "daily request count exceeded, request rate limited"}
            return self._send(handler, 200, {"jsonrpc": "2.0", "id": rid, "error": error})
        if fault == "broken":
            error = {"code": -32601, "message": "the method eth_getLogs does not exist/is not available"}
            return self._send(handler, 200, {"jsonrpc": "2.0", "id": rid, "error": error})
        raise AssertionError(fault)

    @staticmethod
    def _send(handler, status, answer, text=None, headers=None):
        data = json.dumps(answer).encode() if answer is not None else (text or "").encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json" if answer is not None else "text/plain")
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)


@pytest.fixture
def proxy(upstream):
    """`proxy(**limits)`: a provider in front of the test chain, stopped after the test."""
    started = []

    def start(**options):
        started.append(Proxy(upstream, **options))
        return started[-1]

    yield start
    for p in started:
        p.stop()


# --------------------------------------------------------------------------- reading the history


def test_a_direct_read_gives_the_whole_history_decoded_and_in_order(history, reference, upstream):
    reader = fast(upstream)
    got = reader.events(history.addresses, history.first, history.last)
    assert got == reference
    kinds = [e["event"] for e in got]
    assert kinds.count("VoteCast") == history.votes
    assert kinds.count("ProposalCreated") == 2 and kinds.count("ProposalExecuted") == 1
    assert kinds.count("Admitted") >= 4 and "CallExecuted" in kinds
    assert {e["address"] for e in got} == set(history.addresses)
    first = got[0]
    assert set(first) == {"event", "address", "args", "log_index", "block", "block_hash", "tx", "tx_index"}
    receipt = web3.eth.get_transaction_receipt(first["tx"])
    assert receipt["blockNumber"] == first["block"] and receipt["transactionIndex"] == first["tx_index"]
    assert "0x" + bytes(receipt["blockHash"]).hex() == first["block_hash"]
    # a sub-range, and the head when no end is given
    middle = history.first + 300
    assert reader.events(history.addresses, middle, middle + 200) == [
        e for e in reference if middle <= e["block"] <= middle + 200
    ]
    assert reader.events(history.addresses, history.first) == reference
    assert reader.events([], history.first) == [] and reader.events(history.addresses, 10**9) == []


@pytest.mark.parametrize("style", sorted(RANGE_REFUSALS))
def test_a_provider_that_refuses_large_ranges_still_yields_the_full_history(history, reference, proxy, style):
    limit = 40
    provider = proxy(max_range=limit, style=style)
    reader = fast(provider.url)
    assert reader.events(history.addresses, history.first, history.last) == reference
    served = provider.log_ranges("served")
    refused = provider.log_ranges("refused")
    assert refused, "the reader never met the limit"
    assert all(b - a + 1 <= limit for a, b in served)
    # the served ranges tile the span exactly
    assert served[0][0] == history.first and served[-1][1] == history.last
    assert all(b + 1 == c for (_, b), (c, _) in zip(served, served[1:], strict=False))
    span = history.last - history.first + 1
    assert len(served) <= 2 * (span // limit + 1), "the ranges stayed far below the limit"
    assert len(refused) <= 12, refused
    sizes = [b - a + 1 for a, b in served[:-1]]
    if style in ("geth", "ankr", "besu", "http-413"):  # no size in the words: halved, then grown again
        assert max(sizes) > sizes[0]
    else:  # the provider named a size or a range: taken at the first refusal
        assert len(refused) == 1 and sizes[0] == limit


def test_a_limit_on_results_is_met_by_smaller_ranges(history, reference, proxy):
    busiest = max(Counter(e["block"] for e in reference).values())  # the founding block has dozens of logs
    provider = proxy(max_results=busiest + 4)
    reader = fast(provider.url)
    assert reader.events(history.addresses, history.first, history.last) == reference
    assert provider.log_ranges("refused")
    served = provider.log_ranges("served")
    assert served[0][0] == history.first and served[-1][1] == history.last


def test_transient_failures_are_retried_with_backoff(history, reference, proxy):
    faults = [
        ("eth_blockNumber", "slow"),
        ("eth_getLogs", "429"),
        ("eth_getLogs", "reset"),
        ("eth_getLogs", "503"),
        ("eth_getLogs", "header"),
        ("eth_getLogs", "rate"),
        ("eth_getLogs", "429-json"),
    ]
    provider = proxy(max_range=100, faults=list(faults))
    reader = fast(provider.url, timeout=0.5)
    assert reader.events(history.addresses, history.first, history.last) == reference
    assert provider.faults == [], "every fault was met"
    assert reader.stats["retries"] == len(faults)
    # the timeout, then six failures of one log query in a row: exponential backoff with jitter (75-100 %
    # of 0.25, 0.5, 1 ... s), except that the first 429 says Retry-After: 0
    expected = [0.25, 0, 0.5, 1, 2, 4, 8]
    assert len(reader.waits) == len(expected)
    assert all(0.75 * e <= w <= e for w, e in zip(reader.waits, expected, strict=True)), reader.waits


def test_backoff_grows_to_its_cap_and_then_the_reader_gives_up(history, proxy):
    provider = proxy(faults=[("eth_getLogs", "503")] * 8)
    reader = fast(provider.url, retries=6, backoff=0.5, max_backoff=4)
    with pytest.raises(CoopError, match=r"HTTP 503: Service Unavailable \(gave up after 7 attempts\)") as err:
        reader.events(history.addresses, history.first, history.last)
    assert "\n" not in str(err.value)
    caps = [0.5, 1, 2, 4, 4, 4]
    assert len(reader.waits) == 6
    assert all(0.75 * cap <= w <= cap for w, cap in zip(reader.waits, caps, strict=True)), reader.waits


def test_a_provider_that_refuses_even_one_block_is_a_clear_error(history, proxy):
    provider = proxy(max_range=0, style="infura")
    reader = fast(provider.url)
    with pytest.raises(CoopError) as err:
        reader.events(history.addresses, history.first, history.last)
    message = str(err.value)
    assert f"refuses eth_getLogs even for the single block {history.first}" in message
    assert "query returned more than 10000 results" in message and "\n" not in message
    assert provider.log_ranges("served") == []


def test_an_unreachable_node_is_a_clear_error_at_once():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connections are refused
        reader = ChainReader(f"http://127.0.0.1:{port}", use_cache=False)
        started = time.monotonic()
        with pytest.raises(CoopError, match=rf"^cannot reach an Ethereum node at http://127.0.0.1:{port}$"):
            reader.events(["0x" + "11" * 20], 0)
        assert time.monotonic() - started < 2, "no retries for a node that never answered"
    with pytest.raises(CoopError, match="http:// or https://"):
        ChainReader("ws://127.0.0.1:8546")


def test_a_method_the_provider_lacks_is_reported_not_retried(history, proxy):
    provider = proxy(faults=[("eth_getLogs", "broken")])
    reader = fast(provider.url)
    with pytest.raises(
        CoopError, match="answered eth_getLogs with an error: the method eth_getLogs does not"
    ):
        reader.events(history.addresses, history.first, history.last)
    assert reader.stats.get("retries", 0) == 0


# --------------------------------------------------------------------------- batches


def expected_reads(history, reference):
    blocks = sorted({e["block"] for e in reference} | set(range(history.first, history.first + 150)))
    txs = sorted({e["tx"] for e in reference})
    times = {n: web3.eth.get_block(n)["timestamp"] for n in blocks}
    senders = {tx: web3.eth.get_transaction(tx)["from"] for tx in txs}
    treasury = history.coop.timelock.address
    balances = {n: web3.eth.get_balance(treasury, block_identifier=n) for n in blocks}
    return blocks, txs, times, senders, balances


def test_block_times_senders_and_balances_come_in_batches(history, reference, proxy):
    blocks, txs, times, senders, balances = expected_reads(history, reference)
    assert len(blocks) > 150 and len(set(balances.values())) > 1
    provider = proxy()
    reader = fast(provider.url)
    assert reader.block_times(blocks) == times
    assert reader.senders(txs) == senders
    assert reader.balances(history.coop.timelock.address, blocks) == balances
    assert provider.of("eth_getBlockByNumber") and not any(
        c for c in provider.calls if c[0] == "eth_getBlockByNumber" and c[2] != "served"
    )
    batched = len(blocks) * 2 + len(txs)
    assert sum(provider.batches) == batched and max(provider.batches) == 100
    assert len(provider.batches) == 2 * -(-len(blocks) // 100) + -(-len(txs) // 100)
    results = reader.batch([("eth_chainId", []), ("eth_getBlockByNumber", [hex(blocks[0]), False])])
    assert int(results[0], 16) == web3.eth.chain_id and int(results[1]["number"], 16) == blocks[0]


def test_senders_come_with_their_blocks_read_whole_and_those_blocks_are_not_read_again(
    history, reference, proxy
):
    _, txs, times, senders, _ = expected_reads(history, reference)
    in_block = {e["tx"]: e["block"] for e in reference}
    provider = proxy()
    reader = fast(provider.url)
    assert reader.senders(txs, blocks=in_block) == senders
    assert provider.of("eth_getTransactionByHash") == []
    whole = [c for c in provider.of("eth_getBlockByNumber") if c[1][1] is True]
    assert len(whole) == len(set(in_block.values()))
    mark = len(provider.calls)
    event_blocks = sorted(set(in_block.values()))
    assert reader.block_times(event_blocks) == {n: times[n] for n in event_blocks}
    assert provider.of("eth_getBlockByNumber")[mark:] == [] or all(
        int(c[1][0], 16) not in in_block.values()
        for c in provider.calls[mark:]
        if c[0] == "eth_getBlockByNumber"
    ), "the times of the blocks read whole are not asked again"


def test_senders_on_a_chain_of_others_transactions_are_asked_one_by_one(
    history, reference, proxy, monkeypatch
):
    """A busy chain (mainnet): most of each block's transactions are others'. After one round of blocks read
    whole, the reader asks for the remaining transactions by hash, which is less to read."""
    _, txs, _, senders, _ = expected_reads(history, reference)
    in_block = {e["tx"]: e["block"] for e in reference}
    monkeypatch.setattr(ChainReader, "WHOLE_BLOCKS", 2)
    provider = proxy()
    real = provider._forward

    def busy(item):  # every block also carries nine transactions of strangers
        answer = real(item)
        block = answer.get("result")
        if item.get("method") == "eth_getBlockByNumber" and item["params"][1] is True and block:
            strangers = [{"hash": "0x" + f"{n:064x}", "from": "0x" + "ab" * 20} for n in range(9)]
            block["transactions"] = block["transactions"] + strangers
        return answer

    provider._forward = busy
    reader = fast(provider.url)
    assert reader.senders(txs, blocks=in_block) == senders
    whole = [c for c in provider.of("eth_getBlockByNumber") if c[1][1] is True]
    assert len(whole) == 2, "one round of two blocks, then no more"
    assert len(provider.of("eth_getTransactionByHash")) == len(txs) - sum(
        1 for tx in txs if in_block[tx] in {int(c[1][0], 16) for c in whole}
    )


@pytest.mark.parametrize("refusal", ["json", "http"])
def test_a_provider_that_refuses_batches_gets_single_requests(history, reference, proxy, refusal):
    blocks, txs, times, senders, balances = expected_reads(history, reference)
    provider = proxy(refuse_batches=refusal)
    reader = fast(provider.url)
    assert reader.block_times(blocks) == times
    assert reader.senders(txs) == senders
    assert reader.balances(history.coop.timelock.address, blocks) == balances
    assert reader.events(history.addresses, history.first, history.last) == reference
    assert provider.batches == [] and reader.stats["batch_refused"] == 1, "asked once, then no more batches"
    assert len(provider.of("eth_getBlockByNumber")) == len(blocks)


def test_batches_too_large_for_the_provider_are_made_smaller(history, reference, proxy):
    blocks, _, times, _, _ = expected_reads(history, reference)
    provider = proxy(max_batch=16, faults=[("batch", "429"), ("batch", "reset")])
    reader = fast(provider.url)
    assert reader.block_times(blocks) == times
    assert max(provider.batches) <= 16 and reader.rpc.batch_size == 12
    assert reader.stats["batch_shrunk"] == 3 and reader.stats["retries"] == 2


# --------------------------------------------------------------------------- the cache


def test_a_second_run_reads_only_new_blocks_and_equals_a_cold_run(history, reference, proxy, coop_home):
    provider = proxy()
    first = ChainReader(provider.url).events(history.addresses, history.first)
    assert first == reference
    assert (coop_home / "coopdao" / "cache" / "chainlog.sqlite3").is_file()
    assert provider.log_ranges() == [(history.first, history.last)]

    join(history.coop, accounts[8], shares=3, board=accounts[9])
    chain.mine(60)
    head = web3.eth.block_number
    mark = len(provider.calls)
    second = ChainReader(provider.url).events(history.addresses, history.first)  # a new run, a new reader
    # only the new blocks, and the last 12 of the first run (they were in its reorg window)
    assert provider.log_ranges(since=mark) == [(history.last + 1 - 12, head)]
    cold = ChainReader(provider.url, use_cache=False).events(history.addresses, history.first)
    assert second == cold == direct_read(history.addresses, history.first, head)
    assert second[: len(first)] == first
    assert {"Applied", "Admitted"} <= {e["event"] for e in second[len(first) :] if e["block"] > history.last}

    # nothing new: only the reorg window below the head is read again; an older range costs no log query
    mark = len(provider.calls)
    reader = ChainReader(provider.url)
    assert reader.events(history.addresses, history.first) == cold
    assert provider.log_ranges(since=mark) == [(head - 11, head)]
    assert reader.events(history.addresses, history.first + 100, history.first + 400) == [
        e for e in cold if history.first + 100 <= e["block"] <= history.first + 400
    ]
    assert provider.log_ranges(since=mark) == [(head - 11, head)]
    assert reader.stats["cached_blocks"] > 0

    # a different set of addresses is a different key
    mark = len(provider.calls)
    governor_only = reader.events([history.coop.governor.address], history.first)
    assert governor_only == [e for e in cold if e["address"] == history.coop.governor.address]
    assert provider.log_ranges(since=mark) == [(history.first, head)]


def test_block_times_and_senders_are_cached(history, reference, proxy, tmp_path, monkeypatch):
    blocks, txs, times, senders, _ = expected_reads(history, reference)
    provider = proxy()
    reader = ChainReader(provider.url, cache_dir=tmp_path)
    assert reader.block_times(blocks) == times and reader.senders(txs) == senders
    mark = len(provider.calls)
    again = ChainReader(provider.url, cache_dir=tmp_path)
    assert again.block_times(blocks) == times and again.senders(txs) == senders
    fetched = [c[1][0] for c in provider.calls[mark:] if c[0] == "eth_getBlockByNumber"]
    window = [hex(b) for b in blocks if b > web3.eth.block_number - 12]  # not settled yet: asked again
    assert fetched == ["0x0", hex(max(b for b in blocks if b <= web3.eth.block_number - 12)), *window]
    assert provider.of("eth_getTransactionByHash")[mark:] == [], "senders never change"
    # a binary search over block times: one reorg check, not one per step (for RECHECK_AFTER seconds)
    monkeypatch.setattr(chainlog, "RECHECK_AFTER", 60.0)
    heads = len(provider.of("eth_blockNumber"))
    for n in (history.first, history.first + 100, history.first + 50):
        assert again.block_times([n]) == {n: web3.eth.get_block(n)["timestamp"]}
    assert len(provider.of("eth_blockNumber")) == heads


def test_an_interrupted_scan_keeps_what_it_finished(history, reference, proxy, tmp_path):
    provider = proxy(max_range=100)
    reader = ChainReader(provider.url, cache_dir=tmp_path, initial_range=100, sleep=lambda s: None)
    seen = []

    def interrupt(done, total):
        seen.append(done)
        if len(seen) == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reader.events(history.addresses, history.first, progress=interrupt)
    reader.close()
    mark = len(provider.calls)
    resumed = ChainReader(provider.url, cache_dir=tmp_path, initial_range=100)
    assert resumed.events(history.addresses, history.first) == reference
    assert provider.log_ranges(since=mark)[0][0] == history.first + 300


def test_progress_is_reported_from_cached_blocks_to_the_end(history, proxy, tmp_path):
    provider = proxy(max_range=100)
    reader = ChainReader(provider.url, cache_dir=tmp_path, initial_range=100)
    calls = []
    reader.events(history.addresses, history.first, history.first + 449, progress=lambda *a: calls.append(a))
    assert calls == [(0, 450), (100, 450), (200, 450), (300, 450), (400, 450), (450, 450)]
    calls.clear()
    reader.events(history.addresses, history.first, history.last, progress=lambda *a: calls.append(a))
    total = history.last - history.first + 1
    assert calls[0] == (450, total) and calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def newcomer(n, deployer):
    """A generated account with some ether (the test accounts are all members or used already)."""
    account = accounts.add(web3.keccak(text=f"chainlog newcomer {n}").hex())
    deployer.transfer(account, 5 * ETHER)
    return account


def reorg_branch(history, account, shares, blocks):
    """`account` applies and `blocks` empty blocks follow: the transactions of one side of a fork."""
    join(history.coop, account, shares=shares)
    chain.mine(blocks)
    return web3.eth.block_number


@pytest.mark.parametrize("keep_hashes", [64, 4])
def test_the_cache_is_corrected_after_a_reorganisation(history, proxy, tmp_path, deployer, keep_hashes):
    chain.snapshot()  # here, where the test starts (so brownie's isolation still ends the test here)
    base = web3.eth.block_number
    provider = proxy()
    options = {"cache_dir": tmp_path, "reorg_window": 2, "keep_hashes": keep_hashes}
    read = ChainReader(provider.url, **options).events

    a = newcomer(1, deployer)
    head_a = reorg_branch(history, a, 3, 30)
    hash_a = web3.eth.get_block(base + 1)["hash"]
    side_a = read(history.addresses, history.first)
    assert side_a == direct_read(history.addresses, history.first, head_a)
    assert any(e["event"] == "Applied" and e["args"]["applicant"] == a.address for e in side_a)

    # the fork: back to `base`, and other transactions at the same heights (on a shorter chain first)
    chain.revert()
    b = newcomer(2, deployer)
    head_b = reorg_branch(history, b, 1, 10)
    assert head_b < head_a and web3.eth.get_block(base + 1)["hash"] != hash_a
    mark = len(provider.calls)
    side_b = read(history.addresses, history.first)
    assert side_b == direct_read(history.addresses, history.first, head_b)
    applicants = {e["args"]["applicant"] for e in side_b if e["event"] == "Applied"}
    assert b.address in applicants and a.address not in applicants
    # 64 hashes reach back past the fork: read again from the fork on; 4 do not: read everything again
    reread_from = provider.log_ranges(since=mark)[0][0]
    assert reread_from == (base + 1 if keep_hashes == 64 else history.first)

    # the new side grows past the old head: still right, cold or cached, with the same reader or a new one
    head_b = reorg_branch(history, newcomer(3, deployer), 1, 40)
    assert head_b > head_a
    cold = ChainReader(provider.url, use_cache=False).events(history.addresses, history.first)
    assert cold == direct_read(history.addresses, history.first, head_b)
    assert read(history.addresses, history.first) == cold
    assert ChainReader(provider.url, **options).events(history.addresses, history.first) == cold
    chain.revert()


# --------------------------------------------------------------------------- words and the progress bar


@pytest.mark.parametrize(
    "message, code, status, context, kind",
    [
        ("query returned more than 10000 results", -32005, None, "logs", RANGE),
        (
            "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range",
            -32602,
            None,
            "logs",
            RANGE,
        ),  # fmt: skip
        ("block range is too wide", -32600, None, "logs", RANGE),
        ("exceed maximum block range: 5000", -32000, None, "logs", RANGE),
        ("eth_getLogs is limited to a 10,000 range", -32614, None, "logs", RANGE),
        ("Requested range exceeds maximum range limit", -32602, None, "logs", RANGE),
        ("eth_getLogs range is too large, max is 1k blocks", -32602, None, "logs", RANGE),
        ("Block range limit exceeded.", -32000, None, "logs", RANGE),
        ("query exceeds max results 20000, retry with the range 1-500", -32602, None, "logs", RANGE),
        ("limit exceeded", -32005, None, "logs", RANGE),
        ("Request Entity Too Large", None, 413, "logs", RANGE),
        ("daily request count exceeded, request rate limited", -32005, None, "logs", TRANSIENT),
        ("project ID request rate exceeded", -32005, None, "call", TRANSIENT),
        ("Too Many Requests", None, 429, "logs", TRANSIENT),
        ("header not found", -32000, None, "logs", TRANSIENT),
        ("Internal error", -32603, 500, "logs", TRANSIENT),
        ("request timed out", -32000, None, "logs", RANGE),
        ("request timed out", -32000, None, "call", TRANSIENT),
        ("Service Unavailable", None, 503, "call", TRANSIENT),
        ("Bad Gateway", None, 502, "batch", TRANSIENT),
        ("invalid argument 0: hex string without 0x prefix", -32602, None, "logs", OTHER),
        ("the method eth_foo does not exist/is not available", -32601, None, "call", OTHER),
        ("execution reverted", 3, None, "call", OTHER),
        ("Batch requests are not supported", -32600, None, "batch", BATCH_REFUSED),
        ("Method Not Allowed", None, 405, "batch", BATCH_REFUSED),
        ("batch size too large", -32600, None, "batch", BATCH_SIZE),
        ("Request Entity Too Large", None, 413, "batch", BATCH_SIZE),
    ],
)
def test_provider_answers_are_classified_by_their_words(message, code, status, context, kind):
    assert classify(message, code, status, context) == kind


def test_a_suggested_size_or_range_is_read_from_the_refusal():
    assert suggested_span("Based on your parameters, this block range should work: [0x10, 0x8f]") == 128
    assert suggested_span("You can make eth_getLogs requests with up to a 2K block range") == 2000
    assert suggested_span("eth_getLogs is limited to a 10,000 range") == 10000
    assert suggested_span("exceed maximum block range: 5000") == 5000
    assert suggested_span("eth_getLogs range is too large, max is 1k blocks") == 1000
    assert suggested_span("query returned more than 10000 results") is None


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_draws_only_on_a_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    clock = iter(range(0, 1000, 1)).__next__
    screen = FakeTerminal()
    with ProgressBar("scanning", stream=screen, clock=clock) as bar:
        for done in range(0, 50_001, 5_000):
            bar(done, 50_000)
    text = screen.getvalue()
    assert text.startswith("\rscanning [") and "100%  50,000/50,000 blocks" in text
    assert " 50%  25,000/50,000 blocks  ~5 s left" in text
    assert text.endswith("\r") and "\n" not in text, "the line is wiped at the end"
    for quiet, stream in ((True, FakeTerminal()), (False, io.StringIO())):
        with ProgressBar(stream=stream, quiet=quiet) as bar:
            bar(1, 2)
            bar(2, 2)
        assert stream.getvalue() == ""


def test_the_progress_bar_follows_a_scan(history, upstream, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    screen = FakeTerminal()
    calls = []
    with ProgressBar(stream=screen, interval=0, leave=True) as bar:

        def progress(done, total):
            calls.append((done, total))
            bar(done, total)

        ChainReader(upstream, cache_dir=tmp_path, initial_range=50).events(
            history.addresses, history.first, history.last, progress=progress
        )
    total = history.last - history.first + 1
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    steps = [b[0] - a[0] for a, b in zip(calls, calls[1:], strict=False)]
    assert steps[:9] == [50] * 4 + [100] * 4 + [200], "the range doubles after every 4 served"
    assert screen.getvalue().endswith(f"100%  {total:,}/{total:,} blocks\n")
    assert screen.getvalue().count("\r") == len(calls)
