"""Members' declarations signed instead of sent (text form, GenG §§43(5), 65(2)): a notice relayed by anyone,
and attacks on it: replayed, edited, signed for another cooperative or chain, expired, by a non-member."""

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
