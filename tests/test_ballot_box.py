"""The ballot box: a relayer submits many members' signed ballots in one transaction. Each test attacks it
the way a relayer, a member or an outsider could (replays, edited ballots, forged boxes and governors,
ballots of members without a vote) and asserts that exactly the honest ballots count, each once."""

import pytest
from brownie import BallotBox, LyingGovernor, Puppet, accounts, chain, web3
from conftest import (
    AGAINST,
    ETHER,
    FOR,
    exclusion_with_a_pending_vote,
    propose,
    reverts,
    signed_ballot,
    signing_member,
    start_voting,
)

from dao_cli.coop.ballot_box import Ballot, compact

ABSTAIN = 2
COUNTED, BAD_SIGNATURE, NOT_ACTIVE, INVALID_SUPPORT, NO_VOTE, ALREADY_VOTED = range(6)


def nothing():
    return [(accounts[8].address, 0, b"")]


def box_of(coop):
    box, _ = coop.governor.sharedContracts()
    return BallotBox.at(box)


def ballot(coop, key, voter, proposal_id, support, nonce=0, signed_for=None, chain_id=None):
    """A SignedBallot struct for a batch on `proposal_id`; `signed_for` (a proposal id) or `chain_id` sign it
    for something else."""
    signature = signed_ballot(coop.governor, key, signed_for or proposal_id, support, voter, nonce, chain_id)
    return (voter.address if hasattr(voter, "address") else voter, support, nonce, "", signature)


def cast(coop, proposal_id, batch, relayer=None):
    """The governor's own box counts `batch` on `proposal_id`; `relayer` pays."""
    return box_of(coop).castVotesBySig(coop.governor, proposal_id, batch, {"from": relayer or accounts[9]})


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
    tx = cast(coop, proposal_id, batch, relayer)
    assert tx.return_value == 5
    assert outcomes(tx) == {m.address: ("counted", 1) for m, _ in signers}
    assert [e.address for e in tx.events["VoteCast"]] == [coop.governor.address] * 5
    assert [e["proposalId"] for e in tx.events["VoteCast"]] == [proposal_id] * 5
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
    edited[1] = FOR  # the relayer turns c's "against" into "for"
    batch = [
        ballot(coop, ka, a, proposal_id, FOR),
        ballot(coop, kb, b, proposal_id, AGAINST),  # has voted already
        tuple(edited),  # not what c signed
        ballot(coop, ke, e, proposal_id, FOR, signed_for=later_id),  # signed for the other proposal
        ballot(coop, outsider_key, outsider, proposal_id, FOR),  # no member
        ballot(coop, ka, a, proposal_id, 7),  # no such choice
    ]
    tx = cast(coop, proposal_id, batch)
    assert tx.return_value == 1
    reasons = [(e["voter"], e["proposalId"], e["reason"]) for e in tx.events["BallotSkipped"]]
    assert reasons == [
        (b.address, proposal_id, ALREADY_VOTED),
        (c.address, proposal_id, BAD_SIGNATURE),
        (e.address, proposal_id, BAD_SIGNATURE),
        (outsider.address, proposal_id, NO_VOTE),
        (a.address, proposal_id, INVALID_SUPPORT),
    ]
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 2, 0)  # b's own vote and a's ballot
    # a whole batch on a proposal whose voting has not opened counts nothing, and stays good for later
    early = [ballot(coop, ka, a, later_id, FOR), ballot(coop, ke, e, later_id, AGAINST)]
    tx = cast(coop, later_id, early)
    assert tx.return_value == 0 and "VoteCast" not in tx.events
    assert [(e["voter"], e["reason"]) for e in tx.events["BallotSkipped"]] == [
        (a.address, NOT_ACTIVE),
        (e.address, NOT_ACTIVE),
    ]
    assert tuple(coop.governor.proposalVotes(later_id)) == (0, 0, 0)


