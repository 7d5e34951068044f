"""The cooperative's history replayed from its decoded events alone (`Books`): the member list (GenG §30),
capital accounts and claims, proxies and voting rights, resolutions and their ballots, the token, the
treasury's flows and the contracts' code. A pure function of the events, so it runs up to any block or date
and can be compared with what the contracts report (`verification`)."""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..chain.states import KINDS
from ..chain.states import SUPPORT as BALLOT_CHOICES
from ..coop.deploy import ROLES as DEPLOYMENT_ROLES

if TYPE_CHECKING:
    from ..coop.deploy import Deployment


ZERO = "0x" + "0" * 40
SUPPORT = {value: name for name, value in BALLOT_CHOICES.items()}


@dataclass
class Member:
    """One line of the member list, as the events tell it."""

    address: str
    status: str = "active"
    shares: int = 0
    paid: int = 0
    joined_at: int | None = None
    notice_at: int | None = None
    exit_at: int | None = None
    excluded_at: int | None = None
    exited_at: int | None = None
    proxy: str | None = None
    refund_claim: int = 0
    refunded: int = 0
    returned_escrow: int = 0

    def row(self, share_price: int) -> dict[str, Any]:
        return {
            "address": self.address,
            "status": self.status,
            "shares": self.shares,
            "paid": self.paid,
            "subscribed": self.shares * share_price,
            "joined_at": self.joined_at,
            "notice_at": self.notice_at,
            "exit_at": self.exit_at,
            "excluded_at": self.excluded_at,
            "exited_at": self.exited_at,
            "proxy": self.proxy,
            "refund_claim": self.refund_claim,
            "refunded": self.refunded,
        }


@dataclass
class Resolution:
    """A proposal and what happened to it, as the events tell it."""

    number: int
    id: int
    proposer: str
    title: str
    description: str
    targets: list[str]
    values: list[int]
    calldatas: list[bytes]
    snapshot: int
    deadline: int
    proposed_at: int
    proposed_tx: str
    kind: str = "ordinary"
    votes: list[dict[str, Any]] = field(default_factory=list)
    tally: dict[str, int] = field(default_factory=lambda: {"for": 0, "against": 0, "abstain": 0})
    queued_tx: str | None = None
    eta: int | None = None
    executed_tx: str | None = None
    canceled_tx: str | None = None


