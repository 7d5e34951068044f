"""The cooperative's books from the chain alone: its history replayed into the member list (GenG §30), the
capital accounts, the minutes of every resolution (GenG §47), the treasury and the token, and checks that
the replay, the deployed code and the roles are what they must be.

The replay (`Books`) is a pure function of the decoded events, so it can be run up to any block or date, and
compared with what the contracts report (`verify`): an event left out or invented shows up as a finding.
Nothing local is needed: the cooperative is found from any one of its addresses (`locate`), the events
come from `chainlog`, and the few reads the minutes need are batched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..chain import artifacts
from ..chain.states import KINDS, MEMBER_STATUS, PROPOSAL_STATES
from ..chain.states import SUPPORT as BALLOT_CHOICES
from ..coop.code import CONTRACT_NAMES, implementation_of, is_proxy, is_shipped, matches_artifact
from ..errors import CoopError

if TYPE_CHECKING:
    from web3 import Web3

    from ..coop.deploy import Deployment

ZERO = "0x" + "0" * 40
MAJORITY = {"ordinary": "1/2", "statute-change": "3/4", "new-duties": "9/10", "dissolution": "3/4"}
SUPPORT = {value: name for name, value in BALLOT_CHOICES.items()}
ROLES = ("membership", "votes", "token", "governor", "timelock")


# --------------------------------------------------------------------------------------- finding the coop


def locate(w3: Web3, reader: Any, address: str) -> Deployment:
    """The whole cooperative from any one of its five addresses, read from the chain: the factory's
    `CooperativeCreated` event names all five. It is found among the logs (which every node keeps), not by
    reading code at past blocks (which a node without historical state cannot)."""
    from eth_utils import event_abi_to_log_topic

    from ..chain.calls import checked_address
    from ..coop.deploy import ROLES as DEPLOYMENT_ROLES
    from ..coop.deploy import Deployment

    address = checked_address(address, "cooperative address")
    if not w3.eth.get_code(address):
        raise CoopError(f"no contract at {address} on chain {w3.eth.chain_id} (read from {reader.url})")
    factory = w3.eth.contract(abi=artifacts.abi("CoopFactory"))
    created = factory.events.CooperativeCreated()
    topic = "0x" + event_abi_to_log_topic(created.abi).hex()
    for log in reader.logs_with_topic(topic, 0, reader.head()):
        try:
            args = created.process_log(log)["args"]
        except Exception:  # the same topic from a contract of another layout
            continue
        if address in (args[role] for role in DEPLOYMENT_ROLES):
            return Deployment(
                chain_id=w3.eth.chain_id,
                block=int(str(log["blockNumber"]), 0),
                **{role: args[role] for role in DEPLOYMENT_ROLES},
            )
    raise CoopError(f"{address} was not created by a coopdao factory on chain {w3.eth.chain_id}")


# --------------------------------------------------------------------------------------- the replay


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
        self.contract_of = {getattr(deployment, r): r for r in ROLES}
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
        self._carried: dict[int, tuple[int, dict[str, list[tuple[str, int]]]]] = {}  # principals() by time
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

        One pass over the appointments per timepoint, remembered: every ballot of a resolution asks at the
        same snapshot, and a large history has many ballots."""
        known = self._carried.get(timepoint)
        if known is None or known[0] != len(self.proxies_at):
            carried: dict[str, list[tuple[str, int]]] = {}
            current: dict[str, str] = {}
            for time, principal, chosen, epoch in self.proxies_at:
                if time > timepoint:
                    break
                before = current.pop(principal, None)
                if before is not None:
                    carried[before] = [p for p in carried[before] if p[0] != principal]
                if chosen is not None:
                    current[principal] = chosen
                    carried.setdefault(chosen, []).append((principal, epoch))
            known = self._carried[timepoint] = (len(self.proxies_at), carried)
        return list(known[1].get(proxy, []))

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


# --------------------------------------------------------------------------------------- chain reads


@dataclass
class State:
    """What the contracts themselves report at a block (whose time is `time`), to hold the replay against."""

    block: int
    time: int
    totals: dict[str, int]
    members: dict[str, dict[str, Any]]
    resolutions: dict[int, dict[str, Any]]
    roles: dict[str, bool]


