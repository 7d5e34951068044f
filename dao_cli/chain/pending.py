"""Transactions that were sent but are not mined: finding them, saying why they wait, pricing a replacement.

A transaction can wait in the mempool for good: its fee cap fell below the base fee (fees rose after it was
sent), or the node dropped it. It can be replaced only by a transaction with the same nonce and higher fees
(every common client wants both the fee cap and the tip raised by at least 10 %), and then exactly one of
the two is mined, never both. This module only reads the chain and computes; `transact` sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from web3 import Web3

#: A replacement raises the fee cap and the tip by this fraction at least (geth and most clients need 10 %).
BUMP_NUMERATOR, BUMP_DENOMINATOR = 9, 8
#: How many blocks back a transaction is looked for by its sender and nonce (after a lost answer).
NONCE_SEARCH_BLOCKS = 256
GWEI = 10**9


@dataclass(frozen=True)
class Stuck:
    """What a transaction that is not mined looks like from the node: the input of `reason()`."""

    tx_hash: str
    sender: str
    nonce: int
    waited: float
    known: bool  # the node still has it (in its mempool)
    nonce_used: bool  # a transaction with this nonce was mined, and it is none of ours
    base_fee: int | None
    fees: dict[str, int]
    gas: int  # its gas limit, for what a replacement may cost at most

    def reason(self) -> str:
        """Why it is not mined, in words."""
        if self.nonce_used:
            return f"another transaction of {self.sender} with nonce {self.nonce} was mined instead"
        cap = self.fees.get("maxFeePerGas", self.fees.get("gasPrice"))
        if self.base_fee is not None and cap is not None and cap < self.base_fee:
            low = f"its fee cap {gwei(cap)} is below the base fee {gwei(self.base_fee)}"
            return low if self.known else f"the node dropped it: {low}"
        fees = f"{describe_fees(self.fees)}; base fee {gwei(self.base_fee)}"
        return f"it waits in the mempool ({fees})" if self.known else f"the node no longer has it ({fees})"


def gwei(wei: int | None) -> str:
    """A fee per gas in gwei, as wallets show it: "1.5 gwei", "0.000000001 gwei" for 1 wei."""
    if wei is None:
        return "unknown"
    from .units import from_base_units

    return f"{from_base_units(wei, 9)} gwei"


def describe_fees(fees: dict[str, int]) -> str:
    if "maxFeePerGas" in fees:
        return f"fee cap {gwei(fees['maxFeePerGas'])}, tip {gwei(fees.get('maxPriorityFeePerGas', 0))}"
    return f"gas price {gwei(fees.get('gasPrice'))}"


def fees_of(tx: dict[str, Any]) -> dict[str, int]:
    """The fee fields of a transaction dict (EIP-1559 or legacy)."""
    if tx.get("maxFeePerGas") is not None:
        return {
            "maxFeePerGas": int(tx["maxFeePerGas"]),
            "maxPriorityFeePerGas": int(tx.get("maxPriorityFeePerGas") or 0),
        }
    return {"gasPrice": int(tx.get("gasPrice") or 0)}


def base_fee(w3: Web3) -> int | None:
    """The latest block's base fee (None before London)."""
    value = w3.eth.get_block("latest").get("baseFeePerGas")
    return None if value is None else int(value)


def receipt_of(w3: Web3, tx_hash: str) -> Any | None:
    """The receipt of `tx_hash`, or None while it is not mined."""
    from web3.exceptions import TransactionNotFound

    try:
        return w3.eth.get_transaction_receipt(tx_hash)
    except TransactionNotFound:
        return None


def known(w3: Web3, tx_hash: str) -> dict[str, Any] | None:
    """The node's copy of `tx_hash` (mined or in its mempool), or None when it does not know it."""
    from web3.exceptions import TransactionNotFound

    try:
        return dict(w3.eth.get_transaction(tx_hash))
    except TransactionNotFound:
        return None


def diagnose(w3: Web3, tx: dict[str, Any], hashes: list[str], waited: float) -> Stuck:
    """Look at transaction `tx` (sent as `hashes`, replacements last) that is not mined after `waited` s."""
    sender, nonce = str(tx["from"]), int(tx["nonce"])
    mined_nonce = w3.eth.get_transaction_count(sender, "latest")
    return Stuck(
        tx_hash=hashes[-1],
        sender=sender,
        nonce=nonce,
        waited=waited,
        known=any(known(w3, h) is not None for h in hashes),
        nonce_used=mined_nonce > nonce,
        base_fee=base_fee(w3),
        fees=fees_of(tx),
        gas=int(tx.get("gas") or 0),
    )


