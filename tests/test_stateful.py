"""Random sequences of member-list and assembly actions against the real contracts, checked after every step.

What it models: one cooperative in board mode (the `coop` fixture's sample statute) and seven people: the
three founders (two of them have made the third their proxy: 3 votes, the most the statute allows), three
who joined with 3, 5 and 2 shares, and one who has not applied yet. Hypothesis drives them through
applications (admitted, rejected, withdrawn), buying and transferring shares, appointing and revoking
proxies, notice, exclusion, exit and refunds, and resolutions that are proposed, voted on, queued and
executed (exclude a member, admit an applicant, move capital to the treasury, change the notice period
or the proxy limit, or nothing); money comes in from outside, and time passes. A plain Python model
(`Person`, `Proposal`) says what the statute and the law make of each step.

Why: the unit tests check each rule in one situation; the books and the votes must add up after any
sequence of them. After every step the invariant reads every person's entry from the contracts and checks
- each entry, application, refund claim, vote count and proxy against the model;
- the members' shares and paid-in capital, summed, against `totalShares` and `totalPaidIn`;
- the vote supply (`votingMembers`, and `getPastTotalSupply` at earlier times) against the number of
  members with voting rights and against the sum of everyone's votes;
- the coin balance against escrow + paid-in capital + refund claims, each summed from the per-person
  reads, + money sent in - capital moved to the treasury; `availableFunds` against balance - escrow,
  and `freeFunds` (what may go to the treasury) against that less the refund claims;
- that nobody holds more than 1 + maxPrincipals votes;
- each open resolution's counts and state against the model's.

How: most rules pick someone the model allows to act (their precondition says whether there is anyone),
so that runs get somewhere; `anyone_tries` lets anyone try anything, and the model names the custom
error the contract must answer with; `take_resolution` has the members vote just at or just past the
edges of quorum and majority.

Time: a resolution takes days, an exit waits for a fiscal-year end up to 15 months away. The model never
predicts an outcome while a deadline it depends on (a proposal's snapshot, deadline or timelock eta, a
member's exit date) is less than MARGIN seconds from the chain's clock: after every step the clock is
moved past such a deadline, and all dates come from the contracts' events.

brownie's `state_machine` fixture cannot run any machine in eth-brownie 1.22.2 (its mypyc-compiled, @final
_BrownieStateMachine rejects the subclass it generates: "TypeError: brownie.test.stateful.
_BrownieStateMachine object expected"), so this is a plain hypothesis RuleBasedStateMachine that
snapshots the chain once and reverts it before every example, as brownie's would.
"""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from brownie import ZERO_ADDRESS, accounts, chain, network, web3
from brownie.exceptions import VirtualMachineError
from conftest import ABSTAIN, AGAINST, ETHER, FOR, STATES, fee
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from hypothesis.strategies._internal.featureflags import FeatureFlags

DAY = 86400
NONE, ACTIVE, LEAVING, EXCLUDED, EXITED = range(5)  # CoopMembership.Status
ORDINARY, STATUTE_CHANGE = 1, 2  # ResolutionKind
MARGIN = 120  # seconds kept between the chain's clock and any deadline a prediction depends on
MAX_PROPOSALS = 6  # per example: a resolution costs ~10 transactions, and its reads follow every step
APPLICATION_HASH = b"\x5a" * 32

# (max_examples, stateful_step_count) by chain. Ganache answers calls some 20 times slower than Anvil
# (the reads after a step take ~100 ms there, ~5 ms on Anvil), so it runs fewer and shorter examples.
# Hypothesis spends its first ten examples on short ones, so much fewer would test little. Measured:
# 25-45 s on Anvil, 1-2 min on Ganache (a run's length varies with the actions hypothesis draws).
EXAMPLES = {"anvil": (30, 20), "ganache-cli": (30, 15)}

# strategies
PICK = st.integers(0, 6)  # one of the candidates a rule finds (taken modulo their number), or a person
SHARES = st.integers(1, 10)  # the sample statute's share limits (`configure` checks them)
ANY_COUNT = st.integers(0, 12)  # including counts the statute does not allow
SUPPORT = st.sampled_from([FOR, FOR, AGAINST, ABSTAIN])
# How the members vote in `take_resolution`: each pattern but the first is a condition on the tally
# (against, for, abstain) given the quorum and the kind of resolution, at the edges the statute draws.
BALLOT_PATTERNS = {
    "unanimous": None,  # every member with a vote votes for
    "bare majority": lambda a, f, ab, q, k: (
        a > 0 and a + f + ab >= q and passes(k, f, a) and not passes(k, f - 1, a)
    ),
    "one short of a majority": lambda a, f, ab, q, k: (
        a > 0 < f and a + f + ab >= q and passes(k, f + 1, a) and not passes(k, f, a)
    ),
    "exactly the quorum": lambda a, f, ab, q, k: a + f + ab == q and passes(k, f, a),
    "one short of the quorum": lambda a, f, ab, q, k: a + f + ab == q - 1 and passes(k, f, a),
    "only abstentions": lambda a, f, ab, q, k: a == f == 0 and ab >= q,
    "nobody": lambda a, f, ab, q, k: a + f + ab == 0,
}
BALLOTS = st.sampled_from(list(BALLOT_PATTERNS))
DECISIONS = st.sampled_from(["admit", "admit", "reject", "withdraw"])
RESOLUTIONS = st.sampled_from(["exclude", "admit", "move capital", "notice period", "proxy limit", "nothing"])
TIME_STEPS = st.sampled_from(["next deadline", "1 day", "8 days", "90 days", "1 year"])
ATTEMPTS = st.sampled_from(
    [
        "apply",
        "admit",
        "reject",
        "withdraw",
        "buy",
        "pay in",
        "transfer",
        "notice",
        "exclude",
        "exit",
        "claim",
        "move capital",
        "proxy",
        "propose",
        "vote",
        "queue",
        "execute",
    ]
)


def fiscal_exit(timestamp, months, fy_month, fy_day):
    """The first fiscal-year end (23:59:59 UTC) at least `months` calendar months after `timestamp`."""
    d = datetime.fromtimestamp(timestamp, UTC)
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    earliest = d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))
    for y in (earliest.year, earliest.year + 1):
        end_day = min(fy_day, calendar.monthrange(y, fy_month)[1])
        end = datetime(y, fy_month, end_day, 23, 59, 59, tzinfo=UTC)
        if end >= earliest:
            return int(end.timestamp())
    raise AssertionError("unreachable")


