"""What the contracts report now, read in batches (`State`), for the verification to compare the replay
with, and the batched call both the reads and the minutes use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..chain import artifacts
from ..coop.cooperative import Cooperative

if TYPE_CHECKING:
    from web3 import Web3

    from ..coop.deploy import Deployment
    from .replay import Books


@dataclass
class State:
    """What the contracts themselves report at a block (whose time is `time`), to hold the replay against."""

    block: int
    time: int
    totals: dict[str, int]
    members: dict[str, dict[str, Any]]
    resolutions: dict[int, dict[str, Any]]
    roles: dict[str, bool]


def read_state(
    w3: Web3,
    deployment: Deployment,
    books: Books,
    block: int,
    time: int,
    batch: Callable[[list[tuple[str, list[Any]]]], list[Any]],
) -> State:
    """The contracts' own totals, each replayed member's entry, each resolution's state and counts, and
    who holds the powers, at `block` (of `time`). The entries and counts are read by the reader contract,
    hundreds to a call (`Cooperative.member_entries`: 10,000 members were 20,000 calls); the totals and
    powers go out in JSON-RPC batches through `batch`."""

    membership = w3.eth.contract(address=deployment.membership, abi=artifacts.abi("CoopMembership"))
    votes = w3.eth.contract(address=deployment.votes, abi=artifacts.abi("CoopVotes"))
    token = w3.eth.contract(address=deployment.token, abi=artifacts.abi("CoopToken"))
    governor = w3.eth.contract(address=deployment.governor, abi=artifacts.abi("CoopGovernor"))
    timelock = w3.eth.contract(address=deployment.timelock, abi=artifacts.abi("CoopTimelock"))
    reads: list[tuple[str, Any, str]] = []  # (key, function call, output type)

    def want(key: str, call: Any, output: str) -> None:
        reads.append((key, call, output))

    m, t, g = membership.functions, token.functions, governor.functions
    want("member_count", m.memberCount(), "uint256")
    want("voting_members", votes.functions.votingMembers(), "uint256")
    want("total_shares", m.totalShares(), "uint256")
    want("paid_in", m.totalPaidIn(), "uint256")
    want("escrow", m.escrowTotal(), "uint256")
    want("claims", m.claimsTotal(), "uint256")
    want("token_supply", t.totalSupply(), "uint256")
    admin = timelock.functions.DEFAULT_ADMIN_ROLE().call()
    holders = {a for (c, role), accounts in books.roles.items() if c == "timelock" for a in accounts}
    for account in holders | {deployment.governor, deployment.membership, deployment.votes, deployment.token}:
        want(f"admin:{account}", timelock.functions.hasRole(admin, account), "bool")
    want("token_owner", t.owner(), "address")
    want("governance", m.governance(), "address")
    want("executor", g.timelock(), "address")
    want("vote_source", g.token(), "address")
    want("votes_register", votes.functions.register(), "address")
    want("register_votes", m.votes(), "address")

    results = call_batch(batch, [(c, output) for _, c, output in reads], block)
    values: dict[str, Any] = {key: value for (key, _, _), value in zip(reads, results, strict=True)}
    from eth_utils import to_checksum_address

    # every member's entry and every resolution's counts in a few calls of the reader contract
    coop = Cooperative(w3, deployment)
    entries = coop.member_entries(list(books.members), block)
    members = {
        address: {key: entry[key] for key in ("status", "shares", "paid", "exit_at", "refund_claim")}
        for address, entry in zip(books.members, entries, strict=True)
    }
    counted = coop.resolution_entries(list(books.resolutions), block)
    resolutions = {
        pid: {"state": r["state"], "tally": {key: r[key] for key in ("for", "against", "abstain")}}
        for pid, r in zip(books.resolutions, counted, strict=True)
    }
    roles = {key.split(":", 1)[1]: value for key, value in values.items() if key.startswith("admin:")}
    totals = {
        k: values[k]
        for k in (
            "member_count",
            "voting_members",
            "total_shares",
            "paid_in",
            "escrow",
            "claims",
            "token_supply",
        )
    }
    linked = ("token_owner", "governance", "executor", "vote_source", "votes_register", "register_votes")
    totals_addresses = {k: to_checksum_address(values[k]) for k in linked}
    return State(block, time, {**totals, **totals_addresses}, members, resolutions, roles)


def call_batch(
    batch: Callable[[list[tuple[str, list[Any]]]], list[Any]], calls: list[tuple[Any, str]], block: int | str
) -> list[Any]:
    """Contract reads [(web3 function call, output type)] at `block` (a number, or "latest"), sent as
    JSON-RPC batches, decoded."""
    from eth_abi import decode

    if not calls:
        return []
    at = hex(block) if isinstance(block, int) else block
    requests = [("eth_call", [{"to": c.address, "data": c._encode_transaction_data()}, at]) for c, _ in calls]
    answers = batch(requests)
    return [
        decode([output], bytes.fromhex(str(raw).removeprefix("0x")))[0]
        for (_, output), raw in zip(calls, answers, strict=True)
    ]
