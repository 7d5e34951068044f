"""The package ships the compiled contracts; they must be the ones the sources compile to."""

import json
from pathlib import Path

from dao_cli.chain import artifacts

BUILD = Path(__file__).resolve().parent.parent / "build" / "contracts"


def test_shipped_artifacts_match_the_sources():
    # brownie compiled contracts/ before the tests started, so build/ is current
    for name in artifacts.CONTRACTS:
        build = json.loads((BUILD / f"{name}.json").read_text())
        shipped = artifacts.load(name)
        stale = "stale: run `make compile` and commit dao_cli/chain/compiled/"
        assert shipped["bytecode"] == "0x" + build["bytecode"], f"{name} {stale}"
        assert shipped["deployedBytecode"] == "0x" + build["deployedBytecode"], f"{name} {stale}"
        assert shipped["abi"] == build["abi"], f"{name} {stale}"
