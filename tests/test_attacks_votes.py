"""Attacks on the members' votes and on the assembly's powers: each test performs one attack against the real
contracts and asserts that it fails with a specific error, or leaves the votes and the statute as they were.

Attackers that need code of their own are contracts in contracts/test/: a contract a resolution pays that
calls back into the cooperative (CallbackRelay), and a crowd of contract members with proxies (ProxyCrowd)."""

import pytest
import rlp
from brownie import CallbackRelay, CoopFactory, ProxyCrowd, accounts, chain, web3
from conftest import (
    AGAINST,
    DAY,
    ETHER,
    FOR,
    KIND_NAMES,
    enact,
    end_voting,
    exclusion_with_a_pending_vote,
    join,
    propose,
    resolve,
    reverts,
    signed_ballot,
    signing_member,
    start_voting,
    state,
    statute_data,
)
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address

from dao_cli.coop.statute import parse_statute

ORDINARY, STATUTE, DUTIES = 1, 2, 3
LEAVING = 2
ROLES = ("membership", "votes", "token", "governor", "timelock")  # in the order the factory creates them


# --------------------------------------------------------------------------- helpers


def nothing():
    """A proposal's calls that do nothing (an empty call to an account): the resolution is about its text."""
    return [(accounts[8].address, 0, b"")]


def votes_cast(coop, proposal_id, *voters, support=FOR):
    """Each of `voters` casts a ballot; return the weight each counted with."""
    return [
        coop.governor.castVote(proposal_id, support, {"from": v}).events["VoteCast"]["weight"] for v in voters
    ]


def past_now():
    """A timepoint after every transaction so far (the vote lookups need one strictly in the past)."""
    chain.sleep(1)
    chain.mine()
    # the last mined block's time, not brownie's clock (which reads the wall clock, and can equal it)
    return web3.eth.get_block("latest")["timestamp"] - 1


def created_address(creator, nonce):
    """The address of the contract `creator` creates with its `nonce`-th CREATE."""
    return to_checksum_address(keccak(rlp.encode([bytes.fromhex(creator[2:]), nonce]))[12:])


def execution_gas(tx):
    """Gas a transaction used beyond its call data's cost: what the contracts' code spent (call data costs 4
    gas a zero byte and 16 any other, so it differs between cooperatives at different addresses)."""
    data = bytes.fromhex(tx.input[2:])
    return tx.gas_used - sum(4 if byte == 0 else 16 for byte in data)


def to_next_january(day=10):
    """Moves the clock to the `day`-th of the next January, so that notices given in the following weeks all
    take effect at the same fiscal-year end (December 31)."""
    import datetime

    now = datetime.datetime.fromtimestamp(chain.time(), datetime.UTC)
    target = datetime.datetime(now.year + 1, 1, day, tzinfo=datetime.UTC)
    chain.sleep(int(target.timestamp()) - chain.time())
    chain.mine()


@pytest.fixture(scope="module")
def open_coop(make_coop):
    """An open cooperative: an application is an admission."""
    return make_coop(admission="open", board=None)


# --------------------------------------------------------------------------- front-running the declared kind


def test_a_copy_without_the_kind_mark_is_another_resolution(coop, founders):
    """A member submits the honest proposal's calls and text without `#kind=new-duties` first: in the review
    the honest proposal then could not be made, and the copy passed new duties 2 for, 1 against."""
    a, b, c = founders
    text = "New duty: every member buys the solar park's electricity"
    copy_id, _ = propose(coop, c, nothing(), text)
    honest_id, _ = propose(coop, a, nothing(), text, kind=DUTIES)
    assert honest_id != copy_id
    assert coop.governor.proposalKind(honest_id) == DUTIES
    assert coop.governor.proposalKind(copy_id) == ORDINARY  # a resolution of its own, which says so
    start_voting(coop)
    votes_cast(coop, honest_id, a, b)
    votes_cast(coop, honest_id, c, support=AGAINST)
    end_voting(coop)
    assert state(coop, honest_id) == "Defeated"  # 2 of 3 is short of 9/10

    # a statute change copied without its mark is still a statute change: the calls decide
    change = [(coop.membership, "setNoticePeriod", (6,))]
    copy_id, _ = propose(coop, c, change, "Longer notice")
    assert coop.governor.proposalKind(copy_id) == STATUTE


