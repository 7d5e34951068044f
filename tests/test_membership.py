"""The member list and capital accounts: admission, shares, votes per member, notice, exit and refunds."""

import calendar
from datetime import UTC, datetime

import brownie
import pytest
from brownie import accounts, chain, web3
from conftest import ETHER, fee, join, resolve, reverts

ACTIVE, LEAVING, EXCLUDED, EXITED = 1, 2, 3, 4


def test_founders_are_members_with_one_vote_each(coop, founders):
    assert coop.membership.memberCount() == 3
    assert coop.votes.votingMembers() == 3
    for f in founders:
        status, shares, paid, _, _ = coop.membership.memberOf(f)
        assert (status, shares, paid) == (ACTIVE, 1, ETHER)
        assert coop.votes.getVotes(f) == 1
        assert coop.votes.delegates(f) == f


def test_a_cooperative_needs_three_founders(factory, founders, deployer, board):
    from conftest import statute_data

    from dao_cli.coop.statute import parse_statute
    from dao_cli.errors import StatuteError

    with pytest.raises(StatuteError, match="at least 3 founders"):
        parse_statute(statute_data(founders[:2], board))
    # the contract enforces it too, whatever a client sends
    statute, _ = parse_statute(statute_data(founders, board)).factory_args()
    factory_contract = brownie.CoopFactory.at(factory)
    with reverts("TooFewFounders"):
        factory_contract.createCooperative(statute, [f.address for f in founders[:2]], {"from": deployer})


def test_admission_by_the_board(coop, board):
    applicant = accounts[4]
    before = applicant.balance()
    tx = coop.membership.submitApplication(3, b"\x11" * 32, {"from": applicant, "value": 3 * ETHER})
    assert applicant.balance() == before - 3 * ETHER - fee(tx)
    assert tx.events["Applied"]["applicationHash"] == "0x" + "11" * 32
    assert coop.membership.escrowTotal() == 3 * ETHER
    assert coop.votes.getVotes(applicant) == 0
    assert not coop.votes.hasVotingRights(applicant)

    with reverts("NotAdmittingBody"):
        coop.membership.admit(applicant, {"from": accounts[5]})
    tx = coop.membership.admit(applicant, {"from": board})
    assert tx.events["Admitted"]["by"] == board
    status, shares, paid, _, _ = coop.membership.memberOf(applicant)
    assert (status, shares, paid) == (ACTIVE, 3, 3 * ETHER)
    assert coop.membership.escrowTotal() == 0
    assert coop.membership.totalShares() == 6
    assert coop.votes.getVotes(applicant) == 1


def test_rejected_applicant_collects_the_escrow(coop, board):
    applicant = accounts[4]
    before = applicant.balance()
    applied = coop.membership.submitApplication(2, b"\x00" * 32, {"from": applicant, "value": 2 * ETHER})
    tx = coop.membership.reject(applicant, {"from": board})
    assert tx.events["Rejected"]["escrow"] == 2 * ETHER
    # the escrow is held for the applicant, who pulls it: rejection sends nothing
    assert applicant.balance() == before - 2 * ETHER - fee(applied)
    assert coop.membership.returnedEscrowOf(applicant) == 2 * ETHER
    assert coop.membership.escrowTotal() == 2 * ETHER
    assert coop.membership.freeFunds() == 3 * ETHER  # the founders' capital only
    assert tuple(coop.membership.memberOf(applicant))[0] == 0
    with reverts("NoApplication"):
        coop.membership.admit(applicant, {"from": board})
    collected = coop.membership.collectEscrow({"from": applicant})
    assert collected.events["EscrowCollected"]["amount"] == 2 * ETHER
    assert applicant.balance() == before - fee(applied) - fee(collected)
    assert coop.membership.escrowTotal() == 0
    with reverts("NoReturnedEscrow"):
        coop.membership.collectEscrow({"from": applicant})


def test_applicant_may_withdraw_and_must_pay_exactly(coop):
    applicant = accounts[4]
    with reverts("WrongPayment"):
        coop.membership.submitApplication(2, b"\x00" * 32, {"from": applicant, "value": ETHER})
    with reverts("ShareCountOutOfRange"):
        coop.membership.submitApplication(11, b"\x00" * 32, {"from": applicant, "value": 11 * ETHER})
    before = applicant.balance()
    applied = coop.membership.submitApplication(2, b"\x00" * 32, {"from": applicant, "value": 2 * ETHER})
    withdrawn = coop.membership.withdrawApplication({"from": applicant})
    assert applicant.balance() == before - fee(applied) - fee(withdrawn)


