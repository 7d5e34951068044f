"""The outbox: every transaction `coop` sends, noted before it is sent and kept until its outcome is known.

A command can end before it learns what became of a transaction it sent: Ctrl-C while it waits, a node
whose answer to the send was lost, a crash, a transaction that waits in the mempool. Running the command
again must not send it a second time (the deployment journal does this for the deployment's steps; the
outbox does it for every transaction). So each transaction is noted here, by chain, sender and nonce, with
its call (to, data, value) and its hashes (a replacement with a higher fee adds one; a node-signed
transaction whose answer was lost has none yet), before it is sent; it is taken out once its receipt has
been seen. A later send of the same call by the same sender on the same chain first looks for it (see
`transact`), and `coop tx list` shows what is left.

A JSON file in the data folder (`paths.data_dir()/outbox.json`), rewritten atomically under a lock, so two
`coop` processes at once never lose each other's entries. It holds no secret: what it notes is what the
transaction publishes anyway.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import paths
from ..errors import CoopError
from .locks import file_lock

LOCK_TIMEOUT = 10.0
#: The fields of a transaction that say what it does: two sends with equal ones are the same call.
CALL_FIELDS = ("to", "data", "value")


def call_of(tx: dict[str, Any]) -> dict[str, Any]:
    """What a transaction dict does, in the outbox's normalised form (lower-case hex, int value)."""
    to = tx.get("to")
    data = tx.get("data") or tx.get("input") or "0x"
    if isinstance(data, (bytes, bytearray)):
        data = "0x" + bytes(data).hex()
    return {
        "to": str(to).lower() if to else None,
        "data": str(data).lower(),
        "value": int(tx.get("value") or 0),
    }


class Outbox:
    """The file of unfinished transactions. Entries are plain dicts:

    {"chain_id", "from", "nonce", "to", "data", "value", "gas", "fees": {maxFeePerGas, ...} or
     {"gasPrice"}, "hashes": [...], "block": the head when it was sent, "sent_at": unix seconds}
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.data_dir() / "outbox.json"

    # ------------------------------------------------------------------ reading

    def entries(self, chain_id: int | None = None, sender: str | None = None) -> list[dict[str, Any]]:
        """The unfinished transactions, oldest first, of one chain and sender if given."""
        found = [
            entry
            for entry in self._load()
            if (chain_id is None or entry["chain_id"] == chain_id)
            and (sender is None or entry["from"].lower() == sender.lower())
        ]
        return sorted(found, key=lambda e: (e["chain_id"], e["from"], e["nonce"]))

    def find(self, chain_id: int, tx_hash: str) -> dict[str, Any] | None:
        """The entry one of whose hashes is `tx_hash`."""
        wanted = tx_hash.lower()
        for entry in self.entries(chain_id):
            if wanted in (h.lower() for h in entry["hashes"]):
                return entry
        return None

    def same_call(self, chain_id: int, sender: str, tx: dict[str, Any]) -> list[dict[str, Any]]:
        """Unfinished transactions of `sender` on `chain_id` that do what `tx` does."""
        call = call_of(tx)
        return [e for e in self.entries(chain_id, sender) if all(e[k] == call[k] for k in CALL_FIELDS)]

    # ------------------------------------------------------------------ writing

    def note(self, chain_id: int, tx: dict[str, Any], block: int, tx_hash: str | None = None) -> None:
        """Note `tx` (with its nonce) before it is sent; `tx_hash` when it is known beforehand (signed
        here). An entry for the same chain, sender and nonce is replaced: a nonce is mined only once."""
        entry = {
            "chain_id": chain_id,
            "from": str(tx["from"]),
            "nonce": int(tx["nonce"]),
            **call_of(tx),
            "gas": int(tx.get("gas") or 0),
            "fees": _fees(tx),
            "hashes": [tx_hash] if tx_hash else [],
            "block": block,
            "sent_at": int(time.time()),
        }
        with self._editing() as entries:
            entries[:] = [e for e in entries if _key(e) != _key(entry)]
            entries.append(entry)

    def add_hash(self, chain_id: int, sender: str, nonce: int, tx_hash: str, tx: dict[str, Any]) -> None:
        """A hash for the entry of (`chain_id`, `sender`, `nonce`): the node's answer to a send, or a
        replacement with other fees (then `tx` carries those)."""
        with self._editing() as entries:
            for entry in entries:
                if _key(entry) == (chain_id, sender.lower(), nonce):
                    if tx_hash.lower() not in (h.lower() for h in entry["hashes"]):
                        entry["hashes"].append(tx_hash)
                    entry["fees"] = _fees(tx)

    def finish(self, chain_id: int, sender: str, nonce: int) -> None:
        """Take out the entry of (`chain_id`, `sender`, `nonce`): its outcome is known."""
        with self._editing() as entries:
            entries[:] = [e for e in entries if _key(e) != (chain_id, sender.lower(), nonce)]

    # ------------------------------------------------------------------ the file

    def _load(self) -> list[dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return []
        except (OSError, ValueError):
            raise CoopError(f"the outbox {self.path} is unreadable; fix or remove it") from None
        entries = data.get("transactions") if isinstance(data, dict) else None
        return [e for e in entries or [] if isinstance(e, dict)]

    @contextlib.contextmanager
    def _editing(self) -> Iterator[list[dict[str, Any]]]:
        """The entries, to change in place; written back atomically, under a lock held meanwhile."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with file_lock(self.path.with_name(self.path.name + ".lock"), LOCK_TIMEOUT):
            entries = self._load()
            yield entries
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".outbox-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w") as handle:
                    json.dump({"transactions": entries}, handle, indent=2, sort_keys=True)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)


def _key(entry: dict[str, Any]) -> tuple[int, str, int]:
    return entry["chain_id"], entry["from"].lower(), entry["nonce"]


def _fees(tx: dict[str, Any]) -> dict[str, int]:
    names = ("maxFeePerGas", "maxPriorityFeePerGas") if "maxFeePerGas" in tx else ("gasPrice",)
    return {name: int(tx[name]) for name in names if tx.get(name) is not None}
