"""Attacks on the members' money: each test performs one attack against the real contracts and asserts that it
fails with a specific error, or leaves the books and the votes as they were.

The attackers are contracts in contracts/test/: a member that calls the cooperative again in the middle of a
payment (through a payment token's hooks, or when it receives coin), an applicant that refuses coin, and a
puppet that makes several calls in one transaction. The payment tokens are the test tokens HookToken
(ERC-777-style callbacks) and FeeToken (burns a share of every transfer)."""

import pytest
from brownie import CoinRefuser, FeeToken, HookToken, Puppet, ReentrantMember, accounts, chain, web3
from conftest import DAY, ETHER, FOR, eip712_signature, fee, join, propose, resolve, reverts, start_voting
from eth_account import Account
from eth_account.messages import encode_typed_data

NONE, ACTIVE, LEAVING, EXCLUDED, EXITED = range(5)
HASH = b"\x01" * 32
GUARD_ERROR = web3.keccak(text="ReentrancyGuardReentrantCall()")[:4]


# --------------------------------------------------------------------------- helpers


def act(puppet, owner, calls, value=0):
    """Have `puppet` make `calls` [(contract, function name, args[, coin])] in one transaction."""
    targets, values, datas = [], [], []
    for contract, fn, args, *coin in calls:
        targets.append(contract.address)
        values.append(coin[0] if coin else 0)
        datas.append(getattr(contract, fn).encode_input(*args))
    return puppet.act(targets, values, datas, {"from": owner, "value": value})


def holdings(coop, token=None):
    """What the member list holds in its payment currency."""
    address = coop.membership.address
    return token.balanceOf(address) if token else web3.eth.get_balance(address)


def books(coop, token=None):
    """The member list's totals and holdings, to compare before and after an attack."""
    m = coop.membership
    return {
        "members": m.memberCount(),
        "shares": m.totalShares(),
        "paid": m.totalPaidIn(),
        "escrow": m.escrowTotal(),
        "claims": m.claimsTotal(),
        "held": holdings(coop, token),
        "voting": coop.votes.votingMembers(),
    }


def assert_books(coop, people, token=None):
    """The totals the contracts keep are the sums of what `people` (everyone who ever took part) hold, the
    money held is exactly what the books account for (nothing was moved to the treasury in these tests), and
    the votes are one per member with voting rights, wherever proxies carry them."""
    m, v = coop.membership, coop.votes
    entries = [m.memberOf(p) for p in people]
    current = [e for e in entries if e[0] in (ACTIVE, LEAVING, EXCLUDED)]
    assert m.memberCount() == len(current)
    assert m.totalShares() == sum(e[1] for e in current)
    assert m.totalPaidIn() == sum(e[2] for e in current)
    assert m.escrowTotal() == sum(m.applicationOf(p)[1] + m.returnedEscrowOf(p) for p in people)
    assert m.claimsTotal() == sum(m.refundClaimOf(p) for p in people)
    assert holdings(coop, token) == m.totalPaidIn() + m.escrowTotal() + m.claimsTotal()
    voting = [p for p in people if v.hasVotingRights(p)]
    assert v.votingMembers() == len(voting)
    assert sum(v.getVotes(p) for p in people) == len(voting)
    chain.sleep(1)
    chain.mine()
    # the last mined block's time, not brownie's clock (which reads the wall clock, and can equal it)
    assert v.getPastTotalSupply(web3.eth.get_block("latest")["timestamp"] - 1) == len(voting)


def assert_refused_by_the_guard(attacker):
    """The attacker called back into the member list during the payment, and the re-entry guard refused it."""
    assert attacker.attempted()
    assert not attacker.succeeded()
    assert bytes(attacker.result()) == GUARD_ERROR


def token_coop(make_coop, token, founders, **overrides):
    """A cooperative whose shares are paid in `token`; the founders receive tokens and pay in."""
    coop = make_coop(pay_in=False, shares={"price": "1", "payment_token": token.address}, **overrides)
    for f in founders:
        token.mint(f, 10 * ETHER, {"from": f})
        token.approve(coop.membership, ETHER, {"from": f})
        coop.membership.payIn({"from": f})
    return coop


def fund(attacker, owner, coop, token, amount):
    """Give `attacker` `amount` of `token` for the member list to take (coin: it holds coin already)."""
    if token is not None:
        token.mint(attacker, amount, {"from": owner})
        act(attacker, owner, [(token, "approve", (coop.membership, amount))])


