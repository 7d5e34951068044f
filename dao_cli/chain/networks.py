"""Named networks, as brownie users know them: `--network NAME` finds NAME in brownie's network list
(`~/.brownie/network-config.yaml`) or in a `brownie-config.yaml` in the current folder, and connects to its
host. Environment variables in hosts (`$WEB3_INFURA_PROJECT_ID`, `${PORT:-8545}`) are expanded.

`anvil` and `ganache` never come here: they are the chains `coop` runs itself (see node.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ..errors import CoopError

_VARIABLE = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)")


def _expand(text: str, network: str) -> str:
    """`$VAR`, `${VAR}` and `${VAR:-default}` from the environment; an unset variable is an error."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        found = os.environ.get(name) or match.group(2)
        if found is None:
            raise CoopError(f"network {network!r} needs the environment variable {name}")
        return found

    return _VARIABLE.sub(value, str(text))


def _load(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, yaml.YAMLError):
        raise CoopError(f"{path} is unreadable") from None
    return data if isinstance(data, dict) else {}


def _brownie_networks() -> dict[str, dict[str, Any]]:
    """Brownie's networks by id: the live and development lists of its network-config.yaml."""
    data = _load(Path.home() / ".brownie" / "network-config.yaml")
    found: dict[str, dict[str, Any]] = {}
    for group in data.get("live") or []:
        for network in group.get("networks") or []:
            found[str(network.get("id"))] = network
    for network in data.get("development") or []:
        found[str(network.get("id"))] = network
    return found


def network_url(name: str) -> str:
    """The JSON-RPC URL of the network `name` (project settings win over brownie's)."""
    networks = _brownie_networks()
    project = (_load(Path.cwd() / "brownie-config.yaml").get("networks") or {}).get(name) or {}
    network = {**networks.get(name, {}), **{k: v for k, v in project.items() if k == "host"}}
    settings = {**(networks.get(name, {}).get("cmd_settings") or {}), **(project.get("cmd_settings") or {})}
    if not network.get("host"):
        known = ", ".join(sorted(["anvil", "ganache", *networks])) or "anvil, ganache"
        raise CoopError(f"unknown network {name!r} (known: {known}); or give --rpc-url URL")
    host = _expand(network["host"], name).rstrip("/")
    port = settings.get("port")
    if port is not None and re.fullmatch(r"https?://[^/:]+", host):
        host = f"{host}:{_expand(str(port), name)}"
    return host
