"""Shares paid in an ERC-20 token instead of the chain's coin: here the currency of a federation, a
cooperative whose token its member cooperatives' members use (ICA: cooperation among cooperatives)."""

import pytest
from brownie import accounts, chain, web3
from conftest import ETHER, fee, resolve, reverts

ACTIVE, EXITED = 1, 4


@pytest.fixture(scope="module")
def federation_token(make_coop, founders):
    """A federation's token, issued by resolution to the people who will join the local cooperative."""
    federation = make_coop(token={"name": "Federation Euro", "symbol": "FEUR"})
    people = [founders[0], accounts[4], accounts[5]]
    mints = [(federation.token, "mint", (p, 100 * ETHER)) for p in people]
    resolve(federation, mints, "Issue FEUR to the founders of the local cooperative", founders)
    return federation.token


@pytest.fixture(scope="module")
def local(make_coop, federation_token):
    coop = make_coop(pay_in=False, shares={"price": "10", "payment_token": federation_token.address})
    assert coop.membership.terms()[0] == federation_token.address
    return coop


def test_members_pay_shares_in_the_token(local, federation_token, founders, board):
    token, membership = federation_token, local.membership
    applicant = accounts[4]
    with reverts("ERC20InsufficientAllowance"):
        membership.submitApplication(2, b"\x00" * 32, {"from": applicant})
    with reverts("WrongPayment"):  # no coin on top of the token
        membership.submitApplication(2, b"\x00" * 32, {"from": applicant, "value": 1})
    token.approve(membership, 20 * ETHER, {"from": applicant})
    membership.submitApplication(2, b"\x00" * 32, {"from": applicant})
    assert token.balanceOf(applicant) == 80 * ETHER
    assert token.balanceOf(membership) == 20 * ETHER
    assert membership.escrowTotal() == 20 * ETHER
    membership.admit(applicant, {"from": board})
    assert tuple(membership.memberOf(applicant))[:3] == (ACTIVE, 2, 20 * ETHER)

    # a founder pays in the subscribed share in the token too
    token.approve(membership, 10 * ETHER, {"from": founders[0]})
    membership.payIn({"from": founders[0]})
    assert membership.dueOf(founders[0]) == 0
    assert membership.totalPaidIn() == 30 * ETHER
    assert membership.availableFunds() == 30 * ETHER


def test_rejection_and_refund_in_the_token(local, federation_token, founders, board):
    token, membership = federation_token, local.membership
    applicant = accounts[5]
    token.approve(membership, 10 * ETHER, {"from": applicant})
    membership.submitApplication(1, b"\x00" * 32, {"from": applicant})
    membership.reject(applicant, {"from": board})
    assert token.balanceOf(applicant) == 90 * ETHER  # held for the applicant to collect
    membership.collectEscrow({"from": applicant})
    assert token.balanceOf(applicant) == 100 * ETHER

    token.approve(membership, 10 * ETHER, {"from": applicant})
    membership.submitApplication(1, b"\x00" * 32, {"from": applicant})
    membership.admit(applicant, {"from": board})
    exit_at = membership.giveNotice({"from": applicant}).events["NoticeGiven"]["exitAt"]
    chain.sleep(exit_at - chain.time() + 1)
    chain.mine()
    membership.completeExit(applicant, {"from": applicant})
    assert tuple(membership.memberOf(applicant))[0] == EXITED
    before = applicant.balance()
    tx = membership.claimRefund({"from": applicant})
    assert token.balanceOf(applicant) == 100 * ETHER
    assert applicant.balance() == before - fee(tx)  # paid in the token, not in coin


def test_coin_is_refused_by_a_token_cooperative(local):
    with reverts("WrongPayment"):
        accounts[8].transfer(local.membership.address, ETHER)
    assert web3.eth.get_balance(local.membership.address) == 0
