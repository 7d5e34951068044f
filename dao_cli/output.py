"""What the CLI prints: one JSON document on stdout in `--json` mode, words otherwise; messages to stderr.

Commands return their result as a dict (the stable JSON shape) plus the lines a person reads, so the two
modes never drift apart.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Output:
    json_mode: bool = False
    quiet: bool = False
    _emitted: bool = field(default=False, repr=False)

    def say(self, message: str) -> None:
        """A message for the person at the terminal (stderr, so stdout stays parseable)."""
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)

    def result(self, data: Any, text: str | list[str] | None = None) -> None:
        """The command's result: `data` as JSON in --json mode, else `text` (or a plain rendering)."""
        self._emitted = True
        if self.json_mode:
            print(json.dumps(data, indent=2, sort_keys=False, default=_jsonable))
            return
        if text is None:
            text = render(data)
        if isinstance(text, list):
            text = "\n".join(text)
        print(text)


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


def date(timestamp: int | None) -> str:
    """A block timestamp as people read it ("2026-11-25 09:04Z", UTC), or "-": the audit tables' style."""
    from .tabular import iso_time

    return iso_time(timestamp) or "-"
