"""The general assembly: one member one vote at the snapshot, quorum, majorities by kind, proxies,
timelock."""

import brownie
import pytest
from brownie import accounts, chain, web3
from conftest import (
    ABSTAIN,
    AGAINST,
    DAY,
    ETHER,
    FOR,
    enact,
    end_voting,
    exclusion_with_a_pending_vote,
    join,
    propose,
    resolve,
    reverts,
    signed_ballot,
    start_voting,
    state,
)
from eth_account import Account
from eth_account.messages import encode_typed_data

ORDINARY, STATUTE, DUTIES, DISSOLUTION = 1, 2, 3, 4


@pytest.fixture(scope="module")
def crowd(make_coop, founders, deployer):
    """An open cooperative with 20 members: the founders and 17 generated accounts."""
    coop = make_coop(admission="open", board=None, voting={"quorum_percent": 10})
    members = list(founders)
    for i in range(17):
        account = accounts.add(web3.keccak(text=f"coopdao member {i}").hex())
        deployer.transfer(account, 2 * ETHER)
        coop.membership.submitApplication(1, b"\x00" * 32, {"from": account, "value": ETHER})
        members.append(account)
    assert coop.votes.votingMembers() == 20
    return coop, members


def ballot(coop, members, proposal_id, n_for, n_against, n_abstain=0):
    start_voting(coop)
    choices = [FOR] * n_for + [AGAINST] * n_against + [ABSTAIN] * n_abstain
    for member, choice in zip(members, choices, strict=False):
        coop.governor.castVote(proposal_id, choice, {"from": member})
    end_voting(coop)
    return state(coop, proposal_id)


@pytest.mark.parametrize(
    "kind, n_for, n_against, expected",
    [
        (ORDINARY, 10, 10, "Defeated"),  # a tie is no majority
        (ORDINARY, 10, 9, "Succeeded"),
        (ORDINARY, 1, 0, "Succeeded"),  # abstentions are not votes cast
        (STATUTE, 15, 5, "Succeeded"),  # 75 %
        (STATUTE, 14, 5, "Defeated"),  # 73.7 %
        (DUTIES, 18, 2, "Succeeded"),  # 90 %
        (DUTIES, 17, 2, "Defeated"),  # 89.5 %
        (DISSOLUTION, 15, 5, "Succeeded"),
        (DISSOLUTION, 11, 4, "Defeated"),  # 73.3 %
    ],
)
def test_majority_by_kind_of_resolution(crowd, kind, n_for, n_against, expected):
    coop, members = crowd
    action = [(accounts[8].address, 0, b"")]
    proposal_id, _ = propose(coop, members[0], action, f"Resolution of kind {kind}", kind=kind)
    assert coop.governor.proposalKind(proposal_id) == kind
    assert ballot(coop, members, proposal_id, n_for, n_against, 20 - n_for - n_against) == expected


def test_statute_change_needs_three_quarters_whatever_the_proposer_claims(crowd):
    coop, members = crowd
    change = [(coop.membership, "setNoticePeriod", (6,))]
    proposal_id, _ = propose(coop, members[0], change, "Longer notice", kind=ORDINARY)
    assert coop.governor.proposalKind(proposal_id) == STATUTE
    assert ballot(coop, members, proposal_id, 14, 6) == "Defeated"  # 70 %: an ordinary majority only

    proposal_id, proposal = propose(coop, members[0], change, "Longer notice, again")
    assert ballot(coop, members, proposal_id, 15, 5) == "Succeeded"
    enact(coop, proposal, members[0])
    assert coop.membership.terms()[5] == 6


