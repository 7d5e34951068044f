"""`scripts/deploy.py` creates a cooperative from a statute file on the connected network."""

import importlib.util
from pathlib import Path

import yaml
from brownie import CoopMembership, accounts, web3

ROOT = Path(__file__).resolve().parent.parent


def load_script():
    spec = importlib.util.spec_from_file_location("deploy_script", ROOT / "scripts" / "deploy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_deploy_script_creates_a_cooperative_from_a_statute_file(tmp_path):
    statute = yaml.safe_load((ROOT / "scripts" / "sample_statute.yaml").read_text())
    statute["founders"] = [a.address for a in accounts[4:7]]
    statute["board"] = accounts[4].address
    path = tmp_path / "statute.yaml"
    path.write_text(yaml.safe_dump(statute))

    result = load_script().main(str(path))
    assert result["chain_id"] == web3.eth.chain_id
    assert set(result["coop"]) == {"membership", "token", "governor", "timelock"}
    membership = CoopMembership.at(result["coop"]["membership"])
    assert membership.memberCount() == 3
    assert membership.board() == accounts[4]
    assert membership.governance() == result["coop"]["timelock"]