def read_state(
    w3: Web3,
    deployment: Deployment,
    books: Books,
    block: int,
    time: int,
    batch: Callable[[list[tuple[str, list[Any]]]], list[Any]],
) -> State:
    """The contracts' own totals, each replayed member's entry, each resolution's state and counts, and
    who holds the powers, at `block` (of `time`); reads go out in JSON-RPC batches through `batch`."""

    membership = w3.eth.contract(address=deployment.membership, abi=artifacts.abi("CoopMembership"))
    votes = w3.eth.contract(address=deployment.votes, abi=artifacts.abi("CoopVotes"))
    token = w3.eth.contract(address=deployment.token, abi=artifacts.abi("CoopToken"))
    governor = w3.eth.contract(address=deployment.governor, abi=artifacts.abi("CoopGovernor"))
    timelock = w3.eth.contract(address=deployment.timelock, abi=artifacts.abi("CoopTimelock"))
    reads: list[tuple[str, Any, str]] = []  # (key, function call, output type)

    def want(key: str, call: Any, output: str) -> None:
        reads.append((key, call, output))

    m, t, g = membership.functions, token.functions, governor.functions
    want("member_count", m.memberCount(), "uint256")
    want("voting_members", votes.functions.votingMembers(), "uint256")
    want("total_shares", m.totalShares(), "uint256")
    want("paid_in", m.totalPaidIn(), "uint256")
    want("escrow", m.escrowTotal(), "uint256")
    want("claims", m.claimsTotal(), "uint256")
    want("token_supply", t.totalSupply(), "uint256")
    for address in books.members:
        want(f"member:{address}", m.memberOf(address), "(uint8,uint32,uint96,uint48,uint48)")
        want(f"claim:{address}", m.refundClaimOf(address), "uint256")
    for pid in books.resolutions:
        want(f"state:{pid}", g.state(pid), "uint8")
        want(f"votes:{pid}", g.proposalVotes(pid), "(uint256,uint256,uint256)")
    admin = timelock.functions.DEFAULT_ADMIN_ROLE().call()
    holders = {a for (c, role), accounts in books.roles.items() if c == "timelock" for a in accounts}
    for account in holders | {deployment.governor, deployment.membership, deployment.votes, deployment.token}:
        want(f"admin:{account}", timelock.functions.hasRole(admin, account), "bool")
    want("token_owner", t.owner(), "address")
    want("governance", m.governance(), "address")
    want("executor", g.timelock(), "address")
    want("vote_source", g.token(), "address")
    want("votes_register", votes.functions.register(), "address")
    want("register_votes", m.votes(), "address")

    results = call_batch(batch, [(c, output) for _, c, output in reads], block)
    values: dict[str, Any] = {key: value for (key, _, _), value in zip(reads, results, strict=True)}
    from eth_utils import to_checksum_address

    members = {}
    for address in books.members:
        status, shares, paid, joined, exit_at = values[f"member:{address}"]
        members[address] = {
            "status": MEMBER_STATUS[status],
            "shares": shares,
            "paid": paid,
            "exit_at": exit_at or None,
            "refund_claim": values[f"claim:{address}"],
        }
    resolutions = {}
    for pid in books.resolutions:
        against, for_, abstain = values[f"votes:{pid}"]
        resolutions[pid] = {
            "state": PROPOSAL_STATES[values[f"state:{pid}"]],
            "tally": {"for": for_, "against": against, "abstain": abstain},
        }
    roles = {key.split(":", 1)[1]: value for key, value in values.items() if key.startswith("admin:")}
    totals = {
        k: values[k]
        for k in (
            "member_count",
            "voting_members",
            "total_shares",
            "paid_in",
            "escrow",
            "claims",
            "token_supply",
        )
    }
    linked = ("token_owner", "governance", "executor", "vote_source", "votes_register", "register_votes")
    totals_addresses = {k: to_checksum_address(values[k]) for k in linked}
    return State(block, time, {**totals, **totals_addresses}, members, resolutions, roles)


# --------------------------------------------------------------------------------------- verification


