"""Rows as a terminal table, CSV, JSON or Markdown: the `--format` of the audit commands.

A table is a list of rows (dicts) and the columns to show (`Column`: key, title, kind). The kind says how a
value reads for people:

- `amount`: base units (wei) in human units (`decimals`) in table and markdown, raw integers in CSV/JSON;
- `time`: unix timestamps as ISO dates and times in UTC in table, markdown and CSV, raw integers in JSON;
  `date` the same, but only the day in table and markdown (CSV keeps the time);
- `int`, `bool`, `list` (joined with "; "), `json` (compact JSON in text formats), and `text`, `address` and
  `hash` (text; the HTML report shows the last two in monospace, hashes shortened).

`render(rows, columns, fmt)` is the one call the commands make. CSV and JSON use the column keys as headers
(stable names for programs); table and markdown use the titles.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..chain.units import iso_time

FORMATS = ("table", "csv", "json", "markdown")
KINDS = ("text", "address", "hash", "int", "amount", "time", "date", "bool", "list", "json")
_RIGHT_ALIGNED = ("int", "amount")


@dataclass(frozen=True)
class Column:
    """One column: the row's `key`, its `title`, and how its values read (`kind`).

    `decimals` (amount columns) is an int, or a function of the row for columns whose rows mix assets.
    """

    key: str
    title: str = ""
    kind: str = "text"
    decimals: int | Callable[[dict], int] = 18

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key!r}: unknown kind {self.kind!r} (one of {', '.join(KINDS)})")
        if not self.title:
            object.__setattr__(self, "title", self.key)

    def decimals_for(self, row: dict) -> int:
        return self.decimals(row) if callable(self.decimals) else self.decimals


ColumnSpec = Column | str | tuple


def columns_of(specs: Iterable[ColumnSpec]) -> list[Column]:
    """Columns from `Column`s, bare keys, or tuples `(key, title[, kind[, decimals]])`."""
    result = []
    for spec in specs:
        if isinstance(spec, Column):
            result.append(spec)
        elif isinstance(spec, str):
            result.append(Column(spec))
        else:
            result.append(Column(*spec))
    return result


def render(rows: Sequence[dict], columns: Iterable[ColumnSpec], fmt: str = "table") -> str:
    """`rows` in the format `fmt` (table, csv, json or markdown)."""
    cols = columns_of(columns)
    if fmt == "table":
        return to_table(rows, cols)
    if fmt == "csv":
        return to_csv(rows, cols)
    if fmt == "json":
        return to_json(rows, cols)
    if fmt == "markdown":
        return to_markdown(rows, cols)
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


# --------------------------------------------------------------------------- one value


def human(value: Any, column: Column, row: dict | None = None) -> str:
    """A value as people read it (table, markdown, HTML): amounts in human units, times as UTC dates."""
    if value is None or value == "":
        return "-"
    if column.kind == "amount":
        return amount(value, column.decimals_for(row or {}))
    if column.kind in ("time", "date"):
        return iso_time(value, day_only=column.kind == "date") or "-"
    if column.kind == "bool":
        return "yes" if value else "no"
    return plain(value) or "-"


def machine(value: Any, column: Column) -> str:
    """A value as a CSV cell: amounts as raw integers, times as ISO 8601 in UTC, nothing as empty."""
    if value is None:
        return ""
    if column.kind in ("time", "date"):
        return iso_time(value, precise=True)
    if column.kind == "bool":
        return "true" if value else "false"
    return plain(value)


def plain(value: Any) -> str:
    """Any other value as text: lists joined with "; ", dicts as compact JSON, bytes as hex."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, (list, tuple)):
        return "; ".join(plain(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), default=_jsonable, ensure_ascii=False)
    return str(value)


def amount(value: int, decimals: int = 18) -> str:
    """Base units in human units with thousands separators: 1234500000000000000000 -> "1,234.5"."""
    text = format(Decimal(int(value)).scaleb(-decimals), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    grouped = f"{int(whole):,}"
    return f"{sign}{grouped}.{fraction}" if fraction else f"{sign}{grouped}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return str(value)


# --------------------------------------------------------------------------- the four formats


def to_table(rows: Sequence[dict], columns: list[Column]) -> str:
    """Aligned plain text for a terminal: titles, a rule, one line a row; numbers right-aligned."""
    grid = [[_terminal_safe(col.title) for col in columns]]
    grid += [[_terminal_safe(human(row.get(col.key), col, row)) for col in columns] for row in rows]
    widths = [max(_width(line[i]) for line in grid) for i in range(len(columns))]
    lines = []
    for n, line in enumerate(grid):
        cells = [
            _pad(cell, widths[i], right=n > 0 and columns[i].kind in _RIGHT_ALIGNED)
            for i, cell in enumerate(line)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def to_csv(rows: Sequence[dict], columns: list[Column]) -> str:
    """RFC 4180 CSV (quoted where needed, CRLF line ends), a header of column keys, raw amounts."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([col.key for col in columns])
    for row in rows:
        writer.writerow([machine(row.get(col.key), col) for col in columns])
    return buffer.getvalue()


def to_json(rows: Sequence[dict], columns: list[Column]) -> str:
    """A JSON array of objects with the columns' keys, values as they are (amounts as integers)."""
    data = [{col.key: row.get(col.key) for col in columns} for row in rows]
    return json.dumps(data, indent=2, default=_jsonable, ensure_ascii=False)


def to_markdown(rows: Sequence[dict], columns: list[Column]) -> str:
    """A GitHub-flavoured Markdown table; `|` escaped, line breaks as spaces, numbers right-aligned."""
    header = "| " + " | ".join(_markdown_cell(col.title) for col in columns) + " |"
    rule = "|" + "|".join("---:" if col.kind in _RIGHT_ALIGNED else "---" for col in columns) + "|"
    lines = [header, rule]
    for row in rows:
        cells = [_markdown_cell(human(row.get(col.key), col, row)) for col in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _markdown_cell(text: str) -> str:
    text = " ".join(text.splitlines())
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _terminal_safe(text: str) -> str:
    """Control and bidi-formatting characters (escape sequences, text direction overrides) made visible,
    so a title written on chain cannot move the cursor or reorder what the terminal shows."""
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf") and char != "\u200d":
            out.append("\\t" if char == "\t" else char.encode("unicode_escape").decode("ascii"))
        else:
            out.append(char)
    return "".join(out)


def _width(text: str) -> int:
    """Terminal columns taken by `text`: wide (East Asian) characters count two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill
