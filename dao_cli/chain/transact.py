"""Sending transactions: one path for every state change the library makes.

A transaction is first prepared (simulated with eth_call and a gas estimate, so a revert is explained before
anything is sent), then reviewed (the CLI shows it and asks), then sent and waited for.

A `Sender` is either an account whose key the library holds (a keystore, signed locally) or an address
the node signs for (the unlocked development accounts of a local Anvil or Ganache).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NoReturn

from ..errors import AnswerLost, CoopError, NodeUnresponsive, OutcomeUnknown, TransactionFailed
from .reverts import explain_exception, node_message

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount
    from web3 import Web3

    from .outbox import Outbox

#: The gas limit: this percentage of the estimate plus a fixed margin (see `prepare`).
GAS_MARGIN_PERCENT = 150
GAS_MARGIN_FIXED = 100_000
#: Called with a prepared transaction; returns False to stop before sending (a dry run).
Review = Callable[["Prepared"], bool]
#: Called with the hash of a sent transaction; may return a context manager held while waiting for its
#: receipt, which may also have `patience` (seconds before a transaction that is not mined is looked at),
#: `replace(stuck, fees) -> bool` (whether to replace it with those higher fees, same nonce) and
#: `note(message)` (a remark for the person waiting).
OnSent = Callable[[str], Any]
#: Seconds to wait for a receipt before looking at why it does not come, when the caller does not say.
DEFAULT_PATIENCE = 300.0
POLL_FIRST = 0.05  # a local chain mines at once: the first look usually finds the receipt
POLL_MAX = 2.0


@dataclass(frozen=True)
class Sender:
    """Who sends a transaction. `account` is None when the node holds the key (local development chains).
    `outbox`, where given, notes each transaction until its outcome is known (see `outbox`), so that an
    interrupted command run again does not send it twice."""

    address: str
    account: LocalAccount | None = None
    outbox: Outbox | None = None

    @classmethod
    def local(cls, account: LocalAccount) -> Sender:
        return cls(account.address, account)

    def keeping(self, outbox: Outbox | None) -> Sender:
        """This sender, noting its transactions in `outbox`."""
        return replace(self, outbox=outbox)


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
    """Send a prepared transaction dict and wait for its receipt; raise if it reverted.

    Nothing is sent twice: the nonce is fixed before sending (so a transaction and its replacement can never
    both be mined), a send whose answer was lost is looked up by its hash or nonce instead of sent again,
    and with an outbox (`Sender.outbox`) an earlier send of the same call whose outcome was never seen is
    found and waited for instead of a new one."""
    tx = dict(tx)
    tx.setdefault("from", sender.address)
    chain_id = int(tx.get("chainId") or w3.eth.chain_id)
    earlier = _earlier(w3, sender, chain_id, tx)
    if earlier is not None:
        entry, hashes = earlier
        watch = _watch(on_sent, hashes[-1])
        note = getattr(watch, "note", None)
        if note is not None:
            note(
                f"this same transaction was sent before (nonce {entry['nonce']}), by a run that did not see "
                "its outcome: waiting for it instead of sending it again"
            )
        return _outcome(w3, sender, chain_id, {**entry_tx(entry), "from": sender.address}, hashes, watch)
    tx.setdefault("nonce", w3.eth.get_transaction_count(sender.address, "pending"))
    tx_hash = _submit(w3, sender, chain_id, tx)
    with _naming_interrupts(_WAS_SENT.format(what=tx_hash)):
        return _outcome(w3, sender, chain_id, tx, [tx_hash], _watch(on_sent, tx_hash))


def replace_transaction(
    w3: Web3,
    sender: Sender,
    tx: dict[str, Any],
    hashes: list[str],
    fees: dict[str, int],
    on_sent: OnSent | None = None,
) -> Any:
    """Send `tx` again with the same nonce and `fees` (higher ones: `pending.bumped_fees`) in place of the
    pending transactions `hashes`, and wait until one of them is mined: only one of them ever can be."""
    chain_id = int(tx.get("chainId") or w3.eth.chain_id)
    replacement = with_fees({**tx, "from": sender.address}, fees)
    new_hash = _submit(w3, sender, chain_id, replacement, replacing=True)
    with _naming_interrupts(_WAS_SENT.format(what=new_hash)):
        return _outcome(w3, sender, chain_id, replacement, [*hashes, new_hash], _watch(on_sent, new_hash))


#: what a Ctrl-C says once the node has taken a transaction, or may have
_WAS_SENT = (
    "transaction {what} was sent and may still be mined; the same command run again waits for it instead of "
    "sending it twice"
)
_BEING_SENT = (
    "transaction {what} was being sent and may have reached the node; the same command run again waits for "
    "it instead of sending it twice"
)


@contextlib.contextmanager
def _naming_interrupts(words: str) -> Iterator[None]:
    """A Ctrl-C inside says which transaction it left behind (`words`), wherever the signal lands, unless a
    step within has named it already."""
    try:
        yield
    except KeyboardInterrupt as exc:
        if str(exc):
            raise
        raise KeyboardInterrupt(words) from None


def with_fees(tx: dict[str, Any], fees: dict[str, int]) -> dict[str, Any]:
    """`tx` with `fees` (EIP-1559 or legacy) in place of its own."""
    kept = {k: v for k, v in tx.items() if k not in ("gasPrice", "maxFeePerGas", "maxPriorityFeePerGas")}
    return {**kept, **fees}


def entry_tx(entry: dict[str, Any]) -> dict[str, Any]:
    """The transaction dict an outbox entry noted (to send it again with other fees)."""
    tx: dict[str, Any] = {
        "from": entry["from"],
        "nonce": entry["nonce"],
        "value": entry["value"],
        "data": entry["data"],
        "gas": entry["gas"],
        "chainId": entry["chain_id"],
        **entry["fees"],
    }
    if entry["to"]:
        from eth_utils import to_checksum_address

        tx["to"] = to_checksum_address(entry["to"])
    return tx


def _watch(on_sent: OnSent | None, tx_hash: str) -> Any:
    waiting = on_sent(tx_hash) if on_sent else None
    return waiting if waiting is not None else contextlib.nullcontext()


def _earlier(
    w3: Web3, sender: Sender, chain_id: int, tx: dict[str, Any]
) -> tuple[dict[str, Any], list[str]] | None:
    """An unfinished send of this same call in the outbox that is still pending or mined: (entry, hashes).
    Entries of this call that can never be mined any more (dropped, or their nonce used by another
    transaction) are taken out on the way."""
    from . import pending

    outbox = sender.outbox
    if outbox is None:
        return None
    for entry in outbox.same_call(chain_id, sender.address, tx):
        hashes = list(entry["hashes"])
        if not hashes:  # node-signed, and the answer to the send was lost: find it by its nonce
            found = pending.by_nonce(w3, sender.address, entry["nonce"], entry["block"])
            if found is not None and pending.same_call(found, tx):
                hashes = ["0x" + bytes(found["hash"]).hex()]
                outbox.add_hash(chain_id, sender.address, entry["nonce"], hashes[0], entry_tx(entry))
        if any(pending.receipt_of(w3, h) is not None or pending.known(w3, h) is not None for h in hashes):
            return entry, hashes
        outbox.finish(chain_id, sender.address, entry["nonce"])
    return None


def _submit(w3: Web3, sender: Sender, chain_id: int, tx: dict[str, Any], replacing: bool = False) -> str:
    """Send `tx` once (noted in the outbox first) and return its hash. A lost answer is resolved by looking
    the transaction up: found, it counts as sent; not found, the outcome is unknown (OutcomeUnknown), and
    it is not sent again."""
    outbox = sender.outbox
    block = w3.eth.block_number
    nonce = int(tx["nonce"])
    tx_hash: str | None = None
    if sender.account is not None:
        tx.setdefault("chainId", chain_id)
        if "gas" not in tx:
            tx["gas"] = w3.eth.estimate_gas(tx)
        signed = sender.account.sign_transaction(tx)
        tx_hash = "0x" + bytes(signed.hash).hex()
    if outbox is not None and not replacing:
        outbox.note(chain_id, tx, block, tx_hash)
    elif outbox is not None and tx_hash is not None:
        outbox.add_hash(chain_id, sender.address, nonce, tx_hash, tx)
    with _naming_interrupts(_BEING_SENT.format(what=tx_hash or f"(nonce {nonce} of {sender.address})")):
        signed_tx = signed if sender.account is not None else None
        return _send_noted(w3, sender, chain_id, tx, replacing, block, tx_hash, signed_tx)


def _send_noted(
    w3: Web3,
    sender: Sender,
    chain_id: int,
    tx: dict[str, Any],
    replacing: bool,
    block: int,
    tx_hash: str | None,
    signed: Any,
) -> str:
    """The send of `_submit`, once its outbox entry is noted (at `block`): the hash the node took."""
    from . import pending

    outbox = sender.outbox
    nonce = int(tx["nonce"])
    try:
        if signed is not None:
            w3.eth.send_raw_transaction(signed.raw_transaction)
        else:
            request = {k: v for k, v in tx.items() if k != "chainId"}  # the node signs for its own chain
            tx_hash = "0x" + bytes(w3.eth.send_transaction(request)).hex()
    except AnswerLost:
        try:
            if tx_hash is not None:
                found = pending.known(w3, tx_hash)
            else:
                found = pending.by_nonce(w3, sender.address, nonce, block)
                found = found if found is not None and pending.same_call(found, tx) else None
        except CoopError:
            found = None  # the node does not answer the look-up either
        if found is None:
            what = tx_hash or f"(nonce {nonce} of {sender.address})"
            raise OutcomeUnknown(_LOST.format(what=what)) from None
        tx_hash = "0x" + bytes(found["hash"]).hex()
    except Exception as exc:
        # "already known": the node has these very bytes from an earlier attempt, so they were sent
        if tx_hash is None or not _already_known(exc):
            _refused(exc, None if replacing else outbox, chain_id, sender, nonce)
    if outbox is not None:
        outbox.add_hash(chain_id, sender.address, nonce, tx_hash, tx)
    return tx_hash


def _refused(exc: Exception, outbox: Outbox | None, chain_id: int, sender: Sender, nonce: int) -> NoReturn:
    """The node refused a transaction: nothing was sent (its outbox entry goes); raise it in words."""
    if outbox is not None:
        outbox.finish(chain_id, sender.address, nonce)
    reason = _funds(exc, sender) or _nonce_taken(exc, sender, nonce)
    if reason is None:
        raise exc
    raise TransactionFailed(reason) from None


def _already_known(exc: BaseException) -> bool:
    """Whether a node refused a raw transaction because it has it already (geth "already known", others
    "known transaction"): then it was sent, by an earlier attempt of the same bytes."""
    message = (node_message(exc) or str(exc)).lower()
    return "already known" in message or "known transaction" in message


_LOST = (
    "the node did not confirm that it took the transaction {what}, and cannot tell now: it may still be "
    "mined, so it was not sent again. Run the same command again: it looks for that transaction first"
)


def _nonce_taken(exc: BaseException, sender: Sender, nonce: int) -> str | None:
    """The node's "nonce too low" in words (another transaction of the sender came first; nothing sent)."""
    message = (node_message(exc) or str(exc)).lower()
    if "nonce too low" in message or "nonce is too low" in message:
        return (
            f"another transaction of {sender.address} took nonce {nonce} just before this one: nothing was "
            "sent; run the command again"
        )
    return None