def verify_replay(books: Books, state: State) -> list[dict[str, Any]]:
    """(1) The history replayed gives exactly the contracts' state: every difference is a finding."""
    findings = []

    def check(name: str, replayed: Any, reported: Any) -> None:
        ok = replayed == reported
        message = f"{name}: replay {replayed}, contracts {reported}"
        findings.append({"check": f"replay: {name}", "ok": ok, "message": message})

    findings.append(
        {
            "check": "replay: events agree with each other",
            "ok": not books.inconsistent,
            "message": "; ".join(books.inconsistent[:3]) + ("…" if len(books.inconsistent) > 3 else "")
            if books.inconsistent
            else "every event's own figures follow from the events before it",
        }
    )
    totals = state.totals
    check("members", books.member_count, totals["member_count"])
    check("members with a vote", books.voting_members(state.time), totals["voting_members"])
    check("shares", books.total_shares, totals["total_shares"])
    check("paid-in capital", books.paid_in, totals["paid_in"])
    check("escrow", books.escrow, totals["escrow"])
    check("refund claims", books.claims, totals["claims"])
    check("token supply", books.token_supply, totals["token_supply"])
    wrong = [
        a
        for a, m in books.members.items()
        if (m.status, m.shares, m.paid, m.refund_claim)
        != tuple(state.members[a][k] for k in ("status", "shares", "paid", "refund_claim"))
    ]
    differ = f"; differ: {', '.join(wrong[:5])}" + ("…" if len(wrong) > 5 else "") if wrong else ""
    findings.append(
        {
            "check": "replay: member entries",
            "ok": not wrong,
            "message": f"{len(books.members) - len(wrong)} of {len(books.members)} entries agree{differ}",
        }
    )
    disagree = []
    for pid, r in books.resolutions.items():
        reported = state.resolutions[pid]
        if r.tally != reported["tally"] or _replayed_state(r) not in (None, reported["state"]):
            disagree.append(r.number)
    findings.append(
        {
            "check": "replay: resolutions",
            "ok": not disagree,
            "message": f"{len(books.resolutions)} resolutions, counts and outcomes "
            + ("agree" if not disagree else f"differ for {', '.join(map(str, disagree))}"),
        }
    )
    return findings


def _replayed_state(r: Resolution) -> str | None:
    """The state the events prove (executed, canceled, queued), or None where only the clock decides."""
    if r.executed_tx:
        return "executed"
    if r.canceled_tx:
        return "canceled"
    if r.queued_tx:
        return "queued"
    return None


def verify_powers(books: Books, state: State, deployment: Deployment) -> list[dict[str, Any]]:
    """(3) Nobody but the timelock holds an admin role; every power answers to the assembly."""
    admins = sorted(a for a, held in state.roles.items() if held)
    replayed = sorted(books.roles.get(("timelock", "0x" + "00" * 32), set()))
    findings = [
        {
            "check": "powers: timelock admin",
            "ok": admins == [deployment.timelock] or admins == [],
            "message": f"DEFAULT_ADMIN_ROLE held by {', '.join(admins) or 'nobody but the timelock itself'}",
        },
        {
            "check": "powers: admin role history",
            "ok": replayed in ([deployment.timelock], []),
            "message": f"by the events, admins are {', '.join(replayed) or 'none'}",
        },
    ]
    for key, what in (
        ("token_owner", "token owner"),
        ("governance", "member list's governance"),
        ("executor", "governor's executor"),
    ):
        holder = state.totals[key]
        findings.append(
            {
                "check": f"powers: {what}",
                "ok": holder == deployment.timelock,
                "message": f"{what} is {holder}"
                + ("" if holder == deployment.timelock else " (not the timelock)"),
            }
        )
    for key, what, expected in (
        ("vote_source", "governor's votes", deployment.votes),
        ("votes_register", "votes' member list", deployment.membership),
        ("register_votes", "member list's votes", deployment.votes),
    ):
        holder = state.totals[key]
        findings.append(
            {
                "check": f"powers: {what}",
                "ok": holder == expected,
                "message": f"{what}: {holder}" + ("" if holder == expected else f" (not {expected})"),
            }
        )
    return findings


