"""An exclusive lock on a file, shared by the processes of one user: two `coop` runs must not start two
nodes on one state, save a node's state at once, or write the outbox at once."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import CoopError


@contextlib.contextmanager
def file_lock(path: Path, timeout: float, busy: str | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `path` (POSIX; elsewhere none), waited for up to `timeout` seconds; then
    CoopError with `busy` (or a sentence naming the file)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    with open(path, "a") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise CoopError(busy or f"another coop holds {path} too long: try again") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