def bumped_fees(w3: Web3, fees: dict[str, int]) -> dict[str, int]:
    """Fees for a replacement: each at least 12.5 % above the old one, and enough for the current base fee
    (twice it, plus the tip, as wallets reckon, so that it still fits after a few fuller blocks)."""

    def raised(old: int) -> int:
        return max(old + 1, -(-old * BUMP_NUMERATOR // BUMP_DENOMINATOR))

    if "maxFeePerGas" in fees:
        tip = raised(fees.get("maxPriorityFeePerGas", 0))
        try:
            tip = max(tip, int(w3.eth.max_priority_fee))
        except Exception:  # a node without eth_maxPriorityFeePerGas: the raised tip it is
            pass
        base = base_fee(w3) or 0
        cap = max(raised(fees["maxFeePerGas"]), 2 * base + tip)
        return {"maxFeePerGas": cap, "maxPriorityFeePerGas": tip}
    return {"gasPrice": max(raised(fees.get("gasPrice", 0)), int(w3.eth.gas_price))}


def by_nonce(w3: Web3, sender: str, nonce: int, since_block: int) -> dict[str, Any] | None:
    """The transaction of `sender` with `nonce`, pending or mined since `since_block` (at most
    NONCE_SEARCH_BLOCKS blocks back): how a node-signed send whose answer was lost is found again."""
    wanted = sender.lower()

    def match(block: Any) -> dict[str, Any] | None:
        for tx in (block or {}).get("transactions", []):
            if not isinstance(tx, Mapping) or tx.get("nonce") != nonce:  # web3 gives AttributeDicts
                continue
            if str(tx.get("from", "")).lower() == wanted:
                return dict(tx)
        return None

    if w3.eth.get_transaction_count(sender, "pending") <= nonce:
        return None  # the node has no transaction with this nonce at all
    try:
        found = match(w3.eth.get_block("pending", full_transactions=True))
    except Exception:  # a node without a pending block
        found = None
    if found is not None:
        return found
    head = w3.eth.block_number
    for number in range(head, max(since_block, head - NONCE_SEARCH_BLOCKS) - 1, -1):
        found = match(w3.eth.get_block(number, full_transactions=True))
        if found is not None:
            return found
    return None


def same_call(found: dict[str, Any], tx: dict[str, Any]) -> bool:
    """Whether the node's transaction `found` does what `tx` does (to, data, value)."""
    from .outbox import call_of

    return call_of(found) == call_of(tx)


def status(w3: Web3, tx_hash: str, entry: dict[str, Any] | None) -> dict[str, Any]:
    """What became of `tx_hash` (`coop tx show`): "mined" (with its block and whether it succeeded),
    "pending" (in the node's mempool), "replaced" (another transaction of its outbox entry, or of its sender
    with its nonce, was mined) or "unknown" (the node does not know it: dropped, or never taken)."""
    receipt = receipt_of(w3, tx_hash)
    if receipt is not None:
        return {
            "tx": tx_hash,
            "state": "mined",
            "block": receipt["blockNumber"],
            "succeeded": receipt["status"] == 1,
            "gas_used": receipt["gasUsed"],
        }
    for other in (entry or {}).get("hashes", []):
        mined = receipt_of(w3, other) if other.lower() != tx_hash.lower() else None
        if mined is not None:
            return {"tx": tx_hash, "state": "replaced", "by": other, "block": mined["blockNumber"]}
    copy = known(w3, tx_hash)
    sender = str(copy["from"]) if copy else (entry or {}).get("from")
    nonce = int(copy["nonce"]) if copy else (entry or {}).get("nonce")
    fees = fees_of(copy) if copy else (entry or {}).get("fees", {})
    result: dict[str, Any] = {
        "tx": tx_hash,
        "state": "pending" if copy else "unknown",
        "from": sender,
        "nonce": nonce,
        "fees": fees,
        "base_fee": base_fee(w3),
    }
    if sender is not None and nonce is not None and w3.eth.get_transaction_count(sender, "latest") > nonce:
        result["state"] = "replaced"  # its nonce was used by a transaction we do not know
    return result


def replaceable(w3: Web3, tx_hash: str, entry: dict[str, Any] | None) -> dict[str, Any]:
    """The transaction `tx_hash` as a dict to send again with other fees: the node's copy while it has it,
    else the outbox's `entry`. Refused (CoopError) when it is mined or replaced already, or unknown."""
    from ..errors import CoopError

    state = status(w3, tx_hash, entry)["state"]
    if state in ("mined", "replaced"):
        raise CoopError(f"{tx_hash} is {state} already: nothing to replace (`coop tx show {tx_hash}`)")
    copy = known(w3, tx_hash)
    if copy is not None:
        tx = {k: copy[k] for k in ("from", "to", "value", "nonce", "gas") if copy.get(k) is not None}
        return {**tx, "data": "0x" + bytes(copy["input"]).hex(), "chainId": w3.eth.chain_id, **fees_of(copy)}
    if entry is not None:
        from .transact import entry_tx

        return entry_tx(entry)
    raise CoopError(f"neither the node nor the outbox knows {tx_hash}: nothing to replace")
