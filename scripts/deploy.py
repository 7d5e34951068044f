"""Deploy a cooperative from a statute file to any brownie network.

    brownie run scripts/deploy.py main STATUTE.yaml [FACTORY|-] [OUT] --network NAME

The deployment is written to OUT (default `deployment.json`) in the shape `coop --json deploy` prints, so
`coop add NAME OUT` takes it; brownie's own messages go to the terminal, never into that file.

On a development network the first unlocked account pays; elsewhere set COOP_ACCOUNT to the name of a
brownie account (`brownie accounts list`). Without FACTORY (or with `-`) a new factory is deployed first.

A development network that brownie starts itself (such as `anvil`) ends when the script does, and the
cooperative with it. To keep it, deploy to a chain that outlives brownie: a live network in brownie's list,
e.g. the chain `coop node start` runs, added once with
`brownie networks add Ethereum coop-local host=http://127.0.0.1:PORT chainid=31337`; or use
`coop deploy STATUTE.yaml`.
"""

import json
import os
import sys
from pathlib import Path

from brownie import accounts, network, web3

from dao_cli.chain.transact import Sender
from dao_cli.coop.deploy import create_cooperative, deploy_factory
from dao_cli.coop.statute import load_statute
from dao_cli.errors import CoopError


def deployer() -> Sender:
    """The account that pays: a named brownie account, or the first development account."""
    name = os.environ.get("COOP_ACCOUNT")
    if name:
        account = accounts.load(name)
        from eth_account import Account

        return Sender.local(Account.from_key(account.private_key))
    if not network.is_connected() or not accounts:
        raise CoopError("no account to deploy with: set COOP_ACCOUNT to a brownie account name")
    return Sender(accounts[0].address)


def main(statute_path: str, factory: str | None = None, out: str = "deployment.json") -> dict:
    statute = load_statute(statute_path)
    if factory in ("-", "", "None"):  # brownie passes every argument as text
        factory = None
    sender = deployer()
    if network.rpc.is_active() and network.rpc.is_child():
        print(
            f"note: brownie started the chain of network {network.show_active()!r} itself and stops it when "
            "this script ends, so the cooperative lasts only as long as the script; deploy to a chain that "
            "outlives brownie (or use `coop deploy`) to keep it",
            file=sys.stderr,
        )
    if factory is None:
        factory = deploy_factory(web3, sender)
        print(f"factory deployed at {factory}")
    deployment = create_cooperative(web3, sender, factory, statute)
    document = {**deployment.as_json(), "name": statute.name}
    Path(out).write_text(json.dumps(document, indent=2) + "\n")
    print(f"{statute.name} is founded on chain {deployment.chain_id}: wrote {out} (`coop add NAME {out}`)")
    return document