def test_a_signature_counts_once_and_only_for_its_proposal_cooperative_and_chain(
    coop, make_coop, founders, signers
):
    (a, ka), (b, kb), *_ = signers
    other = make_coop()
    proposal_id, _ = propose(coop, founders[0], nothing(), "Vote")
    second_id, _ = propose(coop, founders[0], nothing(), "Another vote")
    start_voting(coop)
    relayer = accounts[9]
    # signed for another proposal, relayed in a batch for this one
    tx = cast(coop, second_id, [ballot(coop, ka, a, second_id, FOR, signed_for=proposal_id)], relayer)
    assert tx.return_value == 0 and tx.events["BallotSkipped"]["reason"] == BAD_SIGNATURE
    for_other = signed_ballot(other.governor, ka, proposal_id, FOR, a, 0)  # signed for another cooperative
    forged = [
        ballot(coop, ka, a, proposal_id, FOR, chain_id=1),  # signed for another chain
        (a.address, FOR, 0, "", for_other),
    ]
    tx = cast(coop, proposal_id, forged, relayer)
    assert tx.return_value == 0 and [e["reason"] for e in tx.events["BallotSkipped"]] == [BAD_SIGNATURE] * 2

    honest = ballot(coop, ka, a, proposal_id, FOR)
    tx = cast(coop, proposal_id, [honest, honest], relayer)  # twice in one batch
    assert tx.return_value == 1 and [e["reason"] for e in tx.events["BallotSkipped"]] == [ALREADY_VOTED]
    again = cast(coop, proposal_id, [honest], relayer)  # replayed later
    assert again.return_value == 0 and again.events["BallotSkipped"]["reason"] == ALREADY_VOTED
    # the same signature through the governor's own castVoteBySig, and the member voting itself
    with reverts("AlreadyVoted"):
        coop.governor.castVoteBySig(proposal_id, FOR, a, honest[4], {"from": relayer})
    with reverts("AlreadyVoted"):
        coop.governor.castVote(proposal_id, AGAINST, {"from": a})
    # a ballot for the other cooperative counts there, not here
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 1, 0)
    assert tuple(coop.governor.proposalVotes(second_id)) == (0, 0, 0)
    assert b not in [e["voter"] for e in tx.events["VoteCast"]]


SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def test_the_short_and_long_form_of_one_signature_count_once_and_no_other_form_counts(
    coop, founders, signers
):
    """EIP-2098's 64-byte form of a signature is the same signature: sent in both forms, a ballot counts
    once. The other signature of the same digest (s mirrored, the malleable twin), a cut signature and
    one with a byte too many count never."""
    (a, ka), (b, kb), (c, kc), *_ = signers
    proposal_id, _ = propose(coop, founders[0], nothing(), "Vote")
    start_voting(coop)
    long_form = ballot(coop, ka, a, proposal_id, FOR)
    short_form = (*long_form[:4], compact(bytes(long_form[4])))
    assert len(short_form[4]) == 64
    full = bytes(ballot(coop, kb, b, proposal_id, AGAINST)[4])
    r, s, v = full[:32], int.from_bytes(full[32:64], "big"), full[64]
    twin = r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])  # also recovers b: refused (high s)
    c_sig = bytes(ballot(coop, kc, c, proposal_id, FOR)[4])
    batch = [
        short_form,
        long_form,
        (b.address, AGAINST, 0, "", twin),
        (c.address, FOR, 0, "", c_sig[:63]),
        (c.address, FOR, 0, "", c_sig + b"\0"),
    ]
    tx = cast(coop, proposal_id, batch)
    assert tx.return_value == 1
    assert [(e["voter"], e["reason"]) for e in tx.events["BallotSkipped"]] == [
        (a.address, ALREADY_VOTED),
        (b.address, BAD_SIGNATURE),
        (c.address, BAD_SIGNATURE),
        (c.address, BAD_SIGNATURE),
    ]
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 1, 0)
    # b's and c's own signatures, each in its short form, still count
    tx = cast(
        coop,
        proposal_id,
        [(b.address, AGAINST, 0, "", compact(full)), (c.address, FOR, 0, "", compact(c_sig))],
    )
    assert tx.return_value == 2
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (1, 2, 0)


