"""The main job, told step by step: a cooperative founded, members joining, a resolution carried out.

Runs on a local development chain (Anvil or Ganache), whose unlocked accounts play the people and whose
clock can be moved forward. `make demo` runs it through brownie; the same function serves the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .chain import advance_time
from .cooperative import Cooperative
from .deploy import create_cooperative, deploy_factory
from .statute import parse_statute
from .transact import Sender
from .units import from_base_units

if TYPE_CHECKING:
    from web3 import Web3

SAMPLE_STATUTE = Path(__file__).resolve().parent.parent / "scripts" / "sample_statute.yaml"


def _tx(receipt: Any) -> str:
    tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
    return f"tx {tx_hash[:12]}…, gas {receipt['gasUsed']:,}"


def run_demo(
    w3: Web3,
    people: Sequence[str],
    statute_path: str | Path = SAMPLE_STATUTE,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Found a cooperative with `people` (at least 8 unlocked accounts) and run one resolution to execution.

    Returns what happened, for tests: the deployment, the proposal id and its final state.
    """
    import yaml

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

    data = yaml.safe_load(Path(statute_path).read_text())
    data["founders"] = [alice.address, bob.address, carol.address]
    data["board"] = alice.address
    statute = parse_statute(data)
    coin = "ETH"

    say(f"Chain {w3.eth.chain_id}, block {w3.eth.block_number}: founding {statute.name!r}")
    factory = deploy_factory(w3, deployer)
    say(f"  the cooperative factory is deployed at {factory} (once per chain)")
    d = create_cooperative(w3, deployer, factory, statute)
    say(f"  Alice, Bob and Carol found the cooperative in one transaction (block {d.block}):")
    for role in ("membership", "token", "governor", "timelock"):
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
    say(f"  the board rejects Frank; his escrow goes back ({_tx(coop.reject(alice, frank.address))})")
    members = coop.membership.functions.votingMembers().call()
    shares = coop.membership.functions.totalShares().call()
    capital = coop.membership.functions.totalPaidIn().call()
    say(f"  {members} members, {shares} shares, {from_base_units(capital)} {coin} paid-in capital")
    say("  one member, one vote: Dave holds 4 shares and 1 vote")

    receipt = w3.eth.wait_for_transaction_receipt(
        w3.eth.send_transaction({"from": frank.address, "to": d.timelock, "value": 10 * 10**18})
    )
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
    return {
        "deployment": d,
        "proposal_id": proposal_id,
        "state": coop.state(proposal_id),
        "received": received,
    }


def _payment(to: str, amount: int) -> Any:
    from .cooperative import Action

    return Action(to, amount, b"")
