"""Sending transactions: one path for every state change the library makes.

A transaction is first prepared (simulated with eth_call and a gas estimate, so a revert is explained before
anything is sent), then reviewed (the CLI shows it and asks), then sent and waited for.

A `Sender` is either an account whose key the library holds (a keystore, signed locally) or an address
the node signs for (the unlocked development accounts of a local Anvil or Ganache).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import TransactionFailed
from .reverts import explain_exception, node_message

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount
    from web3 import Web3

#: The gas limit: this percentage of the estimate plus a fixed margin (see `prepare`).
GAS_MARGIN_PERCENT = 150
GAS_MARGIN_FIXED = 100_000
#: Called with a prepared transaction; returns False to stop before sending (a dry run).
Review = Callable[["Prepared"], bool]
#: Called with the hash of a sent transaction; may return a context manager held while waiting.
OnSent = Callable[[str], Any]


@dataclass(frozen=True)
class Sender:
    """Who sends a transaction. `account` is None when the node holds the key (local development chains)."""

    address: str
    account: LocalAccount | None = None

    @classmethod
    def local(cls, account: LocalAccount) -> Sender:
        return cls(account.address, account)


@dataclass(frozen=True)
class Prepared:
    """A simulated transaction, ready to be shown and sent."""

    tx: dict[str, Any]
    description: str
    sender: str
    chain_id: int
    gas: int
    max_fee: int
    value: int

    def as_json(self) -> dict[str, Any]:
        return {
            "call": self.description,
            "from": self.sender,
            "chain_id": self.chain_id,
            "value": self.value,
            "gas": self.gas,
            "max_fee": self.max_fee,
        }


class Payment:
    """A plain payment of the chain's coin to `to`, shaped like a contract call so that it is prepared,
    reviewed and sent the same way."""

    def __init__(self, w3: Web3, to: str) -> None:
        self.w3 = w3
        self.address = to
        self.description = f"pay the chain's coin to {to}"

    def build_transaction(self, tx: dict[str, Any]) -> dict[str, Any]:
        from web3._utils.transactions import fill_transaction_defaults

        return dict(fill_transaction_defaults(self.w3, {**tx, "to": self.address}))


def describe_call(call: Any) -> str:
    """`name(arg=value, ...)` for a web3 contract function or constructor."""
    abi = getattr(call, "abi", None) or {}
    if isinstance(abi, list):  # a constructor carries the whole contract ABI
        abi = next((item for item in abi if item.get("type") == "constructor"), {})
    names = [i.get("name") or f"arg{n}" for n, i in enumerate(abi.get("inputs", []))]
    args = list(getattr(call, "args", None) or ())
    shown = ", ".join(f"{n}={_short(v)}" for n, v in zip(names, args, strict=False))
    name = getattr(call, "fn_name", None) or "constructor"
    target = getattr(call, "address", None)
    return f"{name}({shown})" + (f" on {target}" if target else "")


def _short(value: Any) -> str:
    """An argument short enough for one line of the review: long hex, ids and texts are cut in the middle
    or at the first line break."""
    if isinstance(value, (bytes, bytearray)):
        text = "0x" + bytes(value).hex()
        return text if len(text) <= 22 else text[:20] + "…"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    text = str(value)
    if isinstance(value, int) and len(text) > 24:
        return text[:8] + "…" + text[-6:]
    if isinstance(value, str) and re.fullmatch(r"0x[0-9a-fA-F]{40}", text):
        return text
    if isinstance(value, str):
        first = text.strip().splitlines()[0] if text.strip() else text
        if first != text.strip() or len(first) > 60:
            return repr(first[:57] + "…")
        return repr(text)
    return text


def prepare(w3: Web3, sender: Sender, call: Any, value: int = 0) -> Prepared:
    """Simulate `call` from `sender` and estimate its gas; a revert raises TransactionFailed in words."""
    try:
        tx = call.build_transaction({"from": sender.address, "value": value})
    except Exception as exc:
        reason = explain_exception(exc) or _funds(exc, sender)
        if reason is None:
            raise
        raise TransactionFailed(reason) from None
    # The estimate is what the call needed in the pending block. A local chain's pending block can share
    # the latest block's second; mined in a later second, the member list writes its checkpoints into new
    # storage slots instead of updating this second's (22k gas each; a proxy appointment can need twice
    # its estimate). So leave a wide margin: unused gas is not paid for.
    tx["gas"] = tx["gas"] * GAS_MARGIN_PERCENT // 100 + GAS_MARGIN_FIXED
    fee_per_gas = tx.get("maxFeePerGas", tx.get("gasPrice", 0))
    # the node will want value + gas limit x max fee on the account before it takes the transaction (some
    # nodes' estimates do not check the balance): say so now, before asking anything
    if w3.eth.get_balance(sender.address) < value + tx["gas"] * fee_per_gas:
        raise TransactionFailed(_NO_FUNDS.format(sender.address))
    return Prepared(
        tx=tx,
        description=getattr(call, "description", None) or describe_call(call),
        sender=sender.address,
        chain_id=tx.get("chainId") or w3.eth.chain_id,
        gas=tx["gas"],
        max_fee=tx["gas"] * fee_per_gas,
        value=value,
    )


_NO_FUNDS = "{} has not enough ETH for this transaction (value plus gas); nothing was sent"


def _funds(exc: BaseException, sender: Sender) -> str | None:
    """The node's "insufficient funds" in words (nothing was sent)."""
    message = node_message(exc) or ""
    if "insufficient funds" in message.lower():
        return _NO_FUNDS.format(sender.address)
    return None


