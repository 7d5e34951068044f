"""`coop tx list|show|replace`: transactions that were sent but whose outcome a command did not see.

A command that ends before its transaction is mined (exit code 3: Ctrl-C, a lost answer, a transaction
waiting in the mempool) leaves it in the outbox (`dao_cli.chain.outbox`). These commands show what became of
it and replace one that waits with the same call at a higher fee and the same nonce, so that exactly one of
the two is mined. The work is in `dao_cli.chain.pending` and `dao_cli.chain.transact`.
"""

from __future__ import annotations

import click

from ...errors import CoopError
from ..context import AppContext


@click.group()
def tx() -> None:
    """Transactions sent but not seen mined: list, show, replace with a higher fee."""


@tx.command(name="list")
@click.pass_obj
def list_pending(ctx: AppContext) -> None:
    """The transactions on this chain whose outcome no command has seen yet (the outbox)."""
    from ...chain.outbox import Outbox
    from ...chain.pending import describe_fees

    chain_id = ctx.w3.eth.chain_id
    entries = Outbox().entries(chain_id)
    data = [{**e, "tx": e["hashes"][-1] if e["hashes"] else None} for e in entries]
    lines = [
        f"{e['tx'] or '(hash unknown)'}  from {e['from']} nonce {e['nonce']}  {describe_fees(e['fees'])}"
        for e in data
    ]
    ctx.out.result(data, lines or [f"no transaction on chain {chain_id} waits for its outcome"])


@tx.command()
@click.argument("tx_hash", metavar="HASH")
@click.pass_obj
def show(ctx: AppContext, tx_hash: str) -> None:
    """What became of transaction HASH: mined, pending, replaced, or unknown to the node."""
    from ...chain.outbox import Outbox
    from ...chain.pending import describe_fees, gwei, status

    tx_hash = _checked_hash(tx_hash)
    w3 = ctx.w3
    chain_id = w3.eth.chain_id
    outbox = Outbox()
    entry = outbox.find(chain_id, tx_hash)
    data = status(w3, tx_hash, entry)
    state = data["state"]
    if state == "mined":
        outcome = "succeeded" if data["succeeded"] else "reverted"
        text = f"{tx_hash}: mined in block {data['block']}, {outcome} (gas {data['gas_used']:,})"
    elif state == "replaced":
        by = f" by {data['by']}" if data.get("by") else ""
        text = f"{tx_hash}: replaced{by}: its nonce was used by another transaction, so it is never mined"
    elif state == "pending":
        fees = f"{describe_fees(data['fees'])}; base fee {gwei(data['base_fee'])}"
        text = (
            f"{tx_hash}: waiting in the mempool (nonce {data['nonce']}, {fees}): "
            f"`coop tx replace {tx_hash}` sends it with a higher fee"
        )
    else:
        hint = f": `coop tx replace {tx_hash}` sends it again (same nonce)" if entry else ""
        text = f"{tx_hash}: unknown to the node (dropped, or never taken){hint}"
    if state in ("mined", "replaced") and entry is not None:
        outbox.finish(chain_id, entry["from"], entry["nonce"])  # its outcome is known now
    ctx.out.result(data, text)


@tx.command()
@click.argument("tx_hash", metavar="HASH")
@click.pass_obj
def replace(ctx: AppContext, tx_hash: str) -> None:
    """Send pending transaction HASH again, with a higher fee and the same nonce.

    Only one of the two can ever be mined. The call is the node's copy of HASH, or the outbox's when the
    node has dropped it; the account that sent it must sign (--account)."""
    from ...chain import pending
    from ...chain.outbox import Outbox
    from ...chain.transact import replace_transaction
    from ...chain.units import fee_bound

    tx_hash = _checked_hash(tx_hash)
    w3 = ctx.w3
    entry = Outbox().find(w3.eth.chain_id, tx_hash)
    original = pending.replaceable(w3, tx_hash, entry)
    sender = ctx.sender()
    if sender.address.lower() != str(original["from"]).lower():
        raise CoopError(f"{tx_hash} was sent by {original['from']}: replace it with --account naming it")
    fees = pending.bumped_fees(w3, pending.fees_of(original))
    bound = fee_bound(max(fees.values()) * int(original["gas"]))
    old = pending.describe_fees(pending.fees_of(original))
    ctx.out.say(f"  replace  {tx_hash} (nonce {original['nonce']}, {old})")
    ctx.out.say(f"  with     {pending.describe_fees(fees)} (fee at most {bound} ETH)")
    if not ctx.confirm("send the replacement? Only one of the two can be mined"):
        ctx.out.result({"dry_run": True, "tx": tx_hash, "fees": fees}, "dry run: nothing was sent")
        return
    hashes = entry["hashes"] if entry else [tx_hash]
    receipt = replace_transaction(w3, sender, original, hashes, fees, ctx.on_sent)
    ctx.transacted(receipt, f"nonce {original['nonce']} of {sender.address} is mined")


def _checked_hash(text: str) -> str:
    value = text.strip().lower()
    if not value.startswith("0x"):
        value = "0x" + value
    if len(value) != 66 or any(c not in "0123456789abcdef" for c in value[2:]):
        raise CoopError(f"not a transaction hash: {text} (expected 0x and 64 hexadecimal digits)")
    return value


COMMANDS = [tx]