def test_a_verbatim_copy_keeps_the_declared_kind(coop, founders):
    """The same description, mark included, is the same proposal: whoever creates it first creates it with the
    declared kind."""
    a, _, c = founders
    text = "New duty: every member buys the solar park's electricity"
    copy_id, _ = propose(coop, c, nothing(), text, kind=DUTIES)
    with reverts("GovernorUnexpectedProposalState"):
        propose(coop, a, nothing(), text, kind=DUTIES)
    assert coop.governor.proposalKind(copy_id) == DUTIES


def test_the_proposer_suffix_stops_copies(coop, founders):
    """With `#proposer=0x...` after the kind, nobody but the proposer can create the proposal at all."""
    a, _, c = founders
    description = (
        f"New duty: every member buys electricity\n\n#kind={KIND_NAMES[DUTIES]}#proposer={a.address}"
    )
    calls = [accounts[8].address], [0], [b""]
    with reverts("GovernorRestrictedProposer"):
        coop.governor.propose(*calls, description, {"from": c})
    tx = coop.governor.propose(*calls, description, {"from": a})
    assert coop.governor.proposalKind(tx.events["ProposalCreated"]["proposalId"]) == DUTIES


# --------------------------------------------------------------------------- rights after the exit date


def test_rights_end_at_the_exit_date_without_complete_exit(make_coop, founders, board):
    """Nobody completes the exit of a member whose exit date has passed: in the review it still proposed,
    voted and counted in the quorum base. Its rights end at the date by themselves."""
    coop = make_coop(voting={"quorum_percent": 50})
    a, b, _ = founders
    leaver, other = accounts[4:6]
    join(coop, leaver, 1, board)
    join(coop, other, 1, board)
    exit_at = coop.membership.giveNotice({"from": leaver}).events["NoticeGiven"]["exitAt"]
    chain.sleep(exit_at - chain.time() - 2 * DAY)
    across, _ = propose(coop, a, nothing(), "Open across the exit date")
    chain.sleep(exit_at - chain.time() + DAY)
    chain.mine()
    assert tuple(coop.membership.memberOf(leaver))[0] == LEAVING  # completeExit was never called

    assert not coop.votes.hasVotingRights(leaver)
    assert coop.votes.getVotes(leaver) == 0
    with reverts("ProposerNotMember"):
        propose(coop, leaver, nothing(), "Proposal after the exit date")
    with reverts("NoVote"):  # it had a vote at this proposal's snapshot, but has none now
        coop.governor.castVote(across, FOR, {"from": leaver})
    with reverts("NoVotingRights"):
        coop.votes.delegate(leaver, {"from": other})

    later, _ = propose(coop, a, nothing(), "Proposal after the exit date")
    start_voting(coop)
    with reverts("NoVote"):
        coop.governor.castVote(later, FOR, {"from": leaver})
    snapshot = coop.governor.proposalSnapshot(later)
    assert coop.votes.getPastTotalSupply(coop.governor.proposalSnapshot(across)) == 5
    assert coop.votes.getPastTotalSupply(snapshot) == 4
    assert coop.votes.votingMembers() == 4
    assert coop.governor.quorum(snapshot) == 2  # half of 4, not of 5
    votes_cast(coop, later, a, b)
    end_voting(coop)
    assert state(coop, later) == "Succeeded"


def test_a_proxy_whose_exit_date_passed_returns_the_votes_it_carried(coop, founders, board):
    """A proxy's exit date passes with nobody completing its exit: its principal votes itself on proposals
    whose snapshot comes after the date, and the proxy carries nothing."""
    principal = founders[1]
    proxy = accounts[4]
    join(coop, proxy, 1, board)
    coop.votes.delegate(proxy, {"from": principal})
    assert coop.votes.getVotes(proxy) == 2
    exit_at = coop.membership.giveNotice({"from": proxy}).events["NoticeGiven"]["exitAt"]
    chain.sleep(exit_at - chain.time() + 1)
    chain.mine()
    assert coop.votes.delegates(principal) == principal
    assert coop.votes.getVotes(principal) == 1
    assert coop.votes.getVotes(proxy) == 0
    later, _ = propose(coop, principal, nothing(), "After the proxy's exit date")
    start_voting(coop)
    assert votes_cast(coop, later, principal) == [1]
    with reverts("NoVote"):
        coop.governor.castVote(later, FOR, {"from": proxy})


