"""The minutes of every resolution (GenG §47): what was proposed, its kind and majority, every ballot and
how it ended."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..chain import artifacts
from .reads import call_batch

if TYPE_CHECKING:
    from web3 import Web3

    from ..coop.deploy import Deployment
    from .reads import State
    from .replay import Books

MAJORITY = {"ordinary": "1/2", "statute-change": "3/4", "new-duties": "9/10", "dissolution": "3/4"}


def minutes(
    w3: Web3,
    deployment: Deployment,
    books: Books,
    state: State,
    batch: Callable[[list[tuple[str, list[Any]]]], list[Any]],
    block: int,
    block_time: int,
) -> list[dict[str, Any]]:
    """The minutes of every resolution (GenG §47): kind, required majority, quorum and the members with a
    vote at its snapshot, the counts, who voted how (and for whom, as proxy), the outcome, the execution."""

    governor = w3.eth.contract(address=deployment.governor, abi=artifacts.abi("CoopGovernor"))
    votes = w3.eth.contract(address=deployment.votes, abi=artifacts.abi("CoopVotes"))
    closed = [r for r in books.resolutions.values() if r.snapshot < block_time]
    calls = []
    for r in closed:
        calls.append((governor.functions.quorum(r.snapshot), "uint256"))
        calls.append((votes.functions.getPastTotalSupply(r.snapshot), "uint256"))
    # what a snapshot fixed never changes, so the head answers it: no historical state is needed
    numbers = call_batch(batch, calls, "latest")
    fixed = {r.id: (numbers[2 * i], numbers[2 * i + 1]) for i, r in enumerate(closed)}
    rows = []
    for r in books.resolutions.values():
        quorum, eligible = fixed.get(r.id, (None, None))
        rows.append(
            {
                "number": r.number,
                "id": str(r.id),
                "title": r.title,
                "proposer": r.proposer,
                "kind": r.kind,
                "required_majority": MAJORITY.get(r.kind, "?"),
                "quorum": quorum,
                "eligible": eligible,
                "for": r.tally.get("for", 0),
                "against": r.tally.get("against", 0),
                "abstain": r.tally.get("abstain", 0),
                "state": state.resolutions[r.id]["state"],
                "proposed_at": r.proposed_at,
                "proposed_tx": r.proposed_tx,
                "snapshot": r.snapshot,
                "deadline": r.deadline,
                "queued_tx": r.queued_tx,
                "executed_tx": r.executed_tx,
                "votes": r.votes,
            }
        )
    return rows