def _outcome(
    w3: Web3, sender: Sender, chain_id: int, tx: dict[str, Any], hashes: list[str], watch: Any
) -> Any:
    """Wait for one of `hashes` (a transaction and its replacements) to be mined; then it is out of the
    outbox, and a revert raises TransactionFailed."""
    with watch:
        receipt = _await_receipt(w3, sender, chain_id, tx, hashes, watch)
    if sender.outbox is not None:
        sender.outbox.finish(chain_id, sender.address, int(tx["nonce"]))
    hex_hash = "0x" + bytes(receipt["transactionHash"]).hex()
    if receipt["status"] != 1:
        raise TransactionFailed(f"transaction {hex_hash} reverted: {_reason(w3, tx, receipt)}")
    return receipt


def await_sent(w3: Web3, sender: Sender, tx_hash: str, on_sent: OnSent | None = None) -> Any:
    """The receipt of a transaction an earlier run sent (`tx_hash`, which the node knows), waited for as a
    new one is: with the same patience, the explanation of a stuck transaction, and OutcomeUnknown rather
    than a bare time-out. A revert is returned as its receipt (status 0), for the caller to decide."""
    known = dict(w3.eth.get_transaction(tx_hash))
    tx = {key: known.get(key) for key in ("from", "nonce", "to", "value")}
    watch = _watch(on_sent, tx_hash)
    with watch:
        return _await_receipt(w3, sender, w3.eth.chain_id, tx, [tx_hash], watch)


