"""The cooperative's books from the chain alone, as one audit: its history replayed into the member list
(GenG §30) and the capital accounts (`replay`), the minutes of every resolution (GenG §47, `minutes`), the
treasury and the token (`treasury`), and checks that the replay, the deployed code and the roles are what
they must be (`verification`, against what the contracts report now, `reads`).

The replay (`Books`) is a pure function of the decoded events, so it can be run up to any block or date, and
compared with what the contracts report: an event left out or invented shows up as a finding. Nothing local
is needed: the cooperative is found from any one of its addresses (`locate`), the events come from
`chainlog`, and the few reads the minutes need are batched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..chain import artifacts
from ..coop.deploy import ROLES
from ..errors import CoopError
from .minutes import minutes
from .reads import read_state
from .replay import replay
from .treasury import history_rows, treasury
from .verification import verify_code, verify_powers, verify_replay

if TYPE_CHECKING:
    from web3 import Web3

    from ..coop.deploy import Deployment


# --------------------------------------------------------------------------------------- finding the coop


def locate(w3: Web3, reader: Any, address: str) -> Deployment:
    """The whole cooperative from any one of its five addresses, read from the chain: the factory's
    `CooperativeCreated` event names all five. It is found among the logs (which every node keeps), not by
    reading code at past blocks (which a node without historical state cannot)."""
    from eth_utils import event_abi_to_log_topic

    from ..chain.calls import checked_address
    from ..coop.deploy import ROLES as DEPLOYMENT_ROLES
    from ..coop.deploy import Deployment

    address = checked_address(address, "cooperative address")
    if not w3.eth.get_code(address):
        raise CoopError(f"no contract at {address} on chain {w3.eth.chain_id} (read from {reader.url})")
    factory = w3.eth.contract(abi=artifacts.abi("CoopFactory"))
    created = factory.events.CooperativeCreated()
    topic = "0x" + event_abi_to_log_topic(created.abi).hex()
    for log in reader.logs_with_topic(topic, 0, reader.head()):
        try:
            args = created.process_log(log)["args"]
        except Exception:  # the same topic from a contract of another layout
            continue
        if address in (args[role] for role in DEPLOYMENT_ROLES):
            return Deployment(
                chain_id=w3.eth.chain_id,
                block=int(str(log["blockNumber"]), 0),
                **{role: args[role] for role in DEPLOYMENT_ROLES},
            )
    raise CoopError(f"{address} was not created by a coopdao factory on chain {w3.eth.chain_id}")


# --------------------------------------------------------------------------------------- the whole audit


def load_events(
    reader: Any,
    deployment: Deployment,
    to_block: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Every event of the cooperative's four contracts from its creation block, decoded, in order, with the
    block's time, the transaction's sender (`actor`) and the contract's role."""
    addresses = [getattr(deployment, role) for role in ROLES]
    events = reader.events(addresses, deployment.block, to_block, progress=progress)
    # the senders first: where blocks are read whole for them, their times come with them
    senders = reader.senders((e["tx"] for e in events), blocks={e["tx"]: e["block"] for e in events})
    times = reader.block_times(e["block"] for e in events)
    role_of = {getattr(deployment, role): role for role in ROLES}
    for e in events:
        e["time"] = times[e["block"]]
        e["actor"] = senders[e["tx"].lower()] if e["tx"].lower() in senders else senders.get(e["tx"])
        e["contract"] = role_of.get(e["address"], e["address"])
    return events


def resolve_at(reader: Any, at: str | None) -> int:
    """The block an `--at` names: a block number, or a date/time (UTC) meaning the last block at or before
    it (binary search over block times); the head when None."""
    from datetime import UTC, datetime

    head = reader.head()
    if at is None:
        return head
    text = str(at).strip()
    if text.isdigit():
        block = int(text)
        if block > head:
            raise CoopError(f"block {block} is beyond the chain's head ({head})")
        return block
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CoopError(
            f"--at takes a block number or a date such as 2027-01-31 or 2027-01-31T12:00, got {at!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    target = int(moment.timestamp())
    if reader.block_times([0])[0] > target:
        raise CoopError(f"{at} is before the chain's first block")
    low, high = 0, head
    while low < high:
        middle = (low + high + 1) // 2
        if reader.block_times([middle])[middle] <= target:
            low = middle
        else:
            high = middle - 1
    return low


def build(
    w3: Web3,
    reader: Any,
    deployment: Deployment,
    name: str,
    at_block: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The whole audit at `at_block` (the head if None), in the shape `report.write_report` and the
    `coop audit` commands show: members, capital, minutes, treasury, token, series, findings, history."""
    block = reader.head() if at_block is None else at_block
    if events is None:
        events = load_events(reader, deployment, block, progress)
    events = [e for e in events if e["block"] <= block]
    block_time = reader.block_times([block])[block]
    books = replay(deployment, events)
    try:
        state = read_state(w3, deployment, books, block, block_time, reader.batch)
    except CoopError as exc:
        from ..chain.jsonrpc import lacks_state

        if not lacks_state(exc):
            raise
        raise CoopError(
            f"the node at {reader.url} keeps no contract state for block {block} (it is pruned or was "
            "restarted): the books at a past block are held against the contracts only with an archive node; "
            "the member list and capital at any block need none (`coop audit members --at`)"
        ) from None
    amounts = units(w3, deployment)
    findings = (
        verify_replay(books, state)
        + verify_powers(books, state, deployment)
        + verify_code(w3, deployment, books)
    )
    flows, series = treasury(reader, deployment, books, block, block_time, amounts["currency"]["symbol"])
    return {
        "cooperative": {
            "name": name,
            "chain_id": deployment.chain_id,
            "rpc_url": reader.url,
            "contracts": {role: getattr(deployment, role) for role in ROLES},
            "created_block": deployment.block,
            "created_at": reader.block_times([deployment.block])[deployment.block],
        },
        "block": block,
        "block_time": block_time,
        **amounts,
        "members": books.member_rows(),
        "capital": books.capital(),
        "minutes": minutes(w3, deployment, books, state, reader.batch, block, block_time),
        "treasury": {"flows": flows},
        "token_events": books.token_events,
        "code_changes": books.code_moves,
        "series": {**books.series, "treasury": series},
        "findings": findings,
        "history": history_rows(events),
    }


def units(w3: Web3, deployment: Deployment) -> dict[str, Any]:
    """What the books' amounts are counted in: {"currency": share payments, "token": the coop token}."""
    token = w3.eth.contract(address=deployment.token, abi=artifacts.abi("CoopToken"))
    return {
        "currency": currency_of(w3, deployment),
        "token": {"symbol": token.functions.symbol().call(), "decimals": token.functions.decimals().call()},
    }


def currency_of(w3: Web3, deployment: Deployment) -> dict[str, Any]:
    membership = w3.eth.contract(address=deployment.membership, abi=artifacts.abi("CoopMembership"))
    payment = membership.functions.terms().call()[0]
    if int(payment, 16) == 0:
        return {"symbol": "ETH", "decimals": 18}
    token = w3.eth.contract(address=payment, abi=artifacts.abi("CoopToken"))
    return {"symbol": token.functions.symbol().call(), "decimals": token.functions.decimals().call()}