def test_a_proxy_whose_exit_date_passed_is_listed_as_carrying_nobody(coop, founders, board):
    """What the member list shows (`coop member show`, an auditor's or a front end's view) must agree with the
    votes: once a proxy's exit date has passed, its principal's vote is the principal's own (`delegates`), so
    the proxy carries nobody (`principalsOf`)."""
    principal = founders[1]
    proxy = accounts[4]
    join(coop, proxy, 1, board)
    coop.votes.delegate(proxy, {"from": principal})
    assert list(coop.votes.principalsOf(proxy)) == [principal]
    exit_at = coop.membership.giveNotice({"from": proxy}).events["NoticeGiven"]["exitAt"]
    chain.sleep(exit_at - chain.time() + 1)
    chain.mine()
    assert coop.votes.delegates(principal) == principal
    assert list(coop.votes.principalsOf(proxy)) == []


def test_the_quorum_base_counts_each_ended_right_once(make_coop, founders, board):
    """A member under notice is excluded, and another member then gives notice to the same fiscal-year end.
    After that date the quorum base must count the members with voting rights: the founders, three. Counting
    the excluded member's end date a second time would lower it, and with it the quorum: a single ballot would
    then carry a resolution that needs two."""
    coop = make_coop(voting={"quorum_percent": 50, "timelock_delay": 0})
    excluded, leaver = accounts[4:6]
    join(coop, excluded, 1, board)
    join(coop, leaver, 1, board)
    to_next_january()
    first = coop.membership.giveNotice({"from": excluded}).events["NoticeGiven"]["exitAt"]
    resolve(coop, [(coop.membership, "exclude", (excluded,))], "Exclude a member under notice", founders)
    second = coop.membership.giveNotice({"from": leaver}).events["NoticeGiven"]["exitAt"]
    assert second == first  # the same fiscal-year end
    assert coop.votes.votingMembers() == 4
    chain.sleep(second - chain.time() + DAY)
    chain.mine()
    assert coop.votes.votingMembers() == 3
    assert coop.votes.getPastTotalSupply(past_now()) == 3

    proposal_id, _ = propose(coop, founders[0], nothing(), "After both dates")
    start_voting(coop)
    snapshot = coop.governor.proposalSnapshot(proposal_id)
    assert coop.votes.getPastTotalSupply(snapshot) == 3
    assert coop.governor.quorum(snapshot) == 2  # half of 3, rounded up
    votes_cast(coop, proposal_id, founders[0])
    end_voting(coop)
    assert state(coop, proposal_id) == "Defeated"  # one ballot of the two the quorum needs


# --------------------------------------------------------------------------- the cooperative's own contracts


@pytest.mark.parametrize("role", ROLES)
def test_no_own_contract_can_be_a_founder(factory, deployer, founders, board, role):
    """The clones' addresses follow from the factory's nonce, so a founder list can name one of the contracts
    the same transaction creates; that contract would then hold a vote of its own."""
    nonce = web3.eth.get_transaction_count(factory)
    predicted = {r: created_address(factory, nonce + i) for i, r in enumerate(ROLES)}
    planted = [founders[0].address, founders[1].address, predicted[role]]
    statute = parse_statute(statute_data(founders, board, founders=planted))
    with reverts("CooperativeContract"):
        CoopFactory.at(factory).createCooperative(*statute.factory_args(), {"from": deployer})
    # the prediction was right: the next cooperative gets exactly these addresses
    honest = parse_statute(statute_data(founders, board))
    tx = CoopFactory.at(factory).createCooperative(*honest.factory_args(), {"from": deployer})
    created = tx.events["CooperativeCreated"]
    assert {r: created[r] for r in ROLES} == predicted


