"""Where the CLI keeps the user's things: keystores, the address book, the local chains' state.

One folder, `$COOPDAO_HOME` if set, else `$XDG_DATA_HOME/coopdao` (`~/.local/share/coopdao`), so that a
test or a second identity can use a folder of its own.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The user's coopdao folder (created on first use)."""
    root = os.environ.get("COOPDAO_HOME")
    if root:
        path = Path(root)
    else:
        xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(xdg) / "coopdao"
    path.mkdir(parents=True, exist_ok=True)
    return path


def keystore_dir() -> Path:
    path = data_dir() / "keystores"
    path.mkdir(exist_ok=True)
    return path


def node_dir(kind: str) -> Path:
    path = data_dir() / "nodes" / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def address_book_path() -> Path:
    return data_dir() / "addressbook.json"
