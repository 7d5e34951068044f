"""`scripts/deploy.py` creates a cooperative from a statute file on the connected network."""

import importlib.util
import json
from pathlib import Path

from brownie import CoopMembership, accounts, web3

from dao_cli.coop.statute import statute_template

ROOT = Path(__file__).resolve().parent.parent


def load_script():
    spec = importlib.util.spec_from_file_location("deploy_script", ROOT / "scripts" / "deploy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_deploy_script_creates_a_cooperative_from_a_statute_file(tmp_path, run_coop):
    path = tmp_path / "statute.yaml"
    path.write_text(statute_template("Solarpark Nord eG", [a.address for a in accounts[4:7]]))
    out = tmp_path / "deployment.json"

    result = load_script().main(str(path), None, str(out))
    assert result["chain_id"] == web3.eth.chain_id
    assert set(result["coop"]) == {"membership", "votes", "token", "governor", "timelock"}
    membership = CoopMembership.at(result["coop"]["membership"])
    assert membership.memberCount() == 3
    assert membership.board() == accounts[4]
    assert membership.governance() == result["coop"]["timelock"]
    # the file holds the deployment alone, as `coop add` takes it
    assert json.loads(out.read_text()) == result
    added = run_coop("--json", "add", "solarpark", out).json()
    assert added["coop"] == result["coop"]