@pytest.mark.parametrize(
    "target, fn, args",
    [
        ("governor", "setVotingPeriod", (3 * 86400,)),
        ("membership", "setQuorum", (50,)),
        ("timelock", "updateDelay", (86400,)),
        ("membership", "setSharePrice", (2 * ETHER,)),
        ("membership", "setMaxPrincipals", (1,)),
        # a move to new code, of any of the five contracts, and handing the token to another owner
        *[
            (role, "upgradeToAndCall", ("0xa8A8a8A8A8A8A8A8a8a8A8a8a8A8A8a8A8a8A8A8", b""))
            for role in ("membership", "votes", "token", "governor", "timelock")
        ],
        ("token", "transferOwnership", ("0xa8A8a8A8A8A8A8A8a8a8A8a8a8A8A8a8A8a8A8A8",)),
    ],
)
def test_governance_settings_are_statute_changes(coop, founders, target, fn, args):
    proposal_id, _ = propose(coop, founders[0], [(getattr(coop, target), fn, args)], f"Change {fn}")
    assert coop.governor.proposalKind(proposal_id) == STATUTE


def test_a_new_quorum_holds_for_proposals_with_a_later_snapshot_only(coop, founders):
    """The quorum is a statute parameter with a history: a proposal whose snapshot came before the change
    keeps the quorum its voters saw, as OpenZeppelin's GovernorVotesQuorumFraction keeps it."""
    earlier, _ = propose(coop, founders[0], [(accounts[8].address, 0, b"")], "Before the change")
    tx = resolve(coop, [(coop.membership, "setQuorum", (60,))], "A larger quorum", founders)
    assert tx.events["QuorumNumeratorUpdated"]["oldQuorumNumerator"] == 20
    assert tx.events["QuorumNumeratorUpdated"]["newQuorumNumerator"] == 60
    assert tx.events["StatuteChanged"]["parameter"] == "quorumPercent"
    later, _ = propose(coop, founders[0], [(accounts[8].address, 0, b"")], "After the change")
    start_voting(coop)
    g = coop.governor
    assert (g.quorumNumerator(), g.quorumDenominator()) == (60, 100)
    assert g.quorumNumerator(g.proposalSnapshot(earlier)) == 20 and g.quorum(g.proposalSnapshot(earlier)) == 1
    assert g.quorumNumerator(g.proposalSnapshot(later)) == 60 and g.quorum(g.proposalSnapshot(later)) == 2
    # no quorum of nobody, nor of more than everybody: the execution fails and changes nothing
    for bad in (0, 101):
        proposal_id, proposal = propose(coop, founders[0], [(coop.membership, "setQuorum", (bad,))], f"{bad}")
        start_voting(coop)
        for voter in founders:
            g.castVote(proposal_id, FOR, {"from": voter})
        end_voting(coop)
        with reverts("InvalidQuorum"):
            enact(coop, proposal, founders[0])
    assert g.quorumNumerator() == 60


def test_a_proposer_may_only_raise_the_majority(coop, founders):
    pay = [(accounts[8].address, 0, b"")]
    proposal_id, _ = propose(coop, founders[0], pay, "New duty to buy electricity", kind=DUTIES)
    assert coop.governor.proposalKind(proposal_id) == DUTIES
    proposal_id, _ = propose(coop, founders[0], pay, "Ordinary")
    assert coop.governor.proposalKind(proposal_id) == ORDINARY


def past_timepoint():
    """A timepoint after every transaction so far (lookups need a time strictly in the past)."""
    chain.sleep(2)
    chain.mine()
    return web3.eth.get_block("latest")["timestamp"] - 1


def test_quorum_counts_members_at_the_snapshot(crowd):
    coop, members = crowd
    # 10 % of 20 members: 2 ballots needed, abstentions count towards participation
    assert coop.governor.quorum(past_timepoint()) == 2
    proposal_id, _ = propose(coop, members[0], [(accounts[8].address, 0, b"")], "Quorum 1")
    assert ballot(coop, members, proposal_id, 1, 0) == "Defeated"
    proposal_id, _ = propose(coop, members[0], [(accounts[8].address, 0, b"")], "Quorum 2")
    assert ballot(coop, members[1:] + members[:1], proposal_id, 1, 0, 1) == "Succeeded"


def test_quorum_is_rounded_up(coop):
    # 20 % of 3 members is 0.6: at least one member must take part
    assert coop.governor.quorum(past_timepoint()) == 1


