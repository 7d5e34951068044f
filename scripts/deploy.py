"""Deploy a cooperative from a statute file to any brownie network.

    brownie run scripts/deploy.py main STATUTE.yaml [FACTORY] --network NAME

On a development network the first unlocked account pays; elsewhere set COOP_ACCOUNT to the name of a
brownie account (`brownie accounts list`). Without FACTORY a new factory is deployed first.
"""

import json
import os

from brownie import accounts, network, web3

from dao_cli.deploy import create_cooperative, deploy_factory
from dao_cli.errors import CoopError
from dao_cli.statute import load_statute
from dao_cli.transact import Sender


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


def main(statute_path: str, factory: str | None = None) -> dict:
    statute = load_statute(statute_path)
    sender = deployer()
    if factory is None:
        factory = deploy_factory(web3, sender)
        print(f"factory deployed at {factory}")
    deployment = create_cooperative(web3, sender, factory, statute)
    print(json.dumps(deployment.as_json(), indent=2))
    return deployment.as_json()
