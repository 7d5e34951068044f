"""The treasury's flows and balance over time, and the whole history as rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..coop.deploy import Deployment
    from .replay import Books


def treasury(
    reader: Any, deployment: Deployment, books: Books, block: int, block_time: int, currency: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The treasury's flows, with the resolution that authorised each outflow, and its coin balance over
    time, from the events alone: coin comes in with the treasury's `FundsReceived` (and capital the member
    list moves there), and leaves only by executed calls (`CallExecuted`).

    At the head, the balance the chain reports is held against the events: coin that arrived without an
    event (sent before the treasury existed, or forced in by another contract's self-destruct) is shown as an
    inflow of its own, with no payer."""
    names = {"coin": "ETH", "capital": currency, "token": "token"}
    flows = [{**f, "asset": names[f["asset"]]} for f in books.coin_flows if f["block"] <= block]
    created = reader.block_times([deployment.block])[deployment.block]
    balance = 0
    series = [{"time": created, "block": deployment.block, "balance": 0}]
    for f in sorted((f for f in flows if f["asset"] == "ETH"), key=lambda f: f["block"]):
        balance += f["amount"] if f["direction"] == "in" else -f["amount"]
        if series[-1]["block"] == f["block"]:
            series[-1]["balance"] = balance
        else:
            series.append({"time": f["time"], "block": f["block"], "balance": balance})
    if block == reader.head():
        actual = reader.balances(deployment.timelock, [block])[block]
        if actual != balance:
            flows.append(
                {
                    "block": block,
                    "time": block_time,
                    "tx": None,
                    "direction": "in" if actual > balance else "out",
                    "asset": "ETH",
                    "amount": abs(actual - balance),
                    "counterparty": None,
                    "resolution": None,
                }
            )
            series.append({"time": block_time, "block": block, "balance": actual})
    if series[-1]["block"] != block:
        series.append({"time": block_time, "block": block, "balance": series[-1]["balance"]})
    return sorted(flows, key=lambda f: (f["block"], f["direction"] != "in")), series


def history_rows(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history as rows: block, time, transaction, actor, contract, event and its arguments."""
    return [
        {
            "block": e["block"],
            "time": e["time"],
            "tx": e["tx"],
            "actor": e.get("actor"),
            "contract": e.get("contract"),
            "event": e["event"],
            "args": e["args"],
        }
        for e in events
    ]
