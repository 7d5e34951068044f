"""What the CLI prints: one JSON document on stdout in `--json` mode, words otherwise; messages to stderr.

Commands return their result as a dict (the stable JSON shape) plus the lines a person reads, so the two
modes never drift apart.

A reader may go away before the output is written (`coop fund 1 --yes | head -1`): after a transaction has
been sent, that must not turn its outcome into a failure (a script would send it again). So every write
goes through `write`, which takes a closed pipe (EPIPE) as "nobody reads this any more": the stream is
pointed at the null device, and the command ends as it would have, with the transaction's outcome as its
exit code.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO


@dataclass
class Output:
    json_mode: bool = False
    quiet: bool = False
    _emitted: bool = field(default=False, repr=False)

    def say(self, message: str) -> None:
        """A message for the person at the terminal (stderr, so stdout stays parseable)."""
        if not self.quiet:
            write(sys.stderr, message + "\n")

    def result(self, data: Any, text: str | list[str] | None = None) -> None:
        """The command's result: `data` as JSON in --json mode, else `text` (or a plain rendering)."""
        self._emitted = True
        if self.json_mode:
            write(sys.stdout, json.dumps(data, indent=2, sort_keys=False, default=_jsonable) + "\n")
            return
        if text is None:
            text = render(data)
        if isinstance(text, list):
            text = "\n".join(text)
        write(sys.stdout, text + "\n")


def write(stream: TextIO, text: str) -> None:
    """Write and flush `text`; a reader that has gone away silences the stream instead of failing."""
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        silence(stream)


class QuietStream:
    """A text stream (sys.stdout, sys.stderr) whose writes and flushes take a reader that has gone away as
    the end of reading, not as a failure; everything else is the stream's own. `coop` puts its output streams
    behind it, so click's messages and any print are covered too."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            silence(self._stream)
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            silence(self._stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def silence(stream: TextIO) -> None:
    """Point `stream` at the null device: what is still buffered, or written later (click's messages, the
    interpreter's last flush), goes nowhere instead of raising BrokenPipeError again."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())
        finally:
            os.close(null)


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if hasattr(value, "as_json"):
        return value.as_json()
    return str(value)


def render(data: Any, indent: int = 0) -> str:
    """A plain `key: value` rendering of a result for people."""
    pad = "  " * indent
    if isinstance(data, dict):
        lines = []
        for key, value in data.items():
            if isinstance(value, (dict, list)) and value:
                lines.append(f"{pad}{key}:")
                lines.append(render(value, indent + 1))
            else:
                lines.append(f"{pad}{key}: {_scalar(value)}")
        return "\n".join(lines)
    if isinstance(data, list):
        return "\n".join(
            render(item, indent) if isinstance(item, (dict, list)) else f"{pad}- {_scalar(item)}"
            for item in data
        )
    return f"{pad}{_scalar(data)}"


def _scalar(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if value is None:
        return "-"
    return str(value)
