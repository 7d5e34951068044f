"""Copy the ABI and bytecode of the cooperative's contracts from brownie's build into the package.

The `coop` command ships these files so that it needs no compiler and no Node at run time. Run after
`brownie compile` (``make compile`` does both). With ``--check``, write nothing and exit 1 when the shipped
files differ from the build, so a stale package is caught.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dao_cli.chain.artifacts import ARTIFACTS_DIR, CONTRACTS  # noqa: E402

BUILD = ROOT / "build" / "contracts"


def exported(name: str) -> str:
    """The shipped JSON text for contract `name`, from brownie's build."""
    build = json.loads((BUILD / f"{name}.json").read_text())
    data = {
        "contractName": name,
        "compiler": build["compiler"],
        "abi": build["abi"],
        "bytecode": "0x" + build["bytecode"],
        "deployedBytecode": "0x" + build["deployedBytecode"],
    }
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when stale")
    args = parser.parse_args()
    stale = []
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    for name in CONTRACTS:
        text = exported(name)
        path = ARTIFACTS_DIR / f"{name}.json"
        if path.exists() and path.read_text() == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text)
    if args.check and stale:
        print(f"shipped artifacts are stale: {', '.join(stale)} (run `make compile`)", file=sys.stderr)
        return 1
    if stale and not args.check:
        print(f"exported {', '.join(stale)} to {ARTIFACTS_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