def test_the_timelock_cannot_join_by_resolution(open_coop, founders):
    """An ordinary resolution has the treasury apply: in an open cooperative that is an admission, and the
    majority could then hand the treasury's vote to a proxy of its choice."""
    coop = open_coop
    accounts[8].transfer(coop.timelock.address, 2 * ETHER)
    application = coop.membership.submitApplication.encode_input(1, b"\x01" * 32)
    with reverts("CooperativeContract"):
        resolve(coop, [(coop.membership.address, ETHER, application)], "The treasury joins", founders)
    assert tuple(coop.membership.memberOf(coop.timelock))[0] == 0
    assert coop.votes.votingMembers() == 3


def test_the_governor_cannot_join_through_its_relay(open_coop, founders):
    """The governor's `relay` makes calls as the governor: a resolution has it apply."""
    coop = open_coop
    accounts[8].transfer(coop.timelock.address, 2 * ETHER)
    application = coop.membership.submitApplication.encode_input(1, b"\x01" * 32)
    relay = coop.governor.relay.encode_input(coop.membership, ETHER, application)
    with reverts("CooperativeContract"):
        resolve(coop, [(coop.governor.address, ETHER, relay)], "The assembly joins itself", founders)
    assert tuple(coop.membership.memberOf(coop.governor))[0] == 0
    assert coop.votes.votingMembers() == 3


def test_no_own_contract_can_be_a_proxy(coop, founders):
    """A member appoints one of the cooperative's contracts as its proxy, to park or move its vote there."""
    for role in ROLES:
        with reverts("NoVotingRights"):
            coop.votes.delegate(getattr(coop, role), {"from": founders[0]})
    assert coop.votes.getVotes(founders[0]) == 1


# --------------------------------------------------------------------------- the proxy limit's cost


def test_lowering_the_proxy_limit_costs_the_same_with_2_or_100_proxies(make_coop, founders, deployer):
    """A crowd floods the cooperative with proxies carrying two principals each: in the review lowering the
    limit to 1 cost about 85,000 gas per such proxy, so that with some 200 the resolution could never be
    executed. It must cost the same with 2 as with 100, and be carried out in one resolution."""
    gas = {}
    for count in (2, 100):
        coop = make_coop(admission="open", board=None, shares={"price": "0.01"}, voting={"quorum_percent": 1})
        price = coop.membership.terms()[1]
        join(coop, accounts[4])  # quorum: 1 % of 3 + 1 + 3 x 100 members is 4 ballots
        crowd = ProxyCrowd.deploy({"from": deployer})
        for batch in range(0, count, 20):
            size = min(20, count - batch)
            crowd.grow(coop.membership, coop.votes, size, {"from": deployer, "value": 3 * size * price})
        proxies = crowd.proxies()
        assert len(proxies) == count
        assert coop.votes.votingMembers() == 4 + 3 * count
        assert coop.votes.getVotes(proxies[0]) == coop.votes.getVotes(proxies[-1]) == 3

        tx = resolve(
            coop,
            [(coop.membership, "setMaxPrincipals", (1,))],
            "One principal per proxy",
            [*founders, accounts[4]],
        )
        gas[count] = execution_gas(tx)
        assert coop.votes.maxPrincipals() == 1
        for proxy in (proxies[0], proxies[-1]):
            assert coop.votes.getVotes(proxy) == 2
            assert len(coop.votes.principalsOf(proxy)) == 1
    assert gas[2] == gas[100], (
        f"the proxy-limit change cost {gas[2]:,} gas with 2 proxies, {gas[100]:,} with 100"
    )


# --------------------------------------------------------------------------- proxies


