"""Reading a cooperative's history from any JSON-RPC node: adaptive log ranges, batches, retries, and a
reorg-safe on-disk cache of the decoded events.

Why not web3's `get_logs`: public providers refuse log queries over too many blocks or too many results
(each in its own words), rate-limit with HTTP 429 and drop connections, and an audit of a cooperative
with years of history and 100,000 votes must get through all of that unattended, and read each block only
once across runs. So the reader speaks JSON-RPC itself over `requests`: it chooses the block ranges, batches
the per-block and per-transaction reads, retries what is worth retrying, and keeps what it decoded in SQLite.

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
import random
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar

import requests

from .. import paths
from ..chain import artifacts
from ..chain.events import decode_log
from ..errors import CoopError

#: `progress(done_blocks, total_blocks)`, called as a scan goes on.
Progress = Callable[[int, int], None]

T = TypeVar("T")

#: Seconds for which block_times() trusts the last reorg check instead of asking the chain again.
RECHECK_AFTER = 2.0

# Kinds of failure, by what the reader does about them.
RANGE = "range"  # the log query covers too many blocks or results: ask for fewer blocks
TRANSIENT = "transient"  # rate limits, timeouts, dropped connections, lagging nodes: wait and ask again
UNREACHABLE = "unreachable"  # nothing listens at the URL: fatal until the node has answered once
BATCH_SIZE = "batch-size"  # the batch is too large: send smaller ones
BATCH_REFUSED = "batch-refused"  # the provider takes no batches at all: send single requests
OTHER = "other"  # a real answer (bad parameters, unknown method ...): report it

_RATE_WORDS = re.compile(
    r"rate.?limit|too many requests|request rate|rate exceeded|daily request|request count|capacity"
    r"|throughput|compute units|quota|throttl",
    re.I,
)
_TRANSIENT_WORDS = re.compile(
    r"header not found|unknown block|timed? ?out|timeout|connection reset|econnreset|try again|temporar"
    r"|busy|overload|service unavailable|bad gateway|gateway|upstream|not synced|syncing|internal server"
    r"|deadline exceeded",
    re.I,
)
# What providers say when a log query is too large (geth/erigon/Infura "query returned more than 10000
# results", Alchemy "Log response size exceeded", Ankr "block range is too wide", BSC "exceed maximum block
# range: 5000", QuickNode "eth_getLogs is limited to a 10,000 range", Besu "Requested range exceeds maximum
# range limit", llamarpc "range is too large, max is 1k blocks", Chainstack "Block range limit exceeded").
_RANGE_WORDS = re.compile(
    r"more than \d[\d,]* (?:results|logs|blocks)|response size|size exceeded|too large|too big|too wide"
    r"|too many (?:results|logs|blocks)|exceeds? (?:the )?(?:max|maximum|limit)"
    r"|range .{0,40}(?:limit|exceed|max)"
    r"|limit(?:ed)? (?:exceeded|to)|max(?:imum)? (?:block )?range|result window|log limit"
    r"|timed? ?out|timeout|deadline exceeded",  # a query too heavy to answer in time
    re.I,
)
_BATCH_SIZE_WORDS = re.compile(r"too large|too many|too big|exceed|limit|max", re.I)
_SUGGESTED_RANGE = re.compile(r"\[\s*(0x[0-9a-f]+)\s*,\s*(0x[0-9a-f]+)\s*\]", re.I)
_SUGGESTED_SPAN = re.compile(
    r"(?:up to|limited to|max(?:imum)?(?: block range)?(?: is)?)[:\s]+(?:an?\s+)?(\d[\d,]*)\s*(k\b)?", re.I
)
_NO_STATE_WORDS = re.compile(
    r"missing trie node|state .{0,30}not available|pruned|historical state|BlockOutOfRange|block height is",
    re.I,
)


def lacks_state(exc: Exception) -> bool:
    """Whether a node's error says it keeps no state for the block asked about (pruned, or restarted)."""
    return bool(_NO_STATE_WORDS.search(getattr(exc, "detail", None) or str(exc)))