def verify_code(w3: Web3, deployment: Deployment, books: Books) -> list[dict[str, Any]]:
    """(2) Each contract is an ERC-1967 proxy whose implementation is the code the toolkit compiles; its code
    history (the proxy's `Upgraded` events) ends with what it runs; and every move to new code after creation
    was made by a resolution, to shipped code."""
    findings = []
    for role in ROLES:
        address = getattr(deployment, role)
        name = CONTRACT_NAMES[role]
        if is_proxy(bytes(w3.eth.get_code(address))):
            implementation = implementation_of(w3, address)
            ok = is_shipped(w3, implementation, role)
            message = f"{role}: an ERC-1967 proxy to {implementation}, " + (
                f"whose code is {name} as compiled from the sources" if ok else f"whose code is NOT {name}"
            )
        else:
            implementation, ok = None, False
            message = f"{role}: the code at {address} is NOT an ERC-1967 proxy as the toolkit compiles it"
        findings.append({"check": f"code: {role}", "ok": ok, "message": message})
        moves = [m for m in books.code_moves if m["contract"] == role]
        last = moves[-1]["implementation"] if moves else None
        if last != implementation or implementation is None:
            history = f"by the events it runs {last or 'nothing'}, but it runs {implementation or 'nothing'}"
        elif len(moves) == 1:
            history = "by the events too, it runs the code it was created with"
        else:
            history = f"moved {len(moves) - 1} time(s) since creation; the events end with the code it runs"
        findings.append(
            {
                "check": f"code history: {role}",
                "ok": implementation is not None and last == implementation,
                "message": f"{role}: {history}",
            }
        )
        for move in moves[1:]:
            shipped = is_shipped(w3, move["implementation"], role)
            by = move.get("resolution")
            findings.append(
                {
                    "check": f"code change: {role}",
                    "ok": by is not None and shipped,
                    "message": f"{role} moved to {move['implementation']} in block {move['block']} "
                    + (f"by resolution {by}" if by is not None else "by NO resolution")
                    + (f", code {name} as compiled" if shipped else f", code that is NOT {name} as compiled"),
                }
            )
    # the governor's code names the ballot box it counts batches from and the rules that fix each
    # proposal's kind (immutables, masked above): their code is checked too
    governor = w3.eth.contract(address=deployment.governor, abi=artifacts.abi("CoopGovernor"))
    try:
        shared = governor.functions.sharedContracts().call()
    except Exception:
        shared = None
    for what, name, index in (("ballot box", "BallotBox", 0), ("resolution rules", "ResolutionRules", 1)):
        address = shared[index] if shared else None
        ok = address is not None and matches_artifact(bytes(w3.eth.get_code(address)), name)
        message = f"{what}: " + (
            f"the governor's is {address}, whose code is {name}"
            if ok
            else f"the governor names {address or 'none'}, whose code is NOT {name}"
        )
        findings.append({"check": f"code: {what}", "ok": ok, "message": message})
    return findings


# --------------------------------------------------------------------------------------- the whole audit