def test_open_cooperative_admits_on_payment(make_coop):
    coop = make_coop(admission="open", board=None)
    applicant = accounts[4]
    tx = coop.membership.submitApplication(1, b"\x00" * 32, {"from": applicant, "value": ETHER})
    assert "Admitted" in tx.events
    assert coop.votes.getVotes(applicant) == 1


def test_one_vote_whatever_the_shares(coop, founders):
    coop.membership.buyShares(9, {"from": founders[0], "value": 9 * ETHER})
    assert tuple(coop.membership.memberOf(founders[0]))[1] == 10
    assert coop.votes.getVotes(founders[0]) == 1
    assert coop.membership.totalShares() == 12
    with reverts("ShareCountOutOfRange"):  # over the statute's maximum
        coop.membership.buyShares(1, {"from": founders[0], "value": ETHER})


def test_membership_is_not_transferable_but_shares_are(coop, founders, board):
    # votes cannot move except by appointing a proxy; there is no transfer of membership
    assert not hasattr(coop.membership, "transfer")
    coop.membership.buyShares(3, {"from": founders[0], "value": 3 * ETHER})
    coop.membership.consentToTransfer(founders[0], 2, 2 * ETHER, {"from": founders[1]})
    coop.membership.transferShares(founders[1], 2, {"from": founders[0]})
    assert tuple(coop.membership.memberOf(founders[0]))[1:3] == (2, 2 * ETHER)
    assert tuple(coop.membership.memberOf(founders[1]))[1:3] == (3, 3 * ETHER)
    assert coop.votes.getVotes(founders[0]) == coop.votes.getVotes(founders[1]) == 1
    with reverts("NoTransferConsent"):  # the consent was used up
        coop.membership.transferShares(founders[1], 1, {"from": founders[0]})
    coop.membership.consentToTransfer(founders[0], 2, 2 * ETHER, {"from": founders[1]})
    with reverts("ShareCountOutOfRange"):  # below the minimum
        coop.membership.transferShares(founders[1], 2, {"from": founders[0]})
    with reverts("NotActiveMember"):  # not a member cannot agree
        coop.membership.consentToTransfer(founders[0], 1, ETHER, {"from": accounts[5]})


