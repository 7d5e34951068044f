"""Events decoded against the shipped ABIs: what a transaction did, in the contracts' own words.

The CLI shows them after each transaction; the audit reads the same decoding for the whole history.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from . import artifacts


@dataclass(frozen=True)
class _Decoder:
    """How to read one event's log: its name, the indexed inputs (from the topics) and the others (from the
    data), each as (name, ABI type), in the ABI's order."""

    name: str
    inputs: tuple[tuple[str, str, bool], ...]  # (name, type, indexed)

    @property
    def data_types(self) -> list[str]:
        return [t for _, t, indexed in self.inputs if not indexed]


@cache
def _decoders() -> dict[tuple[bytes, int], _Decoder]:
    """Event decoders by (topic 0, number of indexed inputs): ERC-20 and ERC-721 `Transfer` share a topic."""
    from eth_utils import event_signature_to_log_topic

    table: dict[tuple[bytes, int], _Decoder] = {}
    for contract in artifacts.CONTRACTS:
        for item in artifacts.abi(contract):
            if item.get("type") == "event" and not item.get("anonymous"):
                types = [artifacts.param_type(i) for i in item["inputs"]]
                topic = event_signature_to_log_topic(f"{item['name']}({','.join(types)})")
                indexed = sum(1 for i in item["inputs"] if i.get("indexed"))
                inputs = tuple(
                    (i["name"], t, bool(i.get("indexed"))) for i, t in zip(item["inputs"], types, strict=True)
                )
                table.setdefault((topic, indexed), _Decoder(item["name"], inputs))
    return table


def topic(event: str) -> str:
    """Topic 0 of the shipped event named `event` (0x-hex): what a log query filters on."""
    for (topic0, _), decoder in _decoders().items():
        if decoder.name == event:
            return "0x" + topic0.hex()
    raise KeyError(event)


def raw_logs(w3: Any, address: str, event: str, from_block: int) -> list[dict[str, Any]]:
    """The logs of `event` that the contract at `address` emitted from `from_block` on, as the node sends
    them (0x-hex), in one eth_getLogs: on 10,000 logs web3's log machinery costs seconds, the answer
    itself a tenth of one."""
    query = {"address": address, "fromBlock": hex(from_block), "toBlock": "latest", "topics": [topic(event)]}
    answer = w3.provider.make_request("eth_getLogs", [query])
    if "error" in answer:
        from ..errors import CoopError

        error = answer["error"]
        message = error.get("message", error) if isinstance(error, dict) else error
        raise CoopError(f"the node would not give the {event} events: {message}")
    return list(answer.get("result") or [])


def _hashed(abi_type: str) -> bool:
    """Indexed values of dynamic types are stored as their hash: the topic is all there is."""
    return abi_type in ("string", "bytes") or abi_type.endswith("]") or abi_type.startswith("(")


def decode_log(log: Any) -> dict[str, Any] | None:
    """{"event", "address", "args", "log_index"} for a log of a shipped contract's event, else None.

    Decoded with eth_abi directly (web3's event machinery costs ten times as much, which a history of
    100,000 votes feels); topics and data may be bytes or 0x-hex."""
    from eth_abi import decode

    topics = [_raw(t) for t in log["topics"]]
    if not topics:
        return None
    decoder = _decoders().get((topics[0], len(topics) - 1))
    if decoder is None:
        return None
    try:
        data = iter(decode(decoder.data_types, _raw(log["data"])))
        indexed = iter(topics[1:])
        args = {}
        for name, abi_type, is_indexed in decoder.inputs:
            if not is_indexed:
                value = next(data)
            elif _hashed(abi_type):
                value = next(indexed)
            else:
                value = _topic_value(abi_type, next(indexed))
            args[name] = _plain(value, abi_type)
    except Exception:
        return None
    return {
        "event": decoder.name,
        "address": checksummed(str(log["address"])),
        "args": args,
        "log_index": _number(log["logIndex"]),
    }


def _topic_value(abi_type: str, topic: bytes) -> Any:
    """A static indexed value from its 32-byte topic (the common types without eth_abi's overhead)."""
    if abi_type == "address":
        return "0x" + topic[12:].hex()
    if abi_type.startswith("uint"):
        return int.from_bytes(topic, "big")
    if abi_type == "bool":
        return topic[-1] == 1
    if abi_type == "bytes32":
        return topic
    from eth_abi import decode

    return decode([abi_type], topic)[0]


@lru_cache(maxsize=65536)
def checksummed(address: str) -> str:
    """EIP-55 spelling of an address, remembered: a history repeats the same few thousand addresses, and
    a member list of 10,000 spells each once (eth_utils' `to_checksum_address`, with its checks, takes
    three times as long)."""
    from eth_hash.auto import keccak

    text = str(address).removeprefix("0x").removeprefix("0X").lower()
    if len(text) != 40:
        from eth_utils import to_checksum_address

        return to_checksum_address(address)  # its error names what is wrong with the address
    digest = keccak(text.encode()).hex()
    return "0x" + "".join([c.upper() if d > "7" else c for c, d in zip(text, digest[:40], strict=True)])


def _raw(value: Any) -> bytes:
    if isinstance(value, str):
        return bytes.fromhex(value.removeprefix("0x"))
    return bytes(value)


def _number(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)


def decode_receipt(receipt: Any) -> list[dict[str, Any]]:
    """The decoded events of a receipt, in log order (logs of unknown contracts left out)."""
    return [event for log in receipt["logs"] if (event := decode_log(log)) is not None]


def describe(event: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """`Admitted(member=0x…, shares=2, …)` with known addresses replaced by names."""
    names = names or {}
    args = ", ".join(f"{k}={names.get(v, v) if isinstance(v, str) else v}" for k, v in event["args"].items())
    return f"{event['event']}({args})"


def _plain(value: Any, abi_type: str = "") -> Any:
    """JSON-ready values: bytes as 0x-hex, addresses checksummed, lists for arrays and tuples."""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, (list, tuple)):
        inner = abi_type[: abi_type.rindex("[")] if abi_type.endswith("]") else ""
        return [_plain(v, inner) for v in value]
    if abi_type == "address" and isinstance(value, str):
        return checksummed(value)
    return value
