"""`make demo`: the cooperative's main job on a local chain, told step by step (see dao_cli/coop/demo.py)."""

from brownie import accounts, web3

from dao_cli.coop.demo import run_demo


def main():
    run_demo(web3, [a.address for a in accounts[:8]])