def passes(kind, for_, against):
    """Whether `for_` votes against `against` make the majority a resolution of `kind` needs (GenG §43(2):
    abstentions are not votes cast; 3/4 of them for a statute change)."""
    if for_ <= 0:
        return False
    return for_ > against if kind == ORDINARY else for_ >= 3 * against


def batch_read(calls, balances):
    """Run view calls `{key: (brownie contract function, *args)}` and balance look-ups `{key: address}` as
    one JSON-RPC batch against the latest block; return `{key: decoded result}`.

    One round trip for the ~60 reads of a step: brownie's own calls cost ~3 ms each on Anvil, the
    batch about as much in all.
    """
    requests = [
        ("eth_call", [{"to": fn._address, "data": fn.encode_input(*args)}, "latest"])
        for fn, *args in calls.values()
    ]
    requests += [("eth_getBalance", [address, "latest"]) for address in balances.values()]
    responses = web3.provider.make_batch_request(requests)
    assert isinstance(responses, list) and len(responses) == len(requests), f"batch failed: {responses}"
    results = {}
    for (key, (fn, *_args)), response in zip(calls.items(), responses, strict=False):
        assert "error" not in response, f"{key}: {response['error']}"
        results[key] = fn.decode_output(response["result"])
    for key, response in zip(balances, responses[len(calls) :], strict=True):
        results[key] = int(response["result"], 16)
    return results


@dataclass
class Person:
    """The model's view of one account: member-list entry, application, proxy relations, refund claim."""

    status: int = NONE
    shares: int = 0
    paid: int = 0
    joined_at: int = 0
    exit_at: int = 0
    application: tuple[int, int] | None = None  # (shares, escrow)
    proxy: str | None = None  # whom this member's vote counts for, if not itself
    principals: list[str] = field(default_factory=list)  # whose votes this member carries
    claim: int = 0

    @property
    def rights(self):
        return self.status in (ACTIVE, LEAVING)


@dataclass
class Proposal:
    id: int
    action: tuple[str, object]
    kind: int
    call: tuple  # targets, values, calldatas, description hash
    snapshot: int
    deadline: int
    tally: list[int] = field(default_factory=lambda: [0, 0, 0])  # against, for, abstain
    voters: set[str] = field(default_factory=set)
    eta: int = 0
    executed: bool = False
    settled: bool = False  # seen executed or defeated, which it stays: no need to read it again


