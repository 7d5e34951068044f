"""The main job, told step by step: a cooperative founded, members joining, a resolution carried out.

Runs on a local development chain (Anvil or Ganache), whose unlocked accounts play the people and whose
clock can be moved forward. `make demo` runs it through brownie; the same function serves the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..chain.connection import advance_time
from ..chain.transact import Sender
from ..chain.units import date, from_base_units
from .cooperative import Cooperative
from .deploy import ROLES, create_cooperative, deploy_factory
from .statute import sample_statute

if TYPE_CHECKING:
    from web3 import Web3


def _tx(receipt: Any) -> str:
    tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
    return f"tx {tx_hash[:12]}…, gas {receipt['gasUsed']:,}"


def run_demo(w3: Web3, people: Sequence[str], say: Callable[[str], None] = print) -> dict[str, Any]:
    """Found a cooperative with `people` (at least 8 unlocked accounts) and tell its first year: members
    join, a project is funded, two statute changes are voted (one fails the 3/4 majority, one passes), and a
    member gives notice, exits and is refunded.

    Returns what happened, for tests: the deployment, the resolutions and the refund.
    """
    if len(people) < 8:
        raise ValueError("the demo needs 8 development accounts")
    deployer, alice, bob, carol, dave, erin, frank, garden = (Sender(a) for a in people[:8])
    names = {
        alice.address: "Alice",
        bob.address: "Bob",
        carol.address: "Carol",
        dave.address: "Dave",
        erin.address: "Erin",
        frank.address: "Frank",
    }

    statute = sample_statute("Solarpark Nord eG", [alice.address, bob.address, carol.address])
    coin = "ETH"

    say(f"Chain {w3.eth.chain_id}, block {w3.eth.block_number}: founding {statute.name!r}")
    factory = deploy_factory(w3, deployer)
    say(f"  the cooperative factory is deployed at {factory} (once per chain)")
    d = create_cooperative(w3, deployer, factory, statute)
    say(f"  Alice, Bob and Carol found the cooperative in one transaction (block {d.block}):")
    for role in ROLES:
        say(f"    {role:<10} {getattr(d, role)}")
    coop = Cooperative(w3, d)
    price = coop.share_price()

    say(f"\nThe founders pay in their shares ({from_base_units(price)} {coin} each):")
    for founder in (alice, bob, carol):
        say(f"  {names[founder.address]} pays in ({_tx(coop.pay_in(founder))})")

    say("\nNew members apply; the board (Alice) decides:")
    for person, shares in ((dave, 4), (erin, 1), (frank, 2)):
        receipt = coop.apply(person, shares, w3.keccak(text=f"signed application of {person.address}"))
        say(
            f"  {names[person.address]} applies for {shares} share{'s' if shares > 1 else ''}, "
            f"{from_base_units(shares * price)} {coin} into escrow ({_tx(receipt)})"
        )
    say(f"  the board admits Dave ({_tx(coop.admit(alice, dave.address))})")
    say(f"  the board admits Erin ({_tx(coop.admit(alice, erin.address))})")
    say(f"  the board rejects Frank; his escrow is held for him ({_tx(coop.reject(alice, frank.address))})")
    say(f"  Frank collects his escrow ({_tx(coop.collect_escrow(frank))})")
    members = coop.votes.functions.votingMembers().call()
    shares = coop.membership.functions.totalShares().call()
    capital = coop.membership.functions.totalPaidIn().call()
    say(f"  {members} members, {shares} shares, {from_base_units(capital)} {coin} paid-in capital")
    say("  one member, one vote: Dave holds 4 shares and 1 vote")

    receipt = coop.fund_treasury(frank, 10 * 10**18)
    say(f"\nA supporter gives 10 {coin} to the treasury ({_tx(receipt)})")

    grant = 3 * 10**18
    say(f"\nCarol proposes to pay {from_base_units(grant)} {coin} for a community garden:")
    description = "Fund the community garden at the solar park (3 ETH)"
    proposal_id = coop.propose(carol, [_payment(garden.address, grant)], description)
    say(f"  proposal {proposal_id}")
    say(f"  state: {coop.state(proposal_id)}, kind: {coop.tally(proposal_id)['kind']}")
    advance_time(w3, statute.voting_delay + 1)
    say(f"  one day later voting opens: {coop.state(proposal_id)}")
    for person, choice in ((alice, "for"), (bob, "for"), (dave, "for"), (erin, "against")):
        say(f"  {names[person.address]} votes {choice} ({_tx(coop.vote(person, proposal_id, choice))})")
    advance_time(w3, statute.voting_period)
    tally = coop.tally(proposal_id)
    say(
        f"  voting closes: {tally['for']} for, {tally['against']} against, {tally['abstain']} abstain"
        f" -> {coop.state(proposal_id)}"
    )
    say(f"  queued in the timelock ({_tx(coop.queue(bob, proposal_id))})")
    advance_time(w3, statute.timelock_delay + 1)
    before = w3.eth.get_balance(garden.address)
    say(f"  two days later it is executed ({_tx(coop.execute(bob, proposal_id))})")
    received = w3.eth.get_balance(garden.address) - before
    say(f"  the garden received {from_base_units(received)} {coin}; state: {coop.state(proposal_id)}")
    say(f"  the treasury holds {from_base_units(coop.treasury_balance())} {coin}")
    garden_state = coop.state(proposal_id)

    say("\nTwo statute changes need 3/4 of the votes cast (GenG §16):")
    price = coop.share_price()
    raise_price = coop.encode("membership", "setSharePrice", price * 6 // 5)
    failed_id = _resolution(
        coop,
        w3,
        statute,
        bob,
        [raise_price],
        f"Raise the share price to {from_base_units(price * 6 // 5)} ETH",
        ((alice, "for"), (bob, "for"), (erin, "against"), (dave, "abstain")),
        names,
        say,
    )
    longer_notice = coop.encode("membership", "setNoticePeriod", 6)
    passed_id = _resolution(
        coop,
        w3,
        statute,
        alice,
        [longer_notice],
        "Extend the notice period to 6 months",
        ((alice, "for"), (bob, "for"), (carol, "for"), (erin, "against")),
        names,
        say,
    )
    say(f"  the notice period is now {coop.terms()['notice_months']} months")

    say("\nErin leaves (GenG §65, §73):")
    say(f"  Erin gives notice ({_tx(coop.give_notice(erin))})")
    exit_at = coop.member(erin.address)["exit_at"]
    say(f"  her exit takes effect at the end of the fiscal year after 6 months: {date(exit_at)}")
    now = w3.eth.get_block("latest")["timestamp"]
    advance_time(w3, exit_at - now + 1)
    say(f"  time passes; anyone may complete the due exit ({_tx(coop.complete_exit(dave, erin.address))})")
    claim = coop.member(erin.address)["refund_claim"]
    say(f"  Erin's refund claim: {from_base_units(claim)} {coin}, her paid-in capital")
    before = w3.eth.get_balance(erin.address)
    receipt = coop.claim_refund(erin)
    refunded = w3.eth.get_balance(erin.address) - before + receipt["gasUsed"] * receipt["effectiveGasPrice"]
    say(f"  she claims it and receives {from_base_units(refunded)} {coin} ({_tx(receipt)})")
    members = coop.votes.functions.votingMembers().call()
    treasury = from_base_units(coop.treasury_balance())
    say(f"  the cooperative has {members} members; the treasury holds {treasury} {coin}")
    return {
        "deployment": d,
        "proposal_id": proposal_id,
        "state": garden_state,
        "received": received,
        "statute_changes": {"failed": coop.state(failed_id), "passed": coop.state(passed_id)},
        "refunded": refunded,
    }


def _resolution(
    coop: Cooperative,
    w3: Web3,
    statute: Any,
    proposer: Sender,
    actions: list[Any],
    title: str,
    votes: Sequence[tuple[Sender, str]],
    names: dict[str, str],
    say: Callable[[str], None],
) -> int:
    """Propose, vote and, if it passes, carry out a resolution, telling each step."""
    proposal_id = coop.propose(proposer, actions, title)
    kind = coop.tally(proposal_id)["kind"]
    say(f"  {names[proposer.address]} proposes: {title} ({kind})")
    advance_time(w3, statute.voting_delay + 1)
    for person, choice in votes:
        coop.vote(person, proposal_id, choice)
    advance_time(w3, statute.voting_period)
    tally = coop.tally(proposal_id)
    state = coop.state(proposal_id)
    ballots = ", ".join(f"{names[p.address]} {c}" for p, c in votes)
    say(f"    votes: {ballots} -> {tally['for']} for, {tally['against']} against: {state}")
    if state == "succeeded":
        coop.queue(proposer, proposal_id)
        advance_time(w3, statute.timelock_delay + 1)
        say(f"    queued, and executed after the timelock delay ({_tx(coop.execute(proposer, proposal_id))})")
    return proposal_id


def _payment(to: str, amount: int) -> Any:
    from ..chain.calls import Action

    return Action(to, amount, b"")