def test_one_member_one_vote_and_no_double_voting(coop, founders, board):
    join(coop, accounts[4], 10, board)  # ten shares, still one vote
    proposal_id, _ = propose(coop, founders[0], [(accounts[8].address, 0, b"")], "Pay")
    start_voting(coop)
    tx = coop.governor.castVote(proposal_id, FOR, {"from": accounts[4]})
    assert tx.events["VoteCast"]["weight"] == 1
    assert coop.governor.hasVoted(proposal_id, accounts[4])
    with reverts("AlreadyVoted"):
        coop.governor.castVote(proposal_id, AGAINST, {"from": accounts[4]})
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 1, 0)


def test_non_members_neither_propose_nor_vote(coop, founders):
    outsider = accounts[5]
    with reverts("ProposerNotMember"):
        propose(coop, outsider, [(accounts[8].address, 0, b"")], "Outsider")
    proposal_id, _ = propose(coop, founders[0], [(accounts[8].address, 0, b"")], "Insider")
    start_voting(coop)
    with reverts("NoVote"):
        coop.governor.castVote(proposal_id, FOR, {"from": outsider})


def test_member_admitted_after_the_snapshot_cannot_vote(coop, founders, board):
    proposal_id, _ = propose(coop, founders[0], [(accounts[8].address, 0, b"")], "Early")
    start_voting(coop)
    join(coop, accounts[4], 1, board)
    assert coop.votes.getVotes(accounts[4]) == 1
    with reverts("NoVote"):
        coop.governor.castVote(proposal_id, FOR, {"from": accounts[4]})
    assert coop.governor.getVotes(accounts[4], coop.governor.proposalSnapshot(proposal_id)) == 0


def test_excluded_member_loses_the_vote_at_once(make_coop, founders, board):
    coop = make_coop(voting={"timelock_delay": 0})
    excluded = accounts[4]
    join(coop, excluded, 1, board)
    chain.sleep(1)
    pending = exclusion_with_a_pending_vote(coop, founders, excluded)
    snapshot = coop.governor.proposalSnapshot(pending)
    assert coop.votes.getPastVotes(excluded, snapshot) == 1  # the record keeps the history
    assert coop.governor.getVotes(excluded, snapshot) == 0  # what a ballot would count
    with reverts("NoVote"):
        coop.governor.castVote(pending, FOR, {"from": excluded})


def test_excluded_member_loses_the_vote_also_where_a_proxy_casts_it(make_coop, founders, board):
    coop = make_coop(voting={"timelock_delay": 0})
    a = founders[0]
    excluded = accounts[4]
    join(coop, excluded, 1, board)
    coop.votes.delegate(a, {"from": excluded})
    chain.sleep(1)
    pending = exclusion_with_a_pending_vote(coop, founders, excluded)
    snapshot = coop.governor.proposalSnapshot(pending)
    assert coop.votes.getPastVotes(a, snapshot) == 2  # at the snapshot, a carried the excluded unit
    assert coop.governor.getVotes(a, snapshot) == 1
    tx = coop.governor.castVote(pending, FOR, {"from": a})
    assert tx.events["VoteCast"]["weight"] == 1
    assert list(coop.governor.proposalVotes(pending)) == [0, 1, 0]


def test_principal_of_an_excluded_proxy_votes_again_from_the_next_snapshot(make_coop, founders, board):
    coop = make_coop(voting={"timelock_delay": 0})
    b = founders[1]
    proxy = accounts[4]
    join(coop, proxy, 1, board)
    coop.votes.delegate(proxy, {"from": b})
    chain.sleep(1)
    pending = exclusion_with_a_pending_vote(coop, [founders[0], founders[2]], proxy)
    # as after revoking a proxy: appointments count as they stood at the snapshot
    assert coop.votes.delegates(b) == b
    with reverts("NoVote"):
        coop.governor.castVote(pending, FOR, {"from": b})
    chain.sleep(1)
    later, _ = propose(coop, b, [(accounts[8].address, 0, b"")], "Later vote")
    start_voting(coop)
    assert coop.governor.castVote(later, FOR, {"from": b}).events["VoteCast"]["weight"] == 1


