"""The web3 transport `coop` uses: every request bounded in time, reads retried, everything else sent once.

web3's own HTTPProvider waits 30 s for each answer and tries five times, sends included: a node that takes
the connection and never answers left `coop` silent for two and a half minutes, and a transaction whose
answer was lost could have been sent again. Here:

- `timeout` bounds the time one request may take, its retries included (`coop --timeout`).
- Reads (the methods in `READS`: they change nothing, so asking twice is harmless) that fail for a passing
  reason (a dropped connection, HTTP 429 or 5xx) are retried with exponential backoff within that time. A
  node that has not answered a single request yet and refuses the connection is not retried: a wrong URL
  fails at once.
- Anything else (a transaction, a clock move, a signature) is sent once. When its answer is lost after it
  may have reached the node, `AnswerLost` says so: the caller looks it up (by hash or nonce) instead of
  sending it again.
- A request that takes longer than `SLOW_AFTER` seconds (or half the timeout) is announced through
  `notify`, with what it waits for and how long it will wait, so that a slow node is never silence.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import requests
from web3 import HTTPProvider

from ..errors import AnswerLost, CoopError, NodeUnresponsive
from .connection import DEFAULT_TIMEOUT

#: A request slower than this is announced (what is awaited, for how long at most).
SLOW_AFTER = 3.0
FIRST_BACKOFF = 0.25
MAX_BACKOFF = 4.0

#: What a node answers the same for as long as it runs: asked once per connection.
ANSWERS_THAT_NEVER_CHANGE = {"eth_chainId", "net_version", "web3_clientVersion"}

#: JSON-RPC methods that only read: retried after a passing failure. Everything else is sent once.
READS = frozenset(
    {
        "eth_accounts",
        "eth_blockNumber",
        "eth_call",
        "eth_chainId",
        "eth_createAccessList",
        "eth_estimateGas",
        "eth_feeHistory",
        "eth_gasPrice",
        "eth_getBalance",
        "eth_getBlockByHash",
        "eth_getBlockByNumber",
        "eth_getBlockReceipts",
        "eth_getBlockTransactionCountByNumber",
        "eth_getCode",
        "eth_getLogs",
        "eth_getProof",
        "eth_getStorageAt",
        "eth_getTransactionByHash",
        "eth_getTransactionCount",
        "eth_getTransactionReceipt",
        "eth_maxPriorityFeePerGas",
        "eth_syncing",
        "net_version",
        "txpool_content",
        "txpool_inspect",
        "txpool_status",
        "web3_clientVersion",
    }
)

Notify = Callable[[str], None]


class NodeProvider(HTTPProvider):
    """An HTTPProvider with the timeouts, retries and messages described in the module docstring."""

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT, notify: Notify | None = None) -> None:
        # web3's own retries are off: this class decides what is asked again. The chain id is asked once:
        # web3 checks it before every call, and `coop info` asked for it 50 times in 76 requests.
        super().__init__(
            url,
            exception_retry_configuration=None,
            cache_allowed_requests=True,
            cacheable_requests=ANSWERS_THAT_NEVER_CHANGE,
        )
        self.timeout = float(timeout)
        self.notify = notify
        self.answered = False  # whether the node has answered any request yet
        self._attempt_timeout = self.timeout

    def get_request_kwargs(self) -> dict[str, Any]:  # type: ignore[override]
        """web3's request options, with this attempt's share of the time left."""
        return {**dict(super().get_request_kwargs()), "timeout": self._attempt_timeout}

    def _make_request(self, method: Any, request_data: bytes) -> bytes:
        with self._announced(str(method)):
            if method in READS:
                return self._read(str(method), lambda: self._post(request_data))
            return self._once(str(method), lambda: self._post(request_data))

    def make_batch_request(self, batch_requests: Any) -> Any:
        """A batch is retried like a read when every request in it is one, else sent once."""
        methods = [str(method) for method, _params in batch_requests]
        label = f"a batch of {len(methods)} requests"
        with self._announced(label):
            send = super().make_batch_request
            if all(method in READS for method in methods):
                return self._read(label, lambda: send(batch_requests))
            return self._once(label, lambda: send(batch_requests))

    def _post(self, request_data: bytes) -> bytes:
        return self._request_session_manager.make_post_request(
            self.endpoint_uri, request_data, **self.get_request_kwargs()
        )

    # ------------------------------------------------------------------ the two policies

    def _read(self, what: str, attempt: Callable[[], Any]) -> Any:
        """`attempt()`, again after a backoff while it fails for a passing reason and time is left."""
        deadline = time.monotonic() + self.timeout
        delay = FIRST_BACKOFF
        while True:
            self._attempt_timeout = max(0.05, deadline - time.monotonic())
            try:
                answer = attempt()
                self.answered = True
                return answer
            except requests.Timeout:
                raise self._unresponsive(what) from None
            except requests.ConnectionError as exc:
                if not self.answered and _refused(exc):
                    raise self._unreachable() from None
                problem = "dropped the connection"
            except requests.HTTPError as exc:
                status = exc.response.status_code if exc.response is not None else 0
                if status != 429 and status < 500:
                    raise self._http_refused(what, status) from None
                problem = f"answered HTTP {status}"
                delay = max(delay, _retry_after(exc.response))
            wait = min(delay, MAX_BACKOFF)
            if time.monotonic() + wait >= deadline:
                raise NodeUnresponsive(
                    f"the node at {self.endpoint_uri} {problem} for {what} again and again for "
                    f"{self.timeout:g} s: try again later, or allow longer with --timeout SECONDS"
                )
            time.sleep(wait)
            delay *= 2

    def _once(self, what: str, attempt: Callable[[], Any]) -> Any:
        """`attempt()` exactly once; a lost answer raises AnswerLost, never a second attempt."""
        self._attempt_timeout = self.timeout
        try:
            answer = attempt()
        except requests.ConnectTimeout:
            raise self._unresponsive(what) from None  # no connection: it never reached the node
        except requests.Timeout:
            raise AnswerLost(
                f"the node at {self.endpoint_uri} did not answer {what} within {self.timeout:g} s: it may "
                "have taken effect, so it is not sent again",
                what,
            ) from None
        except requests.ConnectionError as exc:
            if _refused(exc):
                raise self._unreachable() from None
            raise AnswerLost(
                f"the node at {self.endpoint_uri} dropped the connection during {what}: it may have taken "
                "effect, so it is not sent again",
                what,
            ) from None
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status >= 500:  # a gateway in front of the node may have passed it on before it failed
                raise AnswerLost(
                    f"the node at {self.endpoint_uri} answered {what} with HTTP {status}: it may have "
                    "taken effect, so it is not sent again",
                    what,
                ) from None
            raise self._http_refused(what, status) from None
        self.answered = True
        return answer

    # ------------------------------------------------------------------ words

    def _unresponsive(self, what: str) -> NodeUnresponsive:
        return NodeUnresponsive(
            f"the node at {self.endpoint_uri} did not answer {what} within {self.timeout:g} s: check that "
            "it runs and is not overloaded, or allow longer with --timeout SECONDS"
        )

    def _unreachable(self) -> CoopError:
        return CoopError(
            f"cannot reach an Ethereum node at {self.endpoint_uri} (is it running? check --rpc-url / "
            "--network)"
        )

    def _http_refused(self, what: str, status: int) -> CoopError:
        if status == 429:
            hint = "it limits how often it may be asked: try again later"
        elif status in (401, 403):
            hint = "check the API key in the URL"
        else:
            hint = "check the URL"
        return CoopError(f"the node at {self.endpoint_uri} refused {what} with HTTP {status}: {hint}")

    @contextlib.contextmanager
    def _announced(self, what: str) -> Iterator[None]:
        """Say what is awaited if the answer takes longer than SLOW_AFTER seconds."""
        if self.notify is None:
            yield
            return
        notify = self.notify
        message = (
            f"waiting for the node at {self.endpoint_uri} to answer {what} "
            f"(at most {self.timeout:g} s; --timeout SECONDS changes that)"
        )
        timer = threading.Timer(min(SLOW_AFTER, self.timeout / 2), notify, args=(message,))
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()


def _refused(exc: requests.ConnectionError) -> bool:
    """Whether the connection was refused (nothing listens: the request never reached a node), as opposed
    to dropped after it was sent."""
    from urllib3.exceptions import NewConnectionError

    reason = exc.args[0] if exc.args else None
    return isinstance(getattr(reason, "reason", reason), NewConnectionError)


def _retry_after(response: Any) -> float:
    """The wait a 429 or 503 answer asks for (Retry-After in seconds), else 0."""
    try:
        return max(0.0, float(response.headers.get("Retry-After", 0)))
    except (AttributeError, TypeError, ValueError):
        return 0.0