def load_events(
    reader: Any,
    deployment: Deployment,
    to_block: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Every event of the cooperative's four contracts from its creation block, decoded, in order, with the
    block's time, the transaction's sender (`actor`) and the contract's role."""
    addresses = [getattr(deployment, role) for role in ROLES]
    events = reader.events(addresses, deployment.block, to_block, progress=progress)
    times = reader.block_times(e["block"] for e in events)
    senders = reader.senders(e["tx"] for e in events)
    role_of = {getattr(deployment, role): role for role in ROLES}
    for e in events:
        e["time"] = times[e["block"]]
        e["actor"] = senders[e["tx"].lower()] if e["tx"].lower() in senders else senders.get(e["tx"])
        e["contract"] = role_of.get(e["address"], e["address"])
    return events


def resolve_at(reader: Any, at: str | None) -> int:
    """The block an `--at` names: a block number, or a date/time (UTC) meaning the last block at or before
    it (binary search over block times); the head when None."""
    from datetime import UTC, datetime

    head = reader.head()
    if at is None:
        return head
    text = str(at).strip()
    if text.isdigit():
        block = int(text)
        if block > head:
            raise CoopError(f"block {block} is beyond the chain's head ({head})")
        return block
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CoopError(
            f"--at takes a block number or a date such as 2027-01-31 or 2027-01-31T12:00, got {at!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    target = int(moment.timestamp())
    if reader.block_times([0])[0] > target:
        raise CoopError(f"{at} is before the chain's first block")
    low, high = 0, head
    while low < high:
        middle = (low + high + 1) // 2
        if reader.block_times([middle])[middle] <= target:
            low = middle
        else:
            high = middle - 1
    return low


def build(
    w3: Web3,
    reader: Any,
    deployment: Deployment,
    name: str,
    at_block: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The whole audit at `at_block` (the head if None), in the shape `report.write_report` and the
    `coop audit` commands show: members, capital, minutes, treasury, token, series, findings, history."""
    block = reader.head() if at_block is None else at_block
    if events is None:
        events = load_events(reader, deployment, block, progress)
    events = [e for e in events if e["block"] <= block]
    block_time = reader.block_times([block])[block]
    books = replay(deployment, events)
    try:
        state = read_state(w3, deployment, books, block, block_time, reader.batch)
    except CoopError as exc:
        from .chainlog import lacks_state

        if not lacks_state(exc):
            raise
        raise CoopError(
            f"the node at {reader.url} keeps no contract state for block {block} (it is pruned or was "
            "restarted): the books at a past block are held against the contracts only with an archive node; "
            "the member list and capital at any block need none (`coop audit members --at`)"
        ) from None
    amounts = units(w3, deployment)
    findings = (
        verify_replay(books, state)
        + verify_powers(books, state, deployment)
        + verify_code(w3, deployment, books)
    )
    flows, series = treasury(reader, deployment, books, block, block_time, amounts["currency"]["symbol"])
    return {
        "cooperative": {
            "name": name,
            "chain_id": deployment.chain_id,
            "rpc_url": reader.url,
            "contracts": {role: getattr(deployment, role) for role in ROLES},
            "created_block": deployment.block,
            "created_at": reader.block_times([deployment.block])[deployment.block],
        },
        "block": block,
        "block_time": block_time,
        **amounts,
        "members": books.member_rows(),
        "capital": books.capital(),
        "minutes": minutes(w3, deployment, books, state, reader.batch, block, block_time),
        "treasury": {"flows": flows},
        "token_events": books.token_events,
        "code_changes": books.code_moves,
        "series": {**books.series, "treasury": series},
        "findings": findings,
        "history": history_rows(events),
    }


def call_batch(
    batch: Callable[[list[tuple[str, list[Any]]]], list[Any]], calls: list[tuple[Any, str]], block: int | str
) -> list[Any]:
    """Contract reads [(web3 function call, output type)] at `block` (a number, or "latest"), sent as
    JSON-RPC batches, decoded."""
    from eth_abi import decode

    if not calls:
        return []
    at = hex(block) if isinstance(block, int) else block
    requests = [("eth_call", [{"to": c.address, "data": c._encode_transaction_data()}, at]) for c, _ in calls]
    answers = batch(requests)
    return [
        decode([output], bytes.fromhex(str(raw).removeprefix("0x")))[0]
        for (_, output), raw in zip(calls, answers, strict=True)
    ]


def units(w3: Web3, deployment: Deployment) -> dict[str, Any]:
    """What the books' amounts are counted in: {"currency": share payments, "token": the coop token}."""
    token = w3.eth.contract(address=deployment.token, abi=artifacts.abi("CoopToken"))
    return {
        "currency": currency_of(w3, deployment),
        "token": {"symbol": token.functions.symbol().call(), "decimals": token.functions.decimals().call()},
    }


def currency_of(w3: Web3, deployment: Deployment) -> dict[str, Any]:
    membership = w3.eth.contract(address=deployment.membership, abi=artifacts.abi("CoopMembership"))
    payment = membership.functions.terms().call()[0]
    if int(payment, 16) == 0:
        return {"symbol": "ETH", "decimals": 18}
    token = w3.eth.contract(address=payment, abi=artifacts.abi("CoopToken"))
    return {"symbol": token.functions.symbol().call(), "decimals": token.functions.decimals().call()}


def minutes(
    w3: Web3,
    deployment: Deployment,
    books: Books,
    state: State,
    batch: Callable[[list[tuple[str, list[Any]]]], list[Any]],
    block: int,
    block_time: int,
) -> list[dict[str, Any]]:
    """The minutes of every resolution (GenG §47): kind, required majority, quorum and the members with a
    vote at its snapshot, the counts, who voted how (and for whom, as proxy), the outcome, the execution."""

    governor = w3.eth.contract(address=deployment.governor, abi=artifacts.abi("CoopGovernor"))
    votes = w3.eth.contract(address=deployment.votes, abi=artifacts.abi("CoopVotes"))
    closed = [r for r in books.resolutions.values() if r.snapshot < block_time]
    calls = []
    for r in closed:
        calls.append((governor.functions.quorum(r.snapshot), "uint256"))
        calls.append((votes.functions.getPastTotalSupply(r.snapshot), "uint256"))
    # what a snapshot fixed never changes, so the head answers it: no historical state is needed
    numbers = call_batch(batch, calls, "latest")
    fixed = {r.id: (numbers[2 * i], numbers[2 * i + 1]) for i, r in enumerate(closed)}
    rows = []
    for r in books.resolutions.values():
        quorum, eligible = fixed.get(r.id, (None, None))
        rows.append(
            {
                "number": r.number,
                "id": str(r.id),
                "title": r.title,
                "proposer": r.proposer,
                "kind": r.kind,
                "required_majority": MAJORITY.get(r.kind, "?"),
                "quorum": quorum,
                "eligible": eligible,
                "for": r.tally.get("for", 0),
                "against": r.tally.get("against", 0),
                "abstain": r.tally.get("abstain", 0),
                "state": state.resolutions[r.id]["state"],
                "proposed_at": r.proposed_at,
                "proposed_tx": r.proposed_tx,
                "snapshot": r.snapshot,
                "deadline": r.deadline,
                "queued_tx": r.queued_tx,
                "executed_tx": r.executed_tx,
                "votes": r.votes,
            }
        )
    return rows


def treasury(
    reader: Any, deployment: Deployment, books: Books, block: int, block_time: int, currency: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The treasury's flows, with the resolution that authorised each outflow, and its coin balance over
    time, from the events alone: coin comes in with the treasury's `FundsReceived` (and capital the member
    list moves there), and leaves only by executed calls (`CallExecuted`).

    At the head, the balance the chain reports is held against the events: coin that arrived without an
    event (sent before the treasury existed, or forced in by another contract's self-destruct) is shown as an
    inflow of its own, with no payer."""
    names = {"coin": "ETH", "capital": currency, "token": "token"}
    flows = [{**f, "asset": names[f["asset"]]} for f in books.coin_flows if f["block"] <= block]
    created = reader.block_times([deployment.block])[deployment.block]
    balance = 0
    series = [{"time": created, "block": deployment.block, "balance": 0}]
    for f in sorted((f for f in flows if f["asset"] == "ETH"), key=lambda f: f["block"]):
        balance += f["amount"] if f["direction"] == "in" else -f["amount"]
        if series[-1]["block"] == f["block"]:
            series[-1]["balance"] = balance
        else:
            series.append({"time": f["time"], "block": f["block"], "balance": balance})
    if block == reader.head():
        actual = reader.balances(deployment.timelock, [block])[block]
        if actual != balance:
            flows.append(
                {
                    "block": block,
                    "time": block_time,
                    "tx": None,
                    "direction": "in" if actual > balance else "out",
                    "asset": "ETH",
                    "amount": abs(actual - balance),
                    "counterparty": None,
                    "resolution": None,
                }
            )
            series.append({"time": block_time, "block": block, "balance": actual})
    if series[-1]["block"] != block:
        series.append({"time": block_time, "block": block, "balance": series[-1]["balance"]})
    return sorted(flows, key=lambda f: (f["block"], f["direction"] != "in")), series


def history_rows(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history as rows: block, time, transaction, actor, contract, event and its arguments."""
    return [
        {
            "block": e["block"],
            "time": e["time"],
            "tx": e["tx"],
            "actor": e.get("actor"),
            "contract": e.get("contract"),
            "event": e["event"],
            "args": e["args"],
        }
        for e in events
    ]