def test_proxy_carries_at_most_two_members(coop, founders, board):
    a, b, c = founders
    join(coop, accounts[4], 1, board)
    d = accounts[4]
    coop.votes.delegate(a, {"from": b})
    coop.votes.delegate(a, {"from": c})
    assert coop.votes.getVotes(a) == 3
    assert coop.votes.getVotes(b) == 0
    assert list(coop.votes.principalsOf(a)) == [b, c]
    with reverts("ProxyLimitReached"):
        coop.votes.delegate(a, {"from": d})
    with reverts("NoVotingRights"):  # only a member can be a proxy
        coop.votes.delegate(accounts[5], {"from": d})

    chain.sleep(1)
    proposal_id, _ = propose(coop, d, [(accounts[8].address, 0, b"")], "Proxy vote")
    start_voting(coop)
    with reverts("NoVote"):  # b's vote is carried by a
        coop.governor.castVote(proposal_id, FOR, {"from": b})
    tx = coop.governor.castVote(proposal_id, FOR, {"from": a})
    assert tx.events["VoteCast"]["weight"] == 3

    # revocable at any time: b takes its vote back
    coop.votes.delegate(b, {"from": b})
    assert coop.votes.getVotes(a) == 2
    assert coop.votes.getVotes(b) == 1
    coop.votes.delegate(a, {"from": d})
    assert coop.votes.getVotes(a) == 3


def test_lowering_the_proxy_limit_ends_the_later_appointments(coop, founders, board):
    a, b, c = founders
    d, e, f = accounts[4:7]
    for member in (d, e, f):
        join(coop, member, 1, board)
    coop.votes.delegate(a, {"from": b})
    coop.votes.delegate(a, {"from": c})
    coop.votes.delegate(b, {"from": b})  # b revokes and appoints a again: now c came first
    coop.votes.delegate(a, {"from": b})
    coop.votes.delegate(d, {"from": e})
    coop.votes.delegate(d, {"from": f})
    assert list(coop.votes.principalsOf(a)) == [c, b]
    assert list(coop.votes.principalsOf(d)) == [e, f]

    tx = resolve(coop, [(coop.membership, "setMaxPrincipals", (1,))], "One principal per proxy", [a, d])
    assert coop.votes.maxPrincipals() == 1
    # the change touches no proxy's record (it costs the same with 10 or 10,000 proxies), yet every later
    # appointment has ended: b and f carry their own votes from now on
    assert "DelegateChanged" not in tx.events
    assert list(coop.votes.principalsOf(a)) == [c]
    assert list(coop.votes.principalsOf(d)) == [e]
    assert [coop.votes.getVotes(x) for x in (a, b, c, d, e, f)] == [2, 1, 0, 2, 0, 1]
    assert coop.votes.delegates(b) == b
    assert coop.votes.delegates(f) == f
    with reverts("ProxyLimitReached"):
        coop.votes.delegate(a, {"from": b})
    chain.sleep(1)
    vote, _ = propose(coop, a, [(accounts[8].address, 0, b"")], "Under the new limit")
    start_voting(coop)
    weights = {
        x: coop.governor.castVote(vote, FOR, {"from": x}).events["VoteCast"]["weight"] for x in (a, b, d, f)
    }
    assert weights == {a: 2, b: 1, d: 2, f: 1}

    # raising it again lets a proxy take a second principal, but revives no appointment the lowering ended
    resolve(coop, [(coop.membership, "setMaxPrincipals", (2,))], "Two principals per proxy", [a, b, d, f])
    assert list(coop.votes.principalsOf(a)) == [c]
    assert coop.votes.getVotes(b) == 1
    coop.votes.delegate(a, {"from": b})
    assert list(coop.votes.principalsOf(a)) == [c, b]
    assert coop.votes.getVotes(a) == 3
    assert coop.votes.getVotes(b) == 0


