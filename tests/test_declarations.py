"""Members' declarations signed instead of sent (text form, GenG §§15(1), 43(5), 65(2)): a notice and an
application relayed by anyone, and attacks on them: replayed, edited, signed for another cooperative or
chain, expired, by the wrong person, paid short."""

from brownie import accounts, chain, web3
from conftest import eip712_signature, reverts, signing_member
from eth_account import Account

LEAVING = 2


def signed_notice(membership, key, member, nonce, deadline, chain_id=None):
    """A member's EIP-712 notice (`Notice(member, nonce, deadline)`), as a wallet signs it."""
    fields = [
        {"name": "member", "type": "address"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ]
    message = {"member": str(member), "nonce": nonce, "deadline": deadline}
    return eip712_signature(key, "CoopMembership", membership, "Notice", fields, message, chain_id)


def test_a_signed_notice_relayed_by_anyone_takes_effect_once(coop, deployer, board):
    member, key = signing_member(coop, deployer, board, "noticing member")
    deadline = chain.time() + 86400
    signature = signed_notice(coop.membership, key, member, 0, deadline)
    relayer = accounts[9]  # not a member
    tx = coop.membership.giveNoticeBySig(member, deadline, signature, {"from": relayer})
    assert tx.events["NoticeGiven"]["member"] == member
    assert coop.membership.memberOf(member)[0] == LEAVING
    assert coop.membership.nonces(member) == 1
    with reverts("InvalidNoticeSignature"):  # replayed: the nonce is used
        coop.membership.giveNoticeBySig(member, deadline, signature, {"from": relayer})


def test_a_notice_counts_only_as_signed_for_this_cooperative_chain_member_and_time(
    coop, make_coop, deployer, board
):
    member, key = signing_member(coop, deployer, board, "careful member")
    other = make_coop()
    deadline = chain.time() + 86400
    relayer = accounts[9]
    for signature, who in (
        (signed_notice(other.membership, key, member, 0, deadline), member),  # another cooperative
        (signed_notice(coop.membership, key, member, 0, deadline, chain_id=1), member),  # another chain
        (signed_notice(coop.membership, key, member, 0, deadline + 1), member),  # another deadline
        (signed_notice(coop.membership, key, member, 0, deadline), accounts[1]),  # another member's notice
        (signed_notice(coop.membership, key, member, 1, deadline), member),  # a nonce not yet due
    ):
        with reverts("InvalidNoticeSignature"):
            coop.membership.giveNoticeBySig(who, deadline, signature, {"from": relayer})
    expired = chain.time() - 10
    with reverts("DeclarationExpired"):
        coop.membership.giveNoticeBySig(
            member, expired, signed_notice(coop.membership, key, member, 0, expired), {"from": relayer}
        )
    assert coop.membership.memberOf(member)[0] == 1 and coop.membership.nonces(member) == 0


def test_a_non_member_s_signed_notice_is_refused(coop):
    key = web3.keccak(text="coopdao outsider notice").hex()
    outsider = Account.from_key(key).address
    deadline = chain.time() + 86400
    signature = signed_notice(coop.membership, key, outsider, 0, deadline)
    with reverts("NotActiveMember"):
        coop.membership.giveNoticeBySig(outsider, deadline, signature, {"from": accounts[9]})


# ----------------------------------------------------------------- a signed application (GenG §15(1))

ACTIVE = 1


def signed_application(membership, key, applicant, shares, digest, nonce, deadline, chain_id=None):
    """An applicant's EIP-712 application, as a wallet signs it."""
    fields = [
        {"name": "applicant", "type": "address"},
        {"name": "shares", "type": "uint256"},
        {"name": "applicationHash", "type": "bytes32"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ]
    message = {
        "applicant": str(applicant),
        "shares": shares,
        "applicationHash": digest,
        "nonce": nonce,
        "deadline": deadline,
    }
    return eip712_signature(key, "CoopMembership", membership, "Application", fields, message, chain_id)


def applicant_key(name):
    """A key of somebody who holds no coin at all."""
    key = web3.keccak(text=f"coopdao applicant {name}").hex()
    return key, Account.from_key(key).address


DIGEST = b"\x07" * 32


def relayed_application(coop, key, applicant, shares=1, relayer=None):
    """`applicant` signs an application for `shares` shares, and `relayer` (a supporter) submits it,
    paying their nominal value; returns (the transaction, the signature, its deadline)."""
    price = coop.membership.terms()[1]
    deadline = chain.time() + 86400
    signature = signed_application(coop.membership, key, applicant, shares, DIGEST, 0, deadline)
    payment = {"from": relayer or accounts[8], "value": shares * price}
    tx = coop.membership.submitApplicationBySig(applicant, shares, DIGEST, deadline, signature, payment)
    return tx, signature, deadline


def test_a_signed_application_relayed_by_anyone_is_the_applicant_s(coop, board):
    key, applicant = applicant_key("without coin")
    price = coop.membership.terms()[1]
    relayer = accounts[8]
    tx, signature, deadline = relayed_application(coop, key, applicant, 2, relayer)
    assert tx.events["Applied"]["applicant"] == applicant
    assert "0x" + bytes(tx.events["Applied"]["applicationHash"]).hex() == "0x" + DIGEST.hex()
    assert [int(x) for x in coop.membership.applicationOf(applicant)] == [2, 2 * price]
    assert coop.membership.nonces(applicant) == 1
    with reverts("InvalidApplicationSignature"):  # replayed: the nonce is used
        coop.membership.submitApplicationBySig(
            applicant, 2, DIGEST, deadline, signature, {"from": relayer, "value": 2 * price}
        )
    # the relayer has no claim on the escrow: admitted, it is the applicant's paid-in capital
    coop.membership.admit(applicant, {"from": board})
    entry = coop.membership.memberOf(applicant)
    assert (entry[0], entry[1], entry[2]) == (ACTIVE, 2, 2 * price)
    assert coop.votes.hasVotingRights(applicant) and not coop.membership.memberOf(relayer)[0]


def test_a_rejected_signed_application_returns_the_escrow_to_the_applicant(coop, board):
    key, applicant = applicant_key("rejected")
    price = coop.membership.terms()[1]
    relayed_application(coop, key, applicant)
    coop.membership.reject(applicant, {"from": board})
    assert coop.membership.returnedEscrowOf(applicant) == price
    assert coop.membership.returnedEscrowOf(accounts[8]) == 0


def test_an_application_counts_only_as_signed_for_this_cooperative_chain_applicant_and_terms(coop, make_coop):
    key, applicant = applicant_key("careful")
    other = make_coop()
    price = coop.membership.terms()[1]
    deadline = chain.time() + 86400
    relayer = {"from": accounts[8], "value": price}
    m = coop.membership

    def signed(membership=m, shares=1, digest=DIGEST, nonce=0, until=deadline, chain_id=None):
        return signed_application(membership, key, applicant, shares, digest, nonce, until, chain_id)

    for signature, who in (
        (signed(membership=other.membership), applicant),  # another cooperative
        (signed(chain_id=1), applicant),  # another chain
        (signed(until=deadline + 1), applicant),  # another deadline
        (signed(shares=2), applicant),  # other shares
        (signed(digest=b"\x08" * 32), applicant),  # another application document
        (signed(), accounts[7]),  # somebody else's application
        (signed(nonce=1), applicant),  # a nonce not yet due
    ):
        with reverts("InvalidApplicationSignature"):
            m.submitApplicationBySig(who, 1, DIGEST, deadline, signature, relayer)
    expired = chain.time() - 10
    with reverts("DeclarationExpired"):
        m.submitApplicationBySig(applicant, 1, DIGEST, expired, signed(until=expired), relayer)
    good = signed()
    with reverts("WrongPayment"):  # the relayer pays the nominal value, exactly
        m.submitApplicationBySig(
            applicant, 1, DIGEST, deadline, good, {"from": accounts[8], "value": price - 1}
        )
    assert [int(x) for x in m.applicationOf(applicant)] == [0, 0] and m.nonces(applicant) == 0


def test_a_member_s_signed_application_is_refused(coop, deployer, board):
    member, key = signing_member(coop, deployer, board, "member applying again")
    with reverts("AlreadyMember"):
        relayed_application(coop, key, member)


def test_in_an_open_cooperative_a_signed_application_admits_the_applicant_at_once(make_coop):
    coop = make_coop(admission="open", board="0x" + "00" * 20)
    key, applicant = applicant_key("open")
    relayed_application(coop, key, applicant)
    assert coop.membership.memberOf(applicant)[0] == ACTIVE
    assert coop.votes.hasVotingRights(applicant)
