"""The ballot box: a relayer submits many members' signed ballots in one transaction. Each test attacks it
the way a relayer, a member or an outsider could (replays, edited ballots, forged boxes and governors,
ballots of members without a vote) and asserts that exactly the honest ballots count, each once."""

import pytest
from brownie import BallotBox, LyingGovernor, accounts, chain, web3
from conftest import (
    AGAINST,
    FOR,
    exclusion_with_a_pending_vote,
    propose,
    reverts,
    signed_ballot,
    signing_member,
    start_voting,
)

ABSTAIN = 2
COUNTED, BAD_SIGNATURE, NOT_ACTIVE, INVALID_SUPPORT, NO_VOTE, ALREADY_VOTED = range(6)


def nothing():
    return [(accounts[8].address, 0, b"")]


def box_of(coop):
    box, _ = coop.governor.sharedContracts()
    return BallotBox.at(box)


def ballot(coop, key, voter, proposal_id, support, nonce=0, signed_for=None, chain_id=None):
    """A SignedBallot struct; `signed_for` (a proposal id) or `chain_id` sign it for something else."""
    signature = signed_ballot(coop.governor, key, signed_for or proposal_id, support, voter, nonce, chain_id)
    return (proposal_id, voter.address if hasattr(voter, "address") else voter, support, nonce, "", signature)


def outcomes(tx):
    """{voter: "counted" weight or skip reason} from the governor's VoteCast and the box's BallotSkipped."""
    found = {}
    for event in tx.events:
        if event.name == "VoteCast":
            found[event["voter"]] = ("counted", event["weight"])
        elif event.name == "BallotSkipped":
            found[event["voter"]] = ("skipped", event["reason"])
    return found


@pytest.fixture
def signers(coop, deployer, board):
    """Five members whose keys the test holds."""
    return [signing_member(coop, deployer, board, f"box voter {n}") for n in range(5)]


def test_a_batch_counts_each_ballot_for_its_signer_with_the_standard_event(coop, founders, signers):
    proposal_id, _ = propose(coop, founders[0], nothing(), "Vote in writing")
    start_voting(coop)
    batch = [
        ballot(coop, key, member, proposal_id, (FOR, FOR, AGAINST, ABSTAIN, FOR)[n])
        for n, (member, key) in enumerate(signers)
    ]
    relayer = accounts[9]  # not a member: it only pays
    tx = box_of(coop).castVotesBySig(coop.governor, batch, {"from": relayer})
    assert tx.return_value == 5
    assert outcomes(tx) == {m.address: ("counted", 1) for m, _ in signers}
    assert [e.address for e in tx.events["VoteCast"]] == [coop.governor.address] * 5
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (1, 3, 1)
    assert all(coop.governor.hasVoted(proposal_id, m) for m, _ in signers)
    assert not coop.governor.hasVoted(proposal_id, relayer)


def test_ballots_that_cannot_count_are_skipped_with_their_reason_and_the_rest_counts(
    coop, founders, signers, deployer
):
    (a, ka), (b, kb), (c, kc), (d, kd), (e, ke) = signers
    outsider_key = web3.keccak(text="coopdao outsider").hex()
    outsider = accounts.add(outsider_key)
    proposal_id, _ = propose(coop, founders[0], nothing(), "Vote in writing")
    start_voting(coop)
    later_id, _ = propose(coop, founders[2], nothing(), "Opens later")
    coop.governor.castVote(proposal_id, FOR, {"from": b})  # b votes itself first
    coop.votes.delegate(e, {"from": d})  # d's vote is carried by its proxy e
    chain.sleep(1)
    edited = list(ballot(coop, kc, c, proposal_id, AGAINST))
    edited[2] = FOR  # the relayer turns c's "against" into "for"
    batch = [
        ballot(coop, ka, a, proposal_id, FOR),
        ballot(coop, kb, b, proposal_id, AGAINST),  # has voted already
        tuple(edited),  # not what c signed
        ballot(coop, ka, a, later_id, FOR),  # voting not open
        ballot(coop, outsider_key, outsider, proposal_id, FOR),  # no member
        ballot(coop, ka, a, proposal_id, 7),  # no such choice
    ]
    tx = box_of(coop).castVotesBySig(coop.governor, batch, {"from": accounts[9]})
    assert tx.return_value == 1
    reasons = [(e["voter"], e["proposalId"], e["reason"]) for e in tx.events["BallotSkipped"]]
    assert reasons == [
        (b.address, proposal_id, ALREADY_VOTED),
        (c.address, proposal_id, BAD_SIGNATURE),
        (a.address, later_id, NOT_ACTIVE),
        (outsider.address, proposal_id, NO_VOTE),
        (a.address, proposal_id, INVALID_SUPPORT),
    ]
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 2, 0)  # b's own vote and a's ballot