def _await_receipt(
    w3: Web3, sender: Sender, chain_id: int, tx: dict[str, Any], hashes: list[str], watch: Any
) -> Any:
    """Poll for a receipt of any of `hashes`. After `watch.patience` seconds (DEFAULT_PATIENCE without one)
    say why it is not mined; `watch.replace(stuck, fees)` may then accept a replacement with higher fees
    (same nonce), else the outcome is unknown and OutcomeUnknown says what to do."""
    from . import pending

    patience = float(getattr(watch, "patience", DEFAULT_PATIENCE))
    decide = getattr(watch, "replace", None)
    nonce = int(tx["nonce"])
    started = time.monotonic()
    delay = POLL_FIRST
    try:
        while True:
            for tx_hash in hashes:
                receipt = pending.receipt_of(w3, tx_hash)
                if receipt is not None:
                    return receipt
            waited = time.monotonic() - started
            if waited < patience:
                time.sleep(min(delay, max(0.0, patience - waited)))
                delay = min(delay * 1.5, POLL_MAX)
                continue
            stuck = pending.diagnose(w3, tx, hashes, waited)
            if stuck.nonce_used:
                again = [r for r in (pending.receipt_of(w3, h) for h in hashes) if r is not None]
                if again:
                    return again[0]
                if sender.outbox is not None:
                    sender.outbox.finish(chain_id, sender.address, nonce)  # that is its outcome
                raise TransactionFailed(
                    f"transaction {hashes[-1]} will never be mined: {stuck.reason()}; nothing of it happened"
                )
            fees = pending.bumped_fees(w3, stuck.fees)
            if decide is None or not decide(stuck, fees):
                raise OutcomeUnknown(
                    f"transaction {hashes[-1]} (nonce {nonce}) is not mined after {waited:.0f} s: "
                    f"{stuck.reason()}. It may still be mined, so do not send it again: "
                    f"`coop tx replace {hashes[-1]}` sends it with a higher fee (same nonce)"
                )
            tx = with_fees(tx, fees)
            try:
                hashes = [*hashes, _submit(w3, sender, chain_id, tx, replacing=True)]
            except OutcomeUnknown:
                raise
            except Exception as exc:  # the node refused the replacement: the original may still be mined
                reason = (
                    str(exc) if isinstance(exc, CoopError) else explain_exception(exc) or node_message(exc)
                )
                raise OutcomeUnknown(
                    f"the replacement of transaction {hashes[-1]} was refused ({reason or exc}), and the "
                    f"transaction itself may still be mined, so do not send it again: `coop tx show "
                    f"{hashes[-1]}` tells what became of it"
                ) from None
            note = getattr(watch, "note", None)
            if note is not None:
                note(f"replaced by {hashes[-1]} ({pending.describe_fees(fees)}, nonce {nonce})")
            started = time.monotonic()
            delay = POLL_FIRST
    except (NodeUnresponsive, AnswerLost) as exc:
        raise OutcomeUnknown(
            f"{exc}; transaction {hashes[-1]} was sent and may still be mined, so do not send it again: "
            f"`coop tx show {hashes[-1]}` tells what became of it"
        ) from None
    except KeyboardInterrupt:
        raise KeyboardInterrupt(_WAS_SENT.format(what=hashes[-1])) from None


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