def test_proxy_leaving_gives_principals_their_votes_back(coop, founders):
    a, b, c = founders
    coop.votes.delegate(a, {"from": b})
    resolve(coop, [(coop.membership, "exclude", (a,))], "Exclude the proxy", [a, c])
    assert coop.votes.getVotes(a) == 0
    assert coop.votes.getVotes(b) == 1
    assert coop.votes.delegates(b) == b
    assert coop.votes.votingMembers() == 2


def ballot_signature(coop, key, proposal_id, support, voter):
    """A ballot signed with `key` for `voter`'s current nonce."""
    return signed_ballot(coop.governor, key, proposal_id, support, voter, coop.governor.nonces(voter))


def test_vote_with_reason_and_by_signature(coop, founders, board, deployer):
    key = web3.keccak(text="coopdao signing member").hex()
    member = accounts.add(key)
    deployer.transfer(member, 2 * ETHER)
    join(coop, member, 1, board)
    outsider_key = web3.keccak(text="coopdao outsider").hex()
    outsider = Account.from_key(outsider_key).address
    chain.sleep(1)
    proposal_id, _ = propose(coop, founders[0], [(accounts[8].address, 0, b"")], "Signed")
    start_voting(coop)

    tx = coop.governor.castVoteWithReason(proposal_id, FOR, "good for the village", {"from": founders[0]})
    assert tx.events["VoteCast"]["reason"] == "good for the village"

    signature = ballot_signature(coop, outsider_key, proposal_id, AGAINST, outsider)
    with reverts("NoVote"):  # a valid signature, but not a member's
        coop.governor.castVoteBySig(proposal_id, AGAINST, outsider, signature, {"from": founders[2]})
    signature = ballot_signature(coop, outsider_key, proposal_id, AGAINST, member.address)
    with reverts("GovernorInvalidSignature"):  # signed by someone else than the voter
        coop.governor.castVoteBySig(proposal_id, AGAINST, member, signature, {"from": founders[2]})

    signature = ballot_signature(coop, key, proposal_id, AGAINST, member.address)
    tx = coop.governor.castVoteBySig(proposal_id, AGAINST, member, signature, {"from": founders[2]})
    assert tx.events["VoteCast"]["voter"] == member
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (1, 1, 0)
    with reverts("GovernorInvalidSignature"):  # replaying the signature
        coop.governor.castVoteBySig(proposal_id, AGAINST, member, signature, {"from": founders[2]})


def test_treasury_pays_only_by_resolution(coop, founders):
    accounts[8].transfer(coop.timelock.address, 5 * ETHER)
    project = accounts[6]
    before = project.balance()
    resolve(coop, [(project.address, 2 * ETHER, b"")], "Fund the community garden", founders)
    assert project.balance() == before + 2 * ETHER
    assert web3.eth.get_balance(coop.timelock.address) == 3 * ETHER


def test_timelock_delay_and_voting_period(coop, founders):
    proposal_id, proposal = propose(coop, founders[0], [(accounts[8].address, 0, b"")], "Timing")
    assert state(coop, proposal_id) == "Pending"
    start_voting(coop)
    assert state(coop, proposal_id) == "Active"
    coop.governor.castVote(proposal_id, FOR, {"from": founders[0]})
    with reverts("GovernorUnexpectedProposalState"):  # still open
        coop.governor.queue(*proposal[:3], web3.keccak(text=proposal[3]), {"from": founders[0]})
    end_voting(coop)
    coop.governor.queue(*proposal[:3], web3.keccak(text=proposal[3]), {"from": founders[0]})
    with reverts("TimelockUnexpectedOperationState"):  # timelock delay not over
        coop.governor.execute(*proposal[:3], web3.keccak(text=proposal[3]), {"from": founders[0]})
    chain.sleep(coop.timelock.getMinDelay() + 1)
    coop.governor.execute(*proposal[:3], web3.keccak(text=proposal[3]), {"from": founders[0]})
    assert state(coop, proposal_id) == "Executed"
