"""A deployed cooperative and the operations its members, board and assembly perform on it.

Every operation is here once; the command line, the brownie scripts and the demo call these methods. Each
state change goes through `transact.send`, so the CLI's review (simulation, confirmation, dry run) and its
receipt handling apply to all of them alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import artifacts
from .calls import Action
from .errors import CoopError
from .transact import OnSent, Review, Sender, send

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
ADMISSION = ("open", "board", "assembly")
ZERO_ADDRESS = "0x" + "0" * 40

__all__ = ["Action", "Cooperative", "Proposal", "KINDS", "PROPOSAL_STATES", "SUPPORT"]


class Proposal:
    """A proposal as created on chain: its id, its calls and its description (from `ProposalCreated`)."""

    def __init__(self, args: Any, tx: str | None = None) -> None:
        self.tx = tx  # the transaction that created it
        self.id: int = args["proposalId"]
        self.proposer: str = args["proposer"]
        self.actions = tuple(
            Action(t, v, bytes(c))
            for t, v, c in zip(args["targets"], args["values"], args["calldatas"], strict=True)
        )
        self.description: str = args["description"]
        self.vote_start: int = args["voteStart"]
        self.vote_end: int = args["voteEnd"]

    @property
    def title(self) -> str:
        """The first line of the description, as governance front ends show it (`# Title` markdown too)."""
        first = self.description.strip().splitlines()[0] if self.description.strip() else ""
        return first.lstrip("# ").strip()


class Cooperative:
    """The four contracts of one cooperative, bound to a web3 connection.

    `review` and `on_sent` are the transaction hooks of `transact.send`: the CLI passes its confirmation and
    spinner; the demo and the scripts pass nothing and send at once.
    """

    def __init__(
        self,
        w3: Web3,
        deployment: Deployment,
        review: Review | None = None,
        on_sent: OnSent | None = None,
        name: str | None = None,
    ) -> None:
        self.w3 = w3
        self.deployment = deployment
        self.review = review
        self.on_sent = on_sent
        self.name = name
        self.membership = self._contract("CoopMembership", deployment.membership)
        self.token = self._contract("CoopToken", deployment.token)
        self.governor = self._contract("CoopGovernor", deployment.governor)
        self.timelock = self._contract("CoopTimelock", deployment.timelock)

    def _contract(self, name: str, address: str) -> Any:
        return self.w3.eth.contract(address=address, abi=artifacts.abi(name))

    def _send(self, sender: Sender, call: Any, value: int = 0) -> Any:
        return send(self.w3, sender, call, value=value, review=self.review, on_sent=self.on_sent)

    def names(self) -> dict[str, str]:
        """The cooperative's own addresses by role, for showing calls and events in words."""
        return {
            self.membership.address: "membership",
            self.token.address: "token",
            self.governor.address: "governor",
            self.timelock.address: "treasury",
        }

    # ------------------------------------------------------------------ terms and payments

    def terms(self) -> dict[str, Any]:
        t = self.membership.functions.terms().call()
        return {
            "payment_token": t[0],
            "share_price": t[1],
            "min_shares": t[2],
            "max_shares": t[3],
            "admission": ADMISSION[t[4]],
            "notice_months": t[5],
            "fiscal_year_end": f"{t[6]:02d}-{t[7]:02d}",
            "shares_transferable": t[8],
        }

    def share_price(self) -> int:
        return self.membership.functions.terms().call()[1]

    def payment_token(self) -> Any | None:
        """The ERC-20 contract shares are paid in, or None for the chain's native coin."""
        address = self.membership.functions.terms().call()[0]
        return None if int(address, 16) == 0 else self._contract("CoopToken", address)

    def currency(self) -> tuple[str, int]:
        """(symbol, decimals) of what shares are paid in."""
        token = self.payment_token()
        if token is None:
            return "ETH", 18
        return token.functions.symbol().call(), token.functions.decimals().call()

    def _payment(self, sender: Sender, amount: int) -> int:
        """The native value to send for `amount`; in a token cooperative, approve the membership first."""
        token = self.payment_token()
        if token is None:
            return amount
        allowance = token.functions.allowance(sender.address, self.membership.address).call()
        if allowance < amount:
            self._send(sender, token.functions.approve(self.membership.address, amount))
        return 0

    # ------------------------------------------------------------------ members

    def apply(self, sender: Sender, shares: int, application_hash: bytes = b"\0" * 32) -> Any:
        """Apply with `shares` shares, paying their nominal value into escrow."""
        value = self._payment(sender, shares * self.share_price())
        call = self.membership.functions.submitApplication(shares, application_hash)
        return self._send(sender, call, value=value)

    def withdraw_application(self, sender: Sender) -> Any:
        return self._send(sender, self.membership.functions.withdrawApplication())

    def admit(self, sender: Sender, applicant: str) -> Any:
        return self._send(sender, self.membership.functions.admit(applicant))

    def reject(self, sender: Sender, applicant: str) -> Any:
        return self._send(sender, self.membership.functions.reject(applicant))

    def pay_in(self, sender: Sender) -> Any:
        """Pay what `sender` still owes on its subscribed shares."""
        due = self.membership.functions.dueOf(sender.address).call()
        if due == 0:
            raise CoopError(f"{sender.address} owes nothing on its shares")
        return self._send(sender, self.membership.functions.payIn(), value=self._payment(sender, due))

    def buy_shares(self, sender: Sender, shares: int) -> Any:
        value = self._payment(sender, shares * self.share_price())
        return self._send(sender, self.membership.functions.buyShares(shares), value=value)

    def transfer_shares(self, sender: Sender, to: str, shares: int) -> Any:
        return self._send(sender, self.membership.functions.transferShares(to, shares))

    def give_notice(self, sender: Sender) -> Any:
        return self._send(sender, self.membership.functions.giveNotice())

    def complete_exit(self, sender: Sender, member: str) -> Any:
        return self._send(sender, self.membership.functions.completeExit(member))

    def claim_refund(self, sender: Sender) -> Any:
        return self._send(sender, self.membership.functions.claimRefund())

    def set_proxy(self, sender: Sender, proxy: str) -> Any:
        """Appoint `proxy` (a member) to carry `sender`'s vote; naming oneself revokes the proxy."""
        return self._send(sender, self.membership.functions.delegate(proxy))

    def revoke_proxy(self, sender: Sender) -> Any:
        return self.set_proxy(sender, sender.address)

    def member(self, address: str) -> dict[str, Any]:
        """A member's entry: status, shares, paid-in capital, dates, vote, proxy, claims and dues."""
        m = self.membership.functions
        status, shares, paid, joined_at, exit_at = m.memberOf(address).call()
        app_shares, escrow = m.applicationOf(address).call()
        proxy = m.delegates(address).call()
        return {
            "address": address,
            "status": MEMBER_STATUS[status],
            "shares": shares,
            "paid": paid,
            "due": m.dueOf(address).call(),
            "joined_at": joined_at or None,
            "exit_at": exit_at or None,
            "votes": m.getVotes(address).call(),
            "voting_rights": m.hasVotingRights(address).call(),
            "proxy": None if proxy in (ZERO_ADDRESS, address) else proxy,
            "principals": list(m.principalsOf(address).call()),
            "refund_claim": m.refundClaimOf(address).call(),
            "application": {"shares": app_shares, "escrow": escrow} if app_shares else None,
        }

    def members(self, include_former: bool = False) -> list[dict[str, Any]]:
        """Everyone ever admitted (from the `Admitted` events), with their current entry; former members
        (exited or excluded) only when asked."""
        seen: dict[str, None] = {}
        for log in self.membership.events.Admitted().get_logs(from_block=self.deployment.block):
            seen.setdefault(log["args"]["member"], None)
        entries = [self.member(a) for a in seen]
        if include_former:
            return entries
        return [e for e in entries if e["status"] in ("active", "leaving")]

    def applications(self) -> list[dict[str, Any]]:
        """Pending applications: applicants whose escrow is still held."""
        seen: dict[str, None] = {}
        for log in self.membership.events.Applied().get_logs(from_block=self.deployment.block):
            seen.setdefault(log["args"]["applicant"], None)
        pending = []
        for applicant in seen:
            shares, escrow = self.membership.functions.applicationOf(applicant).call()
            if shares:
                pending.append({"applicant": applicant, "shares": shares, "escrow": escrow})
        return pending

    # ------------------------------------------------------------------ the cooperative at a glance

    def info(self) -> dict[str, Any]:
        """Statute parameters, members, capital, treasury and token: what `coop info` shows."""
        m, g, t = self.membership.functions, self.governor.functions, self.token.functions
        symbol, decimals = self.currency()
        treasury = self.timelock.address
        pay_token = self.payment_token()
        return {
            "name": g.name().call(),
            "chain_id": self.deployment.chain_id,
            "created_at_block": self.deployment.block,
            "contracts": {k: v for k, v in self.deployment.as_json()["coop"].items()},
            "statute": {
                **self.terms(),
                "currency": symbol,
                "max_proxy_principals": m.maxPrincipals().call(),
                "board": None if m.board().call() == ZERO_ADDRESS else m.board().call(),
                "voting_delay": g.votingDelay().call(),
                "voting_period": g.votingPeriod().call(),
                "quorum_percent": g.quorumNumerator().call(),
                "timelock_delay": self.timelock.functions.getMinDelay().call(),
            },
            "members": {
                "count": m.memberCount().call(),
                "with_voting_rights": m.votingMembers().call(),
                "shares": m.totalShares().call(),
            },
            "capital": {
                "decimals": decimals,
                "paid_in": m.totalPaidIn().call(),
                "escrow": m.escrowTotal().call(),
                "refund_claims": m.claimsTotal().call(),
                "available_for_refunds": m.availableFunds().call(),
                "movable_to_treasury": m.freeFunds().call(),
            },
            "treasury": {
                "address": self.timelock.address,
                "coin": self.treasury_balance(),
                "payment_token": pay_token.functions.balanceOf(treasury).call() if pay_token else None,
                "coop_token": t.balanceOf(treasury).call(),
            },
            "token": {
                "address": self.token.address,
                "name": t.name().call(),
                "symbol": t.symbol().call(),
                "decimals": t.decimals().call(),
                "total_supply": t.totalSupply().call(),
                "cap": t.cap().call() or None,
            },
        }

    # ------------------------------------------------------------------ resolutions

    def encode(self, contract: str, function: str, *args: Any) -> Action:
        """An action calling `function(*args)` on one of the cooperative's contracts."""
        target = getattr(self, contract)
        return Action(target.address, 0, bytes.fromhex(target.encode_abi(function, args=list(args))[2:]))

    def derived_kind(self, actions: list[Action]) -> str:
        """The kind of resolution these calls need, as the governor derives it."""
        targets = [a.target for a in actions]
        kind = self.governor.functions.derivedKind(targets, [a.calldata for a in actions]).call()
        return KINDS[kind]

    def propose(
        self, sender: Sender, actions: list[Action], description: str, kind: str | None = None
    ) -> int | None:
        """Propose a resolution; `kind` may only ask for a stricter majority than the calls need.
        Returns the proposal id (None on a dry run)."""
        from web3.logs import DISCARD

        if not description.strip():
            raise CoopError("a proposal needs a title and description")
        targets = [a.target for a in actions]
        values = [a.value for a in actions]
        calldatas = [a.calldata for a in actions]
        fns = self.governor.functions
        if kind is None:
            call = fns.propose(targets, values, calldatas, description)
        else:
            if kind not in KINDS[1:]:
                raise CoopError(f"kind must be one of {', '.join(KINDS[1:])}, got {kind!r}")
            call = fns.proposeWithKind(targets, values, calldatas, description, KINDS.index(kind))
        receipt = self._send(sender, call)
        if receipt is None:
            return None
        created = self.governor.events.ProposalCreated().process_receipt(receipt, errors=DISCARD)
        return created[0]["args"]["proposalId"]

    def _support(self, support: str) -> int:
        if support not in SUPPORT:
            raise CoopError(f"vote must be one of {', '.join(SUPPORT)}, got {support!r}")
        return SUPPORT[support]

    def vote(self, sender: Sender, proposal_id: int, support: str, reason: str = "") -> Any:
        self.proposal(proposal_id)  # an unknown id is an error before anything is simulated
        fns = self.governor.functions
        if reason:
            call = fns.castVoteWithReason(proposal_id, self._support(support), reason)
        else:
            call = fns.castVote(proposal_id, self._support(support))
        return self._send(sender, call)

    def sign_vote(self, signer: Sender, proposal_id: int, support: str, reason: str = "") -> dict[str, Any]:
        """An EIP-712 ballot signed by `signer`, sent nowhere: anyone can relay it and pay the gas.

        The governor's domain is read from the chain (EIP-5267), and the nonce is the voter's current one,
        so a ballot is good for one relay only. A keystore account signs locally; a development account
        is signed for by its node (eth_signTypedData_v4).
        """
        import json

        from eth_account.messages import encode_typed_data

        self.proposal(proposal_id)
        _, name, version, chain_id, contract, _, _ = self.governor.functions.eip712Domain().call()
        nonce = self.governor.functions.nonces(signer.address).call()
        message = {
            "proposalId": proposal_id,
            "support": self._support(support),
            "voter": signer.address,
            "nonce": nonce,
        }
        fields = [
            {"name": "proposalId", "type": "uint256"},
            {"name": "support", "type": "uint8"},
            {"name": "voter", "type": "address"},
            {"name": "nonce", "type": "uint256"},
        ]
        primary = "Ballot"
        if reason:
            primary = "ExtendedBallot"
            fields += [{"name": "reason", "type": "string"}, {"name": "params", "type": "bytes"}]
            message.update(reason=reason, params=b"")
        typed = {
            "types": {
                "EIP712Domain": [
                    {"name": "name", "type": "string"},
                    {"name": "version", "type": "string"},
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"},
                ],
                primary: fields,
            },
            "primaryType": primary,
            "domain": {"name": name, "version": version, "chainId": chain_id, "verifyingContract": contract},
            "message": message,
        }
        if signer.account is not None:
            signature = bytes(signer.account.sign_message(encode_typed_data(full_message=typed)).signature)
        else:
            # big numbers as decimal strings: JSON numbers lose precision past 2**53 in the node's parser
            shown = {k: str(v) if isinstance(v, int) else v for k, v in message.items()}
            payload = {**typed, "message": {**shown, "params": "0x"} if reason else shown}
            # Anvil takes the typed data as a JSON string (as MetaMask does), Ganache only as an object
            request = self.w3.provider.make_request
            response = request("eth_signTypedData_v4", [signer.address, json.dumps(payload)])
            if "error" in response:
                response = request("eth_signTypedData_v4", [signer.address, payload])
            if "error" in response:
                problem = response["error"].get("message")
                raise CoopError(f"the node cannot sign for {signer.address}: {problem}")
            signature = bytes.fromhex(str(response["result"]).removeprefix("0x"))
        return {
            "governor": contract,
            "chain_id": chain_id,
            "proposal_id": str(proposal_id),
            "support": support,
            "voter": signer.address,
            "nonce": nonce,
            "reason": reason,
            "signature": "0x" + signature.hex(),
        }

    def relay(self, sender: Sender, ballot: dict[str, Any]) -> Any:
        """Submit a ballot signed with `sign_vote`; `sender` pays the gas, the vote counts for the signer."""
        from .calls import checked_address

        try:
            proposal_id = int(ballot["proposal_id"])
            support = self._support(ballot["support"])
            voter = checked_address(ballot["voter"], "voter")
            signature = bytes.fromhex(str(ballot["signature"]).removeprefix("0x"))
            governor = checked_address(ballot["governor"], "governor")
        except (KeyError, TypeError, ValueError):
            raise CoopError("not a signed ballot (expected what `coop vote --sign-only` prints)") from None
        if governor != self.governor.address:
            raise CoopError(f"the ballot is for the governor {governor}, not this cooperative's")
        fns = self.governor.functions
        reason = ballot.get("reason") or ""
        if reason:
            call = fns.castVoteWithReasonAndParamsBySig(proposal_id, support, voter, reason, b"", signature)
        else:
            call = fns.castVoteBySig(proposal_id, support, voter, signature)
        return self._send(sender, call)

    def proposals(self) -> list[Proposal]:
        """Every proposal of this cooperative, oldest first."""
        logs = self.governor.events.ProposalCreated().get_logs(from_block=self.deployment.block)
        return [Proposal(log["args"], "0x" + bytes(log["transactionHash"]).hex()) for log in logs]

    def proposal(self, proposal_id: int) -> Proposal:
        """The proposal's calls and description, read from its ProposalCreated event."""
        for proposal in self.proposals():
            if proposal.id == proposal_id:
                return proposal
        raise CoopError(f"no proposal {proposal_id} in this cooperative")

    def state(self, proposal_id: int) -> str:
        return PROPOSAL_STATES[self.governor.functions.state(proposal_id).call()]

    def tally(self, proposal_id: int) -> dict[str, Any]:
        against, for_, abstain = self.governor.functions.proposalVotes(proposal_id).call()
        kind = KINDS[self.governor.functions.proposalKind(proposal_id).call()]
        return {"for": for_, "against": against, "abstain": abstain, "kind": kind}

    def proposal_details(self, proposal_id: int) -> dict[str, Any]:
        """Everything a member needs to decide and an auditor to check: state, counts, quorum, required
        majority, timing and the calls in words."""
        from .calls import describe_action

        p = self.proposal(proposal_id)
        g = self.governor.functions
        tally = self.tally(proposal_id)
        numerator, denominator = g.requiredMajority(KINDS.index(tally["kind"])).call()
        snapshot = g.proposalSnapshot(proposal_id).call()
        deadline = g.proposalDeadline(proposal_id).call()
        now = self.w3.eth.get_block("latest")["timestamp"]
        quorum = g.quorum(snapshot).call() if snapshot < now else None
        eta = g.proposalEta(proposal_id).call()
        ballots = tally["for"] + tally["against"] + tally["abstain"]
        return {
            "id": str(proposal_id),
            "title": p.title,
            "description": p.description,
            "proposer": p.proposer,
            "state": self.state(proposal_id),
            "kind": tally["kind"],
            "required_majority": f"{numerator}/{denominator}",
            "votes": {"for": tally["for"], "against": tally["against"], "abstain": tally["abstain"]},
            "quorum": quorum,
            "quorum_reached": None if quorum is None else ballots >= quorum,
            "snapshot": snapshot,
            "deadline": deadline,
            "voting_starts_in": max(0, snapshot - now),
            "time_left": max(0, deadline - now) if now >= snapshot else None,
            "eta": eta or None,
            "actions": [
                {
                    "target": a.target,
                    "value": a.value,
                    "calldata": "0x" + a.calldata.hex(),
                    "call": describe_action(a, self.names()),
                }
                for a in p.actions
            ],
        }

    def has_voted(self, proposal_id: int, account: str) -> bool:
        return self.governor.functions.hasVoted(proposal_id, account).call()

    def queue(self, sender: Sender, proposal_id: int) -> Any:
        return self._lifecycle(sender, proposal_id, "queue")

    def execute(self, sender: Sender, proposal_id: int) -> Any:
        return self._lifecycle(sender, proposal_id, "execute")

    def cancel(self, sender: Sender, proposal_id: int) -> Any:
        """Withdraw a proposal; the governor lets only its proposer, and only before voting starts."""
        return self._lifecycle(sender, proposal_id, "cancel")

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
        return self._send(sender, call)

    # ------------------------------------------------------------------ treasury and token

    def treasury_balance(self) -> int:
        return self.w3.eth.get_balance(self.timelock.address)

    def fund_treasury(self, sender: Sender, amount: int) -> Any:
        """Give coin to the treasury (a donation, a surplus, a grant); only a resolution spends it."""
        from .transact import Payment

        if amount <= 0:
            raise CoopError("the amount must be more than 0")
        return self._send(sender, Payment(self.w3, self.timelock.address), value=amount)

    def token_balance(self, address: str) -> int:
        return self.token.functions.balanceOf(address).call()

    def token_transfer(self, sender: Sender, to: str, amount: int) -> Any:
        return self._send(sender, self.token.functions.transfer(to, amount))

    def token_approve(self, sender: Sender, spender: str, amount: int) -> Any:
        return self._send(sender, self.token.functions.approve(spender, amount))