def test_a_proxy_resigns_an_appointment_it_never_asked_for(coop, founders):
    """A member is appointed proxy without being asked and gives the appointment back; nobody else can end
    it."""
    a, b, c = founders
    coop.votes.delegate(a, {"from": b})
    earlier, _ = propose(coop, c, nothing(), "Before the resignation")
    start_voting(coop)
    with reverts("NotProxyOf"):
        coop.votes.resignAsProxy(b, {"from": c})
    coop.votes.resignAsProxy(b, {"from": a})
    assert coop.votes.delegates(b) == b
    assert coop.votes.getVotes(a) == coop.votes.getVotes(b) == 1
    assert list(coop.votes.principalsOf(a)) == []
    with reverts("NotProxyOf"):
        coop.votes.resignAsProxy(b, {"from": a})
    # appointments count as they stood at a snapshot: on the earlier proposal a still carries b
    assert votes_cast(coop, earlier, a) == [2]
    with reverts("NoVote"):
        coop.governor.castVote(earlier, FOR, {"from": b})
    chain.sleep(1)
    later, _ = propose(coop, c, nothing(), "After the resignation")
    start_voting(coop)
    assert votes_cast(coop, later, a, b) == [1, 1]


def test_proxy_chains_and_loops_carry_no_more_than_the_limit(coop, founders, board):
    """Proxies appoint proxies, and a chain loops back, to pile up more votes than one proxy may carry."""
    a, b, c = founders
    d, e, f = accounts[4:7]
    for member in (d, e, f):
        join(coop, member, 1, board)
    coop.votes.delegate(a, {"from": b})
    coop.votes.delegate(a, {"from": c})
    coop.votes.delegate(d, {"from": a})  # a passes on its own vote only, not its principals'
    coop.votes.delegate(d, {"from": e})
    with reverts("ProxyLimitReached"):
        coop.votes.delegate(d, {"from": f})
    with reverts("ProxyLimitReached"):  # the chain loops back to a, which carries two already
        coop.votes.delegate(a, {"from": d})
    coop.votes.delegate(b, {"from": f})  # b's own vote is with a; it may still carry f's
    members = (a, b, c, d, e, f)
    assert [coop.votes.getVotes(m) for m in members] == [2, 1, 0, 3, 0, 0]

    coop.votes.delegate(e, {"from": d})  # d and e now carry each other's votes
    assert [coop.votes.getVotes(m) for m in members] == [2, 1, 0, 2, 1, 0]
    chain.sleep(1)
    proposal_id, _ = propose(coop, a, nothing(), "Everybody votes")
    start_voting(coop)
    assert votes_cast(coop, proposal_id, a, b, d, e) == [2, 1, 2, 1]
    for carried in (c, f):
        with reverts("NoVote"):
            coop.governor.castVote(proposal_id, FOR, {"from": carried})
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 6, 0)


# --------------------------------------------------------------------------- ballots


def test_weight_gained_after_the_snapshot_does_not_count(coop, founders, board):
    """Once voting has opened, an outsider joins, a member buys shares and another appoints a proxy: none of
    it changes what anybody's ballot counts on that proposal."""
    a, b, c = founders
    proposal_id, _ = propose(coop, a, nothing(), "Vote")
    start_voting(coop)
    late = accounts[4]
    join(coop, late, 1, board)
    with reverts("NoVote"):
        coop.governor.castVote(proposal_id, FOR, {"from": late})
    coop.membership.buyShares(9, {"from": b, "value": 9 * ETHER})
    coop.votes.delegate(a, {"from": c})
    snapshot = coop.governor.proposalSnapshot(proposal_id)
    assert [coop.governor.getVotes(m, snapshot) for m in (a, b, c, late)] == [1, 1, 1, 0]
    assert votes_cast(coop, proposal_id, a, b, c) == [1, 1, 1]
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 3, 0)


