"""Events decoded against the shipped ABIs: what a transaction did, in the contracts' own words.

The CLI shows them after each transaction; the audit reads the same decoding for the whole history.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from . import artifacts


@cache
def _events_by_topic() -> dict[tuple[bytes, int], dict[str, Any]]:
    """Event ABIs by (topic 0, number of indexed inputs): ERC-20 and ERC-721 `Transfer` share a topic."""
    from eth_utils import event_signature_to_log_topic

    table: dict[tuple[bytes, int], dict[str, Any]] = {}
    for contract in artifacts.CONTRACTS:
        for item in artifacts.abi(contract):
            if item.get("type") == "event" and not item.get("anonymous"):
                types = ",".join(artifacts.param_type(i) for i in item["inputs"])
                topic = event_signature_to_log_topic(f"{item['name']}({types})")
                indexed = sum(1 for i in item["inputs"] if i.get("indexed"))
                table.setdefault((topic, indexed), item)
    return table


def decode_log(log: Any) -> dict[str, Any] | None:
    """{"event", "address", "args", "log_index"} for a log of a shipped contract's event, else None."""
    from eth_abi.codec import ABICodec
    from eth_abi.registry import registry
    from web3._utils.events import get_event_data

    topics = log["topics"]
    if not topics:
        return None
    item = _events_by_topic().get((bytes(topics[0]), len(topics) - 1))
    if item is None:
        return None
    try:
        decoded = get_event_data(ABICodec(registry), item, log)
    except Exception:
        return None
    return {
        "event": decoded["event"],
        "address": decoded["address"],
        "args": {k: _plain(v) for k, v in decoded["args"].items()},
        "log_index": log["logIndex"],
    }


def decode_receipt(receipt: Any) -> list[dict[str, Any]]:
    """The decoded events of a receipt, in log order (logs of unknown contracts left out)."""
    return [event for log in receipt["logs"] if (event := decode_log(log)) is not None]


def describe(event: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """`Admitted(member=0x…, shares=2, …)` with known addresses replaced by names."""
    names = names or {}
    args = ", ".join(f"{k}={names.get(v, v) if isinstance(v, str) else v}" for k, v in event["args"].items())
    return f"{event['event']}({args})"


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