def test_a_member_that_is_a_contract_votes_with_the_signature_its_wallet_accepts(
    coop, founders, board, signers, deployer
):
    """A smart-wallet member (ERC-1271): the box asks the wallet, which accepts its owner's signature as
    signed. Another key's signature, or the owner's in a form the wallet does not take, counts nothing;
    `coop relay` sends a wallet's signature as signed and a key's in its short form."""
    owner_key = web3.keccak(text="coopdao wallet owner").hex()
    owner = accounts.add(owner_key)
    deployer.transfer(owner, 3 * ETHER)  # the wallet's coin and the owner's gas (Ganache charges gas)
    wallet = Puppet.deploy({"from": owner, "value": 2 * ETHER})
    price = coop.membership.terms()[1]
    application = coop.membership.submitApplication.encode_input(1, b"\x01" * 32)
    wallet.act([coop.membership], [price], [application], {"from": owner})
    coop.membership.admit(wallet, {"from": board})
    chain.sleep(1)
    (a, ka), *_ = signers
    proposal_id, _ = propose(coop, founders[0], nothing(), "Vote")
    start_voting(coop)
    by_owner = signed_ballot(coop.governor, owner_key, proposal_id, FOR, wallet.address, 0)
    by_stranger = signed_ballot(coop.governor, ka, proposal_id, FOR, wallet.address, 0)
    refused = [
        (wallet.address, FOR, 0, "", by_stranger),
        (wallet.address, FOR, 0, "", compact(bytes(by_owner))),
    ]
    tx = cast(coop, proposal_id, refused)
    assert tx.return_value == 0 and [e["reason"] for e in tx.events["BallotSkipped"]] == [BAD_SIGNATURE] * 2

    def relayed(voter, signature):
        return Ballot(
            "test", coop.governor.address, web3.eth.chain_id, proposal_id, voter, FOR, 0, "", signature
        )

    key_ballot = relayed(a.address, bytes(ballot(coop, ka, a, proposal_id, FOR)[4]))
    batch = [
        relayed(wallet.address, bytes(by_owner)).as_call_argument(by_contract=True),
        key_ballot.as_call_argument(),
    ]
    assert len(batch[0][4]) == 65 and len(batch[1][4]) == 64
    tx = cast(coop, proposal_id, batch)
    assert outcomes(tx) == {wallet.address: ("counted", 1), a.address: ("counted", 1)}
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 2, 0)


def test_only_the_governors_own_box_counts_ballots(coop, founders, signers):
    """A member calls the governor's counting entry itself, an attacker deploys a box of its own, and a
    contract poses as a governor with the real one's signing domain: nothing counts."""
    (a, ka), *_ = signers
    proposal_id, _ = propose(coop, founders[0], nothing(), "Vote")
    start_voting(coop)
    with reverts("NotBallotBox"):
        coop.governor.countRelayedBallots(proposal_id, [founders[1]], [FOR], [""], {"from": founders[1]})
    rogue = BallotBox.deploy({"from": accounts[9]})
    with reverts("NotBallotBox"):
        rogue.castVotesBySig(
            coop.governor, proposal_id, [ballot(coop, ka, a, proposal_id, FOR)], {"from": accounts[9]}
        )
    liar = LyingGovernor.deploy(coop.governor, {"from": accounts[9]})
    with reverts("ForeignDomain"):
        box_of(coop).castVotesBySig(
            liar, proposal_id, [ballot(coop, ka, a, proposal_id, FOR)], {"from": accounts[9]}
        )
    assert liar.counted() == 0
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 0, 0)


def test_a_proxy_signs_for_itself_and_its_principal_and_the_principal_has_no_ballot(coop, founders, signers):
    (a, ka), (b, kb), *_ = signers
    coop.votes.delegate(b, {"from": a})  # b carries a's vote
    chain.sleep(1)
    proposal_id, _ = propose(coop, founders[0], nothing(), "Vote")
    start_voting(coop)
    batch = [ballot(coop, ka, a, proposal_id, AGAINST), ballot(coop, kb, b, proposal_id, FOR)]
    tx = cast(coop, proposal_id, batch)
    assert outcomes(tx) == {a.address: ("skipped", NO_VOTE), b.address: ("counted", 2)}
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 2, 0)


def test_an_excluded_member_s_signed_ballot_no_longer_counts(make_coop, founders, deployer, board):
    """A ballot signed while the member had its vote (its proposal's snapshot is before the exclusion),
    relayed after the assembly excluded it: the box refuses it, as castVote would."""
    coop = make_coop(voting={"timelock_delay": 0})
    a, ka = signing_member(coop, deployer, board, "excluded box voter")
    pending = exclusion_with_a_pending_vote(coop, founders, a)
    tx = cast(coop, pending, [ballot(coop, ka, a, pending, AGAINST)])
    assert tx.return_value == 0 and tx.events["BallotSkipped"]["reason"] == NO_VOTE
    assert not coop.governor.hasVoted(pending, a)
    assert tuple(coop.governor.proposalVotes(pending)) == (0, 0, 0)
