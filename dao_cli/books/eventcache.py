"""The SQLite file behind the chain reader: decoded events and the complete block ranges per key, and the
blocks and transaction senders seen.

Kept apart from the reader because it is the part that must survive a crash: each scan step is stored in
one transaction, so an interrupted audit keeps what it finished, and the schema number lets a newer
release start afresh instead of misreading an older file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..errors import CoopError

T = TypeVar("T")


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
        for part in chunks(list(keys), 500):
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


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def chunks(items: list[T], size: int) -> Iterator[list[T]]:
    """`items` in consecutive lists of at most `size`."""
    for i in range(0, len(items), size):
        yield items[i : i + size]
