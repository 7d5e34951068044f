"""A deployed cooperative and the operations its members, board and assembly perform on it.

Every operation is here once; the command line, the brownie scripts and the demo call these methods. Each
state change goes through `transact.send`, so the CLI's review (simulation, confirmation, dry run) and its
receipt handling apply to all of them alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..chain import artifacts
from ..chain.calls import Action
from ..chain.states import ADMISSION, KINDS, MEMBER_STATUS, PROPOSAL_STATES, SUPPORT
from ..chain.transact import OnSent, Review, Sender, send
from ..errors import CoopError

if TYPE_CHECKING:
    from web3 import Web3

    from .deploy import Deployment

ZERO_ADDRESS = "0x" + "0" * 40

#: Entries the reader contract reads in one call: a member's entry costs it some 31,000 gas, so a page
#: stays near 8 million, well within what nodes let one call spend (Anvil 30 million, geth 50).
PAGE = 250

__all__ = ["Action", "Cooperative", "Proposal", "KINDS", "PROPOSAL_STATES", "SUPPORT", "bound_description"]


def bound_description(description: str, proposer: str, kind: str | None = None) -> str:
    """`description` with the marks the governor reads from its end: the declared kind (`#kind=...`, only
    for a kind stricter than ordinary) and OpenZeppelin's `#proposer=0x...`, which lets only `proposer`
    create the proposal. Both are part of the proposal id, so a front-runner can neither strip the kind nor
    take the proposer's place."""
    text = description.rstrip()
    mark = f"#kind={kind}" if kind not in (None, "ordinary") else ""
    return f"{text}\n\n{mark}#proposer={proposer}"


def typed_signer(
    domain: dict[str, Any],
    primary: str,
    fields: list[dict[str, str]],
    message: dict[str, Any],
    signature: bytes,
) -> str | None:
    """Who signed EIP-712 `message` (None for a signature that recovers to nobody)."""
    from eth_account import Account
    from eth_account.messages import encode_typed_data

    typed = {
        "types": {"EIP712Domain": _DOMAIN_FIELDS, primary: fields},
        "primaryType": primary,
        "domain": domain,
        "message": message,
    }
    try:
        return Account.recover_message(encode_typed_data(full_message=typed), signature=signature)
    except Exception:  # a malformed signature
        return None


_DOMAIN_FIELDS = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


def _error_name(exc: BaseException) -> str | None:
    """The name of the custom error a web3 revert carries, if it is one the shipped ABIs declare."""
    data = getattr(exc, "data", None)
    if isinstance(data, dict):
        data = data.get("result") or data.get("data")
    if not isinstance(data, str) or len(data) < 10:
        return None
    known = artifacts.items_by_selector("error").get(bytes.fromhex(data[2:10]))
    return known[1]["name"] if known else None


def plain_description(description: str) -> str:
    """The description as people read it: without the marks `bound_description` adds."""
    import re

    return re.sub(r"\s*(#kind=[a-z-]+)?(#proposer=0x[0-9a-fA-F]{40})?\s*$", "", description)