class Books:
    """The cooperative's books, built by replaying its events in order. `apply` takes one decoded event
    (from chainlog: `event`, `args`, `address`, `block`, `time`, `tx`)."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self.contract_of = {getattr(deployment, r): r for r in DEPLOYMENT_ROLES}
        self.share_price = 0  # from TermsSet at creation, then StatuteChanged
        self.members: dict[str, Member] = {}
        self.applications: dict[str, dict[str, int]] = {}
        self.escrow = 0
        self.claims = 0
        self.token_supply = 0
        self.resolutions: dict[int, Resolution] = {}
        # the vote records, for the minutes: (time, principal, proxy, proxy-limit epoch then) per appointment;
        # each member's windows of voting rights [start, stop); the proxy limit's (time, limit, epoch)
        self.proxies_at: list[tuple[int, str, str | None, int]] = []
        self.rights: dict[str, list[list[int | None]]] = {}
        self.limits: list[tuple[int, int, int]] = []
        self.returned_escrow: dict[str, int] = {}
        self.roles: dict[tuple[str, str], set[str]] = {}  # (contract, role) -> holders
        self.owner: dict[str, str] = {}
        self.coin_flows: list[dict[str, Any]] = []
        self.token_events: list[dict[str, Any]] = []
        self.statute_changes: list[dict[str, Any]] = []
        #: every implementation each contract ran, in order: the first at creation, then each move
        self.code_moves: list[dict[str, Any]] = []
        #: events whose own figures disagree with the replay so far (an event missing before them)
        self.inconsistent: list[str] = []
        self.votes: dict[str, int] = {}  # votes each member carries, from DelegateVotesChanged
        # principals(): each proxy's principals after the first n appointments, for the n asked so far
        self._carried: dict[int, dict[str, list[tuple[str, int]]]] = {0: {}}
        self._kept: list[int] = [0]  # the n of `_carried`, sorted
        self._appointed_at: list[int] = []  # the time of each appointment in `proxies_at`
        self._count = self._shares = self._paid = 0
        self.series: dict[str, list[dict[str, Any]]] = {"members": [], "capital": []}
        self.last_block = deployment.block
        self.last_time = 0

    # the derived totals the contracts keep as well ------------------------------------------------

    # The totals the contracts keep as well, kept as running counts (a history of 100,000 events
    # must not recount 10,000 members after each one).

    @property
    def member_count(self) -> int:
        return self._count

    def voting_members(self, time: int) -> int:
        """Members with voting rights at `time` (rights that ended by themselves at an exit date included)."""
        return sum(self.has_rights(m, time) for m in self.rights)

    @property
    def total_shares(self) -> int:
        return self._shares

    @property
    def paid_in(self) -> int:
        return self._paid

    # replay -------------------------------------------------------------------------------------

    def apply(self, event: dict[str, Any]) -> None:
        handler = getattr(self, f"_on_{event['event']}", None)
        if handler is not None:
            handler(event, event["args"])
        self.last_block, self.last_time = event["block"], event["time"]

    def replay(self, events: Iterable[dict[str, Any]]) -> Books:
        for event in events:
            before = (self.member_count, self.paid_in, self.claims)
            self.apply(event)
            if (self.member_count, self.paid_in, self.claims) != before:
                self._record_series(event["time"], event["block"])
        return self

    def _record_series(self, time: int, block: int) -> None:
        self.series["members"].append({"time": time, "block": block, "count": self.member_count})
        self.series["capital"].append(
            {"time": time, "block": block, "paid": self.paid_in, "open_claims": self.claims}
        )

    def _member(self, address: str, e: dict[str, Any]) -> Member:
        if address not in self.members:  # an event for someone the history never admitted
            self.inconsistent.append(f"{e['event']} in block {e['block']}: {address} was never admitted")
            self.members[address] = Member(address, status="unknown")
        return self.members[address]

    # membership
    def _on_Applied(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        self.applications[a["applicant"]] = {"shares": a["shares"], "escrow": a["escrow"], "time": e["time"]}
        self.escrow += a["escrow"]

    def _close_application(self, applicant: str) -> None:
        application = self.applications.pop(applicant, None)
        if application:
            self.escrow -= application["escrow"]

    def _on_ApplicationWithdrawn(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        self._close_application(a["applicant"])

    def _on_Rejected(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        # the escrow stays held for the applicant until collected
        application = self.applications.pop(a["applicant"], None) or {}
        self._expect(e, "escrow of the application", application.get("escrow"), a["escrow"])
        self.returned_escrow[a["applicant"]] = self.returned_escrow.get(a["applicant"], 0) + a["escrow"]

    def _on_EscrowCollected(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        self._expect(e, "escrow to collect", self.returned_escrow.get(a["applicant"], 0), a["amount"])
        self.returned_escrow.pop(a["applicant"], None)
        self.escrow -= a["amount"]

    def _on_TermsSet(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        self.share_price = a["terms"][1]

    def _on_Admitted(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        # founders join at creation; everyone else through an application whose escrow becomes their capital
        if e["block"] != self.deployment.block:
            application = self.applications.get(a["member"], {})
            self._expect(e, "escrow of the application", application.get("escrow"), a["paid"])
        self._close_application(a["member"])
        m = self.members[a["member"]] = Member(a["member"])  # a former member may join again
        m.shares, m.paid, m.joined_at = a["shares"], a["paid"], e["time"]
        self._count += 1
        self._shares += m.shares
        self._paid += m.paid

    def _on_SharesBought(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        m = self._member(a["member"], e)
        m.shares += a["shares"]
        m.paid += a["amount"]
        self._shares += a["shares"]
        self._paid += a["amount"]

    def _on_CapitalPaidIn(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        self._member(a["member"], e).paid += a["amount"]
        self._paid += a["amount"]

    def _on_SharesTransferred(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        giver, taker = self._member(a["from"], e), self._member(a["to"], e)
        giver.shares -= a["shares"]
        giver.paid -= a["value"]
        taker.shares += a["shares"]
        taker.paid += a["value"]

    def _on_NoticeGiven(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        m = self._member(a["member"], e)
        m.status, m.notice_at, m.exit_at = "leaving", e["time"], a["exitAt"]

    def _on_Excluded(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        m = self._member(a["member"], e)
        m.status, m.excluded_at, m.exit_at = "excluded", e["time"], a["exitAt"]

    def _expect(self, e: dict[str, Any], what: str, replayed: Any, told: Any) -> None:
        if replayed != told:
            self.inconsistent.append(f"{e['event']} in block {e['block']}: {what} {told}, replay {replayed}")

    def _on_Exited(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        m = self._member(a["member"], e)
        self._expect(
            e, "status before the exit", m.status, "leaving" if m.status != "excluded" else "excluded"
        )
        self._expect(e, "shares", m.shares, a["shares"])
        self._expect(e, "paid-in capital", m.paid, a["refundClaim"])
        self._count -= m.status in ("active", "leaving", "excluded")
        self._shares -= m.shares
        self._paid -= m.paid
        m.status, m.exited_at = "exited", e["time"]
        m.shares, m.paid = 0, 0
        m.refund_claim += a["refundClaim"]
        self.claims += a["refundClaim"]

    def _on_RefundPaid(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        m = self._member(a["member"], e)
        self._expect(e, "claim left", m.refund_claim - a["amount"], a["remainingClaim"])
        m.refunded += a["amount"]
        m.refund_claim = a["remainingClaim"]
        self.claims -= a["amount"]

    # votes
    def _on_DelegateChanged(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        account, old, new = a["delegator"], a["fromDelegate"], a["toDelegate"]
        windows = self.rights.setdefault(account, [])
        if old == ZERO and new == account:  # voting rights granted at admission
            windows.append([e["time"], None])
            return
        if new == ZERO:  # rights ended at once (exclusion), or an ended right's records tidied at the exit
            if windows and (windows[-1][1] is None or windows[-1][1] > e["time"]):
                windows[-1][1] = e["time"]
            new = account
        proxy = None if new == account else new
        if account in self.members:
            self.members[account].proxy = proxy
        self.proxies_at.append((e["time"], account, proxy, self._limit_at(e["time"])[1]))
        self._appointed_at.append(e["time"])

    def _on_VotingRightsEndSet(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        windows = self.rights.get(a["account"])
        if windows and windows[-1][1] is None:
            windows[-1][1] = a["lastSecond"] + 1

    def _on_ProxyLimitSet(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        limit, epoch = self._limit_at(e["time"])
        self.limits.append((e["time"], a["limit"], epoch + (a["limit"] < limit)))

    def _on_DelegateVotesChanged(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        self._expect(e, "votes before", self.votes.get(a["delegate"], 0), a["previousVotes"])
        self.votes[a["delegate"]] = a["newVotes"]

    def _on_StatuteChanged(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        if a["parameter"] == "sharePrice":
            self.share_price = a["value"]
        self.statute_changes.append({"block": e["block"], "time": e["time"], "tx": e["tx"], **a})

    def _on_CapitalMovedToTreasury(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        self._flow(e, "in", "capital", a["amount"], self.deployment.membership)

    # token
    def _on_Transfer(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        if e["address"] != self.deployment.token:
            return
        timelock = self.deployment.timelock
        if a["from"] == ZERO:
            self.token_supply += a["value"]
            self.token_events.append(self._token_event(e, "mint", a["value"], a["to"]))
        elif a["to"] == ZERO:
            self.token_supply -= a["value"]
            self.token_events.append(self._token_event(e, "burn", a["value"], a["from"]))
        if a["from"] == timelock and a["to"] != ZERO:
            self._flow(e, "out", "token", a["value"], a["to"])
        elif a["to"] == timelock and a["from"] != ZERO:
            self._flow(e, "in", "token", a["value"], a["from"])

    def _token_event(self, e: dict[str, Any], kind: str, amount: int, account: str) -> dict[str, Any]:
        return {
            "block": e["block"],
            "time": e["time"],
            "tx": e["tx"],
            "kind": kind,
            "amount": amount,
            "account": account,
            "resolution": None,
        }

    def _on_OwnershipTransferred(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        self.owner[self.contract_of.get(e["address"], e["address"])] = a["newOwner"]

    # governor
    def _on_ProposalCreated(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        description = a["description"]
        first = description.strip().splitlines()[0] if description.strip() else ""
        self.resolutions[a["proposalId"]] = Resolution(
            number=len(self.resolutions) + 1,
            id=a["proposalId"],
            proposer=a["proposer"],
            title=first.lstrip("# ").strip(),
            description=description,
            targets=list(a["targets"]),
            values=list(a["values"]),
            calldatas=[bytes.fromhex(str(c).removeprefix("0x")) for c in a["calldatas"]],
            snapshot=a["voteStart"],
            deadline=a["voteEnd"],
            proposed_at=e["time"],
            proposed_tx=e["tx"],
        )

    def _resolution(self, proposal_id: int) -> Resolution | None:
        return self.resolutions.get(proposal_id)

    def _on_ProposalKindSet(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        r = self._resolution(a["proposalId"])
        if r:
            r.kind = KINDS[a["kind"]]

    def _on_VoteCast(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        r = self._resolution(a["proposalId"])
        if r is None:
            return
        support = SUPPORT.get(a["support"], str(a["support"]))
        r.tally[support] = r.tally.get(support, 0) + a["weight"]
        r.votes.append(
            {
                "voter": a["voter"],
                "support": support,
                "weight": a["weight"],
                "reason": a["reason"],
                "principals": self.counted_principals(a["voter"], r.snapshot, e["time"]),
                "tx": e["tx"],
                "time": e["time"],
            }
        )

    _on_VoteCastWithParams = _on_VoteCast

    def _on_ProposalQueued(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        r = self._resolution(a["proposalId"])
        if r:
            r.queued_tx, r.eta = e["tx"], a["etaSeconds"]

    def _on_ProposalExecuted(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        r = self._resolution(a["proposalId"])
        if r is None:
            return
        r.executed_tx = e["tx"]
        for entry in self.coin_flows + self.token_events + self.code_moves:
            if entry["tx"] == e["tx"]:
                entry["resolution"] = r.number

    def _on_ProposalCanceled(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        r = self._resolution(a["proposalId"])
        if r:
            r.canceled_tx = e["tx"]

    # every contract: the code it runs (an ERC-1967 proxy's `Upgraded`)
    def _on_Upgraded(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        role = self.contract_of.get(e["address"])
        if role is None:
            return
        first = not any(m["contract"] == role for m in self.code_moves)
        self.code_moves.append(
            {
                "contract": role,
                "implementation": a["implementation"],
                "block": e["block"],
                "time": e["time"],
                "tx": e["tx"],
                "at_creation": first,
                "resolution": None,
            }
        )

    # timelock
    def _on_FundsReceived(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        # coin paid to the treasury; capital the member list moves there is counted as such already
        if e["address"] == self.deployment.timelock and a["from"] != self.deployment.membership:
            self._flow(e, "in", "coin", a["amount"], a["from"])

    def _on_CallExecuted(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        if a["value"]:
            self._flow(e, "out", "coin", a["value"], a["target"])

    def _on_RoleGranted(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        self.roles.setdefault((self.contract_of.get(e["address"], e["address"]), a["role"]), set()).add(
            a["account"]
        )

    def _on_RoleRevoked(self, e: dict[str, Any], a: dict[str, Any]) -> None:
        key = (self.contract_of.get(e["address"], e["address"]), a["role"])
        self.roles.get(key, set()).discard(a["account"])

    def _flow(self, e: dict[str, Any], direction: str, asset: str, amount: int, counterparty: str) -> None:
        self.coin_flows.append(
            {
                "block": e["block"],
                "time": e["time"],
                "tx": e["tx"],
                "direction": direction,
                "asset": asset,
                "amount": amount,
                "counterparty": counterparty,
                "resolution": None,
            }
        )

    # questions --------------------------------------------------------------------------------------

    def has_rights(self, account: str, time: int) -> bool:
        """Whether `account` had voting rights at `time`, as the votes contract counts them."""
        windows = self.rights.get(account, [])
        return any(start <= time and (stop is None or time < stop) for start, stop in windows)

    def _limit_at(self, time: int) -> tuple[int, int]:
        """The proxy limit and its epoch (how often it was lowered) at `time`."""
        for changed, limit, epoch in reversed(self.limits):
            if changed <= time:
                return limit, epoch
        return 0, 0

    def principals(self, proxy: str, timepoint: int) -> list[tuple[str, int]]:
        """The members whose vote `proxy`'s record carried at `timepoint`, in the order of appointment, each
        with the proxy limit's epoch at its appointment.

        The appointments come in time order and are never changed once replayed, so the record after the
        first n of them holds for good: each is kept (by n), and a new timepoint continues from the nearest
        one kept before it. Every ballot of a resolution asks at the same snapshot; a history with an
        appointment between every ten of 100,000 ballots costs one pass over the appointments, not one per
        ballot."""
        upto = bisect_right(self._appointed_at, timepoint)  # the appointments made by `timepoint`
        carried = self._carried.get(upto)
        if carried is None:
            start = self._kept[bisect_right(self._kept, upto) - 1]
            carried = {k: list(v) for k, v in self._carried[start].items()}
            current = {principal: chosen for chosen, held in carried.items() for principal, _ in held}
            for _, principal, chosen, epoch in self.proxies_at[start:upto]:
                before = current.pop(principal, None)
                if before is not None:
                    carried[before] = [p for p in carried[before] if p[0] != principal]
                if chosen is not None:
                    current[principal] = chosen
                    carried.setdefault(chosen, []).append((principal, epoch))
            self._carried[upto] = carried
            insort(self._kept, upto)
        return list(carried.get(proxy, []))

    def counted_principals(self, proxy: str, timepoint: int, time: int) -> list[str]:
        """The principals whose votes a ballot of `proxy` cast at `time` counts on a proposal with snapshot
        `timepoint`: those its record carried then, within the proxy limit then (an appointment beyond a
        lowered limit has ended), who had voting rights both then and at `time`."""
        limit, epoch = self._limit_at(timepoint)
        counted = []
        for position, (principal, appointed) in enumerate(self.principals(proxy, timepoint)):
            if position >= 1 and (limit < 2 or appointed != epoch):
                continue
            if self.has_rights(principal, timepoint) and self.has_rights(principal, time):
                counted.append(principal)
        return counted

    def member_rows(self, include_former: bool = True) -> list[dict[str, Any]]:
        rows = [m.row(self.share_price) for m in self.members.values()]
        return rows if include_former else [r for r in rows if r["status"] in ("active", "leaving")]

    def capital(self) -> dict[str, Any]:
        accounts = [
            {
                "address": m.address,
                "status": m.status,
                "subscribed": m.shares * self.share_price,
                "paid": m.paid,
                "refunded": m.refunded,
                "open_claim": m.refund_claim,
            }
            for m in self.members.values()
        ]
        totals = {
            key: sum(a[key] for a in accounts) for key in ("subscribed", "paid", "refunded", "open_claim")
        }
        totals["open_claims"] = totals.pop("open_claim")
        totals["escrow"] = self.escrow
        return {"accounts": accounts, "totals": totals}


def replay(
    deployment: Deployment,
    events: list[dict[str, Any]],
    until_block: int | None = None,
    until_time: int | None = None,
) -> Books:
    """The books as they stood at `until_block` or `until_time` (inclusive), from the events in order."""
    chosen = [
        e
        for e in events
        if (until_block is None or e["block"] <= until_block)
        and (until_time is None or e["time"] <= until_time)
    ]
    return Books(deployment).replay(chosen)