def pay_as(attacker, owner, coop, token, fn, args, amount):
    """`attacker` calls `fn` on the member list, paying `amount` in coin or in `token` (funded beforehand)."""
    if token is None:
        return act(attacker, owner, [(coop.membership, fn, args, amount)], value=amount)
    return act(attacker, owner, [(coop.membership, fn, args)])


def arm(attacker, owner, coop, fn, args=()):
    """Have `attacker` call `fn` on the member list at its next hook or coin receipt."""
    attacker.arm(coop.membership, 0, getattr(coop.membership, fn).encode_input(*args), {"from": owner})


def give_notice_and_exit(coop, member, owner=None):
    """`member` gives notice (a puppet through `owner`), the exit date passes and the exit is completed."""
    if owner is None:
        tx = coop.membership.giveNotice({"from": member})
    else:
        tx = act(member, owner, [(coop.membership, "giveNotice", ())])
    exit_at = tx.events["NoticeGiven"]["exitAt"]
    chain.sleep(exit_at - chain.time() + 1)
    chain.mine()
    coop.membership.completeExit(member, {"from": accounts[7]})


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def hook_token(deployer):
    return HookToken.deploy({"from": deployer})


@pytest.fixture(scope="module")
def open_hook_coop(make_coop, hook_token, founders):
    """An open cooperative paid in the hook token: an application is an admission."""
    return token_coop(make_coop, hook_token, founders, admission="open", board=None)


@pytest.fixture(scope="module")
def board_hook_coop(make_coop, hook_token, founders):
    return token_coop(make_coop, hook_token, founders)


@pytest.fixture(params=["coin", "hook token"])
def paid_out(request, coop, board_hook_coop, hook_token):
    """A board-admitted cooperative paid in the chain's coin or in the hook token, with the token (None for
    coin): a payment out of it calls the receiver's code either way."""
    return (coop, None) if request.param == "coin" else (board_hook_coop, hook_token)


@pytest.fixture
def attacker(deployer):
    """A member contract that calls back into the member list during the next payment, with coin to spend."""
    return ReentrantMember.deploy({"from": deployer, "value": 10 * ETHER})


# --------------------------------------------------------------------------- re-entry on every payment


def test_reentry_while_applying_to_an_open_cooperative(
    open_hook_coop, hook_token, attacker, founders, deployer
):
    """The reported attack: an applicant paying with a hook token applied again from `tokensToSend`, before
    its first application was written, and collected one vote per nested call."""
    coop = open_hook_coop
    fund(attacker, deployer, coop, hook_token, 2 * ETHER)
    act(attacker, deployer, [(hook_token, "registerHooks", (True,))])
    arm(attacker, deployer, coop, "submitApplication", (1, HASH))
    pay_as(attacker, deployer, coop, hook_token, "submitApplication", (1, HASH), ETHER)
    assert_refused_by_the_guard(attacker)
    assert tuple(coop.membership.memberOf(attacker))[:3] == (ACTIVE, 1, ETHER)
    assert coop.votes.getVotes(attacker) == 1
    assert coop.votes.votingMembers() == 4
    assert hook_token.balanceOf(attacker) == ETHER  # the second payment never happened
    assert_books(coop, [*founders, attacker], hook_token)


def test_reentry_while_applying_to_the_board(board_hook_coop, hook_token, attacker, founders, deployer):
    """In board mode the nested application made the escrow total count tokens that belong to no
    application."""
    coop = board_hook_coop
    fund(attacker, deployer, coop, hook_token, 3 * ETHER)
    act(attacker, deployer, [(hook_token, "registerHooks", (True,))])
    arm(attacker, deployer, coop, "submitApplication", (2, HASH))
    pay_as(attacker, deployer, coop, hook_token, "submitApplication", (1, HASH), ETHER)
    assert_refused_by_the_guard(attacker)
    assert tuple(coop.membership.applicationOf(attacker)) == (1, ETHER)
    assert coop.membership.escrowTotal() == ETHER
    assert_books(coop, [*founders, attacker], hook_token)