class Proposal:
    """A proposal as created on chain: its id, its calls and its description (from `ProposalCreated`)."""

    def __init__(self, args: Any, tx: str | None = None) -> None:
        self.tx = tx  # the transaction that created it
        self.id: int = args["proposalId"]
        self.proposer: str = args["proposer"]
        self.actions = tuple(
            Action(t, v, bytes.fromhex(c.removeprefix("0x")) if isinstance(c, str) else bytes(c))
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
    """The five contracts of one cooperative, bound to a web3 connection.

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
        self.votes = self._contract("CoopVotes", deployment.votes)
        self.token = self._contract("CoopToken", deployment.token)
        self.governor = self._contract("CoopGovernor", deployment.governor)
        self.timelock = self._contract("CoopTimelock", deployment.timelock)
        self._error_units: Any = None
        self._shared: tuple[Any, Any] | None = None
        self._ballot_domain: tuple[Any, ...] | None = None
        self._overrides_refused = False

    def _contract(self, name: str, address: str) -> Any:
        return self.w3.eth.contract(address=address, abi=artifacts.abi(name))

    def _send(self, sender: Sender, call: Any, value: int = 0) -> Any:
        from ..chain.reverts import wording

        with wording(self.error_units()):
            return send(self.w3, sender, call, value=value, review=self.review, on_sent=self.on_sent)

    def error_units(self) -> Any:
        """What amounts in this cooperative's errors are counted in (read once): its currency and token."""
        if self._error_units is None:
            from ..chain.reverts import Units

            t = self.token.functions
            self._error_units = Units(self.currency(), (t.symbol().call(), t.decimals().call()))
        return self._error_units

    def names(self) -> dict[str, str]:
        """The cooperative's own addresses by role, for showing calls and events in words."""
        return {
            self.membership.address: "membership",
            self.votes.address: "votes",
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

    def apply_by_signature(
        self,
        sender: Sender,
        applicant: str,
        shares: int,
        application_hash: bytes,
        deadline: int,
        signature: bytes,
    ) -> Any:
        """Relay `applicant`'s signed application (`declarations.sign`): `sender` pays the shares' nominal
        value into the applicant's escrow, and the gas."""
        value = self._payment(sender, shares * self.share_price())
        call = self.membership.functions.submitApplicationBySig(
            applicant, shares, application_hash, deadline, signature
        )
        return self._send(sender, call, value=value)

    def withdraw_application(self, sender: Sender) -> Any:
        return self._send(sender, self.membership.functions.withdrawApplication())

    def admit(self, sender: Sender, applicant: str) -> Any:
        return self._send(sender, self.membership.functions.admit(applicant))

    def reject(self, sender: Sender, applicant: str) -> Any:
        """Reject an application; the escrow stays held for the applicant to collect (`collect_escrow`)."""
        return self._send(sender, self.membership.functions.reject(applicant))

    def collect_escrow(self, sender: Sender) -> Any:
        """Collect the escrow of `sender`'s rejected applications."""
        if self.membership.functions.returnedEscrowOf(sender.address).call() == 0:
            raise CoopError(f"{sender.address} has no escrow of a rejected application to collect")
        return self._send(sender, self.membership.functions.collectEscrow())

    def pay_in(self, sender: Sender) -> Any:
        """Pay what `sender` still owes on its subscribed shares."""
        due = self.membership.functions.dueOf(sender.address).call()
        if due == 0:
            raise CoopError(f"{sender.address} owes nothing on its shares")
        return self._send(sender, self.membership.functions.payIn(), value=self._payment(sender, due))

    def buy_shares(self, sender: Sender, shares: int) -> Any:
        value = self._payment(sender, shares * self.share_price())
        return self._send(sender, self.membership.functions.buyShares(shares), value=value)

    def transfer_value(self, giver: str, shares: int) -> int:
        """The paid-in capital that moves with `shares` of `giver`'s shares (in proportion)."""
        return self.membership.functions.transferValue(giver, shares).call()

    def consent_to_transfer(self, sender: Sender, giver: str, shares: int) -> Any:
        """As the receiver, agree on chain to take `shares` shares from `giver`, with the paid-in capital
        they carry now (GenG §76: a transfer needs the receiver's agreement)."""
        value = self.transfer_value(giver, shares)
        return self._send(sender, self.membership.functions.consentToTransfer(giver, shares, value))

    def sign_transfer_consent(
        self, signer: Sender, giver: str, shares: int, valid_for: int = 7 * 86400
    ) -> dict[str, Any]:
        """The receiver's EIP-712 signed agreement to take `shares` shares from `giver`, sent nowhere: the
        giver submits it with the transfer (`transfer_shares(..., consent=...)`). Valid for `valid_for`
        seconds and one use (the receiver's nonce)."""
        m = self.membership.functions
        _, name, version, chain_id, contract, _, _ = m.eip712Domain().call()
        message = {
            "from": giver,
            "to": signer.address,
            "shares": shares,
            "value": self.transfer_value(giver, shares),
            "nonce": m.nonces(signer.address).call(),
            "deadline": self.w3.eth.get_block("latest")["timestamp"] + valid_for,
        }
        fields = [
            {"name": "from", "type": "address"},
            {"name": "to", "type": "address"},
            {"name": "shares", "type": "uint256"},
            {"name": "value", "type": "uint256"},
            {"name": "nonce", "type": "uint256"},
            {"name": "deadline", "type": "uint256"},
        ]
        domain = {"name": name, "version": version, "chainId": chain_id, "verifyingContract": contract}
        signature = self.sign_typed(signer, domain, "ShareTransfer", fields, message)
        return {
            "membership": contract,
            "chain_id": chain_id,
            **{k: str(v) if isinstance(v, int) else v for k, v in message.items()},
            "signature": "0x" + signature.hex(),
        }

    def transfer_shares(
        self, sender: Sender, to: str, shares: int, consent: dict[str, Any] | None = None
    ) -> Any:
        """Transfer `shares` shares to member `to`, who agreed on chain (`consent_to_transfer`) or by the
        signed `consent` (`sign_transfer_consent`)."""
        m = self.membership.functions
        if consent is None:
            agreed_shares, agreed_value = m.consentOf(sender.address, to).call()
            value = self.transfer_value(sender.address, shares)
            if (agreed_shares, agreed_value) != (shares, value):
                raise CoopError(
                    f"{to} has not agreed to take {shares} share(s) from {sender.address}: the receiver "
                    f"runs `coop member consent {sender.address} --shares {shares}` first (GenG §76)"
                )
            return self._send(sender, m.transferShares(to, shares))
        from ..chain.calls import checked_address

        try:
            fields = (
                checked_address(consent["membership"], "membership"),
                checked_address(consent["from"], "from"),
                checked_address(consent["to"], "to"),
                int(consent["shares"]),
                int(consent["deadline"]),
                bytes.fromhex(str(consent["signature"]).removeprefix("0x")),
            )
        except (KeyError, TypeError, ValueError):
            raise CoopError(
                "not a signed consent (expected what `coop member consent --sign-only` prints)"
            ) from None
        membership, giver, receiver, agreed, deadline, signature = fields
        if membership != self.membership.address:
            raise CoopError(f"the consent is for the member list {membership}, not this cooperative's")
        if (giver, receiver, agreed) != (sender.address, to, shares):
            raise CoopError(
                f"the consent is for {agreed} share(s) from {giver} to {receiver}, not this transfer"
            )
        return self._send(sender, m.transferSharesWithConsent(to, shares, deadline, signature))

    def give_notice(self, sender: Sender) -> Any:
        return self._send(sender, self.membership.functions.giveNotice())

    def give_notice_by_signature(self, sender: Sender, member: str, deadline: int, signature: bytes) -> Any:
        """Relay `member`'s signed notice (`declarations.sign`); `sender` pays."""
        return self._send(sender, self.membership.functions.giveNoticeBySig(member, deadline, signature))

    def set_proxy_by_signature(
        self, sender: Sender, proxy: str, nonce: int, deadline: int, signature: bytes
    ) -> Any:
        """Relay a member's signed appointment of `proxy` (`declarations.sign`); `sender` pays."""
        r, s, v = signature[:32], signature[32:64], signature[64]
        return self._send(sender, self.votes.functions.delegateBySig(proxy, nonce, deadline, v, r, s))

    def complete_exit(self, sender: Sender, member: str) -> Any:
        return self._send(sender, self.membership.functions.completeExit(member))

    def claim_refund(self, sender: Sender) -> Any:
        return self._send(sender, self.membership.functions.claimRefund())

    def set_proxy(self, sender: Sender, proxy: str) -> Any:
        """Appoint `proxy` (a member) to carry `sender`'s vote; naming oneself revokes the proxy. A change
        that changes nothing is refused before anything is sent."""
        current = self.votes.functions.delegates(sender.address).call()
        if proxy == sender.address and current == sender.address:
            raise CoopError(f"{sender.address} carries its own vote already: there is no proxy to revoke")
        if proxy != sender.address and current == proxy:
            raise CoopError(f"{proxy} carries the vote of {sender.address} already")
        return self._send(sender, self.votes.functions.delegate(proxy))

    def revoke_proxy(self, sender: Sender) -> Any:
        return self.set_proxy(sender, sender.address)

    def resign_as_proxy(self, sender: Sender, principal: str) -> Any:
        """As proxy, give up (or decline) carrying `principal`'s vote."""
        return self._send(sender, self.votes.functions.resignAsProxy(principal))

    def member(self, address: str) -> dict[str, Any]:
        """A member's entry: status, shares, paid-in capital, dates, vote, proxy, claims and dues."""
        return self.member_entries([address])[0]

    def member_entries(self, accounts: list[str], block: int | None = None) -> list[dict[str, Any]]:
        """The entries of `accounts` (in that order), all as of one block (`block`, else the latest): read
        `PAGE` at a time by the reader contract, one call each, or entry by entry from a node that runs no
        state override."""
        from ..chain.undeployed import OverridesRefused, call_undeployed

        if not accounts:
            return []
        block = self.w3.eth.block_number if block is None else block
        if not self._overrides_refused:
            pages = [accounts[i : i + PAGE] for i in range(0, len(accounts), PAGE)]
            m, v = self.deployment.membership, self.deployment.votes
            try:
                answers = call_undeployed(
                    self.w3, "CoopReader", "memberEntries", [(m, v, page) for page in pages], block
                )
            except OverridesRefused:
                self._overrides_refused = True
            else:
                entries = []
                for page, (rows, principals) in zip(pages, answers, strict=True):
                    taken = 0
                    for address, row in zip(page, rows, strict=True):
                        count = row[13]
                        member, application, rest = row[0:5], row[5:7], row[7:13]
                        entries.append(
                            _member_entry(
                                address, member, application, *rest, principals[taken : taken + count]
                            )
                        )
                        taken += count
                return entries
        return [self._member_entry_by_calls(address, block) for address in accounts]

    def _member_entry_by_calls(self, address: str, block: int) -> dict[str, Any]:
        """One entry in nine calls, for a node that cannot run the reader."""
        m, v = self.membership.functions, self.votes.functions
        return _member_entry(
            address,
            m.memberOf(address).call(block_identifier=block),
            m.applicationOf(address).call(block_identifier=block),
            m.dueOf(address).call(block_identifier=block),
            m.refundClaimOf(address).call(block_identifier=block),
            m.returnedEscrowOf(address).call(block_identifier=block),
            v.delegates(address).call(block_identifier=block),
            v.getVotes(address).call(block_identifier=block),
            v.hasVotingRights(address).call(block_identifier=block),
            v.principalsOf(address).call(block_identifier=block),
        )

    def _ever_admitted(self) -> list[str]:
        """Everyone ever admitted, in the order of their first admission (the `Admitted` events)."""
        from ..chain.events import checksummed, raw_logs

        logs = raw_logs(self.w3, self.deployment.membership, "Admitted", self.deployment.block)
        return list(dict.fromkeys(checksummed("0x" + log["topics"][1][-40:]) for log in logs))

    def members(self, include_former: bool = False) -> list[dict[str, Any]]:
        """Everyone ever admitted, with their current entry; former members (exited or excluded) only when
        asked."""
        entries = self.member_entries(self._ever_admitted())
        if include_former:
            return entries
        return [e for e in entries if e["status"] in ("active", "leaving")]

    def applications(self) -> list[dict[str, Any]]:
        """Pending applications: applicants whose escrow is still held."""
        from ..chain.events import checksummed, raw_logs

        logs = raw_logs(self.w3, self.deployment.membership, "Applied", self.deployment.block)
        applicants = list(dict.fromkeys(checksummed("0x" + log["topics"][1][-40:]) for log in logs))
        return [
            {"applicant": e["address"], **e["application"]}
            for e in self.member_entries(applicants)
            if e["application"]
        ]

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
                "max_proxy_principals": self.votes.functions.maxPrincipals().call(),
                "board": None if m.board().call() == ZERO_ADDRESS else m.board().call(),
                "voting_delay": g.votingDelay().call(),
                "voting_period": g.votingPeriod().call(),
                "quorum_percent": g.quorumNumerator().call(),
                "timelock_delay": self.timelock.functions.getMinDelay().call(),
            },
            "members": {
                "count": m.memberCount().call(),
                "with_voting_rights": self.votes.functions.votingMembers().call(),
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
        _, rules = self.shared_contracts()
        kind = rules.functions.derivedKind(
            self.governor.address,
            self.timelock.address,
            self.membership.address,
            targets,
            [a.calldata for a in actions],
        ).call()
        return KINDS[kind]

    def preflight(self, actions: list[Action]) -> list[str]:
        """Each call of a resolution run the way the timelock would run it, against the current state, before
        anybody votes on it: a call that would revert raises CoopError with the reason in words; a call that
        could still succeed when it is executed (a payment larger than the treasury holds today, or one that
        may depend on a call before it in the same resolution) is returned as a warning.

        Calls to the governor (its settings) run only inside an execution and are not simulated here: the
        templates check their values."""
        from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError

        from ..chain.calls import describe_action
        from ..chain.reverts import explain_exception, wording
        from ..chain.units import from_base_units

        warnings = []
        treasury = self.timelock.address
        coin = self.treasury_balance()
        later = {"ERC20InsufficientBalance", "InsufficientBalance", "FailedCall"}
        for position, action in enumerate(actions, start=1):
            what = f"call {position} ({describe_action(action, self.names())})"
            if action.target == self.governor.address:
                continue
            if action.value > coin:
                warnings.append(
                    f"{what} pays {from_base_units(action.value)} ETH, the treasury holds "
                    f"{from_base_units(coin)} ETH today: it must be funded before the resolution is executed"
                )
                continue
            tx = {"from": treasury, "to": action.target, "value": action.value, "data": action.calldata}
            try:
                self.w3.eth.call(tx)
            except (ContractCustomError, ContractLogicError, ContractPanicError) as exc:
                with wording(self.error_units()):
                    reason = explain_exception(exc) or str(exc)
                name = _error_name(exc)
                if name in later or position > 1:
                    because = (
                        "it may succeed later" if name in later else "it may depend on the calls before it"
                    )
                    warnings.append(f"{what} would fail today ({reason}); {because}")
                    continue
                raise CoopError(f"{what} can never be carried out as things stand: {reason}") from None
        return warnings

    def propose(
        self, sender: Sender, actions: list[Action], description: str, kind: str | None = None
    ) -> int | None:
        """Propose a resolution; `kind` may only ask for a stricter majority than the calls need.
        Returns the proposal id (None on a dry run).

        The kind and the proposer are written into the description's last line (`#kind=...#proposer=0x...`,
        see `bound_description`), which the proposal id hashes: nobody can create the same proposal first
        with another kind, or as its proposer."""
        from web3.logs import DISCARD

        if not description.strip():
            raise CoopError("a proposal needs a title and description")
        if kind is not None and kind not in KINDS[1:]:
            raise CoopError(f"kind must be one of {', '.join(KINDS[1:])}, got {kind!r}")
        text = bound_description(description, sender.address, kind)
        call = self.governor.functions.propose(
            [a.target for a in actions], [a.value for a in actions], [a.calldata for a in actions], text
        )
        receipt = self._send(sender, call)
        if receipt is None:
            return None
        created = self.governor.events.ProposalCreated().process_receipt(receipt, errors=DISCARD)
        return created[0]["args"]["proposalId"]

    def _support(self, support: str) -> int:
        if support not in SUPPORT:
            raise CoopError(f"vote must be one of {', '.join(SUPPORT)}, got {support!r}")
        return SUPPORT[support]

    def support_value(self, support: str) -> int:
        """The governor's number for a choice ("for", "against", "abstain"); CoopError for anything else."""
        return self._support(support)

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
        self.proposal(proposal_id)
        nonce = self.governor.functions.nonces(signer.address).call()
        domain, primary, fields, message = self.ballot_message(
            proposal_id, self._support(support), signer.address, nonce, reason
        )
        signature = self.sign_typed(signer, domain, primary, fields, message)
        return {
            "governor": domain["verifyingContract"],
            "chain_id": domain["chainId"],
            "proposal_id": str(proposal_id),
            "support": support,
            "voter": signer.address,
            "nonce": nonce,
            "reason": reason,
            "signature": "0x" + signature.hex(),
        }

    def ballot_message(
        self, proposal_id: int, support: int, voter: str, nonce: int, reason: str
    ) -> tuple[dict[str, Any], str, list[dict[str, str]], dict[str, Any]]:
        """The EIP-712 ballot the governor checks (OpenZeppelin's Ballot, or ExtendedBallot with a reason):
        (domain, primary type, fields, message), the domain read from the chain once (EIP-5267)."""
        if self._ballot_domain is None:
            self._ballot_domain = self.governor.functions.eip712Domain().call()
        _, name, version, chain_id, contract, _, _ = self._ballot_domain
        message: dict[str, Any] = {
            "proposalId": proposal_id,
            "support": support,
            "voter": voter,
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
        domain = {"name": name, "version": version, "chainId": chain_id, "verifyingContract": contract}
        return domain, primary, fields, message

    def sign_typed(
        self,
        signer: Sender,
        domain: dict[str, Any],
        primary: str,
        fields: list[dict[str, str]],
        message: dict[str, Any],
    ) -> bytes:
        """`signer`'s EIP-712 signature of `message`: a keystore account signs locally; a development
        account is signed for by its node (eth_signTypedData_v4)."""
        import json

        from eth_account.messages import encode_typed_data

        typed = {
            "types": {"EIP712Domain": _DOMAIN_FIELDS, primary: fields},
            "primaryType": primary,
            "domain": domain,
            "message": message,
        }
        if signer.account is not None:
            return bytes(signer.account.sign_message(encode_typed_data(full_message=typed)).signature)
        # big numbers as decimal strings: JSON numbers lose precision past 2**53 in the node's parser; bytes
        # as hex
        shown = {
            k: str(v) if isinstance(v, int) else "0x" + v.hex() if isinstance(v, bytes) else v
            for k, v in message.items()
        }
        payload = {**typed, "message": shown}
        # Anvil takes the typed data as a JSON string (as MetaMask does), Ganache only as an object
        request = self.w3.provider.make_request
        response = request("eth_signTypedData_v4", [signer.address, json.dumps(payload)])
        if "error" in response:
            response = request("eth_signTypedData_v4", [signer.address, payload])
        if "error" in response:
            problem = response["error"].get("message")
            raise CoopError(f"the node cannot sign for {signer.address}: {problem}")
        return bytes.fromhex(str(response["result"]).removeprefix("0x"))

    def shared_contracts(self) -> tuple[Any, Any]:
        """The stateless contracts the governor relies on (read once): its ballot box and its resolution
        rules."""
        if self._shared is None:
            box, rules = self.governor.functions.sharedContracts().call()
            self._shared = (self._contract("BallotBox", box), self._contract("ResolutionRules", rules))
        return self._shared

    def ballot_box_call(self, proposal_id: int, ballots: list[tuple[Any, ...]]) -> Any:
        """The box's castVotesBySig of this governor with `ballots` on `proposal_id` (its SignedBallot
        structs)."""
        box, _ = self.shared_contracts()
        call = box.functions.castVotesBySig(self.governor.address, proposal_id, ballots)
        call.description = f"castVotesBySig: {len(ballots)} signed ballot{'s' if len(ballots) != 1 else ''}"
        return call

    def relay_ballots(self, sender: Sender, proposal_id: int, ballots: list[tuple[Any, ...]]) -> Any:
        """Send one batch of signed ballots on `proposal_id` through the box; `sender` pays, each vote counts
        for its signer (`ballot_box.relay` checks them first and sizes the batches)."""
        return self._send(sender, self.ballot_box_call(proposal_id, ballots))

    def proposals(self) -> list[Proposal]:
        """Every proposal of this cooperative, oldest first."""
        from ..chain.events import decode_log, raw_logs

        logs = raw_logs(self.w3, self.deployment.governor, "ProposalCreated", self.deployment.block)
        return [Proposal(event["args"], log["transactionHash"]) for log in logs if (event := decode_log(log))]

    def proposal(self, proposal_id: int) -> Proposal:
        """The proposal's calls and description, read from its ProposalCreated event (the id is the first word
        of each event's data: only the one asked for is decoded)."""
        from ..chain.events import decode_log, raw_logs

        first_word = f"0x{proposal_id:064x}"
        for log in raw_logs(self.w3, self.deployment.governor, "ProposalCreated", self.deployment.block):
            if str(log.get("data", "")).lower().startswith(first_word) and (event := decode_log(log)):
                return Proposal(event["args"], log["transactionHash"])
        raise CoopError(f"no proposal {proposal_id} in this cooperative")

    def resolution_entries(self, proposal_ids: list[int], block: int | None = None) -> list[dict[str, Any]]:
        """State, kind and counts of each of `proposal_ids` (in that order), all as of one block (`block`,
        else the latest): read by the reader contract, `PAGE` * 2 to a call, or proposal by proposal from a
        node that runs no state override."""
        from ..chain.undeployed import OverridesRefused, call_undeployed

        if not proposal_ids:
            return []
        block = self.w3.eth.block_number if block is None else block
        if not self._overrides_refused:
            size = 2 * PAGE
            pages = [proposal_ids[i : i + size] for i in range(0, len(proposal_ids), size)]
            try:
                answers = call_undeployed(
                    self.w3,
                    "CoopReader",
                    "resolutionEntries",
                    [(self.governor.address, p) for p in pages],
                    block,
                )
            except OverridesRefused:
                self._overrides_refused = True
            else:
                return [
                    {
                        "state": PROPOSAL_STATES[state],
                        "kind": KINDS[kind],
                        "for": for_,
                        "against": against,
                        "abstain": abstain,
                    }
                    for rows in answers
                    for state, kind, against, for_, abstain in rows
                ]
        return [{"state": self.state(pid, block), **self.tally(pid, block)} for pid in proposal_ids]

    def state(self, proposal_id: int, block: int | str = "latest") -> str:
        return PROPOSAL_STATES[self.governor.functions.state(proposal_id).call(block_identifier=block)]

    def tally(self, proposal_id: int, block: int | str = "latest") -> dict[str, Any]:
        g = self.governor.functions
        against, for_, abstain = g.proposalVotes(proposal_id).call(block_identifier=block)
        kind = KINDS[g.proposalKind(proposal_id).call(block_identifier=block)]
        return {"for": for_, "against": against, "abstain": abstain, "kind": kind}

    def proposal_details(self, proposal_id: int) -> dict[str, Any]:
        """Everything a member needs to decide and an auditor to check: state, counts, quorum, required
        majority, timing and the calls in words."""
        from ..chain.calls import describe_action

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
            "description": plain_description(p.description),
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
        from ..chain.transact import Payment

        if amount <= 0:
            raise CoopError("the amount must be more than 0")
        return self._send(sender, Payment(self.w3, self.timelock.address), value=amount)

    def token_balance(self, address: str) -> int:
        return self.token.functions.balanceOf(address).call()

    def token_transfer(self, sender: Sender, to: str, amount: int) -> Any:
        return self._send(sender, self.token.functions.transfer(to, amount))

    def token_approve(self, sender: Sender, spender: str, amount: int) -> Any:
        return self._send(sender, self.token.functions.approve(spender, amount))


def _member_entry(
    address: str,
    member: tuple[int, int, int, int, int],
    application: tuple[int, int],
    due: int,
    refund_claim: int,
    returned_escrow: int,
    proxy: str,
    votes: int,
    voting_rights: bool,
    principals: tuple[str, ...] | list[str],
) -> dict[str, Any]:
    """The entry `coop member show` prints, from what the member list and the votes hold."""
    from ..chain.events import checksummed

    status, shares, paid, joined_at, exit_at = member
    app_shares, escrow = application
    own = proxy.lower() in (ZERO_ADDRESS, address.lower())  # no proxy: the vote is the member's own
    return {
        "address": address,
        "status": MEMBER_STATUS[status],
        "shares": shares,
        "paid": paid,
        "due": due,
        "joined_at": joined_at or None,
        "exit_at": exit_at or None,
        "votes": votes,
        "voting_rights": voting_rights,
        "proxy": None if own else checksummed(proxy),
        "principals": [checksummed(p) for p in principals],
        "refund_claim": refund_claim,
        "returned_escrow": returned_escrow,
        "application": {"shares": app_shares, "escrow": escrow} if app_shares else None,
    }
