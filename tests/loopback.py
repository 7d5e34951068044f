"""Servers on 127.0.0.1 for the fault tests: an Anvil of a test's own (with the flags it needs), a server that
takes connections and never answers, and a JSON-RPC proxy in front of a real node that loses the answers
(or the requests) of the methods a test names, or answers the first requests with HTTP 503.

Nothing here listens anywhere but on the loopback address, and every loop is bounded in time.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from dao_cli.chain.node import HARDFORK, KINDS, MNEMONIC, find_binary

HOST = "127.0.0.1"
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy from the environment


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def rpc(url: str, method: str, params: list | None = None, timeout: float = 10) -> object:
    """One JSON-RPC call (the result; an error answer raises RuntimeError)."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with DIRECT.open(request, timeout=timeout) as response:
        answer = json.loads(response.read())
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


def interruptible() -> None:
    """For `Popen(preexec_fn=...)`: Ctrl-C (SIGINT) reaches the child as on a terminal, even where the
    tests run in a background job, which a shell without job control starts with SIGINT ignored (and a
    child inherits that, so coop would rightly ignore it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_until(condition, timeout: float, what: str, interval: float = 0.05):
    """Poll `condition()` until it is truthy (returned) or `timeout` seconds pass (AssertionError)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"gave up waiting for {what} after {timeout} s")


@contextlib.contextmanager
def own_anvil(*flags: str, start_timeout: float = 20) -> Iterator[str]:
    """A fresh Anvil on a free loopback port (chain id 31337, the development mnemonic, `flags` added);
    yields its URL and stops it afterwards."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    argv = [
        find_binary(KINDS["anvil"]), "--host", HOST, "--port", str(port), "--hardfork", HARDFORK,
        "--mnemonic", MNEMONIC, "--chain-id", "31337", "--silent", *flags,
    ]  # fmt: skip
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:

        def answers() -> bool:
            assert process.poll() is None, f"anvil exited: {process.stderr.read().decode()[-300:]}"
            try:
                return rpc(url, "eth_chainId", timeout=1) == "0x7a69"
            except OSError:
                return False

        wait_until(answers, start_timeout, "the test's anvil to answer")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        process.stderr.close()


class SilentServer:
    """Takes every connection and never answers (nor closes it) until stopped: a node that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind((HOST, 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.url = f"http://{HOST}:{self.sock.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections.append(connection)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for connection in self.connections:
            connection.close()
        self.sock.close()


class LossyProxy:
    """A JSON-RPC proxy on 127.0.0.1 in front of `upstream` (a real node).

    For the methods in `lose`, `mode` says what happens: "drop" forwards the request and closes the
    connection without an answer; "hold" forwards it and never answers (the client's timeout ends it);
    "swallow" neither forwards nor answers; "fail" answers HTTP 503 without forwarding. The first
    `fail_first` requests, whatever their method, are answered with HTTP 503 too.
    `seen` lists (time, method) of every request that reached the proxy.
    """

    def __init__(self, upstream: str, lose: set[str] = frozenset(), mode: str = "drop", fail_first: int = 0):
        self.upstream = upstream
        self.lose = set(lose)
        self.mode = mode
        self.fail_first = fail_first
        self.seen: list[tuple[float, str]] = []
        self._released = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                payload = json.loads(body)
                methods = [p["method"] for p in payload] if isinstance(payload, list) else [payload["method"]]
                for method in methods:
                    proxy.seen.append((time.monotonic(), method))
                lost = proxy.lose.intersection(methods)
                if proxy.fail_first > 0 or (lost and proxy.mode == "fail"):
                    proxy.fail_first = max(0, proxy.fail_first - 1)
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if lost and proxy.mode == "swallow":
                    proxy._released.wait(30)
                    self.close_connection = True
                    return
                request = urllib.request.Request(
                    proxy.upstream, data=body, headers={"Content-Type": "application/json"}
                )
                with DIRECT.open(request, timeout=30) as response:
                    answer = response.read()
                if lost:
                    if proxy.mode == "hold":
                        proxy._released.wait(30)
                    self.close_connection = True
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{HOST}:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True

    def count(self, method: str) -> int:
        return sum(1 for _, m in self.seen if m == method)

    def __enter__(self) -> LossyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._released.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


# ----------------------------------------------------------------------------- the real `coop` executable


def coop_executable() -> str:
    """The `coop` console script of this environment (the virtual environment's bin folder)."""
    path = Path(sys.executable).parent / "coop"
    assert path.is_file(), f"{path} is missing: `pip install -e .` puts it there"
    return str(path)


class Terminal:
    """`coop ARGS` in a real pseudo-terminal (stdin, stdout and stderr), as a person runs it: what it
    writes is read with `expect`, answers are typed with `type`."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        import pty

        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [coop_executable(), *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        os.close(slave)
        self.output = ""

    def expect(self, text: str, timeout: float) -> str:
        """Read until `text` has appeared (everything read so far is returned), within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while text not in self.output:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} did not appear within {timeout} s; got:\n{self.output}")
            ready, _, _ = select.select([self.master], [], [], min(left, 0.2))
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the process closed the terminal
                    chunk = b""
                if not chunk and self.process.poll() is not None:
                    raise AssertionError(f"coop exited before {text!r} appeared; got:\n{self.output}")
                self.output += chunk.decode(errors="replace")
        return self.output

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def finish(self, timeout: float) -> int:
        """Read what is left and wait for the exit code (bounded)."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                with contextlib.suppress(OSError):
                    self.output += os.read(self.master, 4096).decode(errors="replace")
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise AssertionError(f"coop did not finish within {timeout} s; got:\n{self.output}")
        with contextlib.suppress(OSError):
            while select.select([self.master], [], [], 0.1)[0]:
                chunk = os.read(self.master, 4096)
                if not chunk:
                    break
                self.output += chunk.decode(errors="replace")
        os.close(self.master)
        return self.process.returncode