def send(
    w3: Web3,
    sender: Sender,
    call: Any,
    value: int = 0,
    review: Review | None = None,
    on_sent: OnSent | None = None,
) -> Any:
    """Prepare, review, send and wait for `call`; return the receipt, or None when the review stopped it."""
    prepared = prepare(w3, sender, call, value)
    if review is not None and not review(prepared):
        return None
    return send_transaction(w3, sender, prepared.tx, on_sent)


def send_transaction(w3: Web3, sender: Sender, tx: dict[str, Any], on_sent: OnSent | None = None) -> Any:
    """Send a prepared transaction dict and wait for its receipt; raise if it reverted."""
    tx = dict(tx)
    tx.setdefault("from", sender.address)
    try:
        if sender.account is not None:
            tx.setdefault("nonce", w3.eth.get_transaction_count(sender.address, "pending"))
            tx.setdefault("chainId", w3.eth.chain_id)
            if "gas" not in tx:
                tx["gas"] = w3.eth.estimate_gas(tx)
            signed = sender.account.sign_transaction(tx)
            tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
        else:
            tx_hash = w3.eth.send_transaction(tx)
    except Exception as exc:
        reason = _funds(exc, sender)
        if reason is None:
            raise
        raise TransactionFailed(reason) from None
    hex_hash = "0x" + bytes(tx_hash).hex()
    waiting = on_sent(hex_hash) if on_sent else None
    with waiting or contextlib.nullcontext():
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=300)
    if receipt["status"] != 1:
        raise TransactionFailed(f"transaction {hex_hash} reverted: {_reason(w3, tx, receipt)}")
    return receipt


def _reason(w3: Web3, tx: dict[str, Any], receipt: Any) -> str:
    """Why a mined transaction reverted: replayed as a call on the state before its block (the simulation
    before sending passed, so the state had changed, or the gas ran out)."""
    if receipt["gasUsed"] >= tx.get("gas", 0) > 0:
        return f"it ran out of gas (limit {tx['gas']:,})"
    call = {k: tx[k] for k in ("from", "to", "data", "value") if k in tx}
    try:
        w3.eth.call(call, receipt["blockNumber"] - 1)
    except Exception as exc:
        return explain_exception(exc) or str(exc)
    return "the state changed between the simulation and the block"