def test_no_ballot_counts_twice_directly_or_through_a_proxy(coop, founders):
    """A member votes again, votes beside the proxy that carries it, or takes its vote back or passes it on
    after the proxy voted."""
    a, b, c = founders
    coop.votes.delegate(a, {"from": b})
    proposal_id, _ = propose(coop, c, nothing(), "Vote")
    start_voting(coop)
    assert votes_cast(coop, proposal_id, a) == [2]
    with reverts("AlreadyVoted"):
        coop.governor.castVote(proposal_id, AGAINST, {"from": a})
    with reverts("AlreadyVoted"):
        coop.governor.castVoteWithReason(proposal_id, AGAINST, "changed my mind", {"from": a})
    with reverts("NoVote"):  # carried by a at the snapshot
        coop.governor.castVote(proposal_id, AGAINST, {"from": b})
    coop.votes.delegate(b, {"from": b})
    with reverts("NoVote"):  # taking it back now changes nothing at the snapshot
        coop.governor.castVote(proposal_id, AGAINST, {"from": b})
    coop.votes.delegate(c, {"from": b})
    assert votes_cast(coop, proposal_id, c, support=AGAINST) == [1]  # c's own vote only
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (1, 2, 0)


def test_signed_ballots_count_once_for_their_proposal_cooperative_and_chain(
    coop, make_coop, founders, board, deployer
):
    """A member's signed ballot relayed for another proposal, another cooperative or another chain, with
    another choice, replayed, or beside the member's own ballot."""
    member, key = signing_member(coop, deployer, board, "signing voter")
    other = make_coop()
    proposal_id, _ = propose(coop, founders[0], nothing(), "Vote")
    second_id, _ = propose(coop, founders[0], nothing(), "Another vote")
    start_voting(coop)
    relayer = founders[2]
    for signature in (
        signed_ballot(coop.governor, key, second_id, FOR, member, 0),  # another proposal
        signed_ballot(other.governor, key, proposal_id, FOR, member, 0),  # another cooperative
        signed_ballot(coop.governor, key, proposal_id, FOR, member, 0, chain_id=1),  # another chain
        signed_ballot(coop.governor, key, proposal_id, AGAINST, member, 0),  # another choice
    ):
        with reverts("GovernorInvalidSignature"):
            coop.governor.castVoteBySig(proposal_id, FOR, member, signature, {"from": relayer})
    signature = signed_ballot(coop.governor, key, proposal_id, FOR, member, 0)
    coop.governor.castVoteBySig(proposal_id, FOR, member, signature, {"from": relayer})
    with reverts("GovernorInvalidSignature"):  # replayed: the nonce is used
        coop.governor.castVoteBySig(proposal_id, FOR, member, signature, {"from": relayer})
    following = signed_ballot(coop.governor, key, proposal_id, FOR, member, 1)
    with reverts("AlreadyVoted"):  # a second signature with the next nonce
        coop.governor.castVoteBySig(proposal_id, FOR, member, following, {"from": relayer})
    with reverts("AlreadyVoted"):
        coop.governor.castVote(proposal_id, AGAINST, {"from": member})
    assert tuple(coop.governor.proposalVotes(proposal_id)) == (0, 1, 0)


def test_an_excluded_member_has_no_way_left_to_vote(make_coop, founders, board, deployer):
    """A member excluded while a vote is open tries every way to a ballot on it or later: directly, by
    signature, through the proxy it appointed, by appointing or becoming a proxy now, by proposing or by
    joining again."""
    coop = make_coop(voting={"timelock_delay": 0})
    a, b, _ = founders
    excluded, key = signing_member(coop, deployer, board, "excluded voter")
    coop.votes.delegate(a, {"from": excluded})
    chain.sleep(1)
    pending = exclusion_with_a_pending_vote(coop, founders, excluded)
    nonce = coop.governor.nonces(excluded)
    with reverts("NoVote"):
        coop.governor.castVote(pending, FOR, {"from": excluded})
    signature = signed_ballot(coop.governor, key, pending, FOR, excluded, nonce)
    with reverts("NoVote"):
        coop.governor.castVoteBySig(pending, FOR, excluded, signature, {"from": b})
    with reverts("NoVotingRights"):
        coop.votes.delegate(b, {"from": excluded})
    with reverts("NoVotingRights"):
        coop.votes.delegate(excluded, {"from": b})
    with reverts("ProposerNotMember"):
        propose(coop, excluded, nothing(), "Let me back in")
    with reverts("AlreadyMember"):  # an excluded member stays on the list until settled, without a vote
        coop.membership.submitApplication(1, b"\x01" * 32, {"from": excluded, "value": ETHER})
    assert votes_cast(coop, pending, a) == [1]  # a carried the excluded vote at the snapshot, no longer
    assert coop.votes.votingMembers() == 3