def test_founders_pay_in_their_subscription(make_coop, founders):
    coop = make_coop(pay_in=False)
    assert coop.membership.dueOf(founders[0]) == ETHER
    with reverts("WrongPayment"):
        coop.membership.payIn({"from": founders[0], "value": ETHER // 2})
    coop.membership.payIn({"from": founders[0], "value": ETHER})
    assert coop.membership.dueOf(founders[0]) == 0
    assert coop.membership.totalPaidIn() == ETHER


def expected_exit(notice_time, months, fy_month=12, fy_day=31):
    """Reference calendar arithmetic, independent of the contract's."""
    d = datetime.fromtimestamp(notice_time, UTC)
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    earliest = d.replace(year=year, month=month, day=day)
    for y in (earliest.year, earliest.year + 1):
        end_day = min(fy_day, calendar.monthrange(y, fy_month)[1])
        end = datetime(y, fy_month, end_day, 23, 59, 59, tzinfo=UTC)
        if end >= earliest:
            return int(end.timestamp())


@pytest.mark.parametrize(
    "when, months, fy",
    [
        ("2027-03-15 10:00", 3, (12, 31)),  # notice mid-year: exit at this year's end
        ("2027-10-01 00:00", 3, (12, 31)),  # later than 3 months before the end: next year
        ("2027-09-30 23:59", 3, (12, 31)),  # three months still fit before the year's end
        ("2027-11-30 12:00", 3, (2, 29)),  # Feb 29 fiscal-year end in a leap year (2028)
        ("2028-03-01 12:00", 3, (2, 29)),  # ... and in a common year (2029-02-28)
        ("2027-08-31 08:00", 6, (6, 30)),  # month-end clamping: Aug 31 + 6 months = Feb 29 2028
        ("2027-01-01 00:00", 60, (12, 31)),  # five years, the longest notice
    ],
)
def test_notice_takes_effect_at_the_first_fiscal_year_end_after_the_notice_period(
    make_coop, founders, when, months, fy
):
    coop = make_coop(notice_months=months, fiscal_year_end=f"{fy[0]:02d}-{fy[1]:02d}")
    target = int(datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).timestamp())
    now = chain.time()
    if target <= now:
        pytest.skip("the chain's clock is already past this date")
    chain.sleep(target - now)
    tx = coop.membership.giveNotice({"from": founders[0]})
    noticed_at = web3.eth.get_block(tx.block_number)["timestamp"]
    exit_at = tx.events["NoticeGiven"]["exitAt"]
    assert exit_at == expected_exit(noticed_at, months, *fy)
    assert tuple(coop.membership.memberOf(founders[0]))[0] == LEAVING
    assert coop.votes.getVotes(founders[0]) == 1  # still a member until the exit takes effect


def test_exit_refund_and_unpaid_claims(coop, founders):
    member = founders[0]
    tx = coop.membership.giveNotice({"from": member})
    exit_at = tx.events["NoticeGiven"]["exitAt"]
    with reverts("ExitNotDue"):
        coop.membership.completeExit(member, {"from": accounts[7]})

    # the assembly moves the capital to the treasury: the cooperative cannot pay the refund yet
    resolve(coop, [(coop.membership, "moveCapitalToTreasury", (3 * ETHER,))], "Invest capital", founders)
    assert coop.membership.availableFunds() == 0
    assert web3.eth.get_balance(coop.timelock.address) == 3 * ETHER

    chain.sleep(exit_at - chain.time() + 1)
    chain.mine()
    tx = coop.membership.completeExit(member, {"from": accounts[7]})  # anyone may complete it
    assert tx.events["Exited"]["refundClaim"] == ETHER
    assert tuple(coop.membership.memberOf(member))[0:3] == (EXITED, 0, 0)
    assert coop.votes.getVotes(member) == 0
    assert coop.votes.votingMembers() == 2
    assert coop.membership.memberCount() == 2
    assert coop.membership.refundClaimOf(member) == ETHER
    assert coop.membership.claimsTotal() == ETHER

    with reverts("NoFunds"):
        coop.membership.claimRefund({"from": member})
    assert coop.membership.refundClaimOf(member) == ETHER  # never lost

    # part of the money comes back: a partial refund, the rest stays a visible claim
    accounts[8].transfer(coop.membership.address, ETHER // 4)
    before = member.balance()
    tx = coop.membership.claimRefund({"from": member})
    assert tx.events["RefundPaid"]["amount"] == ETHER // 4
    assert tx.events["RefundPaid"]["remainingClaim"] == 3 * ETHER // 4
    assert member.balance() == before + ETHER // 4 - fee(tx)
    assert coop.membership.refundClaimOf(member) == 3 * ETHER // 4

    accounts[8].transfer(coop.membership.address, ETHER)
    coop.membership.claimRefund({"from": member})
    assert coop.membership.refundClaimOf(member) == 0
    assert coop.membership.claimsTotal() == 0
    with reverts("NoRefundClaim"):
        coop.membership.claimRefund({"from": member})


def test_escrow_is_never_moved_to_the_treasury(coop, founders):
    applicant = accounts[4]
    coop.membership.submitApplication(5, b"\x00" * 32, {"from": applicant, "value": 5 * ETHER})
    assert coop.membership.availableFunds() == 3 * ETHER
    proposal = [(coop.membership, "moveCapitalToTreasury", (4 * ETHER,))]
    with reverts("InsufficientFunds"):
        resolve(coop, proposal, "Take the escrow too", founders)
    assert coop.membership.escrowTotal() == 5 * ETHER


def test_exclusion_ends_the_vote_at_once_and_settles_like_an_exit(coop, founders, board):
    join(coop, accounts[4], 2, board)
    resolve(coop, [(coop.membership, "exclude", (accounts[4],))], "Exclude member 4", founders)
    status, shares, paid, _, exit_at = coop.membership.memberOf(accounts[4])
    assert (status, shares, paid) == (EXCLUDED, 2, 2 * ETHER)
    assert coop.votes.getVotes(accounts[4]) == 0
    assert not coop.votes.hasVotingRights(accounts[4])
    assert coop.votes.votingMembers() == 3
    chain.sleep(exit_at - chain.time() + 1)
    chain.mine()
    coop.membership.completeExit(accounts[4], {"from": founders[0]})
    assert coop.membership.refundClaimOf(accounts[4]) == 2 * ETHER


def test_exclusion_of_a_member_under_notice_settles_at_this_fiscal_year_end(make_coop, founders):
    coop = make_coop(notice_months=24)
    member = founders[2]
    noticed = coop.membership.giveNotice({"from": member}).events["NoticeGiven"]["exitAt"]
    tx = resolve(coop, [(coop.membership, "exclude", (member,))], "Exclude member", founders[:2])
    excluded_at = web3.eth.get_block(tx.block_number)["timestamp"]
    exit_at = tx.events["Excluded"]["exitAt"]
    assert exit_at == expected_exit(excluded_at, 0) < noticed
    assert tuple(coop.membership.memberOf(member))[4] == exit_at


def test_exclusion_does_not_delay_an_exit_already_due(coop, founders):
    member = founders[2]
    noticed = coop.membership.giveNotice({"from": member}).events["NoticeGiven"]["exitAt"]
    chain.sleep(noticed - web3.eth.get_block("latest")["timestamp"] + 1)
    chain.mine()
    tx = resolve(coop, [(coop.membership, "exclude", (member,))], "Exclude member", founders[:2])
    assert tx.events["Excluded"]["exitAt"] == noticed
    coop.membership.completeExit(member, {"from": member})
    assert coop.membership.refundClaimOf(member) == ETHER


def test_capital_moved_to_the_treasury_leaves_refund_claims_funded(coop, founders):
    member = founders[0]
    exit_at = coop.membership.giveNotice({"from": member}).events["NoticeGiven"]["exitAt"]
    chain.sleep(exit_at - web3.eth.get_block("latest")["timestamp"] + 1)
    chain.mine()
    coop.membership.completeExit(member, {"from": member})
    assert coop.membership.claimsTotal() == ETHER
    assert coop.membership.availableFunds() == 3 * ETHER
    assert coop.membership.freeFunds() == 2 * ETHER
    with reverts("InsufficientFunds"):
        resolve(coop, [(coop.membership, "moveCapitalToTreasury", (3 * ETHER,))], "Take it all", founders[1:])
    resolve(coop, [(coop.membership, "moveCapitalToTreasury", (2 * ETHER,))], "Invest capital", founders[1:])
    assert coop.membership.freeFunds() == 0
    before = member.balance()
    tx = coop.membership.claimRefund({"from": member})
    assert member.balance() == before + ETHER - fee(tx)
    assert coop.membership.claimsTotal() == 0


def test_share_price_is_the_value_of_every_share(coop, founders, board):
    a, b, c = founders
    join(coop, accounts[4], 2, board)
    resolve(coop, [(coop.membership, "setSharePrice", (2 * ETHER,))], "Raise the share price", [a, b, c])
    # a raise makes the difference due on shares already held (GenG §7, §67a), paid in with payIn
    assert coop.membership.dueOf(a) == ETHER
    assert coop.membership.dueOf(accounts[4]) == 2 * ETHER
    coop.membership.payIn({"from": accounts[4], "value": 2 * ETHER})
    assert tuple(coop.membership.memberOf(accounts[4]))[1:3] == (2, 4 * ETHER)
    with reverts("WrongPayment"):  # new shares cost the new price
        coop.membership.buyShares(1, {"from": accounts[4], "value": ETHER})
    # a cut refunds nothing before exit: what was paid in stays the member's capital and refund
    resolve(coop, [(coop.membership, "setSharePrice", (ETHER // 2,))], "Cut the share price", [a, b, c])
    assert coop.membership.dueOf(a) == 0
    assert tuple(coop.membership.memberOf(accounts[4]))[2] == 4 * ETHER


def test_member_list_governance_only(coop, founders):
    for fn, args in [
        ("exclude", (founders[1],)),
        ("moveCapitalToTreasury", (1,)),
        ("setSharePrice", (1,)),
        ("setNoticePeriod", (6,)),
        ("setBoard", (founders[0],)),
    ]:
        with reverts("NotGovernance"):
            getattr(coop.membership, fn)(*args, {"from": founders[0]})


def test_rights_end_at_the_exit_date_and_each_exit_date_counts_once(coop, founders, board):
    """A notice ends the vote at its exit date by itself; the quorum base counts every such end once, also
    where an exclusion took a date back and a later notice named it again."""
    a, b, c = founders
    d, e = accounts[4], accounts[5]
    join(coop, d, 1, board)
    join(coop, e, 1, board)
    exit_at = coop.membership.giveNotice({"from": d}).events["NoticeGiven"]["exitAt"]
    resolve(coop, [(coop.membership, "exclude", (d,))], "Exclude d", [a, b, c])
    assert coop.membership.giveNotice({"from": e}).events["NoticeGiven"]["exitAt"] == exit_at
    assert coop.votes.votingMembers() == 4
    chain.sleep(exit_at - chain.time() + 10)
    chain.mine()
    # no transaction since: e's vote ended at the exit date all the same
    assert not coop.votes.hasVotingRights(e)
    assert coop.votes.votingMembers() == 3
    assert coop.votes.getPastTotalSupply(exit_at) == 4
    assert coop.votes.getPastTotalSupply(exit_at + 1) == 3
