"""Reading a cooperative's history from any JSON-RPC node: adaptive log ranges, batches, retries, and a
reorg-safe on-disk cache of the decoded events.

Why not web3's `get_logs`: public providers refuse log queries over too many blocks or too many results
(each in its own words), rate-limit with HTTP 429 and drop connections, and an audit of a cooperative
with years of history and 100,000 votes must get through all of that unattended, and read each block only
once across runs. So the reader speaks JSON-RPC itself (`chain.jsonrpc`): it chooses the block ranges,
batches the per-block and per-transaction reads, and keeps what it decoded in SQLite (`eventcache`).

The cache (`paths.data_dir()/cache/chainlog.sqlite3`) is keyed by chain (chain id *and* genesis hash, since
every local development chain calls itself 1337), by the set of contract addresses and by a fingerprint of
the shipped event ABIs, and remembers which block ranges of that key are complete. A reorganisation is
caught through block hashes: the reader remembers the hashes of the highest blocks it saw; as block hashes
chain, a remembered block whose hash still matches proves every block below it unchanged, so everything
above the highest matching one is dropped and read again. Blocks that were within `reorg_window` of the
head when read are kept but not counted as complete, so the next run reads them again (cheap, and it closes
the race of a reorg between a log query and the block hashes read after it).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from .. import paths
from ..chain import artifacts
from ..chain.events import checksummed, decode_log
from ..chain.jsonrpc import RANGE, JsonRpc, RpcError, lacks_state, suggested_span
from ..errors import CoopError
from .eventcache import EventCache, chunks

#: `progress(done_blocks, total_blocks)`, called as a scan goes on.
Progress = Callable[[int, int], None]

#: Seconds for which block_times() trusts the last reorg check instead of asking the chain again.
RECHECK_AFTER = 2.0

# ---------------------------------------------------------------------------------------------- reader


class ChainReader:
    """What the audit reads from a chain: the decoded events of a cooperative's contracts, block times,
    transaction senders and past balances, over any HTTP JSON-RPC endpoint.

    Log queries start at `initial_range` blocks; a "too large" answer halves the range (or takes the size the
    provider suggests), and after `grow_after` full-size successes the range grows again: doubling while no
    limit is known, else halfway towards the smallest refused size (the limit is forgotten after 64
    successes, since a limit on results depends on how busy the blocks are).
    """

    #: Blocks `senders` reads whole before it looks again at how many of their transactions were asked for.
    WHOLE_BLOCKS = 500

    def __init__(
        self,
        rpc_url: str,
        *,
        use_cache: bool = True,
        cache_dir: Path | None = None,
        timeout: float = 30.0,
        retries: int = 6,
        backoff: float = 0.25,
        max_backoff: float = 8.0,
        batch_size: int = 100,
        initial_range: int = 50_000,
        max_range: int = 1_000_000,
        grow_after: int = 4,
        reorg_window: int = 12,
        keep_hashes: int = 64,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rpc = JsonRpc(
            rpc_url,
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            max_backoff=max_backoff,
            batch_size=batch_size,
            sleep=sleep,
        )
        self.url = rpc_url
        self.use_cache = use_cache
        self.cache_dir = cache_dir
        self.max_range = max(1, max_range)
        self.grow_after = max(1, grow_after)
        self.reorg_window = max(0, reorg_window)
        self.keep_hashes = max(1, keep_hashes)
        self.span = max(1, min(initial_range, self.max_range))
        self._good: int | None = None  # largest range served since the last refusal
        self._bad: int | None = None  # smallest range refused (forgotten after 64 successes)
        self._streak = 0
        self._since_bad = 0
        self._identity: tuple[int, str] | None = None
        self._cache: EventCache | None = None
        self._checked: tuple[float, int, int] | None = None  # (when, head, valid) of the last reorg check
        self._seen_blocks: dict[int, tuple[str, int]] = {}  # (hash, time) of blocks `senders` read whole

    def __enter__(self) -> ChainReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.rpc.close()
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    @property
    def stats(self) -> dict[str, int]:
        """Requests by method, HTTP and batch requests, retries, refused log ranges ...: what a read cost."""
        return dict(self.rpc.stats)

    # ------------------------------------------------------------------ chain

    def head(self) -> int:
        """The number of the chain's latest block."""
        return _quantity(self.rpc.call("eth_blockNumber"))

    @property
    def chain_id(self) -> int:
        return self._identify()[0]

    @property
    def genesis(self) -> str:
        """The hash of block 0: with the chain id, what tells one chain (and one test chain) from another."""
        return self._identify()[1]

    def _identify(self) -> tuple[int, str]:
        if self._identity is None:
            chain_id, block = self.rpc.batch([("eth_chainId", []), ("eth_getBlockByNumber", ["0x0", False])])
            genesis = (
                str(block["hash"]).lower() if isinstance(block, dict) and block.get("hash") else "unknown"
            )
            self._identity = (_quantity(chain_id), genesis)
        return self._identity

    def batch(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """Raw results of `calls` [(method, params)] in batch requests (single ones if batches are refused).

        For the reads the audit needs beyond the ones below (eth_call at past blocks, receipts ...)."""
        return self.rpc.batch(calls)

    # ------------------------------------------------------------------ events

    def events(
        self,
        addresses: Iterable[str],
        from_block: int,
        to_block: int | None = None,
        *,
        progress: Progress | None = None,
    ) -> list[dict[str, Any]]:
        """Every log of `addresses` in blocks [from_block, to_block] (to the head if None or beyond it) that a
        shipped ABI decodes: `decode_log`'s dict plus block, block_hash, tx, tx_index and log_index, sorted by
        (block, log_index). With the cache on, only blocks not read before (and the reorg window) are read."""
        addrs = _addresses(addresses)
        head = self.head()
        lo = max(0, int(from_block))
        hi = head if to_block is None else min(int(to_block), head)
        if not addrs or lo > hi:
            if progress:
                progress(0, 0)
            return []
        if not self.use_cache:
            return self._events_cold(addrs, lo, hi, progress)
        for _ in range(3):
            try:
                return self._events_cached(addrs, lo, hi, head, progress)
            except _ChainMoved:
                head = self.head()
                hi = head if to_block is None else min(int(to_block), head)
        raise CoopError(f"the chain at {self.url} kept reorganising while it was read; try again")

    def _events_cold(
        self, addrs: list[str], lo: int, hi: int, progress: Progress | None
    ) -> list[dict[str, Any]]:
        total = hi - lo + 1
        done = 0
        if progress:
            progress(0, total)
        out: list[dict[str, Any]] = []
        for a, b, logs in self._scan(addrs, lo, hi):
            out.extend(_decoded(logs))
            done += b - a + 1
            if progress:
                progress(done, total)
        out.sort(key=_order)
        return out

    def _events_cached(
        self, addrs: list[str], lo: int, hi: int, head: int, progress: Progress | None
    ) -> list[dict[str, Any]]:
        store = self._open_cache()
        chain = store.chain(self.chain_id, self.genesis)
        store.drop_above(chain, self._verify(store, chain, head))
        settled = head - self.reorg_window
        scope = store.scope(chain, addrs, _abi_fingerprint())
        missing = _subtract(lo, hi, store.ranges(scope))
        total = hi - lo + 1
        done = total - sum(b - a + 1 for a, b in missing)
        if progress:
            progress(done, total)
        for start, end in missing:
            for a, b, logs in self._scan(addrs, start, end):
                entries = list(_decoded(logs))
                seen = self._blocks(range(max(a, b - self.keep_hashes + 1), b + 1))
                if any(e["block"] in seen and seen[e["block"]][0] != e["block_hash"] for e in entries):
                    self.rpc.stats["reorg_during_read"] += 1
                    raise _ChainMoved
                store.store(scope, chain, entries, a, b, settled, seen)
                done += b - a + 1
                if progress:
                    progress(done, total)
        self.rpc.stats["cached_blocks"] += total - sum(b - a + 1 for a, b in missing)
        self._checked = (time.monotonic(), head, head)  # what is cached now was all read or checked just now
        return store.events(scope, lo, hi)

    def _verify(self, store: EventCache, chain: int, head: int) -> int:
        """The highest block up to which the cache of `chain` is still on the chain (-1: none of it).

        Block hashes chain, so one remembered block whose hash still matches vouches for every block below it:
        the highest remembered one is asked first, and only if it changed the others (in one batch)."""
        valid = self._highest_unchanged(store, chain, head)
        self._checked = (time.monotonic(), head, valid)
        return valid

    def _highest_unchanged(self, store: EventCache, chain: int, head: int) -> int:
        remembered = store.recent_blocks(chain, self.keep_hashes)
        if not remembered:
            return -1 if store.has_data(chain) else head
        candidates = sorted((n for n in remembered if n <= head), reverse=True)
        if not candidates:
            return -1
        if self._blocks([candidates[0]]).get(candidates[0], ("",))[0] == remembered[candidates[0]]:
            return candidates[0]
        self.rpc.stats["reorgs_seen"] += 1
        now = self._blocks(candidates)
        for n in candidates:
            if n in now and now[n][0] == remembered[n]:
                return n
        return -1

    def logs_with_topic(self, topic: str, from_block: int, to_block: int) -> list[dict[str, Any]]:
        """The raw logs of any contract whose first topic is `topic` in [from_block, to_block], in ranges the
        provider takes: how a contract whose address is not known yet (a factory) is found."""
        return [log for _, _, logs in self._scan({"topics": [topic]}, from_block, to_block) for log in logs]

    def _scan(
        self, which: list[str] | dict[str, Any], lo: int, hi: int
    ) -> Iterator[tuple[int, int, list[dict[str, Any]]]]:
        """The raw logs of [lo, hi] in consecutive chunks (a, b, logs), sized to what the provider takes;
        `which` is a list of addresses or a filter of eth_getLogs (e.g. topics)."""
        selection = {"address": which} if isinstance(which, list) else which
        start = lo
        while start <= hi:
            size = max(1, min(self.span, hi - start + 1))
            end = start + size - 1
            query = {**selection, "fromBlock": hex(start), "toBlock": hex(end)}
            try:
                logs = self.rpc.call("eth_getLogs", [query])
            except RpcError as exc:
                if exc.kind != RANGE:
                    raise
                self.rpc.stats["refused_ranges"] += 1
                if size == 1:
                    raise CoopError(
                        f"the node at {self.url} refuses eth_getLogs even for the single block {start}: "
                        f"{' '.join(exc.detail.split())[:160]}"
                    ) from None
                self._refused(size, exc.detail)
                continue
            if not isinstance(logs, list):
                raise CoopError(f"the node at {self.url} answered eth_getLogs with no list of logs")
            self._served(size)
            yield start, end, logs
            start = end + 1

    def _refused(self, size: int, message: str) -> None:
        self._bad = size if self._bad is None else min(self._bad, size)
        self._streak = self._since_bad = 0
        hint = suggested_span(message)
        if hint is not None and hint < size:
            self.span = hint
            self._bad = min(self._bad, hint + 1)  # the provider named its limit: no probing beyond it
        elif self._good is not None and self._good < size:
            self.span = self._good
        else:
            self.span = max(1, size // 2)
            self._good = None

    def _served(self, size: int) -> None:
        self._good = max(self._good or 0, size)
        self._since_bad += 1
        if self._bad is not None and self._since_bad >= 64:
            self._bad = None
        if size < self.span:
            return  # the end of a range, not a test of the span
        self._streak += 1
        if self._streak < self.grow_after:
            return
        self._streak = 0
        if self._bad is None:
            self.span = min(self.max_range, self.span * 2)
        elif self._bad - self.span > max(1, self.span // 8):
            self.span = (self.span + self._bad) // 2

    # ------------------------------------------------------------------ blocks and transactions

    def _blocks(self, numbers: Iterable[int]) -> dict[int, tuple[str, int]]:
        """{number: (hash, timestamp)} of the existing blocks among `numbers`, in batch requests."""
        numbers = list(numbers)
        answers = self.rpc.batch([("eth_getBlockByNumber", [hex(n), False]) for n in numbers])
        return {
            n: (str(block["hash"]).lower(), _quantity(block["timestamp"]))
            for n, block in zip(numbers, answers, strict=True)
            if isinstance(block, dict) and block.get("hash")
        }

    def block_times(self, blocks: Iterable[int]) -> dict[int, int]:
        """{block: timestamp} for `blocks`; with the cache, blocks seen before (and still on the chain) cost
        nothing."""
        wanted = sorted({int(b) for b in blocks})
        if not wanted:
            return {}
        out: dict[int, int] = {}
        store = chain = None
        trusted = -1
        if self.use_cache:
            store = self._open_cache()
            chain = store.chain(self.chain_id, self.genesis)
            if self._checked is not None and time.monotonic() - self._checked[0] < RECHECK_AFTER:
                _, head, valid = self._checked  # just checked (a binary search over times asks often)
            else:
                head = self.head()
                valid = self._verify(store, chain, head)
                store.drop_above(chain, valid)
            trusted = min(valid, head - self.reorg_window)
            out.update(store.block_times(chain, [b for b in wanted if b <= trusted]))
        missing = [b for b in wanted if b not in out]
        seen = {b: self._seen_blocks.pop(b) for b in missing if b in self._seen_blocks}  # read with senders
        seen.update(self._blocks([b for b in missing if b not in seen]))
        absent = [b for b in missing if b not in seen]
        if absent:
            raise CoopError(f"block {absent[0]} is not on the chain at {self.url} (yet)")
        if store is not None and chain is not None:
            store.store_blocks(chain, {n: v for n, v in seen.items() if n <= trusted})
        out.update({n: t for n, (_, t) in seen.items()})
        return {b: out[b] for b in wanted}

    def senders(self, tx_hashes: Iterable[str], blocks: Mapping[str, int] | None = None) -> dict[str, str]:
        """{tx hash: sender (checksummed)}: who acted, for the history's actor column.

        Where `blocks` says in which block a transaction is, its block is read with its transactions: one
        request for all of a block's, where one per transaction was 122,000 requests and half of a cold
        audit of 100,000 votes. That holds while the blocks are mostly the cooperative's own; a chain whose
        blocks are mostly others' transactions (mainnet) is asked transaction by transaction, which is less
        to read. A transaction hash fixes its sender, so the cache keeps these for good."""
        wanted = sorted({str(t).lower() for t in tx_hashes})
        out: dict[str, str] = {}
        store = chain = None
        if self.use_cache and wanted:
            store = self._open_cache()
            chain = store.chain(self.chain_id, self.genesis)
            out.update(store.senders(chain, wanted))
        missing = [t for t in wanted if t not in out]
        fetched = self._senders_in_blocks(missing, blocks) if blocks else {}
        rest = [t for t in missing if t not in fetched]
        answers = self.rpc.batch([("eth_getTransactionByHash", [t]) for t in rest])
        for tx, answer in zip(rest, answers, strict=True):
            if not isinstance(answer, dict) or not answer.get("from"):
                raise CoopError(f"transaction {tx} is not known to the node at {self.url}")
            fetched[tx] = checksummed(answer["from"])
        if store is not None and chain is not None and fetched:
            store.store_senders(chain, fetched)
        out.update(fetched)
        return out

    def _senders_in_blocks(self, txs: Sequence[str], blocks: Mapping[str, int]) -> dict[str, str]:
        """The senders of `txs` from their blocks read whole, `WHOLE_BLOCKS` at a time, until the blocks read
        show that fewer than a quarter of their transactions are the ones asked for; the blocks' hashes and
        times are kept for `block_times`."""
        lowered = {str(tx).lower(): n for tx, n in blocks.items()}
        asked: dict[int, set[str]] = {}
        for tx in txs:
            if tx in lowered:
                asked.setdefault(lowered[tx], set()).add(tx)
        found: dict[str, str] = {}
        ours = total = 0
        for part in chunks(sorted(asked), self.WHOLE_BLOCKS):
            if total and ours * 4 < total:
                break
            answers = self.rpc.batch([("eth_getBlockByNumber", [hex(n), True]) for n in part])
            for n, block in zip(part, answers, strict=True):
                if not isinstance(block, dict) or not block.get("hash"):
                    continue
                self._seen_blocks[n] = (str(block["hash"]).lower(), _quantity(block["timestamp"]))
                transactions = block.get("transactions") or []
                total += len(transactions)
                for tx in transactions:
                    key = str(tx.get("hash", "")).lower() if isinstance(tx, dict) else ""
                    if key in asked[n] and tx.get("from"):
                        found[key] = checksummed(tx["from"])
                        ours += 1
        return found

    def balances(self, address: str, blocks: Iterable[int]) -> dict[int, int]:
        """{block: wei} held by `address` at the end of each block (eth_getBalance, batched): the treasury
        over time. Blocks far back need an archive node; a pruned one is named as the cause."""
        account = _addresses([address])[0]
        wanted = sorted({int(b) for b in blocks})
        try:
            answers = self.rpc.batch([("eth_getBalance", [account, hex(b)]) for b in wanted])
        except RpcError as exc:
            if lacks_state(exc):
                raise CoopError(
                    f"the node at {self.url} has no state for past blocks (it is pruned); "
                    "balances over time need an archive node"
                ) from None
            raise
        return {b: _quantity(v) for b, v in zip(wanted, answers, strict=True)}

    # ------------------------------------------------------------------ cache

    def _open_cache(self) -> EventCache:
        if self._cache is None:
            folder = self.cache_dir if self.cache_dir is not None else paths.data_dir() / "cache"
            self._cache = EventCache(Path(folder) / "chainlog.sqlite3")
        return self._cache


class _ChainMoved(Exception):
    """The chain reorganised during a read (a log's block hash differs from the block's): read again."""


# ---------------------------------------------------------------------------------------------- helpers


def _decoded(logs: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The entries of the raw logs a shipped ABI knows, in the JSON form the cache stores (so that a cold and
    a cached read give equal values, down to lists against tuples)."""
    from hexbytes import HexBytes

    for raw in logs:
        if raw.get("removed") or not raw.get("topics"):
            continue
        log = {
            "address": checksummed(raw["address"]),
            "topics": [HexBytes(t) for t in raw["topics"]],
            "data": HexBytes(raw.get("data") or "0x"),
            "logIndex": _quantity(raw["logIndex"]),
            "transactionIndex": _quantity(raw["transactionIndex"]),
            "transactionHash": HexBytes(raw["transactionHash"]),
            "blockHash": HexBytes(raw["blockHash"]),
            "blockNumber": _quantity(raw["blockNumber"]),
        }
        event = decode_log(log)
        if event is None:
            continue
        event.update(
            block=log["blockNumber"],
            block_hash=str(raw["blockHash"]).lower(),
            tx=str(raw["transactionHash"]).lower(),
            tx_index=log["transactionIndex"],
            log_index=log["logIndex"],
        )
        yield json.loads(json.dumps(event))


def _order(entry: dict[str, Any]) -> tuple[int, int, int]:
    return entry["block"], entry["tx_index"], entry["log_index"]


@cache
def _abi_fingerprint() -> str:
    """A digest of the shipped event ABIs: cached decodings are only reused by the same decoder."""
    items = [item for c in artifacts.CONTRACTS for item in artifacts.abi(c) if item.get("type") == "event"]
    return hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()[:16]


def _addresses(addresses: Iterable[str]) -> list[str]:
    out = set()
    for address in addresses:
        text = str(address).strip().lower()
        if not re.fullmatch(r"0x[0-9a-f]{40}", text):
            raise CoopError(f"not a contract address: {address}")
        out.add(text)
    return sorted(out)


def _subtract(lo: int, hi: int, ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [lo, hi] that no range in `ranges` (sorted, disjoint) covers."""
    missing = []
    cursor = lo
    for a, b in ranges:
        if b < cursor:
            continue
        if a > hi:
            break
        if a > cursor:
            missing.append((cursor, a - 1))
        cursor = max(cursor, b + 1)
    if cursor <= hi:
        missing.append((cursor, hi))
    return missing


def _quantity(value: Any) -> int:
    if isinstance(value, int):
        return value
    return int(str(value), 16) if str(value).startswith(("0x", "0X")) else int(value)