# --------------------------------------------------------------------------- the assembly's powers


def test_a_statute_change_hidden_in_a_batch_needs_three_quarters(coop, founders):
    """A longer notice period slipped between two harmless calls, declared ordinary."""
    a, b, c = founders
    calls = [nothing()[0], (coop.membership, "setNoticePeriod", (24,)), nothing()[0]]
    proposal_id, proposal = propose(coop, a, calls, "Two payments and a detail", kind=ORDINARY)
    assert coop.governor.proposalKind(proposal_id) == STATUTE
    start_voting(coop)
    votes_cast(coop, proposal_id, a, b)
    votes_cast(coop, proposal_id, c, support=AGAINST)
    end_voting(coop)
    assert state(coop, proposal_id) == "Defeated"  # 2 of 3 is short of 3/4
    with reverts("GovernorUnexpectedProposalState"):
        enact(coop, proposal, a)
    assert coop.membership.terms()[5] == 3


CALLBACKS = {
    "member list statute": ("membership", "setNoticePeriod", lambda coop: (24,), "NotGovernance"),
    "member list proxy limit": ("membership", "setMaxPrincipals", lambda coop: (1,), "NotGovernance"),
    "votes proxy limit": ("votes", "setMaxPrincipals", lambda coop: (1,), "NotRegister"),
    "governor relay": (
        "governor",
        "relay",
        lambda coop: (coop.membership, 0, coop.membership.setNoticePeriod.encode_input(24)),
        "GovernorOnlyExecutor",
    ),
    "member list quorum": ("membership", "setQuorum", lambda coop: (1,), "NotGovernance"),
    "votes quorum": ("votes", "setQuorum", lambda coop: (1,), "NotRegister"),
    "timelock delay": ("timelock", "updateDelay", lambda coop: (0,), "TimelockUnauthorizedCaller"),
    "timelock role": (
        "timelock",
        "grantRole",
        lambda coop: (coop.timelock.PROPOSER_ROLE(), accounts[8]),
        "AccessControlUnauthorizedAccount",
    ),
}


@pytest.mark.parametrize("callback", CALLBACKS)
def test_a_statute_change_through_a_contract_that_calls_back_fails(coop, founders, deployer, callback):
    """An ordinary resolution pays nothing to a contract, which then calls back into the cooperative to change
    the statute or take a power of the timelock: its calls are not the timelock's, so the resolution fails."""
    role, fn, make_args, error = CALLBACKS[callback]
    target = getattr(coop, role)
    relay = CallbackRelay.deploy(
        target, getattr(target, fn).encode_input(*make_args(coop)), {"from": deployer}
    )
    a, b, c = founders
    proposal_id, proposal = propose(coop, a, [(relay.address, 0, b"")], "Pay the installer nothing yet")
    assert coop.governor.proposalKind(proposal_id) == ORDINARY
    start_voting(coop)
    votes_cast(coop, proposal_id, a, b)
    votes_cast(coop, proposal_id, c, support=AGAINST)
    end_voting(coop)
    assert state(coop, proposal_id) == "Succeeded"
    with reverts(error):
        enact(coop, proposal, a)
    assert coop.membership.terms()[5] == 3
    assert coop.votes.maxPrincipals() == 2
    assert coop.timelock.getMinDelay() == 2 * DAY
    assert not coop.timelock.hasRole(coop.timelock.PROPOSER_ROLE(), accounts[8])


