"""A fix reaches a live cooperative: the assembly, and only the assembly by a statute change, moves its
contracts to corrected code, keeping addresses, members, capital accounts, claims, votes and history; the
audit lists every move and checks the code it moved to."""

import pytest
from brownie import (
    CoinRefuser,
    Contract,
    CoopGovernor,
    CoopMembership,
    CoopMembershipRevised,
    CoopTimelock,
    CoopToken,
    CoopVotes,
    accounts,
    chain,
    web3,
)
from conftest import (
    AGAINST,
    ETHER,
    FOR,
    enact,
    end_voting,
    join,
    propose,
    resolve,
    reverts,
    start_voting,
    state,
)

from dao_cli.books import audit
from dao_cli.books.chainlog import ChainReader
from dao_cli.coop.code import implementation_of

ROLES = ("membership", "votes", "token", "governor", "timelock")
STATUTE = 2  # the resolution kind of a statute change


@pytest.fixture
def reader(tmp_path):
    with ChainReader(web3.provider.endpoint_uri, cache_dir=tmp_path / "cache") as r:
        yield r


def fresh_implementation(coop, role, deployer):
    """A new deployment of the code this checkout ships for `role` (as a later release would deploy it)."""
    if role == "governor":
        return CoopGovernor.deploy(*coop.governor.sharedContracts(), {"from": deployer})
    container = {
        "membership": CoopMembership,
        "votes": CoopVotes,
        "token": CoopToken,
        "timelock": CoopTimelock,
    }
    return container[role].deploy({"from": deployer})


def move(coop, role, implementation):
    """The call of a resolution that moves `role` to `implementation`."""
    return (getattr(coop, role), "upgradeToAndCall", (implementation, b""))


def everything(coop, people):
    """What members, auditors and front ends read through the five contracts, for each of `people`."""
    m, v, t, g, tl = (getattr(coop, r) for r in ROLES)
    per_person = [
        (
            m.memberOf(p),
            m.applicationOf(p),
            m.refundClaimOf(p),
            m.returnedEscrowOf(p),
            v.hasVotingRights(p),
            v.delegates(p),
            v.getVotes(p),
            v.principalsOf(p),
            t.balanceOf(p),
        )
        for p in people
    ]
    settings = (
        m.terms(),
        m.memberCount(),
        m.totalShares(),
        m.totalPaidIn(),
        m.claimsTotal(),
        m.escrowTotal(),
        m.governance(),
        m.votes(),
        m.board(),
        v.votingMembers(),
        v.maxPrincipals(),
        v.register(),
        t.totalSupply(),
        t.owner(),
        t.name(),
        t.cap(),
        g.name(),
        g.votingDelay(),
        g.votingPeriod(),
        g.quorumNumerator(),
        g.timelock(),
        g.token(),
        tl.getMinDelay(),
        web3.eth.get_balance(tl.address),
        web3.eth.get_balance(m.address),
    )
    return per_person, settings


@pytest.fixture
def lived(coop, founders, board, deployer):
    """A cooperative with some history: a fourth member who appointed a proxy, a member who left with a
    refund claim still open, tokens in the treasury and a member's hands, coin in the treasury."""
    join(coop, accounts[4], 2, board)
    coop.votes.delegate(founders[0], {"from": accounts[4]})
    join(coop, accounts[5], 1, board)
    coop.membership.giveNotice({"from": accounts[5]})
    chain.sleep(coop.membership.memberOf(accounts[5])[4] - chain.time() + 1)
    chain.mine()
    coop.membership.completeExit(accounts[5], {"from": deployer})
    deployer.transfer(coop.timelock, 3 * ETHER)
    resolve(coop, [(coop.token, "mint", (founders[1], 7 * ETHER))], "Tokens", founders)
    return [*founders, accounts[4], accounts[5], accounts[6]]


def test_the_assembly_moves_all_five_contracts_keeping_everything(coop, founders, deployer, lived, reader):
    before = everything(coop, lived)
    old = {role: implementation_of(web3, getattr(coop, role).address) for role in ROLES}
    revised = CoopMembershipRevised.deploy({"from": deployer})
    new = {role: fresh_implementation(coop, role, deployer) for role in ROLES if role != "membership"}
    new["membership"] = revised
    calls = [move(coop, role, new[role]) for role in ROLES]
    proposal_id, _ = propose(coop, founders[0], calls, "Corrected code")
    assert coop.governor.proposalKind(proposal_id) == STATUTE
    executed = resolve(coop, calls, "Corrected code, again", founders)
    assert {e["implementation"] for e in executed.events["Upgraded"]} == {c.address for c in new.values()}

    for role in ROLES:
        now = implementation_of(web3, getattr(coop, role).address)
        assert now == new[role].address != old[role]
    assert everything(coop, lived) == before
    # the corrected code takes effect at the same address
    revised_abi = Contract.from_abi("revised", coop.membership.address, CoopMembershipRevised.abi)
    assert revised_abi.revision() == 2
    # and the moved contracts keep working together: a new resolution, with the proxy's two votes
    proposal_id, proposal = propose(
        coop, accounts[4], [(accounts[8].address, ETHER, b"")], "Pay after the move"
    )
    start_voting(coop)
    assert coop.governor.castVote(proposal_id, FOR, {"from": founders[0]}).events["VoteCast"]["weight"] == 2
    end_voting(coop)
    balance = accounts[8].balance()
    enact(coop, proposal, founders[0])
    assert accounts[8].balance() == balance + ETHER

    # the audit lists each move, by which resolution, and checks the code moved to
    d = coop.deployment
    events = audit.load_events(reader, d)
    books = audit.replay(d, events)
    moves = [m for m in books.code_moves if not m["at_creation"]]
    assert sorted(m["contract"] for m in moves) == sorted(ROLES)
    assert {m["resolution"] for m in moves} == {3}  # after the tokens and the first, unvoted, proposal
    findings = {f["check"]: f for f in audit.verify_code(web3, d, books) if f["check"].startswith("code")}
    assert not findings["code: membership"]["ok"]  # the revised member list is not the shipped code
    assert not findings["code change: membership"]["ok"]
    assert "NOT CoopMembership" in findings["code change: membership"]["message"]
    for role in ROLES[1:]:
        assert findings[f"code: {role}"]["ok"] and findings[f"code change: {role}"]["ok"], role
        assert findings[f"code history: {role}"]["ok"], role