def test_reentry_while_buying_shares(open_hook_coop, hook_token, attacker, founders, deployer):
    """A nested purchase read the share count before the outer one wrote it: total shares drifted from the
    shares members hold."""
    coop = open_hook_coop
    fund(attacker, deployer, coop, hook_token, 4 * ETHER)
    pay_as(attacker, deployer, coop, hook_token, "submitApplication", (1, HASH), ETHER)
    act(attacker, deployer, [(hook_token, "registerHooks", (True,))])
    arm(attacker, deployer, coop, "buyShares", (2,))
    pay_as(attacker, deployer, coop, hook_token, "buyShares", (1,), ETHER)
    assert_refused_by_the_guard(attacker)
    assert tuple(coop.membership.memberOf(attacker))[:3] == (ACTIVE, 2, 2 * ETHER)
    assert coop.membership.totalShares() == 5
    assert_books(coop, [*founders, attacker], hook_token)


def test_reentry_while_paying_in(make_coop, hook_token, founders, deployer, attacker):
    """A founder contract owes its subscribed share and pays it in twice over, once from inside the other."""
    coop = make_coop(
        pay_in=False,
        founders=[attacker.address, founders[1].address, founders[2].address],
        shares={"price": "1", "payment_token": hook_token.address},
    )
    assert coop.membership.dueOf(attacker) == ETHER
    fund(attacker, deployer, coop, hook_token, 2 * ETHER)
    act(attacker, deployer, [(hook_token, "registerHooks", (True,))])
    arm(attacker, deployer, coop, "payIn")
    pay_as(attacker, deployer, coop, hook_token, "payIn", (), ETHER)
    assert_refused_by_the_guard(attacker)
    assert coop.membership.dueOf(attacker) == 0
    assert tuple(coop.membership.memberOf(attacker))[:3] == (ACTIVE, 1, ETHER)
    assert hook_token.balanceOf(attacker) == ETHER
    assert_books(coop, [attacker, founders[1], founders[2]], hook_token)


def test_reentry_while_withdrawing_an_application(paid_out, attacker, founders, deployer):
    """The applicant, paid back its escrow, withdraws again from inside the payment."""
    coop, token = paid_out
    fund(attacker, deployer, coop, token, 2 * ETHER)
    pay_as(attacker, deployer, coop, token, "submitApplication", (2, HASH), 2 * ETHER)
    if token:
        act(attacker, deployer, [(token, "registerHooks", (True,))])
    before = holdings(coop, token)
    arm(attacker, deployer, coop, "withdrawApplication")
    act(attacker, deployer, [(coop.membership, "withdrawApplication", ())])
    assert_refused_by_the_guard(attacker)
    assert holdings(coop, token) == before - 2 * ETHER
    assert coop.membership.escrowTotal() == 0
    assert_books(coop, [*founders, attacker], token)


def test_reentry_while_collecting_returned_escrow(paid_out, attacker, founders, board, deployer):
    """A rejected applicant collects its escrow, and collects again from inside the payment."""
    coop, token = paid_out
    fund(attacker, deployer, coop, token, 2 * ETHER)
    pay_as(attacker, deployer, coop, token, "submitApplication", (2, HASH), 2 * ETHER)
    coop.membership.reject(attacker, {"from": board})
    if token:
        act(attacker, deployer, [(token, "registerHooks", (True,))])
    before = holdings(coop, token)
    arm(attacker, deployer, coop, "collectEscrow")
    act(attacker, deployer, [(coop.membership, "collectEscrow", ())])
    assert_refused_by_the_guard(attacker)
    assert holdings(coop, token) == before - 2 * ETHER
    assert coop.membership.returnedEscrowOf(attacker) == 0
    assert_books(coop, [*founders, attacker], token)


def test_reentry_while_claiming_a_refund(paid_out, attacker, founders, board, deployer):
    """A former member claims its refund, and claims again from inside the payment."""
    coop, token = paid_out
    fund(attacker, deployer, coop, token, 2 * ETHER)
    pay_as(attacker, deployer, coop, token, "submitApplication", (2, HASH), 2 * ETHER)
    coop.membership.admit(attacker, {"from": board})
    give_notice_and_exit(coop, attacker, deployer)
    assert coop.membership.refundClaimOf(attacker) == 2 * ETHER
    if token:
        act(attacker, deployer, [(token, "registerHooks", (True,))])
    before = holdings(coop, token)
    arm(attacker, deployer, coop, "claimRefund")
    act(attacker, deployer, [(coop.membership, "claimRefund", ())])
    assert_refused_by_the_guard(attacker)
    assert holdings(coop, token) == before - 2 * ETHER
    assert coop.membership.refundClaimOf(attacker) == 0
    assert_books(coop, [*founders, attacker], token)


