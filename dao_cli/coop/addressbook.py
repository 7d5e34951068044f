"""The address book: which cooperatives the user deployed or follows, on which chain, and the factory
deployed on each chain. Later commands find a cooperative by name (`--coop NAME`, or the only one on the
chain) and refuse to send when the connected chain is not the one the cooperative lives on.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from ..errors import CoopError
from ..paths import address_book_path

_SPELLED = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa", "œ": "oe"}


def slug(name: str) -> str:
    """The address book's name for a cooperative, its letters kept: "Bäckerei Süd eG" -> baeckerei-sued-eg
    (umlauts as German spells them without, other accents dropped)."""
    import unicodedata

    text = "".join(_SPELLED.get(c, c) for c in name.lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "coop"


class AddressBook:
    """A small JSON file, rewritten atomically so an interrupted command never leaves it half-written."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or address_book_path()
        try:
            self.data: dict[str, Any] = json.loads(self.path.read_text())
        except FileNotFoundError:
            self.data = {}
        except (OSError, ValueError):
            raise CoopError(f"the address book {self.path} is unreadable; fix or remove it") from None
        self.data.setdefault("coops", {})
        self.data.setdefault("factories", {})
        self.data.setdefault("pending", {})

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".addressbook-")
        with os.fdopen(fd, "w") as handle:
            json.dump(self.data, handle, indent=2, sort_keys=True)
        os.replace(tmp, self.path)

    # cooperatives ------------------------------------------------------------

    def coops(self) -> dict[str, dict[str, Any]]:
        return self.data["coops"]

    def add_coop(self, name: str, entry: dict[str, Any]) -> None:
        self.data["coops"][name] = entry
        self.save()

    def remove_coop(self, name: str) -> None:
        self.data["coops"].pop(name, None)
        self.save()

    def find(self, name: str | None, chain_id: int) -> tuple[str, dict[str, Any]]:
        """The cooperative `name`, or the only one on `chain_id` when no name is given."""
        coops = self.coops()
        if name is not None:
            if name in coops:
                return name, coops[name]
            # the display name works too ("Bäckerei Süd eG" for baeckerei-sued-eg), or its slug
            wanted = {name.casefold(), slug(name)}
            matches = [
                n for n, e in coops.items() if str(e.get("name", "")).casefold() in wanted or n in wanted
            ]
            if len(matches) == 1:
                return matches[0], coops[matches[0]]
            known = ", ".join(sorted(coops)) or "none"
            raise CoopError(f"no cooperative named {name!r} in the address book (known: {known})")
        here = {n: e for n, e in coops.items() if e.get("chain_id") == chain_id}
        if len(here) == 1:
            return next(iter(here.items()))
        if not here:
            raise CoopError(f"no cooperative on chain {chain_id} in the address book: deploy one or add it")
        raise CoopError(
            f"several cooperatives on chain {chain_id} ({', '.join(sorted(here))}): use --coop NAME"
        )

    # factories and interrupted deployments ----------------------------------------

    def factory(self, chain_id: int) -> str | None:
        """The factory deployed on `chain_id`, if any."""
        return self.data["factories"].get(str(chain_id))

    def set_factory(self, chain_id: int, address: str) -> None:
        self.data["factories"][str(chain_id)] = address
        self.save()

    def journal(self, chain_id: int, scope: str) -> Journal:
        """The transactions a deployment sent on `chain_id`, kept until it completes (see deploy.Journal)."""
        return Journal(self, f"{chain_id}/{scope}")

    def clear_journal(self, chain_id: int, scope: str) -> None:
        self.data["pending"].pop(f"{chain_id}/{scope}", None)
        self.save()


class Journal:
    """One deployment's sent transactions, saved with the address book as soon as each is sent."""

    def __init__(self, book: AddressBook, key: str) -> None:
        self.book = book
        self.key = key

    def get(self, step: str) -> str | None:
        return self.book.data["pending"].get(self.key, {}).get(step)

    def put(self, step: str, tx_hash: str) -> None:
        self.book.data["pending"].setdefault(self.key, {})[step] = tx_hash
        self.book.save()

    def steps(self) -> dict[str, str]:
        return dict(self.book.data["pending"].get(self.key, {}))
