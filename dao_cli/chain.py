"""Talking to a chain: a web3 connection and the development-chain helpers a demo or a test needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import CoopError

if TYPE_CHECKING:
    from web3 import Web3


def connect(rpc_url: str, timeout: float = 30) -> Web3:
    """A web3 connection to `rpc_url`, checked to answer."""
    from web3 import HTTPProvider, Web3

    w3 = Web3(HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}))
    try:
        w3.eth.chain_id  # noqa: B018  (the first request proves the endpoint answers)
    except Exception:
        raise CoopError(f"cannot reach an Ethereum node at {rpc_url}") from None
    return w3


def advance_time(w3: Web3, seconds: int) -> int:
    """Move a development chain's clock on by `seconds` and mine a block; return the new block's time.

    Anvil and Ganache both answer `evm_increaseTime` and `evm_mine`; a public chain refuses them.
    """
    response = w3.provider.make_request("evm_increaseTime", [int(seconds)])
    if "error" in response:
        raise CoopError(f"this chain cannot move its clock: {response['error'].get('message')}")
    w3.provider.make_request("evm_mine", [])
    return w3.eth.get_block("latest")["timestamp"]
