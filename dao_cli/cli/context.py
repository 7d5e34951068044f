"""What every command shares: the chosen chain, account and cooperative, the confirmation of a
transaction, and the words for failures. Everything heavy is imported when first needed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from ..chain.connection import DEFAULT_TIMEOUT
from ..errors import CoopError
from .output import Output
from .watch import DEFAULT_WAIT, Watch

if TYPE_CHECKING:
    from web3 import Web3

    from ..chain.transact import Prepared, Sender
    from ..coop.cooperative import Cooperative

LOCAL_NETWORKS = ("anvil", "ganache")


@dataclass
class AppContext:
    """The root group's options, and what commands derive from them lazily (the connection is made, and
    the local node started, only when a command first needs the chain)."""

    network: str | None = None
    rpc_url: str | None = None
    coop_name: str | None = None
    account: str | None = None
    password_file: str | None = None
    json_mode: bool = False
    yes: bool = False
    dry_run: bool = False
    quiet: bool = False
    #: seconds one request to the node may take, retries of reads included (`--timeout`)
    timeout: float = DEFAULT_TIMEOUT
    #: seconds to wait for a transaction to be mined before saying why it is not (`--wait`)
    wait: float = DEFAULT_WAIT
    out: Output = field(init=False)
    #: set once the user agreed to a whole series of transactions (a deployment): no further questions
    confirmed: bool = field(default=False, init=False)
    #: what a dry run simulated, for its report
    simulated: list[Prepared] = field(default_factory=list, init=False)
    _w3: Any = field(default=None, init=False, repr=False)
    _url: str | None = field(default=None, init=False, repr=False)
    _saved_head: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.out = Output(json_mode=self.json_mode, quiet=self.quiet)

    # chain ----------------------------------------------------------------------

    @property
    def local_kind(self) -> str | None:
        """'anvil' or 'ganache' when the chain is one `coop` runs itself, else None."""
        if self.rpc_url:
            return None
        kind = self.network or "anvil"
        return kind if kind in LOCAL_NETWORKS else None

    def url(self) -> str:
        """The JSON-RPC endpoint: --rpc-url, a named network, or the embedded local Anvil."""
        if self._url is None:
            if self.rpc_url:
                self._url = self.rpc_url
            elif self.local_kind:
                from ..chain.node import local_url

                self._url = local_url(self.local_kind, say=self.out.say)
            else:
                from ..chain.networks import network_url

                self._url = network_url(self.network or "")
        return self._url

    @property
    def w3(self) -> Web3:
        if self._w3 is None:
            from ..chain.connection import connect

            self._w3 = connect(self.url(), timeout=self.timeout, notify=self.out.say)
        return self._w3

    def chain_saved(self) -> None:
        """Make what the embedded node has mined durable before it is reported: the local Anvil keeps its
        chain in memory, and a crash of it must not take a transaction `coop` has shown as done with it
        (see `node`). Once per block; nothing to do on any other chain."""
        if self.local_kind is None or self._w3 is None:
            return
        from ..chain.node import LocalNode

        head = self._w3.eth.get_block("latest")["hash"]
        if head == self._saved_head:
            return
        LocalNode(self.local_kind).save_state(self.url(), timeout=max(self.timeout, 60.0))
        self._saved_head = head

    # accounts -------------------------------------------------------------------

    def sender(self) -> Sender:
        """Who signs: --account, or the first development account on a local chain."""
        from ..chain.keystore import resolve_sender
        from ..chain.outbox import Outbox

        spec = self.account
        if spec is None:
            if self.local_kind is None:
                raise CoopError(
                    "choose the account that signs with --account NAME (see `coop accounts list`)"
                )
            spec = "dev:0"
        sender = resolve_sender(spec, self.w3, password_file=self.password_file)
        return sender.keeping(Outbox())

    # cooperative ----------------------------------------------------------------

    def cooperative(self) -> Cooperative:
        """The cooperative chosen by --coop (or the only one on this chain), after the chain-id guard."""
        from ..coop.addressbook import AddressBook
        from ..coop.cooperative import Cooperative
        from ..coop.deploy import Deployment

        chain_id = self.w3.eth.chain_id
        name, entry = AddressBook().find(self.coop_name, chain_id)
        if entry["chain_id"] != chain_id:
            raise CoopError(
                f"cooperative {name!r} lives on chain {entry['chain_id']}, but {self.url()} is chain "
                f"{chain_id}: refusing to continue"
            )
        deployment = Deployment.from_json(entry)
        if not self.w3.eth.get_code(deployment.membership):
            raise CoopError(
                f"no contracts of {name!r} at {deployment.membership} on chain {chain_id} "
                "(was the local chain reset?)"
            )
        return Cooperative(self.w3, deployment, review=self.review, on_sent=self.on_sent, name=name)

    # transactions ---------------------------------------------------------------

    def review(self, prepared: Prepared) -> bool:
        """Show what a transaction will do; ask unless --yes. False means stop (dry run)."""
        from ..chain.units import fee_bound, from_base_units

        say = self.out.say
        say(f"  call     {prepared.description}")
        say(f"  from     {prepared.sender}")
        say(f"  chain    {prepared.chain_id} ({self.url()})")
        if prepared.value:
            say(f"  value    {from_base_units(prepared.value)} ETH ({prepared.value} wei)")
        say(f"  gas      at most {prepared.gas:,} (fee at most {fee_bound(prepared.max_fee)} ETH)")
        if self.dry_run:
            self.simulated.append(prepared)
            say("  dry run: simulated successfully, nothing sent")
            return False
        if self.yes or self.confirmed:
            return True
        if not sys.stdin.isatty():
            raise CoopError("confirmation needed: run again with --yes to send without asking")
        if not click.confirm("  send this transaction?", default=False, err=True):
            raise click.exceptions.Abort()
        return True

    def confirm(self, question: str) -> bool:
        """Ask once for a series of transactions (unless --yes or --dry-run); False means a dry run."""
        if self.dry_run:
            return False
        if not (self.yes or self.confirmed):
            if not sys.stdin.isatty():
                raise CoopError("confirmation needed: run again with --yes to send without asking")
            if not click.confirm(f"  {question}", default=False, err=True):
                raise click.exceptions.Abort()
        self.confirmed = True
        return True

    def transacted(
        self, receipt: Any, done: str, names: dict[str, str] | None = None, **extra: Any
    ) -> dict[str, Any]:
        """Report a command's transaction: the hash, block, gas and decoded events, or what a dry run
        simulated. One shape for every command: {"tx", "block", "gas_used", "events", ...extra}."""
        from ..chain.events import decode_receipt, describe

        if receipt is None:
            result = {"dry_run": True, "simulated": [p.as_json() for p in self.simulated], **extra}
            self.out.result(result, "dry run: nothing was sent")
            return result
        events = decode_receipt(receipt)
        tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
        result = {
            "tx": tx_hash,
            "block": receipt["blockNumber"],
            "gas_used": receipt["gasUsed"],
            "events": events,
            **extra,
        }
        lines = [done, f"  tx {tx_hash} (block {receipt['blockNumber']}, gas {receipt['gasUsed']:,})"]
        lines += [f"  {describe(e, names)}" for e in events]
        self.chain_saved()
        self.out.result(result, lines)
        return result

    def on_sent(self, tx_hash: str) -> Watch:
        """Tell the hash at once, then wait for the receipt (see `watch.Watch`)."""
        self.out.say(f"  sent     {tx_hash}")
        return Watch(self.out, tx_hash, patience=self.wait, saved=self.chain_saved)


def describe_exception(exc: BaseException) -> str:
    """One line for an unexpected failure: connection problems and node errors in words."""
    import requests

    from ..chain.reverts import explain_exception, node_message

    if isinstance(exc, requests.exceptions.ConnectionError):
        return "cannot reach the Ethereum node (is it running? check --rpc-url / --network)"
    if isinstance(exc, requests.exceptions.Timeout):
        return "the Ethereum node did not answer in time"
    reason = explain_exception(exc)
    if reason:
        return reason
    message = node_message(exc)
    if message:
        return f"the node refused: {message}"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
