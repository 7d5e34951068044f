"""The storage layout of the five contracts behind a cooperative's proxies, against a committed snapshot.

    python toolchain/storage_layout.py --solc PATH_TO_SOLC [--write]

A cooperative moves to corrected code by pointing its proxies at a new implementation; the storage stays.
The new code must therefore find every variable where the old code left it: a variable moved, retyped or
removed would read one member's capital as another's. The snapshot (contracts/storage-layout.json) is the
layout of the code the cooperatives already run. The check passes when each contract's layout begins with
its snapshot, variable by variable (name, slot, offset, type), and so does each struct it stores: new
variables and struct members may only come after the old ones. `--write` records the current layout as the
new snapshot once a change is checked to be such an extension (the check then passes against it).
OpenZeppelin's upgradeable building blocks keep their variables in their own namespaced slots (ERC-7201),
which the layout does not list and nothing here moves.

Exit status: 0 the layouts extend the snapshot, 1 they do not, 2 the compiler failed.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "contracts" / "storage-layout.json"
#: The contracts behind a cooperative's proxies, by their source file.
SOURCES = {
    "CoopMembership": "contracts/membership/CoopMembership.sol",
    "CoopVotes": "contracts/votes/CoopVotes.sol",
    "CoopToken": "contracts/token/CoopToken.sol",
    "CoopGovernor": "contracts/governance/CoopGovernor.sol",
    "CoopTimelock": "contracts/governance/CoopTimelock.sol",
}


class CompilerFailed(Exception):
    """solc did not give the layouts."""


def _type_name(type_id: str) -> str:
    """A storage type without the AST ids the compiler puts into it (they change with every edit)."""
    return re.sub(r"\)\d+", ")", type_id)


def layouts(solc: str) -> dict[str, list[dict[str, Any]]]:
    """Each contract's storage variables, in order: [{"label", "slot", "offset", "type"}], and under
    `Contract.t_struct(Name)_storage` the members of each struct it stores."""
    request = {
        "language": "Solidity",
        "sources": {path: {"urls": [path]} for path in SOURCES.values()},
        "settings": {
            "remappings": ["@openzeppelin/=node_modules/@openzeppelin/"],
            "outputSelection": {path: {name: ["storageLayout"]} for name, path in SOURCES.items()},
        },
    }
    done = subprocess.run(
        [solc, "--standard-json", "--base-path", str(ROOT), "--allow-paths", str(ROOT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    try:
        output = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise CompilerFailed(f"the compiler gave no answer: {done.stderr.strip()}") from None
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors or "contracts" not in output:
        raise CompilerFailed("; ".join(e["formattedMessage"] for e in errors) or "no contracts compiled")
    result = {}
    for name, path in SOURCES.items():
        layout = output["contracts"][path][name]["storageLayout"]
        result[name] = [_variable(v) for v in layout["storage"]]
        # the members of every struct it stores, as variables of the struct's own
        for type_id, kind in sorted((layout.get("types") or {}).items()):
            if kind.get("members") is not None:
                result[f"{name}.{_type_name(type_id)}"] = [_variable(v) for v in kind["members"]]
    return result


def _variable(v: dict[str, Any]) -> dict[str, Any]:
    return {"label": v["label"], "slot": int(v["slot"]), "offset": v["offset"], "type": _type_name(v["type"])}


def problems(snapshot: dict[str, list[dict[str, Any]]], now: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Where the current layouts do not begin with the snapshot's, in words."""
    found = []
    for name, old in snapshot.items():
        new = now.get(name, [])
        for position, variable in enumerate(old):
            here = new[position] if position < len(new) else None
            if here != variable:
                now_there = "gone" if here is None else f"now {_where(here)}"
                found.append(f"{name}: {_where(variable)} is {now_there}")
                break
    return found


def _where(v: dict[str, Any]) -> str:
    return f"{v['label']} ({v['type']}, slot {v['slot']}, offset {v['offset']})"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--solc", required=True, help="the solc executable")
    parser.add_argument("--write", action="store_true", help="record the current layouts as the snapshot")
    args = parser.parse_args()
    try:
        now = layouts(args.solc)
    except CompilerFailed as exc:
        print(f"storage layout: {exc}", file=sys.stderr)
        return 2
    if args.write:
        SNAPSHOT.write_text(json.dumps(now, indent=1) + "\n")
        print(f"storage layout: wrote {SNAPSHOT.relative_to(ROOT)}")
        return 0
    found = problems(json.loads(SNAPSHOT.read_text()), now)
    for line in found:
        print(line)
    summary = f"{len(found)} problem(s)" if found else "the layouts extend the snapshot"
    print(f"storage layout: {summary}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
