"""What the command line does while a transaction it sent is awaited (the object `AppContext.on_sent`
returns, see `transact.OnSent`): a spinner on a terminal; when the receipt has come, the embedded node's
state saved before anything is reported; and when the transaction is not mined in time, the reason in
words and, on a terminal, the offer to replace it with a higher fee.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from .output import Output

if TYPE_CHECKING:
    from ..chain.pending import Stuck

#: Seconds to wait for a transaction to be mined before looking at why not (`coop --wait`): ten blocks of
#: a 12 s chain, when a fairly priced transaction is usually in one of the next two or three.
DEFAULT_WAIT = 120.0


class Watch:
    """Held (as a context manager) while the receipt of `tx_hash` is awaited."""

    def __init__(
        self,
        out: Output,
        tx_hash: str,
        patience: float = DEFAULT_WAIT,
        saved: Callable[[], None] | None = None,
        interactive: bool | None = None,
    ) -> None:
        self.out = out
        self.tx_hash = tx_hash
        self.patience = patience
        self._saved = saved
        self.interactive = _terminal() if interactive is None else interactive
        self._spinner: Spinner | None = None

    def __enter__(self) -> Watch:
        self._spin()
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self._unspin()
        if exc_type is None and self._saved is not None:
            self._saved()  # the receipt came: make it durable before it is reported

    def note(self, message: str) -> None:
        """A remark for the person waiting (an earlier run's transaction found, a replacement sent)."""
        self._unspin()
        self.out.say(f"  {message}")
        self._spin()

    def replace(self, stuck: Stuck, fees: dict[str, int]) -> bool:
        """Say why the transaction is not mined; on a terminal, offer to replace it with `fees` (same
        nonce). Without a terminal the answer is no: the caller then says how to replace it later."""
        from ..chain.pending import describe_fees
        from ..chain.units import fee_bound

        if not self.interactive:
            return False  # the caller's error says why and what to do
        self._unspin()
        self.out.say(f"  waiting  {stuck.tx_hash} is not mined after {stuck.waited:.0f} s: {stuck.reason()}")
        self.out.say(
            f"  replace  with {describe_fees(fees)}, the same nonce {stuck.nonce} (fee at most "
            f"{fee_bound(max(fees.values()) * stuck.gas)} ETH): only one of the two can be mined"
        )
        answer = click.confirm("  replace it?", default=False, err=True)
        self._spin()
        return answer

    def _spin(self) -> None:
        if self._spinner is None and not self.out.quiet and _stderr_terminal():
            self._spinner = Spinner()
            self._spinner.start()

    def _unspin(self) -> None:
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None


class Spinner:
    """`waiting for the receipt |`, redrawn on stderr until stopped (only used on a terminal)."""

    def __init__(self, label: str = "waiting for the receipt") -> None:
        self.label = label
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._spin, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        _draw("\r\033[K")

    def _spin(self) -> None:
        frames = "|/-\\"
        i = 0
        while not self._stop.wait(0.1):
            _draw(f"\r  {self.label} {frames[i % 4]}")
            i += 1


def _draw(text: str) -> None:
    try:
        print(text, end="", file=sys.stderr, flush=True)
    except (OSError, ValueError):  # the terminal went away: nothing to draw on
        pass


def _stderr_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _terminal() -> bool:
    """Whether a person can be asked: stdin and stderr are a terminal."""
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