def classify(message: str, code: int | None = None, status: int | None = None, context: str = "call") -> str:
    """What kind of failure a node's answer is: RANGE, TRANSIENT, BATCH_SIZE, BATCH_REFUSED or OTHER.

    `context` is "logs" for eth_getLogs, "batch" for a batch answered as a whole, else "call": the same words
    ("too large", "limit exceeded") mean a block range in a log query and a request count in a batch.
    """
    if status == 429 or code == 429 or _RATE_WORDS.search(message):
        return TRANSIENT
    if context == "batch":
        if status == 413 or ("batch" in message.lower() and _BATCH_SIZE_WORDS.search(message)):
            return BATCH_SIZE
        if (status is not None and status >= 500 and code is None) or _TRANSIENT_WORDS.search(message):
            return TRANSIENT
        return BATCH_REFUSED
    if context == "logs":
        # 408/504: the query was too heavy to answer in time; fewer blocks help where waiting does not
        if status in (408, 413, 504) or _RANGE_WORDS.search(message):
            return RANGE
        if code == -32005:  # EIP-1474 "limit exceeded"; rate limits were caught above
            return RANGE
    if (status is not None and status >= 500) or code in (-32603, -32005):  # server trouble, "limit exceeded"
        return TRANSIENT
    if code in (-32000, None) and _TRANSIENT_WORDS.search(message):
        return TRANSIENT
    return OTHER


def suggested_span(message: str) -> int | None:
    """The number of blocks a refusal suggests, if it names one: Alchemy and Infura suggest a range
    `[0x.., 0x..]`, others a size ("up to a 2K block range", "limited to a 10,000 range")."""
    match = _SUGGESTED_RANGE.search(message)
    if match:
        span = int(match.group(2), 16) - int(match.group(1), 16) + 1
        return span if span > 0 else None
    match = _SUGGESTED_SPAN.search(message)
    if match:
        span = int(match.group(1).replace(",", "")) * (1000 if match.group(2) else 1)
        return span if span > 0 else None
    return None


