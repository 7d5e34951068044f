"""Signed ballots relayed through the ballot box: read from what `coop vote --sign-only` wrote, each checked
against the chain before anything is sent, sent in batches that fit a block, and each ballot's outcome read
back from the receipts.

A relayer may be handed hundreds of ballots by members without coin for gas. One transaction per ballot
would cost each ballot a transaction's base fee and the member's nonce update; the box counts a batch in one
transaction, and a ballot that cannot count is skipped on chain instead of sinking the batch. Running the
same relay again is safe: a ballot counted already is refused in the check ("has voted already"), so
nothing is counted twice and a batch cut off by a fault is simply finished.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import CoopError

if TYPE_CHECKING:
    from ..chain.transact import Sender
    from .cooperative import Cooperative

_NO_VOTE = "not a member at its snapshot, no voting rights now, or the vote is carried by a proxy"
#: What the box's BallotOutcome values mean (BallotOutcome.Counted is 0).
SKIPPED = {
    1: "its signature is not the voter's",
    2: "voting on the proposal is not open",
    3: "its choice is not for, against or abstain",
    4: f"the voter has no vote on it ({_NO_VOTE})",
    5: "the voter has voted on it already",
}
#: The share of a block's gas limit one batch may use (the estimate has a margin already).
BLOCK_SHARE = 0.8
#: The most gas one transaction may use on chains that cap it (EIP-7825).
TX_GAS_CAP = 2**24
_NOT_A_BALLOT = "not a signed ballot (expected what `coop vote --sign-only` prints)"


@dataclass(frozen=True)
class Ballot:
    """One signed ballot and where it came from (a file, a file's line)."""

    source: str
    governor: str
    chain_id: int
    proposal_id: int
    voter: str
    support: int
    nonce: int
    reason: str
    signature: bytes

    def as_call_argument(self, by_contract: bool = False) -> tuple[Any, ...]:
        """The box's SignedBallot struct (its proposal is the batch's). A key's signature goes in EIP-2098's
        compact form, 64 bytes instead of 65, which the box takes as the same signature; a voter that is a
        contract (`by_contract`) checks its own signature, so that one goes as it was signed."""
        signature = self.signature if by_contract else compact(self.signature)
        return (self.voter, self.support, self.nonce, self.reason, signature)


def compact(signature: bytes) -> bytes:
    """A 65-byte ECDSA signature (r, s, v) in EIP-2098's 64-byte form (r, s with v's parity in its top
    bit); any other signature unchanged (the box then finds it is not the voter's, as it would have)."""
    if len(signature) != 65 or signature[64] not in (27, 28) or signature[32] & 0x80:
        return signature
    vs = int.from_bytes(signature[32:64], "big") | ((signature[64] - 27) << 255)
    return signature[:32] + vs.to_bytes(32, "big")


@dataclass
class Outcome:
    """What became of a ballot: "counted", "skipped" (on chain, with the reason) or "refused" (by the
    check before sending: nothing of it was sent)."""

    ballot: Ballot | None
    source: str
    outcome: str
    detail: str = ""
    tx: str | None = None
    weight: int = 0
    detail_subject: str = ""  # what a declaration's outcome is about ("notice of 0x…")

    def as_json(self) -> dict[str, Any]:
        b = self.ballot
        return {
            "source": self.source,
            "voter": b.voter if b else None,
            "declaration": self.detail_subject or None,
            "proposal_id": str(b.proposal_id) if b else None,
            "support": b.support if b else None,
            "reason": b.reason if b else None,
            "outcome": self.outcome,
            "detail": self.detail,
            "tx": self.tx,
            "weight": self.weight,
        }


def parse(source: str, text: str) -> list[tuple[str, Any]]:
    """The ballots in `text` (what one file holds): one JSON ballot, a JSON array of them, or JSON lines
    (one ballot a line); each with its source ("file" or "file:line")."""
    try:
        data = json.loads(text)
    except ValueError:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        try:
            return [(f"{source}:{n}", json.loads(line)) for n, line in lines]
        except ValueError:
            raise CoopError(f"{source}: not JSON (expected what `coop vote --sign-only` prints)") from None
    if isinstance(data, list):
        return [(f"{source}[{i}]", item) for i, item in enumerate(data)]
    return [(source, data)]


def from_json(source: str, data: Any, support_of: Any) -> Ballot:
    """A ballot from its JSON form, every field checked for its type (CoopError in words)."""
    from ..chain.calls import checked_address

    if not isinstance(data, dict):
        raise CoopError(f"{source}: {_NOT_A_BALLOT}")
    try:
        return Ballot(
            source=source,
            governor=checked_address(data["governor"], "governor"),
            chain_id=int(data["chain_id"]),
            proposal_id=int(data["proposal_id"]),
            voter=checked_address(data["voter"], "voter"),
            support=support_of(data["support"]),
            nonce=int(data["nonce"]),
            reason=str(data.get("reason") or ""),
            signature=bytes.fromhex(str(data["signature"]).removeprefix("0x")),
        )
    except CoopError as exc:
        raise CoopError(f"{source}: {exc}") from None
    except (KeyError, TypeError, ValueError):
        raise CoopError(f"{source}: {_NOT_A_BALLOT}") from None


class Reads:
    """What the ballots of one relay are checked against, read from the chain once for all of them: its
    id, the cooperative's proposals, and each proposal's state and snapshot."""

    def __init__(self, coop: Cooperative) -> None:
        self.coop = coop
        self.chain_id = coop.w3.eth.chain_id
        self.proposal_ids = {p.id for p in coop.proposals()}
        self._states: dict[int, str] = {}
        self._snapshots: dict[int, int] = {}
        self._contracts: dict[str, bool] = {}

    def state(self, proposal_id: int) -> str:
        if proposal_id not in self._states:
            self._states[proposal_id] = self.coop.state(proposal_id)
        return self._states[proposal_id]

    def snapshot(self, proposal_id: int) -> int:
        if proposal_id not in self._snapshots:
            g = self.coop.governor.functions
            self._snapshots[proposal_id] = g.proposalSnapshot(proposal_id).call()
        return self._snapshots[proposal_id]

    def is_contract(self, address: str) -> bool:
        """Whether `address` has code (a voter that is a contract answers for its signature itself)."""
        if address not in self._contracts:
            self._contracts[address] = bool(self.coop.w3.eth.get_code(address))
        return self._contracts[address]


def problem(coop: Cooperative, ballot: Ballot, reads: Reads | None = None) -> str | None:
    """Why `ballot` cannot count now, in words, or None if it will: the chain, the governor, the proposal,
    whether voting is open, the signature, and the voter's vote are all checked against the chain (what
    all ballots share read once, in `reads`)."""
    from .cooperative import typed_signer

    reads = reads or Reads(coop)
    if ballot.chain_id != reads.chain_id:
        return f"the ballot is for chain {ballot.chain_id}, the node is chain {reads.chain_id}"
    if ballot.governor != coop.governor.address:
        return f"the ballot is for the governor {ballot.governor}, not this cooperative's"
    if ballot.proposal_id not in reads.proposal_ids:
        return f"no proposal {ballot.proposal_id} in this cooperative"
    g = coop.governor.functions
    state = reads.state(ballot.proposal_id)
    if state != "active":
        return f"voting on proposal {ballot.proposal_id} is not open (it is {state})"
    domain, primary, fields, message = coop.ballot_message(
        ballot.proposal_id, ballot.support, ballot.voter, ballot.nonce, ballot.reason
    )
    if not reads.is_contract(ballot.voter) and (
        typed_signer(domain, primary, fields, message, ballot.signature) != ballot.voter
    ):
        return (
            f"the ballot is not signed by {ballot.voter}: it was edited after signing (proposal, choice, "
            "reason or voter), or signed for another cooperative or chain"
        )
    if g.hasVoted(ballot.proposal_id, ballot.voter).call():
        return f"{ballot.voter} has voted on proposal {ballot.proposal_id} already"
    if g.getVotes(ballot.voter, reads.snapshot(ballot.proposal_id)).call() == 0:
        return f"{ballot.voter} has no vote on proposal {ballot.proposal_id} ({_NO_VOTE})"
    return None


def relay(coop: Cooperative, sender: Sender, ballots: list[Ballot]) -> list[Outcome]:
    """Check every ballot, send those that can count through the box, one proposal's ballots in batches
    that fit a block, and return each ballot's outcome in the order given. A ballot refused by the check is
    not sent; one the chain skips (its state changed after the check) is reported with the chain's reason."""
    outcomes: dict[int, Outcome] = {}
    ready: dict[int, list[tuple[int, Ballot]]] = {}  # by proposal, in the order first seen
    seen: set[tuple[int, str]] = set()
    reads = Reads(coop)
    for i, ballot in enumerate(ballots):
        key = (ballot.proposal_id, ballot.voter)
        reason = "a second ballot of the voter on this proposal in this relay" if key in seen else None
        reason = reason or problem(coop, ballot, reads)
        if reason is not None:
            outcomes[i] = Outcome(ballot, ballot.source, "refused", reason)
            continue
        seen.add(key)
        ready.setdefault(ballot.proposal_id, []).append((i, ballot))
    for proposal_id, waiting in ready.items():
        while waiting:
            batch = _fitting(coop, sender, proposal_id, waiting, reads)
            receipt = coop.relay_ballots(sender, proposal_id, _arguments(batch, reads))
            if receipt is None:  # a dry run, or the review said no: nothing of this batch or the rest is sent
                return []
            outcomes.update(_read(coop, receipt, batch))
            waiting = waiting[len(batch) :]
    return [outcomes[i] for i in range(len(ballots))]


def _arguments(batch: list[tuple[int, Ballot]], reads: Reads) -> list[tuple[Any, ...]]:
    """The box's SignedBallot structs of `batch`."""
    return [b.as_call_argument(by_contract=reads.is_contract(b.voter)) for _, b in batch]


def _fitting(
    coop: Cooperative, sender: Sender, proposal_id: int, ready: list[tuple[int, Ballot]], reads: Reads
) -> list[Any]:
    """The longest head of `ready` whose batch fits in a share of the block (estimated, then shrunk)."""
    from ..chain.transact import prepare

    w3 = coop.w3
    budget = int(min(w3.eth.get_block("latest")["gasLimit"], TX_GAS_CAP) * BLOCK_SHARE)
    size = len(ready)
    while True:
        batch = ready[:size]
        gas = prepare(w3, sender, coop.ballot_box_call(proposal_id, _arguments(batch, reads))).gas
        if gas <= budget or size == 1:
            return batch
        size = max(1, min(size - 1, size * budget // gas))


def _read(coop: Cooperative, receipt: Any, batch: list[tuple[int, Ballot]]) -> dict[int, Outcome]:
    """Each ballot's outcome in a mined batch, from the governor's VoteCast and the box's BallotSkipped."""
    from web3.logs import DISCARD

    box, _ = coop.shared_contracts()
    tx = "0x" + bytes(receipt["transactionHash"]).hex()
    cast = {
        (e["args"]["proposalId"], e["args"]["voter"]): e["args"]["weight"]
        for e in coop.governor.events.VoteCast().process_receipt(receipt, errors=DISCARD)
    }
    skipped = {
        (e["args"]["proposalId"], e["args"]["voter"]): e["args"]["reason"]
        for e in box.events.BallotSkipped().process_receipt(receipt, errors=DISCARD)
    }
    outcomes = {}
    for i, b in batch:
        key = (b.proposal_id, b.voter)
        if key in cast:
            outcomes[i] = Outcome(b, b.source, "counted", "", tx, cast[key])
        else:
            outcomes[i] = Outcome(b, b.source, "skipped", SKIPPED.get(skipped.get(key, 0), "not counted"), tx)
    return outcomes
