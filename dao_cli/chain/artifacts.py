"""The compiled contracts (ABI and bytecode) that ship inside the package.

The CLI needs no compiler and no Node at run time: `make compile` exports the build into
`dao_cli/chain/compiled/`, and these files are what the library deploys and talks to.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

ARTIFACTS_DIR = Path(__file__).resolve().parent / "compiled"

#: The contracts a cooperative is made of, the factory that creates it, the stateless contracts its
#: governor relies on (shared by every cooperative of a factory), and the ERC-1967 proxy each of a
#: cooperative's contracts lives behind (what the audit compares their code with), and the reader clients
#: run in a call to read many entries at once (never deployed).
CONTRACTS = (
    "CoopFactory",
    "CoopMembership",
    "CoopVotes",
    "CoopToken",
    "CoopGovernor",
    "CoopTimelock",
    "BallotBox",
    "ResolutionRules",
    "ERC1967Proxy",
    "CoopReader",
)


@cache
def load(name: str) -> dict[str, Any]:
    """Return the artifact of contract `name`: {"abi", "bytecode", "deployedBytecode"}."""
    path = ARTIFACTS_DIR / f"{name}.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        from ..errors import CoopError

        raise CoopError(f"no compiled artifact for {name} (run `make compile`)") from None


def abi(name: str) -> list[dict[str, Any]]:
    """The ABI of contract `name`."""
    return load(name)["abi"]


def bytecode(name: str) -> str:
    """The creation bytecode of contract `name`, 0x-prefixed."""
    return load(name)["bytecode"]


def param_type(param: dict[str, Any]) -> str:
    """The canonical ABI type of an ABI parameter, tuples spelled out: `(address,uint256)[]`."""
    kind = param["type"]
    if kind.startswith("tuple"):
        return "(" + ",".join(param_type(c) for c in param["components"]) + ")" + kind[5:]
    return kind


@cache
def items_by_selector(kind: str) -> dict[bytes, tuple[str, dict[str, Any]]]:
    """Every ABI item of `kind` ("function" or "error") in the shipped contracts, by its 4-byte selector,
    with the contract that declares it: how reverts and calldata are put into words."""
    from eth_utils import function_signature_to_4byte_selector

    table: dict[bytes, tuple[str, dict[str, Any]]] = {}
    for contract in CONTRACTS:
        for item in abi(contract):
            if item.get("type") == kind:
                types = ",".join(param_type(i) for i in item["inputs"])
                selector = function_signature_to_4byte_selector(f"{item['name']}({types})")
                table.setdefault(selector, (contract, item))
    return table