class CoopStateMachine(RuleBasedStateMachine):
    """Rules act on the chain and on the model; the invariant compares the two after every step.

    `configure` binds the cooperative before a run; every example starts from the chain snapshot taken
    then. Each action is one `_do_*` method that works out from the model whether the contract must
    accept it (and then updates the model) or which custom error it must revert with.
    """

    @classmethod
    def configure(cls, coop, founders, board, outsider):
        cls.ms, cls.gov, cls.timelock = coop.membership, coop.governor, coop.timelock
        cls.board = board
        cls.outsider = outsider  # sends money in, receives the assembly's "nothing" payments
        cls.people = list(founders) + list(accounts[4:8])
        cls.founders = [f.address for f in founders]
        assert board not in cls.people and outsider not in cls.people
        cls.names = {a.address: f"accounts[{list(accounts).index(a)}]" for a in cls.people}
        cls.names |= {board.address: "the board", outsider.address: "an outsider"}
        _, cls.price, min_shares, max_shares, admission, cls.notice_months, *fy_end, transferable = (
            cls.ms.terms()
        )
        cls.fy_end = tuple(fy_end)
        assert (min_shares, max_shares, admission, transferable) == (1, 10, 1, True), "SHARES, board mode"
        cls.min_shares, cls.max_shares = min_shares, max_shares
        cls.max_principals = cls.ms.maxPrincipals()
        cls.voting_delay, cls.voting_period = cls.gov.votingDelay(), cls.gov.votingPeriod()
        cls.min_delay = cls.timelock.getMinDelay()
        cls.quorum_percent = cls.gov.quorumNumerator()
        assert cls.gov.quorumDenominator() == 100
        # Before the examples start, three of the others join and two founders appoint the third as their
        # proxy, so that share transfers, contested votes and a proxy at its limit are there from step one.
        for person, shares in zip(accounts[4:7], (3, 5, 2), strict=True):
            value = shares * cls.price
            cls.ms.submitApplication(shares, APPLICATION_HASH, {"from": person, "value": value})
            cls.ms.admit(person, {"from": board})
        for principal in founders[1:]:
            cls.ms.delegate(founders[0], {"from": principal})
        cls.initial = {p.address: cls.ms.memberOf(p) for p in cls.people}
        assert [entry[0] for entry in cls.initial.values()] == [ACTIVE] * 6 + [NONE]
        assert cls.ms.getVotes(founders[0]) == 1 + cls.max_principals == 3
        assert cls.ms.balance() == sum(entry[2] for entry in cls.initial.values())
        assert cls.ms.escrowTotal() == cls.ms.claimsTotal() == 0
        # The timelock is the governance address: acting as it is the cheap path to an exclusion or a
        # capital move. On Ganache it pays for gas, so it gets some coin first.
        cls.governance = accounts.at(cls.timelock.address, force=True)
        cls.names[cls.governance.address] = "the timelock"
        outsider.transfer(cls.timelock, 10 * ETHER)
        cls.initial_treasury = cls.timelock.balance()
        # Every example starts on the same day, the first 1 June after the chain's clock, so that
        # hypothesis replays it with the same dates, also from its database in a later run.
        today = datetime.fromtimestamp(web3.eth.get_block("latest")["timestamp"], UTC)
        cls.start = int(datetime(today.year + (today.month >= 6), 6, 1, tzinfo=UTC).timestamp())
        chain.snapshot()

    def __init__(self):
        super().__init__()
        # hypothesis turns a random subset of the rules off for each example ("swarm testing"). With the
        # few dozen examples a chain allows, whole runs then never vote or never transfer: keep all on.
        self._rules_strategy.enabled_rules_strategy = st.just(FeatureFlags())
        chain.revert()  # every example starts from the cooperative as `configure` left it
        self.m = {a: Person(*entry) for a, entry in self.initial.items()}  # status, shares, paid, dates
        proxy, *principals = self.founders
        for principal in principals:
            self.m[principal].proxy = proxy
            self.m[proxy].principals.append(principal)
        self.notice_months = type(self).notice_months  # a resolution may change it
        self.max_principals = type(self).max_principals  # and this
        self.proposals: list[Proposal] = []
        self.sent_in = 0  # coin sent to the member list from outside
        self.moved = 0  # capital moved to the treasury
        self.treasury_fees = 0  # gas the treasury paid for what the machine sent as governance
        joined = max(entry[3] for entry in self.initial.values())
        self.history = [(joined, self._votes(), self._supply(), self._carried())]
        self._advance_to(self.start)

    # ------------------------------------------------------------------ the model

    def _name(self, address):
        return self.names.get(str(address), str(address))

    def _votes(self):
        return {a: (1 if e.rights and e.proxy is None else 0) + len(e.principals) for a, e in self.m.items()}

    def _supply(self):
        return sum(e.rights for e in self.m.values())

    def _carried(self):
        return {a: list(e.principals) for a, e in self.m.items() if e.principals}

    def _record(self, tx):
        """Remember votes, vote supply and who carries whom after `tx`, as the contract checkpoints them at
        its timestamp."""
        self.history.append((tx.timestamp, self._votes(), self._supply(), self._carried()))

    def _past(self, timepoint):
        """Votes, vote supply and principals at `timepoint`: the last change at or before it counts."""
        assert timepoint >= self.history[0][0], "look-up before the cooperative existed"
        found = self.history[0]
        for entry in self.history:
            if entry[0] <= timepoint:
                found = entry
        return found[1:]

    def _escrow(self):
        return sum(e.application[1] for e in self.m.values() if e.application)

    def _balance(self):
        """What the member list must hold: escrow, paid-in capital, claims, and the outside flows."""
        books = sum(e.paid + e.claim for e in self.m.values()) + self._escrow()
        return books + self.sent_in - self.moved

    def _available(self):
        return self._balance() - self._escrow()

    def _free(self):
        """What governance may move to the treasury: available funds not owed as refund claims."""
        return max(0, self._available() - sum(e.claim for e in self.m.values()))

    def _state(self, p):
        """The proposal's state as the Governor must report it now."""
        if p.executed:
            return "Executed"
        if self.now <= p.snapshot:
            return "Pending"
        if self.now <= p.deadline:
            return "Active"
        against, for_, abstain = p.tally
        if against + for_ + abstain < self._quorum(p) or not passes(p.kind, for_, against):
            return "Defeated"
        return "Queued" if p.eta else "Succeeded"

    def _quorum(self, p):
        """Ballots a proposal needs: the statute's share of the members with a vote at its snapshot."""
        _, supply, _ = self._past(p.snapshot)
        return -(-supply * self.quorum_percent // 100)  # rounded up

    def _weight(self, p, address):
        """A ballot's weight: votes at the snapshot, counting only members whose rights have not ended since
        (the voter's own, and those of the principals it carried then)."""
        if not self.m[address].rights:
            return 0
        votes, _, carried = self._past(p.snapshot)
        return votes[address] - sum(not self.m[b].rights for b in carried.get(address, []))

    # ------------------------------------------------------------------ time

    def _deadlines(self):
        for p in self.proposals:
            if not p.executed:
                yield from (p.snapshot, p.deadline)
                if p.eta:
                    yield p.eta
        for e in self.m.values():
            if e.status in (LEAVING, EXCLUDED):
                yield e.exit_at

    def _clear_of_deadlines(self, timestamp):
        """`timestamp`, or the first time after it that is at least MARGIN away from every deadline."""
        while near := [t for t in self._deadlines() if timestamp - MARGIN < t <= timestamp + MARGIN]:
            timestamp = max(near) + MARGIN + 1
        return timestamp

    def _advance_to(self, timestamp):
        """Move the clock to `timestamp`, or on until it is clear of every deadline; set `self.now`."""
        while True:
            now = web3.eth.get_block("latest")["timestamp"]
            target = self._clear_of_deadlines(max(now, timestamp))
            if target == now:
                self.now = now
                return
            chain.sleep(target - now)
            chain.mine()

    def _settle(self):
        """Move the clock past any deadline less than MARGIN away; `self.now` is the latest block's time."""
        self._advance_to(0)

    # ------------------------------------------------------------------ sending

    def _send(self, error, what, fn, *args):
        """Send `fn(*args)` (`what` says it in words). The contract must accept it if the model's `error`
        is None, else revert with that custom error; return the receipt if it accepted."""
        note(f"{what}: {error or 'accepted'}")
        try:
            tx = fn(*args)
            reverted = None if tx.status else tx.revert_msg
        except VirtualMachineError as exc:
            reverted = exc.revert_msg
        if error is None:
            assert reverted is None, f"{what}: reverted with {reverted}, the model expects it to pass"
            return tx
        expected = re.fullmatch(rf"{error}(: .*)?", reverted or "", re.DOTALL)
        assert expected, f"{what}: {reverted or 'accepted'}, the model expects {error}"
        return None

    def _as_governance(self, tx):
        self.treasury_fees += fee(tx)

    @staticmethod
    def _choose(candidates, pick):
        return candidates[pick % len(candidates)]

    # ------------------------------------------------------------------ admission

    def _do_apply(self, account, shares, value):
        e = self.m[account.address]
        if e.status not in (NONE, EXITED):
            error = "AlreadyMember"
        elif e.application is not None:
            error = "ApplicationPending"
        elif not self.min_shares <= shares <= self.max_shares:
            error = "ShareCountOutOfRange"
        elif value != shares * self.price:
            error = "WrongPayment"
        else:
            error = None
        tx = self._send(
            error,
            f"{self._name(account)} applies for {shares} shares paying {value}",
            self.ms.submitApplication,
            shares,
            APPLICATION_HASH,
            {"from": account, "value": value},
        )
        if tx is not None:
            event = tx.events["Applied"]
            assert (event["applicant"], event["shares"], event["escrow"]) == (account, shares, value)
            assert "Admitted" not in tx.events  # board admission: the payment waits in escrow
            e.application = (shares, value)

    def _admitting_error(self, applicant, caller):
        if caller not in (self.board, self.governance):
            return "NotAdmittingBody"
        return None if self.m[applicant].application else "NoApplication"

    def _do_admit(self, applicant, caller):
        error = self._admitting_error(applicant, caller)
        what = f"{self._name(caller)} admits {self._name(applicant)}"
        tx = self._send(error, what, self.ms.admit, applicant, {"from": caller})
        if tx is not None:
            self._admitted(applicant, tx, caller)

    def _admitted(self, applicant, tx, by):
        e = self.m[applicant]
        shares, escrow = e.application
        event = tx.events["Admitted"]
        expected = (applicant, shares, escrow, by)
        assert (event["member"], event["shares"], event["paid"], event["by"]) == expected
        assert e.proxy is None and not e.principals
        e.application = None
        e.status, e.shares, e.paid = ACTIVE, shares, escrow
        e.joined_at, e.exit_at = tx.timestamp, 0
        self._record(tx)

    def _do_reject(self, applicant, caller):
        error = self._admitting_error(applicant.address, caller)
        before = applicant.balance()
        what = f"{self._name(caller)} rejects {self._name(applicant)}"
        tx = self._send(error, what, self.ms.reject, applicant, {"from": caller})
        if tx is not None:
            self._escrow_returned(applicant, tx, before, "Rejected")

    def _do_withdraw(self, applicant):
        error = None if self.m[applicant.address].application else "NoApplication"
        before = applicant.balance()
        what = f"{self._name(applicant)} withdraws the application"
        tx = self._send(error, what, self.ms.withdrawApplication, {"from": applicant})
        if tx is not None:
            self._escrow_returned(applicant, tx, before, "ApplicationWithdrawn")

    def _escrow_returned(self, applicant, tx, before, event):
        e = self.m[applicant.address]
        escrow = e.application[1]
        assert tx.events[event]["escrow"] == escrow
        cost = fee(tx) if tx.sender == applicant else 0
        assert applicant.balance() == before + escrow - cost, "escrow not paid back"
        e.application = None

    # ------------------------------------------------------------------ capital

    def _do_buy(self, member, count):
        e = self.m[member.address]
        if e.status != ACTIVE:
            error = "NotActiveMember"
        elif count == 0 or e.shares + count > self.max_shares:
            error = "ShareCountOutOfRange"
        else:
            error = None
        amount = count * self.price
        what = f"{self._name(member)} buys {count} shares"
        tx = self._send(error, what, self.ms.buyShares, count, {"from": member, "value": amount})
        if tx is not None:
            assert tx.events["SharesBought"]["amount"] == amount
            e.shares += count
            e.paid += amount

    def _do_pay_in(self, member):
        """Shares are paid in full when subscribed here: nothing is ever due."""
        error = "NotActiveMember" if self.m[member.address].status != ACTIVE else "NothingDue"
        self._send(error, f"{self._name(member)} pays in", self.ms.payIn, {"from": member, "value": 0})

    def _do_transfer(self, sender, receiver, count):
        src, dest = self.m[sender.address], self.m[receiver.address]
        if src.status != ACTIVE or dest.status != ACTIVE:
            error = "NotActiveMember"
        elif sender == receiver:
            error = "InvalidAddress"
        elif count > src.shares:
            error = "Integer overflow"  # Panic(0x11): more shares than held
        elif count == 0 or src.shares - count < self.min_shares or dest.shares + count > self.max_shares:
            error = "ShareCountOutOfRange"
        else:
            error = None
        what = f"{self._name(sender)} transfers {count} shares to {self._name(receiver)}"
        tx = self._send(error, what, self.ms.transferShares, receiver, count, {"from": sender})
        if tx is not None:
            value = src.paid * count // src.shares
            assert tx.events["SharesTransferred"]["value"] == value
            src.shares, src.paid = src.shares - count, src.paid - value
            dest.shares, dest.paid = dest.shares + count, dest.paid + value

    def _do_move_capital(self, amount, caller):
        if caller != self.governance:
            error = "NotGovernance"
        elif amount == 0 or amount > self._free():
            error = "InsufficientFunds"
        else:
            error = None
        what = f"{self._name(caller)} moves {amount} to the treasury"
        tx = self._send(error, what, self.ms.moveCapitalToTreasury, amount, {"from": caller})
        if tx is not None:
            self._as_governance(tx)
            self._moved(amount, tx)

    def _moved(self, amount, tx):
        assert tx.events["CapitalMovedToTreasury"]["amount"] == amount
        self.moved += amount

    # ------------------------------------------------------------------ leaving

    def _do_notice(self, member):
        e = self.m[member.address]
        error = "NotActiveMember" if e.status != ACTIVE else None
        tx = self._send(error, f"{self._name(member)} gives notice", self.ms.giveNotice, {"from": member})
        if tx is not None:
            exit_at = tx.events["NoticeGiven"]["exitAt"]
            expected = fiscal_exit(tx.timestamp, self.notice_months, *self.fy_end)
            assert exit_at == expected, f"exit date {exit_at}, expected {expected}"
            e.status, e.exit_at = LEAVING, exit_at  # still a member, still votes

    def _exclusion_error(self, member):
        return None if self.m[member].rights else "NotAMember"

    def _do_exclude(self, member, caller):
        error = "NotGovernance" if caller != self.governance else self._exclusion_error(member)
        what = f"{self._name(caller)} excludes {self._name(member)}"
        tx = self._send(error, what, self.ms.exclude, member, {"from": caller})
        if tx is not None:
            self._as_governance(tx)
            self._excluded(member, tx)

    def _excluded(self, member, tx):
        e = self.m[member]
        exit_at = tx.events["Excluded"]["exitAt"]
        expected = fiscal_exit(tx.timestamp, 0, *self.fy_end)  # the current fiscal year's end,
        if e.status == LEAVING:  # or a noticed exit that is due before it
            expected = min(expected, e.exit_at)
        assert exit_at == expected, f"exit date {exit_at}, expected {expected}"
        e.status, e.exit_at = EXCLUDED, exit_at
        self._revoke_rights(member)
        self._record(tx)

    def _revoke_rights(self, member):
        """What the contract does when a member's vote ends: its proxy and its principals part."""
        e = self.m[member]
        if e.proxy is not None:
            self.m[e.proxy].principals.remove(member)
            e.proxy = None
        for principal in e.principals:
            self.m[principal].proxy = None
        e.principals = []

    def _do_complete_exit(self, member, caller):
        e = self.m[member]
        if e.status not in (LEAVING, EXCLUDED):
            error = "NotAMember"
        elif self.now <= e.exit_at:
            error = "ExitNotDue"
        else:
            error = None
        what = f"{self._name(caller)} completes the exit of {self._name(member)}"
        tx = self._send(error, what, self.ms.completeExit, member, {"from": caller})
        if tx is not None:
            event = tx.events["Exited"]
            assert (event["shares"], event["refundClaim"]) == (e.shares, e.paid)
            self._revoke_rights(member)
            e.status, e.claim, e.shares, e.paid = EXITED, e.claim + e.paid, 0, 0
            self._record(tx)

    def _do_claim(self, account):
        e = self.m[account.address]
        available = self._available()
        if e.claim == 0:
            error = "NoRefundClaim"
        elif available <= 0:
            error = "NoFunds"
        else:
            error = None
        before = account.balance()
        what = f"{self._name(account)} claims a refund"
        tx = self._send(error, what, self.ms.claimRefund, {"from": account})
        if tx is not None:
            amount = min(e.claim, available)
            event = tx.events["RefundPaid"]
            assert (event["amount"], event["remainingClaim"]) == (amount, e.claim - amount)
            assert account.balance() == before + amount - fee(tx), "refund not paid"
            e.claim -= amount

    # ------------------------------------------------------------------ proxies

    def _do_delegate(self, principal, proxy):
        a, b = principal.address, proxy.address
        p, t = self.m[a], self.m[b]
        current = p.proxy or a  # whom the principal's vote counts for now
        if not p.rights or not t.rights:
            error = "NoVotingRights"
        elif current != b and b != a and len(t.principals) >= self.max_principals:
            error = "ProxyLimitReached"
        else:
            error = None
        what = f"{self._name(a)} appoints {self._name(b)} as proxy"
        tx = self._send(error, what, self.ms.delegate, b, {"from": principal})
        if tx is None or current == b:  # refused, or nothing changes
            return
        if p.proxy is not None:
            self.m[p.proxy].principals.remove(a)
            p.proxy = None
        if b != a:
            p.proxy = b
            t.principals.append(a)
        self._record(tx)

    def _proxy_limit_set(self, limit, tx):
        """A lower limit ends each proxy's later appointments beyond it: those principals vote themselves."""
        assert tx.events["ProxyLimitSet"]["limit"] == limit
        self.max_principals = limit
        for a, e in self.m.items():
            while len(e.principals) > limit:
                principal = e.principals.pop()
                self.m[principal].proxy = None
                assert (principal, a, principal) in {
                    (x["delegator"], x["fromDelegate"], x["toDelegate"]) for x in tx.events["DelegateChanged"]
                }, f"{self._name(principal)} did not get its vote back from {self._name(a)}"
        self._record(tx)

    # ------------------------------------------------------------------ the assembly

    def _resolution(self, name, pick, amount):
        """Resolution `name` about a person it fits (chosen by `pick`) or an amount (chosen by `amount`).

        With nobody it fits (no applicant to admit), the resolution does nothing. It may still fail when
        executed: by then the person may have left, or the funds gone.
        """
        voting = [a for a, e in self.m.items() if e.rights]
        pending = [a for a, e in self.m.items() if e.application]
        if name == "exclude" and voting:
            return ("exclude", self._choose(voting, pick))
        if name == "admit" and pending:
            return ("admit", self._choose(pending, pick))
        if name == "move capital":
            return ("move capital", max(1, self._free() * (amount % 4 + 1) // 4))
        if name == "notice period":
            return ("notice period", (3, 6, 12, 24)[amount % 4])
        if name == "proxy limit":
            return ("proxy limit", 1 + amount % 2)
        return ("nothing", self.outsider.address)

    def _call(self, action):
        """The proposal's call and the kind of resolution it needs."""
        name, arg = action
        ms = self.ms.address
        if name == "exclude":
            return (ms, self.ms.exclude.encode_input(arg)), ORDINARY
        if name == "admit":
            return (ms, self.ms.admit.encode_input(arg)), ORDINARY
        if name == "move capital":
            return (ms, self.ms.moveCapitalToTreasury.encode_input(arg)), ORDINARY
        if name == "notice period":
            return (ms, self.ms.setNoticePeriod.encode_input(arg)), STATUTE_CHANGE
        if name == "proxy limit":
            return (ms, self.ms.setMaxPrincipals.encode_input(arg)), STATUTE_CHANGE
        return (arg, b""), ORDINARY

    def _do_propose(self, proposer, action):
        (target, data), kind = self._call(action)
        description = f"Resolution {len(self.proposals) + 1}: {action[0]} {action[1]}"
        error = None if self.m[proposer.address].rights else "ProposerNotMember"
        what = f"{self._name(proposer)} proposes {action}"
        tx = self._send(error, what, self.gov.propose, [target], [0], [data], description, {"from": proposer})
        if tx is None:
            return None
        event = tx.events["ProposalCreated"]
        snapshot = tx.timestamp + self.voting_delay
        assert (event["voteStart"], event["voteEnd"]) == (snapshot, snapshot + self.voting_period)
        assert tx.events["ProposalKindSet"]["kind"] == kind
        proposal = Proposal(
            id=event["proposalId"],
            action=action,
            kind=kind,
            call=([target], [0], [data], web3.keccak(text=description)),
            snapshot=snapshot,
            deadline=snapshot + self.voting_period,
        )
        self.proposals.append(proposal)
        return proposal

    def _do_vote(self, p, voter, support):
        weight = self._weight(p, voter.address)
        if self._state(p) != "Active":
            error = "GovernorUnexpectedProposalState"
        elif weight == 0:
            error = "NoVote"
        elif voter.address in p.voters:
            error = "AlreadyVoted"
        elif support > 2:
            error = "GovernorInvalidVoteType"
        else:
            error = None
        what = f"{self._name(voter)} votes {support} on {p.action}"
        tx = self._send(error, what, self.gov.castVote, p.id, support, {"from": voter})
        if tx is not None:
            assert tx.events["VoteCast"]["weight"] == weight
            p.tally[support] += weight
            p.voters.add(voter.address)

    def _do_queue(self, p, caller):
        error = None if self._state(p) == "Succeeded" else "GovernorUnexpectedProposalState"
        what = f"{self._name(caller)} queues {p.action}"
        tx = self._send(error, what, self.gov.queue, *p.call, {"from": caller})
        if tx is not None:
            p.eta = tx.timestamp + self.min_delay
            assert tx.events["ProposalQueued"]["etaSeconds"] == p.eta

    def _execution_error(self, p):
        state = self._state(p)
        name, arg = p.action
        if state not in ("Succeeded", "Queued"):
            return "GovernorUnexpectedProposalState"
        if state == "Succeeded" or self.now < p.eta:
            return "TimelockUnexpectedOperationState"
        if name == "exclude":
            return self._exclusion_error(arg)
        if name == "admit":
            return self._admitting_error(arg, self.governance)
        if name == "move capital":
            return "InsufficientFunds" if arg > self._free() else None
        return None

    def _do_execute(self, p, caller):
        error = self._execution_error(p)
        what = f"{self._name(caller)} executes {p.action}"
        tx = self._send(error, what, self.gov.execute, *p.call, {"from": caller})
        if tx is None:
            return
        p.executed = True
        name, arg = p.action
        if name == "exclude":
            self._excluded(arg, tx)
        elif name == "admit":
            self._admitted(arg, tx, self.timelock.address)
        elif name == "move capital":
            self._moved(arg, tx)
        elif name == "notice period":
            assert tx.events["StatuteChanged"]["value"] == arg
            self.notice_months = arg
        elif name == "proxy limit":
            self._proxy_limit_set(arg, tx)

    def _may_propose(self):
        return self._voting() if len(self.proposals) < MAX_PROPOSALS else []

    # ------------------------------------------------------------------ candidates for the rules

    def _who(self, test):
        return [p for p in self.people if test(self.m[p.address])]

    def _may_apply(self):
        return self._who(lambda e: e.status in (NONE, EXITED) and e.application is None)

    def _pending(self):
        return self._who(lambda e: e.application is not None)

    def _may_buy(self):
        return self._who(lambda e: e.status == ACTIVE and e.shares < self.max_shares)

    def _transfers(self):
        return [
            (a, b)
            for a in self._who(lambda e: e.status == ACTIVE and e.shares > self.min_shares)
            for b in self._may_buy()
            if a != b
        ]

    def _active(self):
        return self._who(lambda e: e.status == ACTIVE)

    def _voting(self):
        return self._who(lambda e: e.rights)

    def _leaving(self):
        return self._who(lambda e: e.status in (LEAVING, EXCLUDED))

    def _claimants(self):
        return self._who(lambda e: e.claim > 0) if self._available() > 0 else []

    def _can_vote_on(self, p):
        """Whether someone can still vote on `p` (once voting opens, if it has not yet)."""
        state = self._state(p)
        if state == "Pending":
            return bool(self._voting())
        return state == "Active" and any(self._weight(p, a) and a not in p.voters for a in self.m)

    def _open_votes(self):
        return [p for p in self.proposals if self._can_vote_on(p)]

    def _to_enact(self):
        """Proposals to carry forward: voted on and still open, passed, or queued."""
        return [
            p
            for p in self.proposals
            if self._state(p) in ("Succeeded", "Queued") or (self._state(p) == "Active" and p.voters)
        ]

    # ------------------------------------------------------------------ rules: admission and capital

    @precondition(lambda self: self._may_apply())
    @rule(pick=PICK, shares=SHARES)
    def apply(self, pick, shares):
        self._do_apply(self._choose(self._may_apply(), pick), shares, shares * self.price)

    @precondition(lambda self: self._pending())
    @rule(pick=PICK, decision=DECISIONS)
    def decide_application(self, pick, decision):
        """The board admits or rejects an applicant, or the applicant withdraws."""
        applicant = self._choose(self._pending(), pick)
        if decision == "admit":
            self._do_admit(applicant.address, self.board)
        elif decision == "reject":
            self._do_reject(applicant, self.board)
        else:
            self._do_withdraw(applicant)

    @precondition(lambda self: self._may_buy())
    @rule(pick=PICK, count=SHARES)
    def buy_shares(self, pick, count):
        member = self._choose(self._may_buy(), pick)
        self._do_buy(member, min(count, self.max_shares - self.m[member.address].shares))

    @precondition(lambda self: self._transfers())
    @rule(pick=st.integers(0, 41), count=SHARES)
    def transfer_shares(self, pick, count):
        sender, receiver = self._choose(self._transfers(), pick)
        src, dest = self.m[sender.address], self.m[receiver.address]
        count = min(count, src.shares - self.min_shares, self.max_shares - dest.shares)
        self._do_transfer(sender, receiver, count)

    @rule(amount=st.sampled_from([ETHER // 4, ETHER, 3 * ETHER]))
    def send_funds(self, amount):
        """Money comes in from outside (e.g. the treasury paying back what refunds need)."""
        tx = self._send(None, f"an outsider sends {amount}", self.outsider.transfer, self.ms, amount)
        assert tx.events["FundsReceived"]["amount"] == amount
        self.sent_in += amount

    @precondition(lambda self: self._free() > 0)
    @rule(quarters=st.integers(1, 4))
    def move_capital(self, quarters):
        """The effect of a resolution without the vote: the timelock itself moves capital. (It never asks for
        more than it may move: on Ganache a reverted transaction would cost the treasury gas.)"""
        self._do_move_capital(max(1, self._free() * quarters // 4), self.governance)

    # ------------------------------------------------------------------ rules: proxies and leaving

    @precondition(lambda self: len(self._voting()) > 1)
    @rule(pick=PICK, to=PICK, busiest=st.booleans())
    def change_proxy(self, pick, to, busiest):
        """A member appoints another as proxy, or revokes its proxy by appointing itself. Half the time
        it turns to the member who already carries the most principals, so the limit is reached."""
        voting = self._voting()
        principal = self._choose(voting, pick)
        others = [v for v in voting if v != principal]
        if busiest:
            proxy = max(others, key=lambda v: len(self.m[v.address].principals))
        else:
            proxy = self._choose([*others, principal], to)
        self._do_delegate(principal, proxy)

    @precondition(lambda self: self._active())
    @rule(pick=PICK)
    def give_notice(self, pick):
        self._do_notice(self._choose(self._active(), pick))

    @precondition(lambda self: self._voting())
    @rule(pick=PICK)
    def exclude(self, pick):
        """The effect of a resolution without the vote: the timelock itself excludes a member."""
        self._do_exclude(self._choose(self._voting(), pick).address, self.governance)

    @rule(limit=st.sampled_from([1, 2]))
    def set_proxy_limit(self, limit):
        """The effect of a statute change without the vote: the timelock sets how many principals one proxy
        may carry. (A resolution does the same, but seldom passes with a proxy at the limit.)"""
        what = f"the timelock sets the proxy limit to {limit}"
        tx = self._send(None, what, self.ms.setMaxPrincipals, limit, {"from": self.governance})
        self._as_governance(tx)
        self._proxy_limit_set(limit, tx)

    @precondition(lambda self: self._may_propose() and len(self._voting()) > 1)
    @rule(pick=PICK, subject=PICK, support=SUPPORT)
    def exclusion_during_a_vote(self, pick, subject, support):
        """A member is excluded while a vote is open, and then everyone tries to vote: the ballots must
        leave the excluded member's vote out, also where its proxy casts it. (Other rules seldom get
        there: most of them move the clock past an open vote.)"""
        proposer = self._choose(self._may_propose(), pick)
        p = self._do_propose(proposer, ("nothing", self.outsider.address))
        self._advance_to(p.snapshot + 1)
        self._do_exclude(self._choose(self._voting(), subject).address, self.governance)
        for person in self.people:
            self._do_vote(p, person, support)

    @precondition(lambda self: self._leaving())
    @rule(pick=PICK, caller=PICK)
    def complete_exit(self, pick, caller):
        """Anyone completes an exit, after the clock has passed its date."""
        member = self._choose(self._leaving(), pick).address
        self._advance_to(self.m[member].exit_at + 1)
        self._do_complete_exit(member, self.people[caller])

    @precondition(lambda self: self._claimants())
    @rule(pick=PICK)
    def claim_refund(self, pick):
        self._do_claim(self._choose(self._claimants(), pick))

    # ------------------------------------------------------------------ rules: the assembly

    @precondition(lambda self: self._may_propose())
    @rule(pick=PICK, resolution=RESOLUTIONS, subject=PICK, amount=PICK)
    def propose(self, pick, resolution, subject, amount):
        """A member proposes a resolution and leaves it to the other rules."""
        proposer = self._choose(self._may_propose(), pick)
        self._do_propose(proposer, self._resolution(resolution, subject, amount))

    @precondition(lambda self: self._open_votes())
    @rule(pick=PICK, voter=PICK, support=SUPPORT)
    def vote(self, pick, voter, support):
        """A member votes on a proposal, once voting on it has opened (waiting for that if need be)."""
        p = self._choose(self._open_votes(), pick)
        self._advance_to(p.snapshot + 1)
        voters = [v for v in self.people if self._weight(p, v.address) and v.address not in p.voters]
        if voters:
            self._do_vote(p, self._choose(voters, voter), support)

    @precondition(lambda self: self._to_enact())
    @rule(pick=PICK, caller=PICK)
    def queue_or_execute(self, pick, caller):
        """Anyone queues a resolution that passed, or executes a queued one, waiting for the end of the
        vote or of the timelock delay if need be."""
        p, person = self._choose(self._to_enact(), pick), self.people[caller]
        self._advance_to(p.deadline + 1)
        if self._state(p) == "Succeeded":
            self._do_queue(p, person)
        elif self._state(p) == "Queued":
            self._advance_to(p.eta)
            self._do_execute(p, person)

    @precondition(lambda self: self._may_propose())
    @rule(pick=PICK, resolution=RESOLUTIONS, subject=PICK, amount=PICK, ballots=BALLOTS)
    def take_resolution(self, pick, resolution, subject, amount, ballots):
        """A whole resolution in one step: a member proposes, the members vote as the pattern `ballots`
        says, and if it passed it is queued and executed. A unanimous resolution must pass."""
        proposer = self._choose(self._may_propose(), pick)
        p = self._do_propose(proposer, self._resolution(resolution, subject, amount))
        self._advance_to(p.snapshot + 1)
        voters = [v for v in self.people if self._weight(p, v.address)]
        for voter, support in zip(voters, self._ballots(p, voters, ballots), strict=False):
            if support is not None:
                self._do_vote(p, voter, support)
        self._advance_to(p.deadline + 1)
        if ballots == "unanimous":
            assert self._state(p) == "Succeeded", f"unanimous resolution {p.action} failed"
        if self._state(p) == "Succeeded":
            self._do_queue(p, proposer)
            self._advance_to(p.eta)
            self._do_execute(p, proposer)

    def _ballots(self, p, voters, pattern):
        """Ballots (None: no vote) for `voters` whose tally fits `pattern`, or none if nothing fits."""
        if pattern == "unanimous":
            return [FOR] * len(voters)
        weights = [self._weight(p, v.address) for v in voters]
        quorum, fits = self._quorum(p), BALLOT_PATTERNS[pattern]
        for ballots in itertools.product((None, FOR, AGAINST, ABSTAIN), repeat=len(voters)):
            tally = [0, 0, 0]
            for weight, support in zip(weights, ballots, strict=True):
                if support is not None:
                    tally[support] += weight
            if fits(*tally, quorum, p.kind):
                note(f"ballots {pattern}: {ballots}")
                return ballots
        return []

    @rule(step=TIME_STEPS)
    def advance_time(self, step):
        if step == "next deadline":
            upcoming = [t for t in self._deadlines() if t > self.now]
            target = min(upcoming, default=self.now + DAY)
        else:
            number, unit = step.split()
            target = self.now + int(number) * (365 if unit == "year" else 1) * DAY
        self._advance_to(target + 1)

    # ------------------------------------------------------------------ rule: anyone tries anything

    @rule(attempt=ATTEMPTS, who=PICK, other=PICK, count=ANY_COUNT, flag=st.booleans())
    def anyone_tries(self, attempt, who, other, count, flag):
        """Someone tries something whatever the model says; most attempts must fail with a named error."""
        person, someone = self.people[who], self.people[other]
        if attempt == "apply":  # `flag`: a payment that does not match the shares
            self._do_apply(person, count, count * self.price + (ETHER // 2 if flag else 0))
        elif attempt == "admit":  # `flag`: the board, else a person
            self._do_admit(someone.address, self.board if flag else person)
        elif attempt == "reject":
            self._do_reject(someone, self.board if flag else person)
        elif attempt == "withdraw":
            self._do_withdraw(person)
        elif attempt == "buy":
            self._do_buy(person, count)
        elif attempt == "pay in":
            self._do_pay_in(person)
        elif attempt == "transfer":
            self._do_transfer(person, someone, count)
        elif attempt == "notice":
            self._do_notice(person)
        elif attempt == "exclude":
            self._do_exclude(someone.address, person)
        elif attempt == "exit":
            self._do_complete_exit(person.address, someone)
        elif attempt == "claim":
            self._do_claim(person)
        elif attempt == "move capital":
            self._do_move_capital(count * ETHER, person)
        elif attempt == "proxy":
            self._do_delegate(person, someone)
        elif attempt == "propose":
            self._do_propose(person, ("nothing", self.outsider.address))
        elif self.proposals:
            p = self._choose(self.proposals, count)
            if attempt == "vote":
                self._do_vote(p, person, (FOR, AGAINST, ABSTAIN, 3)[other % 4])
            elif attempt == "queue":
                self._do_queue(p, person)
            else:
                self._do_execute(p, person)

    # ------------------------------------------------------------------ invariants

    @invariant()
    def contracts_agree_with_model(self):
        """Move the clock clear of deadlines, read everything in one batch, and check it."""
        self._settle()
        chain_state = self._read()
        self._check_members(chain_state)
        self._check_votes(chain_state)
        self._check_money(chain_state)
        self._check_assembly(chain_state)

    def _past_timepoints(self):
        """Earlier times to check the vote supply at: around the last two changes, and open proposals'
        snapshots."""
        start = self.history[0][0]
        changes = sorted({entry[0] for entry in self.history if entry[0] < self.now})[-2:]
        points = {t for c in changes for t in (c - 1, c) if t >= start}
        points |= {p.snapshot for p in self._unsettled() if p.snapshot < self.now}
        return sorted(points)

    def _unsettled(self):
        """Proposals whose state can still change, or has changed since the last check."""
        return [p for p in self.proposals if not p.settled]

    def _read(self):
        ms, gov = self.ms, self.gov
        calls = {}
        for a in self.m:
            calls["member", a] = (ms.memberOf, a)
            calls["application", a] = (ms.applicationOf, a)
            calls["claim", a] = (ms.refundClaimOf, a)
            calls["votes", a] = (ms.getVotes, a)
            calls["carrier", a] = (ms.delegates, a)
            if self.m[a].principals:  # anyone else's list must be empty: their principals' carriers say so
                calls["principals", a] = (ms.principalsOf, a)
        totals = ("totalShares", "totalPaidIn", "memberCount", "votingMembers", "escrowTotal", "claimsTotal")
        for name in (*totals, "availableFunds", "freeFunds", "maxPrincipals"):
            calls[name] = (getattr(ms, name),)
        for t in self._past_timepoints():
            calls["past supply", t] = (ms.getPastTotalSupply, t)
        for p in self._unsettled():
            calls["tally", p.id] = (gov.proposalVotes, p.id)
            calls["state", p.id] = (gov.state, p.id)
        return batch_read(calls, {"balance": ms.address, "treasury": self.timelock.address})

    def _check_members(self, c):
        for a, e in self.m.items():
            name = self._name(a)
            entry = tuple(c["member", a])
            expected = (e.status, e.shares, e.paid, e.joined_at, e.exit_at)
            assert entry == expected, f"{name}: memberOf {entry}, model {expected}"
            application = tuple(c["application", a])
            assert application == (e.application or (0, 0)), f"{name}: application {application}"
            assert c["claim", a] == e.claim, f"{name}: refund claim {c['claim', a]}, model {e.claim}"
        entries = [c["member", a] for a in self.m]
        shares = sum(entry[1] for entry in entries)
        assert c["totalShares"] == shares, f"totalShares {c['totalShares']}, members hold {shares}"
        members = sum(entry[0] in (ACTIVE, LEAVING, EXCLUDED) for entry in entries)
        assert c["memberCount"] == members, f"memberCount {c['memberCount']}, list has {members}"

    def _check_votes(self, c):
        model_votes = self._votes()
        for a, e in self.m.items():
            name, votes = self._name(a), c["votes", a]
            assert votes == model_votes[a], f"{name}: {votes} votes, model {model_votes[a]}"
            carrier = (e.proxy or a) if e.rights else ZERO_ADDRESS
            assert c["carrier", a] == carrier, f"{name}: vote carried by {c['carrier', a]}, model {carrier}"
            carried = sum(c["carrier", b] == a for b in self.m)  # its own unit and its principals'
            assert votes == carried, f"{name} holds {votes} votes but carries {carried} members' units"
            if ("principals", a) in c:
                principals = list(c["principals", a])  # in the order they appointed the proxy
                assert principals == e.principals, f"{name}: principals {principals}, model {e.principals}"
            assert votes <= 1 + c["maxPrincipals"], f"{name} holds {votes} votes"
        with_rights = sum(c["member", a][0] in (ACTIVE, LEAVING) for a in self.m)
        supply = c["votingMembers"]
        assert supply == with_rights == self._supply(), f"{supply} votes, {with_rights} members with rights"
        held = sum(c["votes", a] for a in self.m)
        assert held == supply, f"members hold {held} votes, the supply is {supply}"
        for t in (key[1] for key in c if key[0] == "past supply"):
            _, expected, _ = self._past(t)
            assert c["past supply", t] == expected, f"supply at {t}: {c['past supply', t]}, model {expected}"

    def _check_money(self, c):
        escrow = sum(c["application", a][1] for a in self.m)
        paid = sum(c["member", a][2] for a in self.m)
        claims = sum(c["claim", a] for a in self.m)
        assert c["escrowTotal"] == escrow, f"escrowTotal {c['escrowTotal']}, applications hold {escrow}"
        assert c["totalPaidIn"] == paid, f"totalPaidIn {c['totalPaidIn']}, members paid {paid}"
        assert c["claimsTotal"] == claims, f"claimsTotal {c['claimsTotal']}, claims add up to {claims}"
        balance = c["balance"]
        books = escrow + paid + claims + self.sent_in - self.moved
        assert balance == books, f"balance {balance}, escrow + capital + claims + outside flows {books}"
        assert balance == self._balance(), f"balance {balance}, model {self._balance()}"
        assert c["availableFunds"] == balance - escrow, "available funds are not the balance less escrow"
        assert c["freeFunds"] == max(0, balance - escrow - claims), "free funds are not available less claims"
        treasury = c["treasury"] - self.initial_treasury + self.treasury_fees
        assert treasury == self.moved, f"the treasury received {treasury}, model {self.moved}"

    def _check_assembly(self, c):
        for p in self._unsettled():
            tally = list(c["tally", p.id])
            assert tally == p.tally, f"proposal {p.action}: counts {tally}, model {p.tally}"
            state = STATES[c["state", p.id]]
            assert state == self._state(p), f"proposal {p.action}: {state}, model {self._state(p)}"
            p.settled = state in ("Executed", "Defeated")


def machine_settings():
    """Hypothesis settings for the chain brownie runs on (see EXAMPLES)."""
    examples, steps = EXAMPLES.get(network.show_active(), EXAMPLES["ganache-cli"])
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=HealthCheck.all(),
    )


def test_random_member_and_assembly_actions(coop, founders, board):
    CoopStateMachine.configure(coop, founders, board, outsider=accounts[0])
    run_state_machine_as_test(CoopStateMachine, settings=machine_settings())
