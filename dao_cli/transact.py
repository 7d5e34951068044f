"""Sending transactions: one path for every state change the library makes.

A `Sender` is either an account whose key the library holds (a keystore, signed locally) or an address
the node signs for (the unlocked development accounts of a local Anvil or Ganache).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import TransactionFailed
from .reverts import explain_exception

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount
    from web3 import Web3


@dataclass(frozen=True)
class Sender:
    """Who sends a transaction. `account` is None when the node holds the key (local development chains)."""

    address: str
    account: LocalAccount | None = None

    @classmethod
    def local(cls, account: LocalAccount) -> Sender:
        return cls(account.address, account)


def send(w3: Web3, sender: Sender, call: Any, value: int = 0) -> Any:
    """Simulate, send and wait for `call` (a web3 contract function or constructor); return the receipt.

    Simulation first (the gas estimate runs the call), so a revert is explained before anything is sent.
    """
    try:
        tx = call.build_transaction({"from": sender.address, "value": value})
    except Exception as exc:
        reason = explain_exception(exc)
        if reason is None:
            raise
        raise TransactionFailed(reason) from None
    return send_transaction(w3, sender, tx)


def send_transaction(w3: Web3, sender: Sender, tx: dict[str, Any]) -> Any:
    """Send a prepared transaction dict and wait for its receipt; raise if it reverted."""
    tx = dict(tx)
    tx.setdefault("from", sender.address)
    if sender.account is not None:
        tx.setdefault("nonce", w3.eth.get_transaction_count(sender.address, "pending"))
        tx.setdefault("chainId", w3.eth.chain_id)
        if "gas" not in tx:
            tx["gas"] = w3.eth.estimate_gas(tx)
        signed = sender.account.sign_transaction(tx)
        tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    else:
        tx_hash = w3.eth.send_transaction(tx)
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    if receipt["status"] != 1:
        raise TransactionFailed(f"transaction {tx_hash.hex()} reverted")
    return receipt


def deploy(w3: Web3, sender: Sender, name: str, *args: Any) -> str:
    """Deploy the shipped contract `name` with constructor `args`; return its address."""
    from . import artifacts

    factory = w3.eth.contract(abi=artifacts.abi(name), bytecode=artifacts.bytecode(name))
    receipt = send(w3, sender, factory.constructor(*args))
    return receipt["contractAddress"]
