"""Talking to a chain: a web3 connection and the development-chain helpers a demo or a test needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import CoopError

if TYPE_CHECKING:
    from web3 import Web3

    from .provider import Notify

#: Seconds one request may take by default, its retries included (`coop --timeout`): long enough for a busy
#: public endpoint, short enough that a dead one is noticed while the user still waits.
DEFAULT_TIMEOUT = 30.0


def connect(rpc_url: str, timeout: float = DEFAULT_TIMEOUT, notify: Notify | None = None) -> Web3:
    """A web3 connection to `rpc_url`, checked to answer. Every request is bounded by `timeout` seconds
    (retries of reads included); `notify` hears what a slow request waits for."""
    from urllib.parse import urlparse

    from web3 import Web3

    from .provider import NodeProvider

    parsed = urlparse(rpc_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise CoopError(
            f"{rpc_url!r} is not the URL of a node: an RPC endpoint looks like http://127.0.0.1:8545 or "
            "https://host/path"
        )
    w3 = Web3(NodeProvider(rpc_url, timeout=timeout, notify=notify))
    try:
        w3.eth.chain_id  # noqa: B018  (the first request proves the endpoint answers)
    except CoopError:
        raise  # already in words: unreachable, silent, refused
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
