"""Speaking JSON-RPC over HTTP to any Ethereum node: one request or a batch, with retries, and every
failure sorted by what can be done about it.

Why not web3's provider: public providers refuse log queries over too many blocks or too many results
(each in its own words), rate-limit with HTTP 429, drop connections and refuse or cap batches; a reader
that must get through all of that unattended needs to know which failure it has. `classify` names the kind
(RANGE, TRANSIENT, UNREACHABLE, BATCH_SIZE, BATCH_REFUSED, OTHER), `JsonRpc` retries what is worth
retrying with capped backoff and falls back to smaller batches or single requests.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import requests

from ..errors import CoopError

T = TypeVar("T")

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
