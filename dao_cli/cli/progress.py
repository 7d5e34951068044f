"""A progress bar on stderr for long chain scans.

It is drawn only on a terminal and never in `--quiet` (or `--json`) mode, so that piped output, logs and CI
stay clean; stdout is never touched, so a command's result stays parseable. An instance is the
`progress(done, total)` callback `ChainReader.events` takes.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO


class ProgressBar:
    """`reading the chain [#########.........]  31%  15,500/50,000 blocks  ~12 s left`, redrawn in place.

    Redraws are throttled to `interval` seconds (the last one, at 100 %, always happens); `close()` (or the
    end of a `with` block) wipes the line, or ends it with a newline when `leave` is set.
    """

    def __init__(
        self,
        label: str = "reading the chain",
        *,
        unit: str = "blocks",
        quiet: bool = False,
        stream: TextIO | None = None,
        interval: float = 0.1,
        leave: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and _is_terminal(self.stream)
        self.interval = interval
        self.leave = leave
        self._clock = clock
        self._started: float | None = None
        self._last_draw = float("-inf")
        self._width = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = self._clock()
        if self._started is None:
            self._started = now
            self._first_done = done
        finished = total > 0 and done >= total
        if not finished and now - self._last_draw < self.interval:
            return
        self._last_draw = now
        self._draw(self.render(done, total, now - self._started))

    def render(self, done: int, total: int, elapsed: float = 0.0) -> str:
        """The bar's text for `done` of `total`, fitted to the terminal's width."""
        columns = shutil.get_terminal_size((80, 24)).columns
        fraction = min(1.0, done / total) if total > 0 else 1.0
        counts = f"{fraction:4.0%}  {done:,}/{total:,} {self.unit}"
        rate_done = done - getattr(self, "_first_done", 0)
        if 0 < fraction < 1 and elapsed > 1 and rate_done > 0:
            counts += f"  ~{_duration(elapsed * (total - done) / rate_done)} left"
        room = columns - len(self.label) - len(counts) - 6
        width = max(10, min(40, room))
        filled = int(round(fraction * width))
        line = f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {counts}"
        return line[: max(1, columns - 1)]

    def _draw(self, line: str) -> None:
        pad = " " * max(0, self._width - len(line))
        self.stream.write("\r" + line + pad)
        self.stream.flush()
        self._width = len(line)

    def close(self) -> None:
        """End the bar: wipe its line (or keep it, with `leave`), so what follows starts on a clean line."""
        if not self.enabled or not self._width:
            return
        if self.leave:
            self.stream.write("\n")
        else:
            self.stream.write("\r" + " " * self._width + "\r")
        self.stream.flush()
        self._width = 0

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 5400:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