# --------------------------------------------------------------------------- fee-on-transfer payment token


@pytest.fixture(scope="module")
def fee_token(deployer):
    """Burns 10 % of every transfer."""
    return FeeToken.deploy(10, {"from": deployer})


def test_a_fee_on_transfer_token_is_refused_as_payment(make_coop, fee_token, founders, board):
    """With a token that delivers less than is sent, every payment would book the full price for 90 % of
    it."""
    coop = make_coop(pay_in=False, shares={"price": "1", "payment_token": fee_token.address})
    m, a, applicant = coop.membership, founders[0], accounts[4]
    for payer in (a, applicant):
        fee_token.mint(payer, 10 * ETHER, {"from": payer})
        fee_token.approve(m, 10 * ETHER, {"from": payer})
    before = books(coop, fee_token)
    shortfall = f"PaymentShortfall: {fee_token.address.lower()}, {{}}, {{}}"
    with reverts(shortfall.format(ETHER, 9 * ETHER // 10)):
        m.payIn({"from": a})
    with reverts(shortfall.format(2 * ETHER, 18 * ETHER // 10)):
        m.submitApplication(2, HASH, {"from": applicant})
    with reverts(shortfall.format(ETHER, 9 * ETHER // 10)):
        m.buyShares(1, {"from": a})
    assert books(coop, fee_token) == before
    assert m.dueOf(a) == ETHER
    assert tuple(m.applicationOf(applicant)) == (0, 0)
    assert fee_token.balanceOf(a) == fee_token.balanceOf(applicant) == 10 * ETHER
    assert m.availableFunds() == m.freeFunds() == 0


def test_with_a_fee_token_the_last_applicant_still_withdraws_or_collects(
    make_coop, fee_token, founders, board
):
    """Payments small enough that the token's fee rounds to nothing arrive in full and count; the one that
    would arrive short is refused, so the escrow total never exceeds what is held, and every applicant gets
    its escrow back, the last one too (in the review it could neither withdraw nor be rejected)."""
    coop = make_coop(pay_in=False, shares={"price": "9", "decimals": 0, "payment_token": fee_token.address})
    m = coop.membership
    for f in founders:  # 9 units: a 10 % fee rounds down to 0
        fee_token.mint(f, 9, {"from": f})
        fee_token.approve(m, 9, {"from": f})
        m.payIn({"from": f})
    first, greedy, last = accounts[4:7]
    for applicant in (first, greedy, last):
        fee_token.mint(applicant, 18, {"from": applicant})
        fee_token.approve(m, 18, {"from": applicant})
    m.submitApplication(1, HASH, {"from": first})
    with reverts(f"PaymentShortfall: {fee_token.address.lower()}, 18, 17"):  # 2 shares: 18 sent, 17 arrive
        m.submitApplication(2, HASH, {"from": greedy})
    m.submitApplication(1, HASH, {"from": last})
    people = [*founders, first, greedy, last]
    assert m.escrowTotal() == 18
    assert_books(coop, people, fee_token)

    m.reject(first, {"from": board})
    m.withdrawApplication({"from": last})
    m.collectEscrow({"from": first})
    assert fee_token.balanceOf(first) == fee_token.balanceOf(last) == 18
    assert m.escrowTotal() == 0
    assert m.availableFunds() == m.freeFunds() == m.totalPaidIn() == 27
    assert_books(coop, people, fee_token)


# --------------------------------------------------------------------------- rejection pays by claim


def test_an_applicant_refusing_coin_is_still_rejected(coop, board, founders, deployer):
    """An applicant contract that refuses coin made its own rejection revert when the escrow was pushed to
    it."""
    refuser = CoinRefuser.deploy({"from": deployer, "value": ETHER})
    act(refuser, deployer, [(coop.membership, "submitApplication", (1, HASH), ETHER)])
    coop.membership.reject(refuser, {"from": board})
    assert tuple(coop.membership.applicationOf(refuser)) == (0, 0)
    assert coop.membership.returnedEscrowOf(refuser) == ETHER
    assert coop.membership.escrowTotal() == ETHER  # still held for it, and not free funds
    assert coop.membership.freeFunds() == 3 * ETHER
    with reverts("CoinRefused"):  # refusing its money blocks only its own collection
        act(refuser, deployer, [(coop.membership, "collectEscrow", ())])
    refuser.setRefusing(False, {"from": deployer})
    act(refuser, deployer, [(coop.membership, "collectEscrow", ())])
    assert refuser.balance() == ETHER
    assert_books(coop, [*founders, refuser])


def test_a_batch_of_rejections_executes_although_one_applicant_refuses_coin(make_coop, founders, deployer):
    """In assembly mode one resolution rejects several applicants; one that refuses coin made the whole batch
    fail, and with it the others' rejections."""
    coop = make_coop(admission="assembly", board=None)
    refuser = CoinRefuser.deploy({"from": deployer, "value": ETHER})
    applicants = [accounts[4], refuser, accounts[5]]
    for applicant in applicants:
        if applicant == refuser:
            act(refuser, deployer, [(coop.membership, "submitApplication", (1, HASH), ETHER)])
        else:
            coop.membership.submitApplication(1, HASH, {"from": applicant, "value": ETHER})
    rejections = [(coop.membership, "reject", (a,)) for a in applicants]
    tx = resolve(coop, rejections, "Reject three applications", founders)
    assert [e["applicant"] for e in tx.events["Rejected"]] == [a.address for a in applicants]
    for applicant in applicants:
        assert coop.membership.returnedEscrowOf(applicant) == ETHER
    before = accounts[4].balance()
    tx = coop.membership.collectEscrow({"from": accounts[4]})
    assert accounts[4].balance() == before + ETHER - fee(tx)
    assert coop.membership.escrowTotal() == 2 * ETHER
    assert_books(coop, [*founders, *applicants])


# --------------------------------------------------------------------------- refunds and exits


def test_a_refund_never_exceeds_the_paid_in_capital(coop, founders, board):
    """A member leaves after a share price raise it never paid, while the member list holds a donation: the
    refund is what it paid in (GenG §73), not the new nominal value, and not a share of the other money."""
    member = accounts[4]
    join(coop, member, 2, board)
    accounts[8].transfer(coop.membership.address, 10 * ETHER)
    resolve(coop, [(coop.membership, "setSharePrice", (3 * ETHER,))], "Raise the share price", founders)
    assert coop.membership.dueOf(member) == 4 * ETHER
    give_notice_and_exit(coop, member)
    assert coop.membership.refundClaimOf(member) == 2 * ETHER
    before = member.balance()
    tx = coop.membership.claimRefund({"from": member})
    assert tx.events["RefundPaid"]["amount"] == 2 * ETHER
    assert member.balance() == before + 2 * ETHER - fee(tx)
    with reverts("NoRefundClaim"):
        coop.membership.claimRefund({"from": member})
    assert coop.membership.claimsTotal() == 0


def test_no_exit_and_no_refund_before_the_exit_date(coop, founders):
    """A member gives notice and tries to take its capital out at once, or a day before the exit date."""
    member = founders[0]
    exit_at = coop.membership.giveNotice({"from": member}).events["NoticeGiven"]["exitAt"]
    assert exit_at - chain.time() > 90 * DAY  # at least the notice period of three months
    with reverts("ExitNotDue"):
        coop.membership.completeExit(member, {"from": member})
    with reverts("NoRefundClaim"):
        coop.membership.claimRefund({"from": member})
    with reverts("NoticeAlreadyGiven"):  # a second notice cannot move the date either
        coop.membership.giveNotice({"from": member})
    chain.sleep(exit_at - chain.time() - DAY)
    chain.mine()
    with reverts("ExitNotDue"):
        coop.membership.completeExit(member, {"from": member})
    assert coop.votes.hasVotingRights(member)  # still a member with a vote until the exit date
    chain.sleep(2 * DAY)
    chain.mine()
    coop.membership.completeExit(member, {"from": member})
    assert coop.membership.refundClaimOf(member) == ETHER


def test_flash_membership_gives_no_vote_and_no_quick_way_out(make_coop, founders, deployer):
    """With borrowed money a contract joins an open cooperative, votes and leaves in one transaction: it was
    no member at the proposal's snapshot, and its capital stays until the exit date the notice period sets."""
    coop = make_coop(admission="open", board=None)
    proposal_id, _ = propose(coop, founders[0], [(accounts[8].address, 0, b"")], "Pay nothing")
    start_voting(coop)
    flash = Puppet.deploy({"from": deployer, "value": 2 * ETHER})
    join_call = (coop.membership, "submitApplication", (1, HASH), ETHER)
    with reverts("NoVote"):
        act(flash, deployer, [join_call, (coop.governor, "castVote", (proposal_id, FOR))])
    notice = (coop.membership, "giveNotice", ())
    with reverts("ExitNotDue"):
        act(flash, deployer, [join_call, notice, (coop.membership, "completeExit", (flash,))])
    with reverts("NoRefundClaim"):
        act(flash, deployer, [join_call, notice, (coop.membership, "claimRefund", ())])
    assert tuple(coop.membership.memberOf(flash))[0] == NONE
    assert coop.votes.votingMembers() == 3
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 0, 0)


# --------------------------------------------------------------------------- spam applications


def test_spam_applications_cost_escrow_and_block_nothing(coop, founders, board):
    """Applications need the full escrow, one at a time per applicant; a crowd of pending ones neither counts
    as capital nor stops the board from admitting another applicant."""
    spammer = accounts[4]
    with reverts("WrongPayment"):
        coop.membership.submitApplication(1, HASH, {"from": spammer})
    with reverts("ShareCountOutOfRange"):
        coop.membership.submitApplication(0, HASH, {"from": spammer, "value": 0})
    coop.membership.submitApplication(1, HASH, {"from": spammer, "value": ETHER})
    with reverts("ApplicationPending"):
        coop.membership.submitApplication(1, HASH, {"from": spammer, "value": ETHER})
    crowd = accounts[5:9]
    for applicant in crowd:
        coop.membership.submitApplication(1, HASH, {"from": applicant, "value": ETHER})
    assert coop.membership.escrowTotal() == 5 * ETHER
    assert coop.membership.freeFunds() == 3 * ETHER  # the escrow is the applicants', not the cooperative's
    coop.membership.admit(crowd[0], {"from": board})
    for applicant in (spammer, *crowd[1:]):
        coop.membership.reject(applicant, {"from": board})
    assert coop.votes.votingMembers() == 4
    assert_books(coop, [*founders, spammer, *crowd])


# --------------------------------------------------------------------------- share transfers (GenG §76)


def consent_signature(membership, key, giver, receiver, shares, value, nonce, deadline, chain_id=None):
    """The receiver's EIP-712 agreement to take `shares` shares carrying `value` from `giver`."""
    fields = [
        {"name": "from", "type": "address"},
        {"name": "to", "type": "address"},
        {"name": "shares", "type": "uint256"},
        {"name": "value", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ]
    message = {
        "from": str(giver),
        "to": str(receiver),
        "shares": shares,
        "value": value,
        "nonce": nonce,
        "deadline": deadline,
    }
    return eip712_signature(key, "CoopMembership", membership, "ShareTransfer", fields, message, chain_id)


def test_shares_move_only_with_the_receivers_consent_to_exactly_them(coop, founders):
    """After a share price raise a member pushed shares, and what is due on them, onto another member; now the
    receiver's agreement must name the giver, the shares and their paid-in value."""
    a, b, c = founders
    coop.membership.buyShares(3, {"from": a, "value": 3 * ETHER})
    resolve(coop, [(coop.membership, "setSharePrice", (4 * ETHER,))], "Raise the share price", founders)
    due = coop.membership.dueOf(b)
    assert coop.membership.transferValue(a, 1) == ETHER
    with reverts("NoTransferConsent"):  # no agreement at all
        coop.membership.transferShares(b, 1, {"from": a})
    for giver, shares, value in ((a, 1, ETHER // 2), (a, 2, 2 * ETHER), (c, 1, ETHER)):
        coop.membership.consentToTransfer(giver, shares, value, {"from": b})
        with reverts("NoTransferConsent"):  # less value, other shares, another giver
            coop.membership.transferShares(b, 1, {"from": a})
    coop.membership.consentToTransfer(a, 1, ETHER, {"from": c})
    with reverts("NoTransferConsent"):  # someone else's agreement
        coop.membership.transferShares(b, 1, {"from": a})
    assert coop.membership.dueOf(b) == due
    assert tuple(coop.membership.memberOf(b))[1:3] == (1, ETHER)

    coop.membership.consentToTransfer(a, 1, ETHER, {"from": b})
    coop.membership.transferShares(b, 1, {"from": a})
    assert coop.membership.dueOf(b) == due + 3 * ETHER  # what b agreed to take on
    with reverts("NoTransferConsent"):  # the agreement is used up
        coop.membership.transferShares(b, 1, {"from": a})
    assert_books(coop, founders)


def test_a_signed_consent_counts_once_for_this_cooperative_and_chain(
    coop, make_coop, founders, board, deployer
):
    """A receiver's signed agreement replayed, or one signed for another cooperative or another chain."""
    a, b = founders[:2]
    key = web3.keccak(text="coopdao consenting member").hex()
    receiver = accounts.add(key)
    deployer.transfer(receiver, 2 * ETHER)
    join(coop, receiver, 1, board)
    coop.membership.buyShares(3, {"from": a, "value": 3 * ETHER})
    other = make_coop()
    deadline = chain.time() + 30 * DAY
    m = coop.membership

    def signed(**changes):
        terms = {"membership": m, "giver": a, "shares": 1, "value": ETHER, "nonce": 0, **changes}
        return consent_signature(
            terms["membership"],
            key,
            terms["giver"],
            receiver,
            terms["shares"],
            terms["value"],
            terms["nonce"],
            deadline,
            terms.get("chain_id"),
        )

    for wrong in (
        signed(membership=other.membership),  # another cooperative
        signed(chain_id=1),  # another chain
        signed(giver=b),  # another giver
        signed(shares=2, value=2 * ETHER),  # other shares
        signed(value=ETHER // 2),  # less value
        signed(nonce=1),  # a nonce not yet due
    ):
        with reverts("InvalidConsentSignature"):
            m.transferSharesWithConsent(receiver, 1, deadline, wrong, {"from": a})
    with reverts("ConsentExpired"):
        expired = web3.eth.get_block("latest")["timestamp"] - 1  # before the block it would be mined in
        m.transferSharesWithConsent(receiver, 1, expired, signed(), {"from": a})
    signature = signed()
    m.transferSharesWithConsent(receiver, 1, deadline, signature, {"from": a})
    assert tuple(m.memberOf(receiver))[1:3] == (2, 2 * ETHER)
    with reverts("InvalidConsentSignature"):  # replayed
        m.transferSharesWithConsent(receiver, 1, deadline, signature, {"from": a})
    assert tuple(m.memberOf(a))[1:3] == (3, 3 * ETHER)


def test_share_transfers_keep_the_share_limits_and_admission(coop, make_coop, founders, board, deployer):
    """Transfers that would put shares in the hands of a non-member, an applicant or a leaving member, above
    the statute's maximum or below its minimum, or in a cooperative whose statute forbids them."""
    a, b, c = founders
    m = coop.membership
    m.buyShares(9, {"from": a, "value": 9 * ETHER})  # a holds the maximum, 10
    m.buyShares(8, {"from": b, "value": 8 * ETHER})
    m.consentToTransfer(a, 2, 2 * ETHER, {"from": b})
    with reverts("ShareCountOutOfRange"):  # b would hold 11
        m.transferShares(b, 2, {"from": a})
    m.consentToTransfer(b, 9, 9 * ETHER, {"from": c})
    with reverts("ShareCountOutOfRange"):  # b would keep none, below the minimum of 1
        m.transferShares(c, 9, {"from": b})

    key = web3.keccak(text="coopdao outsider").hex()
    outsider = Account.from_key(key).address
    applicant = accounts.add(web3.keccak(text="coopdao pending applicant").hex())
    deployer.transfer(applicant, 2 * ETHER)
    m.submitApplication(1, HASH, {"from": applicant, "value": ETHER})
    deadline = chain.time() + DAY
    for receiver, signer_key in ((outsider, key), (applicant.address, applicant.private_key)):
        signature = consent_signature(m, signer_key, a, receiver, 1, ETHER, 0, deadline)
        with reverts("NotActiveMember"):  # a valid signature, but not a member's
            m.transferSharesWithConsent(receiver, 1, deadline, signature, {"from": a})
    with reverts("NotActiveMember"):  # an applicant cannot even agree
        m.consentToTransfer(a, 1, ETHER, {"from": applicant})
    m.consentToTransfer(b, 1, ETHER, {"from": c})
    m.giveNotice({"from": c})
    with reverts("NotActiveMember"):  # nor can a leaving member take shares it agreed to before
        m.transferShares(c, 1, {"from": b})

    closed = make_coop(shares={"transferable": False})
    closed.membership.consentToTransfer(founders[0], 1, ETHER, {"from": founders[1]})
    closed.membership.buyShares(1, {"from": founders[0], "value": ETHER})
    with reverts("SharesNotTransferable"):
        closed.membership.transferShares(founders[1], 1, {"from": founders[0]})
    assert_books(coop, [*founders, applicant])