def test_a_signature_counts_once_and_only_for_its_proposal_cooperative_and_chain(
    coop, make_coop, founders, signers
):
    (a, ka), (b, kb), *_ = signers
    other = make_coop()
    proposal_id, _ = propose(coop, founders[0], nothing(), "Vote")
    second_id, _ = propose(coop, founders[0], nothing(), "Another vote")
    start_voting(coop)
    box = box_of(coop)
    relayer = accounts[9]
    forged = [
        ballot(coop, ka, a, second_id, FOR, signed_for=proposal_id),  # signed for another proposal
        ballot(coop, ka, a, proposal_id, FOR, chain_id=1),  # signed for another chain
    ]
    for_other = signed_ballot(other.governor, ka, proposal_id, FOR, a, 0)  # signed for another cooperative
    forged.append((proposal_id, a.address, FOR, 0, "", for_other))
    tx = box.castVotesBySig(coop.governor, forged, {"from": relayer})
    assert tx.return_value == 0 and [e["reason"] for e in tx.events["BallotSkipped"]] == [BAD_SIGNATURE] * 3

    honest = ballot(coop, ka, a, proposal_id, FOR)
    tx = box.castVotesBySig(coop.governor, [honest, honest], {"from": relayer})  # twice in one batch
    assert tx.return_value == 1 and [e["reason"] for e in tx.events["BallotSkipped"]] == [ALREADY_VOTED]
    again = box.castVotesBySig(coop.governor, [honest], {"from": relayer})  # replayed later
    assert again.return_value == 0 and again.events["BallotSkipped"]["reason"] == ALREADY_VOTED
    # the same signature through the governor's own castVoteBySig, and the member voting itself
    with reverts("AlreadyVoted"):
        coop.governor.castVoteBySig(proposal_id, FOR, a, honest[5], {"from": relayer})
    with reverts("AlreadyVoted"):
        coop.governor.castVote(proposal_id, AGAINST, {"from": a})
    # a ballot for the other cooperative counts there, not here
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 1, 0)
    assert tuple(coop.governor.proposalVotes(second_id)) == (0, 0, 0)
    assert b not in [e["voter"] for e in tx.events["VoteCast"]]


def test_only_the_governors_own_box_counts_ballots(coop, founders, signers):
    """A member calls the governor's counting entry itself, an attacker deploys a box of its own, and a
    contract poses as a governor with the real one's signing domain: nothing counts."""
    (a, ka), *_ = signers
    proposal_id, _ = propose(coop, founders[0], nothing(), "Vote")
    start_voting(coop)
    with reverts("NotBallotBox"):
        coop.governor.countRelayedBallot(proposal_id, founders[1], FOR, "", {"from": founders[1]})
    rogue = BallotBox.deploy({"from": accounts[9]})
    with reverts("NotBallotBox"):
        rogue.castVotesBySig(coop.governor, [ballot(coop, ka, a, proposal_id, FOR)], {"from": accounts[9]})
    liar = LyingGovernor.deploy(coop.governor, {"from": accounts[9]})
    with reverts("ForeignDomain"):
        box_of(coop).castVotesBySig(liar, [ballot(coop, ka, a, proposal_id, FOR)], {"from": accounts[9]})
    assert liar.counted() == 0
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 0, 0)


def test_a_proxy_signs_for_itself_and_its_principal_and_the_principal_has_no_ballot(coop, founders, signers):
    (a, ka), (b, kb), *_ = signers
    coop.votes.delegate(b, {"from": a})  # b carries a's vote
    chain.sleep(1)
    proposal_id, _ = propose(coop, founders[0], nothing(), "Vote")
    start_voting(coop)
    batch = [ballot(coop, ka, a, proposal_id, AGAINST), ballot(coop, kb, b, proposal_id, FOR)]
    tx = box_of(coop).castVotesBySig(coop.governor, batch, {"from": accounts[9]})
    assert outcomes(tx) == {a.address: ("skipped", NO_VOTE), b.address: ("counted", 2)}
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 2, 0)


def test_an_excluded_member_s_signed_ballot_no_longer_counts(make_coop, founders, deployer, board):
    """A ballot signed while the member had its vote (its proposal's snapshot is before the exclusion),
    relayed after the assembly excluded it: the box refuses it, as castVote would."""
    coop = make_coop(voting={"timelock_delay": 0})
    a, ka = signing_member(coop, deployer, board, "excluded box voter")
    pending = exclusion_with_a_pending_vote(coop, founders, a)
    signed = ballot(coop, ka, a, pending, AGAINST)
    tx = box_of(coop).castVotesBySig(coop.governor, [signed], {"from": accounts[9]})
    assert tx.return_value == 0 and tx.events["BallotSkipped"]["reason"] == NO_VOTE
    assert not coop.governor.hasVoted(pending, a)
    assert tuple(coop.governor.proposalVotes(pending)) == (0, 0, 0)