class RpcError(CoopError):
    """A node answered with an error, an HTTP error, or not at all; `kind` says what can be done about it."""

    def __init__(
        self,
        message: str,
        *,
        kind: str = OTHER,
        code: int | None = None,
        status: int | None = None,
        detail: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.status = status
        self.detail = detail or message
        self.retry_after = retry_after


class JsonRpc:
    """A JSON-RPC client over HTTP that retries transient failures with capped exponential backoff and sends
    batches in chunks, falling back to single requests where a provider refuses batches."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 30.0,
        retries: int = 6,
        backoff: float = 0.25,
        max_backoff: float = 8.0,
        batch_size: int = 100,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not re.match(r"https?://", url, re.I):
            raise CoopError(f"the chain reader needs an http:// or https:// RPC URL, got {url!r}")
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.batch_size = max(1, batch_size)
        self.batches_accepted = True
        self.stats: Counter[str] = Counter()
        self._sleep = sleep
        self._session = requests.Session()
        self._session.headers["Content-Type"] = "application/json"
        self._reached = False
        self._ids = 0

    def close(self) -> None:
        self._session.close()

    # ------------------------------------------------------------------ requests

    def call(self, method: str, params: Sequence[Any] = ()) -> Any:
        """The result of one request; transient failures are retried, other errors raise RpcError."""
        context = "logs" if method == "eth_getLogs" else "call"

        def attempt() -> Any:
            self._ids += 1
            payload = {"jsonrpc": "2.0", "id": self._ids, "method": method, "params": list(params)}
            body = self._post(payload, context)
            return self._result(body, method, context)

        self.stats[method] += 1
        return self._retrying(attempt)

    def batch(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """The results of `calls` [(method, params)], in order, in batch requests of at most `batch_size`.

        A provider that answers a batch as too large gets smaller ones; one that refuses batches (an error
        object or an HTTP error instead of a list) gets single requests from then on.
        """
        calls = [(method, list(params)) for method, params in calls]
        results: list[Any] = [None] * len(calls)
        start = 0
        while start < len(calls):
            if not self.batches_accepted or len(calls) - start == 1:
                for i in range(start, len(calls)):
                    results[i] = self.call(*calls[i])
                break
            indices = range(start, min(len(calls), start + self.batch_size))
            try:
                answers = self._retrying(lambda indices=indices: self._batch_once(calls, indices))
            except RpcError as exc:
                if exc.kind == BATCH_SIZE and self.batch_size > 1:
                    self.batch_size = max(1, self.batch_size // 2)
                    self.stats["batch_shrunk"] += 1
                    continue
                if exc.kind in (BATCH_SIZE, BATCH_REFUSED):
                    self.batches_accepted = False
                    self.stats["batch_refused"] += 1
                    continue
                raise
            for i in indices:
                results[i] = answers[i]
            start = indices.stop
        return results

    def _batch_once(self, calls: Sequence[tuple[str, list[Any]]], indices: range) -> dict[int, Any]:
        payload = [{"jsonrpc": "2.0", "id": i, "method": calls[i][0], "params": calls[i][1]} for i in indices]
        self.stats["batch_requests"] += 1
        body = self._post(payload, context="batch")
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            error = body["error"]
            message = str(error.get("message", ""))
            kind = classify(message, _int(error.get("code")), None, "batch")
            raise RpcError(f"the node at {self.url} refused a batch: {message}", kind=kind, detail=message)
        if not isinstance(body, list):
            raise RpcError(f"the node at {self.url} answered a batch with no list", kind=BATCH_REFUSED)
        answers: dict[int, Any] = {}
        for item in body:
            if not isinstance(item, dict) or item.get("id") not in indices:
                continue
            i = item["id"]
            method = calls[i][0]
            if "error" in item:
                error = item["error"] if isinstance(item["error"], dict) else {"message": str(item["error"])}
                message = str(error.get("message", ""))
                code = _int(error.get("code"))
                if "batch" in message.lower():
                    raise RpcError(
                        f"the node at {self.url} refused a batch: {message}",
                        kind=classify(message, code, None, "batch"),
                        detail=message,
                    )
                context = "logs" if method == "eth_getLogs" else "call"
                raise RpcError(
                    f"the node at {self.url} answered {method} with an error: {message}",
                    kind=classify(message, code, None, context),
                    code=code,
                    detail=message,
                )
            answers[i] = item.get("result")
        if len(answers) < len(indices):
            raise RpcError(f"the node at {self.url} left requests of a batch unanswered", kind=TRANSIENT)
        for i in indices:
            self.stats[calls[i][0]] += 1
        return answers

    # ------------------------------------------------------------------ transport

    def _post(self, payload: Any, context: str = "call") -> Any:
        """One HTTP round trip, no retries: the parsed JSON body, or RpcError with its kind."""
        from urllib3.exceptions import NewConnectionError

        self.stats["http_requests"] += 1
        try:
            # bytes, so that http.client sends headers and body in one packet (no Nagle/delayed-ACK stall)
            data = json.dumps(payload).encode()
            response = self._session.post(self.url, data=data, timeout=self.timeout)
        except requests.exceptions.ConnectionError as exc:
            reason = getattr(exc.args[0] if exc.args else None, "reason", None)
            refused = isinstance(reason, NewConnectionError)
            raise RpcError(
                f"cannot reach an Ethereum node at {self.url}",
                kind=UNREACHABLE if refused else TRANSIENT,
                detail="connection refused" if refused else "connection dropped",
            ) from None
        except requests.exceptions.Timeout:
            # a log query that takes too long is better asked again over fewer blocks
            raise RpcError(
                f"no answer from the node at {self.url} within {self.timeout:g} s",
                kind=RANGE if context == "logs" else TRANSIENT,
            ) from None
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema):
            raise CoopError(f"not a usable RPC URL: {self.url}") from None
        except requests.exceptions.RequestException as exc:
            raise RpcError(
                f"the node at {self.url} broke off an answer ({type(exc).__name__})", kind=TRANSIENT
            ) from None
        self._reached = True
        try:
            body = response.json()
        except ValueError:
            body = None
        status = response.status_code
        if status >= 400 or body is None:
            error = body.get("error") if isinstance(body, dict) else None
            message = str(error.get("message", "")) if isinstance(error, dict) else ""
            code = _int(error.get("code")) if isinstance(error, dict) else None
            text = message or (response.reason or "") or response.text[:120]
            kind = classify(message or text, code, status, context)
            if status < 400:
                kind = TRANSIENT  # a 200 with a body that is not JSON: a proxy in between hiccuped
            raise RpcError(
                f"the node at {self.url} answered HTTP {status}: {' '.join(text.split())[:200]}",
                kind=kind,
                code=code,
                status=status,
                detail=text,
                retry_after=_retry_after(response.headers.get("Retry-After")),
            )
        return body

    def _result(self, body: Any, method: str, context: str) -> Any:
        if not isinstance(body, dict):
            raise RpcError(f"the node at {self.url} gave no JSON-RPC answer to {method}", kind=TRANSIENT)
        error = body.get("error")
        if error is not None:
            error = error if isinstance(error, dict) else {"message": str(error)}
            message = str(error.get("message", ""))
            data = error.get("data")
            if isinstance(data, str) and data not in message:
                message = f"{message} ({data})" if message else data
            code = _int(error.get("code"))
            raise RpcError(
                f"the node at {self.url} answered {method} with an error: {message}",
                kind=classify(message, code, None, context),
                code=code,
                detail=message,
            )
        return body.get("result")

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """`attempt()`, again after capped exponential backoff (with jitter) while it fails transiently.

        Connection refused before the node ever answered is not retried: a wrong URL should fail at once.
        """
        delay = self.backoff
        for n in range(self.retries + 1):
            try:
                return attempt()
            except RpcError as exc:
                retryable = exc.kind == TRANSIENT or (exc.kind == UNREACHABLE and self._reached)
                if not retryable:
                    raise
                if n == self.retries:
                    raise RpcError(
                        f"{exc} (gave up after {n + 1} attempts)",
                        kind=OTHER,
                        code=exc.code,
                        status=exc.status,
                        detail=exc.detail,
                    ) from None
                wait = exc.retry_after if exc.retry_after is not None else delay * random.uniform(0.75, 1.0)
                self.stats["retries"] += 1
                self._sleep(min(self.max_backoff, max(0.0, wait)))
                delay = min(self.max_backoff, delay * 2)
        raise AssertionError("unreachable")  # pragma: no cover


# ---------------------------------------------------------------------------------------------- cache


class EventCache:
    """The SQLite file behind the reader: decoded events and complete block ranges per key, and the
    (number, hash, time) of the blocks seen, which serve as timestamps and as the reorg check."""

    SCHEMA = 1

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            self.db = sqlite3.connect(str(path), timeout=60)
            if self.db.execute("PRAGMA user_version").fetchone()[0] != self.SCHEMA:
                self._create()
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            raise CoopError(
                f"the chain cache {path} is unusable ({exc}); delete it to start afresh"
            ) from None

    def _create(self) -> None:
        with self.db:
            for table in ("chains", "scopes", "ranges", "events", "blocks", "senders"):
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
            self.db.executescript(
                """
                CREATE TABLE chains (id INTEGER PRIMARY KEY, chain_id INTEGER NOT NULL, genesis TEXT NOT NULL,
                                     UNIQUE (chain_id, genesis));
                CREATE TABLE scopes (id INTEGER PRIMARY KEY, chain INTEGER NOT NULL, addresses TEXT NOT NULL,
                                     abi TEXT NOT NULL, UNIQUE (chain, addresses, abi));
                CREATE TABLE ranges (scope INTEGER NOT NULL, lo INTEGER NOT NULL, hi INTEGER NOT NULL,
                                     PRIMARY KEY (scope, lo));
                CREATE TABLE events (scope INTEGER NOT NULL, block INTEGER NOT NULL,
                                     tx_index INTEGER NOT NULL,
                                     log_index INTEGER NOT NULL, entry TEXT NOT NULL,
                                     PRIMARY KEY (scope, block, tx_index, log_index)) WITHOUT ROWID;
                CREATE TABLE blocks (chain INTEGER NOT NULL, number INTEGER NOT NULL, hash TEXT NOT NULL,
                                     time INTEGER NOT NULL, PRIMARY KEY (chain, number)) WITHOUT ROWID;
                CREATE TABLE senders (chain INTEGER NOT NULL, tx TEXT NOT NULL, sender TEXT NOT NULL,
                                      PRIMARY KEY (chain, tx)) WITHOUT ROWID;
                """
            )
            self.db.execute(f"PRAGMA user_version = {self.SCHEMA}")

    def close(self) -> None:
        self.db.close()

    def chain(self, chain_id: int, genesis: str) -> int:
        with self.db:
            self.db.execute(
                "INSERT OR IGNORE INTO chains (chain_id, genesis) VALUES (?, ?)", (chain_id, genesis)
            )
        row = self.db.execute("SELECT id FROM chains WHERE chain_id = ? AND genesis = ?", (chain_id, genesis))
        return row.fetchone()[0]

    def scope(self, chain: int, addresses: Sequence[str], abi: str) -> int:
        key = ",".join(addresses)
        with self.db:
            self.db.execute(
                "INSERT OR IGNORE INTO scopes (chain, addresses, abi) VALUES (?, ?, ?)", (chain, key, abi)
            )
        row = self.db.execute(
            "SELECT id FROM scopes WHERE chain = ? AND addresses = ? AND abi = ?", (chain, key, abi)
        )
        return row.fetchone()[0]

    def ranges(self, scope: int) -> list[tuple[int, int]]:
        rows = self.db.execute("SELECT lo, hi FROM ranges WHERE scope = ? ORDER BY lo", (scope,))
        return [(lo, hi) for lo, hi in rows]

    def recent_blocks(self, chain: int, limit: int) -> dict[int, str]:
        rows = self.db.execute(
            "SELECT number, hash FROM blocks WHERE chain = ? ORDER BY number DESC LIMIT ?", (chain, limit)
        )
        return dict(rows.fetchall())

    def has_data(self, chain: int) -> bool:
        row = self.db.execute(
            "SELECT EXISTS (SELECT 1 FROM ranges WHERE scope IN (SELECT id FROM scopes WHERE chain = ?))"
            " OR EXISTS (SELECT 1 FROM blocks WHERE chain = ?)",
            (chain, chain),
        )
        return bool(row.fetchone()[0])

    def drop_above(self, chain: int, block: int) -> None:
        """Forget everything of `chain` above `block`: it is no longer (or not yet surely) on the chain."""
        scopes = "(SELECT id FROM scopes WHERE chain = ?)"
        with self.db:
            self.db.execute(f"DELETE FROM events WHERE scope IN {scopes} AND block > ?", (chain, block))
            self.db.execute(f"DELETE FROM ranges WHERE scope IN {scopes} AND lo > ?", (chain, block))
            self.db.execute(
                f"UPDATE ranges SET hi = ? WHERE scope IN {scopes} AND hi > ?", (block, chain, block)
            )
            self.db.execute("DELETE FROM blocks WHERE chain = ? AND number > ?", (chain, block))

    def store(
        self,
        scope: int,
        chain: int,
        entries: Sequence[dict[str, Any]],
        lo: int,
        hi: int,
        settled: int,
        blocks: dict[int, tuple[str, int]],
    ) -> None:
        """Record the events of blocks [lo, hi] (replacing what was there) and the blocks seen, in one
        transaction, so that an interrupted scan keeps what it finished. Only blocks up to `settled` count as
        complete: the ones above were within the reorg window when read, and the next run reads them again."""
        with self.db:
            self.db.execute("DELETE FROM events WHERE scope = ? AND block BETWEEN ? AND ?", (scope, lo, hi))
            self.db.executemany(
                "INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?, ?)",
                [(scope, e["block"], e["tx_index"], e["log_index"], json.dumps(e)) for e in entries],
            )
            if lo <= settled:
                merged = _merge([*self.ranges(scope), (lo, min(hi, settled))])
                self.db.execute("DELETE FROM ranges WHERE scope = ?", (scope,))
                self.db.executemany("INSERT INTO ranges VALUES (?, ?, ?)", [(scope, a, b) for a, b in merged])
            self._store_blocks(chain, blocks)

    def store_blocks(self, chain: int, blocks: dict[int, tuple[str, int]]) -> None:
        with self.db:
            self._store_blocks(chain, blocks)

    def _store_blocks(self, chain: int, blocks: dict[int, tuple[str, int]]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO blocks VALUES (?, ?, ?, ?)",
            [(chain, n, h, t) for n, (h, t) in blocks.items()],
        )

    def events(self, scope: int, lo: int, hi: int) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT entry FROM events WHERE scope = ? AND block BETWEEN ? AND ?"
            " ORDER BY block, tx_index, log_index",
            (scope, lo, hi),
        )
        return [json.loads(entry) for (entry,) in rows]

    def block_times(self, chain: int, blocks: Sequence[int]) -> dict[int, int]:
        return self._lookup("blocks", "number", "time", chain, blocks)

    def senders(self, chain: int, txs: Sequence[str]) -> dict[str, str]:
        return self._lookup("senders", "tx", "sender", chain, txs)

    def _lookup(self, table: str, key: str, value: str, chain: int, keys: Sequence[Any]) -> dict[Any, Any]:
        """`{key: value}` from `table` for the cached `keys`, asked 500 at a time (SQLite's limit on
        parameters is 999 in older builds)."""
        out: dict[Any, Any] = {}
        for part in _chunks(list(keys), 500):
            marks = ",".join("?" * len(part))
            rows = self.db.execute(
                f"SELECT {key}, {value} FROM {table} WHERE chain = ? AND {key} IN ({marks})", (chain, *part)
            )
            out.update(rows.fetchall())
        return out

    def store_senders(self, chain: int, senders: dict[str, str]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO senders VALUES (?, ?, ?)",
                [(chain, tx, s) for tx, s in senders.items()],
            )


# ---------------------------------------------------------------------------------------------- reader


class ChainReader:
    """What the audit reads from a chain: the decoded events of a cooperative's contracts, block times,
    transaction senders and past balances, over any HTTP JSON-RPC endpoint.

    Log queries start at `initial_range` blocks; a "too large" answer halves the range (or takes the size the
    provider suggests), and after `grow_after` full-size successes the range grows again: doubling while no
    limit is known, else halfway towards the smallest refused size (the limit is forgotten after 64
    successes, since a limit on results depends on how busy the blocks are).
    """

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
        seen = self._blocks(missing)
        absent = [b for b in missing if b not in seen]
        if absent:
            raise CoopError(f"block {absent[0]} is not on the chain at {self.url} (yet)")
        if store is not None and chain is not None:
            store.store_blocks(chain, {n: v for n, v in seen.items() if n <= trusted})
        out.update({n: t for n, (_, t) in seen.items()})
        return {b: out[b] for b in wanted}

    def senders(self, tx_hashes: Iterable[str]) -> dict[str, str]:
        """{tx hash: sender (checksummed)}: who acted, for the history's actor column.

        A transaction hash fixes its sender, so the cache keeps these for good."""
        from eth_utils import to_checksum_address

        wanted = sorted({str(t).lower() for t in tx_hashes})
        out: dict[str, str] = {}
        store = chain = None
        if self.use_cache and wanted:
            store = self._open_cache()
            chain = store.chain(self.chain_id, self.genesis)
            out.update(store.senders(chain, wanted))
        missing = [t for t in wanted if t not in out]
        answers = self.rpc.batch([("eth_getTransactionByHash", [t]) for t in missing])
        fetched: dict[str, str] = {}
        for tx, answer in zip(missing, answers, strict=True):
            if not isinstance(answer, dict) or not answer.get("from"):
                raise CoopError(f"transaction {tx} is not known to the node at {self.url}")
            fetched[tx] = to_checksum_address(answer["from"])
        if store is not None and chain is not None and fetched:
            store.store_senders(chain, fetched)
        out.update(fetched)
        return out

    def balances(self, address: str, blocks: Iterable[int]) -> dict[int, int]:
        """{block: wei} held by `address` at the end of each block (eth_getBalance, batched): the treasury
        over time. Blocks far back need an archive node; a pruned one is named as the cause."""
        account = _addresses([address])[0]
        wanted = sorted({int(b) for b in blocks})
        try:
            answers = self.rpc.batch([("eth_getBalance", [account, hex(b)]) for b in wanted])
        except RpcError as exc:
            if _NO_STATE_WORDS.search(exc.detail):
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
            "address": _checksummed(raw["address"]),
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


@lru_cache(maxsize=4096)
def _checksummed(address: str) -> str:
    """EIP-55 spelling of an address (a keccak each time: a history repeats its few contract addresses)."""
    from eth_utils import to_checksum_address

    return to_checksum_address(address)


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


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _quantity(value: Any) -> int:
    if isinstance(value, int):
        return value
    return int(str(value), 16) if str(value).startswith(("0x", "0X")) else int(value)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