def test_a_move_to_shipped_code_passes_the_audit(coop, founders, deployer, reader):
    votes = fresh_implementation(coop, "votes", deployer)
    resolve(coop, [move(coop, "votes", votes)], "New votes", founders)
    d = coop.deployment
    report = audit.build(web3, reader, d, "test")
    assert [f for f in report["findings"] if not f["ok"]] == []
    [moved] = [m for m in report["code_changes"] if not m["at_creation"]]
    assert (moved["contract"], moved["implementation"], moved["resolution"]) == ("votes", votes.address, 1)


def test_an_ordinary_majority_cannot_move_a_contract(coop, founders, deployer, board):
    join(coop, accounts[4], 1, board)
    votes = fresh_implementation(coop, "votes", deployer)
    # hidden among ordinary calls, or aimed at a contract outside the cooperative: a move is a statute
    # change all the same
    hidden = [(accounts[8].address, 0, b""), move(coop, "votes", votes)]
    elsewhere = CoinRefuser.deploy({"from": deployer})
    foreign = [(elsewhere.address, 0, coop.votes.upgradeToAndCall.encode_input(votes, b""))]
    for calls in (hidden, foreign):
        proposal_id, _ = propose(coop, founders[0], calls, f"Move {len(calls)}")
        assert coop.governor.proposalKind(proposal_id) == STATUTE
    # two thirds of the votes cast carry an ordinary resolution, not this one
    proposal_id, _ = propose(coop, founders[0], hidden, "Move by two thirds")
    start_voting(coop)
    for voter in founders[:2]:
        coop.governor.castVote(proposal_id, FOR, {"from": voter})
    coop.governor.castVote(proposal_id, AGAINST, {"from": accounts[4]})
    end_voting(coop)
    assert state(coop, proposal_id) == "Defeated"
    assert implementation_of(web3, coop.votes.address) != votes.address


REFUSALS = {
    "membership": "NotGovernance",
    "votes": "NotGovernance",
    "token": "OwnableUnauthorizedAccount",
    "governor": "GovernorOnlyExecutor",
    "timelock": "NotGovernance",
}


@pytest.mark.parametrize("role", ROLES)
def test_nobody_but_a_resolution_can_move_a_contract(coop, founders, deployer, board, factory, role):
    """Not the factory's deployer, not the board, not a member, and not the timelock itself through the
    implementation behind the proxy."""
    implementation = fresh_implementation(coop, role, deployer)
    target = getattr(coop, role)
    for caller in (deployer, board, founders[0]):
        with reverts(REFUSALS[role]):
            target.upgradeToAndCall(implementation, b"", {"from": caller})
    # not even the timelock, through the implementation behind the proxy (funded: Ganache charges gas)
    deployer.transfer(coop.timelock, ETHER // 10)
    behind = Contract.from_abi("behind", implementation_of(web3, target.address), target.abi)
    with reverts("UUPSUnauthorizedCallContext"):
        behind.upgradeToAndCall(implementation, b"", {"from": coop.timelock.address})
    assert implementation_of(web3, target.address) != implementation.address


@pytest.mark.parametrize("what", ["a contract that cannot move again", "an address without code"])
def test_a_move_to_code_that_cannot_move_again_fails_and_changes_nothing(coop, founders, deployer, what):
    box = CoinRefuser.deploy({"from": deployer})
    implementation = box.address if what.startswith("a contract") else accounts[8].address
    before = implementation_of(web3, coop.membership.address)
    calls = [move(coop, "membership", implementation)]
    proposal_id, proposal = propose(coop, founders[0], calls, "Move to the wrong code")
    start_voting(coop)
    for voter in founders:
        coop.governor.castVote(proposal_id, FOR, {"from": voter})
    end_voting(coop)
    error = "ERC1967InvalidImplementation" if what.startswith("a contract") else "FailedCall"
    with reverts(error):
        enact(coop, proposal, founders[0])
    assert implementation_of(web3, coop.membership.address) == before
    assert state(coop, proposal_id) == "Queued"
    assert coop.membership.memberCount() == 3  # the proposal stays queued: to cancel, or to expire