def test_no_power_can_be_used_directly(coop, founders, board, deployer):
    """Every admin and statute function, called by a member, the board and the account that created the
    cooperative, instead of by a resolution through the timelock."""
    m, v, tk, tl, g = coop.membership, coop.votes, coop.token, coop.timelock, coop.governor
    pending, proposal = propose(coop, founders[1], nothing(), "Somebody else's proposal")
    cancel = (*proposal[:3], web3.keccak(text=proposal[3]))
    notice = m.setNoticePeriod.encode_input(24)
    zero = b"\x00" * 32
    for caller in (founders[0], board, deployer):
        attempts = [
            *[
                (m, fn, args, "NotGovernance")
                for fn, args in [
                    ("exclude", (founders[1],)),
                    ("moveCapitalToTreasury", (1,)),
                    ("setSharePrice", (1,)),
                    ("setShareLimits", (1, 1)),
                    ("setNoticePeriod", (24,)),
                    ("setAdmissionMode", (0,)),
                    ("setFiscalYearEnd", (6, 30)),
                    ("setSharesTransferable", (False,)),
                    ("setMaxPrincipals", (1,)),
                    ("setBoard", (caller,)),
                ]
            ],
            *[
                (v, fn, args, "NotRegister")
                for fn, args in [
                    ("grantVotingRights", (caller,)),
                    ("endVotingRightsAt", (founders[1], chain.time() + DAY)),
                    ("revokeVotingRights", (founders[1],)),
                    ("setMaxPrincipals", (1,)),
                ]
            ],
            *[
                (tk, fn, args, "OwnableUnauthorizedAccount")
                for fn, args in [
                    ("mint", (caller, ETHER)),
                    ("burn", (0,)),
                    ("transferOwnership", (caller,)),
                    ("renounceOwnership", ()),
                ]
            ],
            *[
                (tl, fn, args, "AccessControlUnauthorizedAccount")
                for fn, args in [
                    ("schedule", (m, 0, notice, zero, zero, 2 * DAY)),
                    ("scheduleBatch", ([m], [0], [notice], zero, zero, 2 * DAY)),
                    ("execute", (m, 0, notice, zero, zero)),
                    ("executeBatch", ([m], [0], [notice], zero, zero)),
                    ("cancel", (zero,)),
                    ("grantRole", (tl.DEFAULT_ADMIN_ROLE(), caller)),
                    ("revokeRole", (tl.PROPOSER_ROLE(), g)),
                ]
            ],
            (tl, "updateDelay", (0,), "TimelockUnauthorizedCaller"),
            *[
                (g, fn, args, "GovernorOnlyExecutor")
                for fn, args in [
                    ("setVotingDelay", (0,)),
                    ("setVotingPeriod", (1,)),
                    ("setProposalThreshold", (0,)),
                    ("updateTimelock", (caller,)),
                    ("relay", (m, 0, notice)),
                ]
            ],
            (g, "cancel", cancel, "GovernorUnableToCancel"),
        ]
        if caller != board:
            attempts += [
                (m, "admit", (caller,), "NotAdmittingBody"),
                (m, "reject", (caller,), "NotAdmittingBody"),
            ]
        for contract, fn, args, error in attempts:
            with reverts(error):
                getattr(contract, fn)(*args, {"from": caller})
    assert m.terms()[5] == 3
    assert m.board() == board
    assert v.maxPrincipals() == 2
    assert v.votingMembers() == 3
    assert tk.owner() == tl
    assert tl.getMinDelay() == 2 * DAY
    assert g.votingPeriod() == 7 * DAY
    assert state(coop, pending) == "Pending"


def test_spam_proposals_do_not_stop_the_assembly(coop, founders, board):
    """Only members propose, each proposal costs its proposer gas, a duplicate is refused, and the assembly
    still resolves, here to exclude the spammer, who then proposes nothing more."""
    outsider, spammer = accounts[5], accounts[4]
    with reverts("ProposerNotMember"):
        propose(coop, outsider, nothing(), "Spam from outside")
    join(coop, spammer, 1, board)
    spam = [propose(coop, spammer, nothing(), f"Spam {i}")[0] for i in range(15)]
    with reverts("GovernorUnexpectedProposalState"):
        propose(coop, spammer, nothing(), "Spam 0")
    resolve(coop, [(coop.membership, "exclude", (spammer,))], "Exclude the spammer", founders)
    with reverts("ProposerNotMember"):
        propose(coop, spammer, nothing(), "More spam")
    assert {state(coop, p) for p in spam} == {"Defeated"}  # nobody voted on them
    assert coop.votes.votingMembers() == 3
