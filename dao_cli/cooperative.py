"""A deployed cooperative and the operations its members, board and assembly perform on it.

Every operation is here once; the command line, the brownie scripts and the demo call these methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import artifacts
from .errors import CoopError
from .transact import Sender, send

if TYPE_CHECKING:
    from web3 import Web3

    from .deploy import Deployment

PROPOSAL_STATES = (
    "pending",
    "active",
    "canceled",
    "defeated",
    "succeeded",
    "queued",
    "expired",
    "executed",
)
SUPPORT = {"against": 0, "for": 1, "abstain": 2}
KINDS = ("none", "ordinary", "statute-change", "new-duties", "dissolution")
MEMBER_STATUS = ("none", "active", "leaving", "excluded", "exited")


@dataclass(frozen=True)
class Action:
    """One call a resolution makes through the timelock."""

    target: str
    value: int
    calldata: bytes


@dataclass(frozen=True)
class Proposal:
    """A proposal as created on chain: its id, its calls and its description."""

    id: int
    proposer: str
    actions: tuple[Action, ...]
    description: str
    vote_start: int
    vote_end: int


class Cooperative:
    """The four contracts of one cooperative, bound to a web3 connection."""

    def __init__(self, w3: Web3, deployment: Deployment) -> None:
        self.w3 = w3
        self.deployment = deployment
        self.membership = self._contract("CoopMembership", deployment.membership)
        self.token = self._contract("CoopToken", deployment.token)
        self.governor = self._contract("CoopGovernor", deployment.governor)
        self.timelock = self._contract("CoopTimelock", deployment.timelock)

    def _contract(self, name: str, address: str) -> Any:
        return self.w3.eth.contract(address=address, abi=artifacts.abi(name))

    # ------------------------------------------------------------------ members

    def share_price(self) -> int:
        return self.membership.functions.terms().call()[1]

    def apply(self, sender: Sender, shares: int, application_hash: bytes = b"\0" * 32) -> Any:
        """Apply with `shares` shares, paying their nominal value into escrow."""
        value = shares * self.share_price()
        call = self.membership.functions.submitApplication(shares, application_hash)
        return send(self.w3, sender, call, value=value)

    def admit(self, sender: Sender, applicant: str) -> Any:
        return send(self.w3, sender, self.membership.functions.admit(applicant))

    def reject(self, sender: Sender, applicant: str) -> Any:
        return send(self.w3, sender, self.membership.functions.reject(applicant))

    def pay_in(self, sender: Sender) -> Any:
        """Pay what `sender` still owes on its subscribed shares."""
        due = self.membership.functions.dueOf(sender.address).call()
        if due == 0:
            raise CoopError(f"{sender.address} owes nothing on its shares")
        return send(self.w3, sender, self.membership.functions.payIn(), value=due)

    def buy_shares(self, sender: Sender, shares: int) -> Any:
        value = shares * self.share_price()
        return send(self.w3, sender, self.membership.functions.buyShares(shares), value=value)

    def give_notice(self, sender: Sender) -> Any:
        return send(self.w3, sender, self.membership.functions.giveNotice())

    def complete_exit(self, sender: Sender, member: str) -> Any:
        return send(self.w3, sender, self.membership.functions.completeExit(member))

    def claim_refund(self, sender: Sender) -> Any:
        return send(self.w3, sender, self.membership.functions.claimRefund())

    def set_proxy(self, sender: Sender, proxy: str) -> Any:
        """Appoint `proxy` (a member) to carry `sender`'s vote; naming oneself revokes the proxy."""
        return send(self.w3, sender, self.membership.functions.delegate(proxy))

    def member(self, address: str) -> dict[str, Any]:
        status, shares, paid, joined_at, exit_at = self.membership.functions.memberOf(address).call()
        return {
            "address": address,
            "status": MEMBER_STATUS[status],
            "shares": shares,
            "paid": paid,
            "joined_at": joined_at,
            "exit_at": exit_at,
            "votes": self.membership.functions.getVotes(address).call(),
            "proxy": self.membership.functions.delegates(address).call(),
        }

    # ------------------------------------------------------------------ resolutions

    def encode(self, contract: str, function: str, *args: Any) -> Action:
        """An action calling `function(*args)` on one of the cooperative's contracts."""
        target = getattr(self, contract)
        from hexbytes import HexBytes

        return Action(target.address, 0, bytes(HexBytes(target.encode_abi(function, args=list(args)))))

    def propose(
        self, sender: Sender, actions: list[Action], description: str, kind: str | None = None
    ) -> int:
        """Propose a resolution; `kind` may only ask for a stricter majority than the calls need."""
        from web3.logs import DISCARD

        targets = [a.target for a in actions]
        values = [a.value for a in actions]
        calldatas = [a.calldata for a in actions]
        fns = self.governor.functions
        if kind is None:
            call = fns.propose(targets, values, calldatas, description)
        else:
            call = fns.proposeWithKind(targets, values, calldatas, description, KINDS.index(kind))
        receipt = send(self.w3, sender, call)
        created = self.governor.events.ProposalCreated().process_receipt(receipt, errors=DISCARD)
        return created[0]["args"]["proposalId"]

    def vote(self, sender: Sender, proposal_id: int, support: str, reason: str = "") -> Any:
        if support not in SUPPORT:
            raise CoopError(f"vote must be one of {', '.join(SUPPORT)}, got {support!r}")
        fns = self.governor.functions
        if reason:
            call = fns.castVoteWithReason(proposal_id, SUPPORT[support], reason)
        else:
            call = fns.castVote(proposal_id, SUPPORT[support])
        return send(self.w3, sender, call)

    def proposal(self, proposal_id: int) -> Proposal:
        """The proposal's calls and description, read from its ProposalCreated event."""
        logs = self.governor.events.ProposalCreated().get_logs(from_block=self.deployment.block)
        for log in logs:
            args = log["args"]
            if args["proposalId"] == proposal_id:
                actions = tuple(
                    Action(t, v, bytes(c))
                    for t, v, c in zip(args["targets"], args["values"], args["calldatas"], strict=True)
                )
                return Proposal(
                    id=proposal_id,
                    proposer=args["proposer"],
                    actions=actions,
                    description=args["description"],
                    vote_start=args["voteStart"],
                    vote_end=args["voteEnd"],
                )
        raise CoopError(f"no proposal {proposal_id} in this cooperative")

    def state(self, proposal_id: int) -> str:
        return PROPOSAL_STATES[self.governor.functions.state(proposal_id).call()]

    def tally(self, proposal_id: int) -> dict[str, Any]:
        against, for_, abstain = self.governor.functions.proposalVotes(proposal_id).call()
        kind = KINDS[self.governor.functions.proposalKind(proposal_id).call()]
        return {"for": for_, "against": against, "abstain": abstain, "kind": kind}

    def queue(self, sender: Sender, proposal_id: int) -> Any:
        return self._lifecycle(sender, proposal_id, "queue")

    def execute(self, sender: Sender, proposal_id: int) -> Any:
        return self._lifecycle(sender, proposal_id, "execute")

    def _lifecycle(self, sender: Sender, proposal_id: int, step: str) -> Any:
        from web3 import Web3

        p = self.proposal(proposal_id)
        description_hash = Web3.keccak(text=p.description)
        call = getattr(self.governor.functions, step)(
            [a.target for a in p.actions],
            [a.value for a in p.actions],
            [a.calldata for a in p.actions],
            description_hash,
        )
        return send(self.w3, sender, call)

    # ------------------------------------------------------------------ treasury

    def treasury_balance(self) -> int:
        return self.w3.eth.get_balance(self.timelock.address)
