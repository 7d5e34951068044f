"""Running a view of a shipped contract that is never deployed: inside `eth_call`, its code placed at an
unused address by a state override.

Why: read entry by entry, a member list of 10,000 is 90,000 calls, minutes over HTTP. The reader contract
(`CoopReader`) reads hundreds of entries in one call; run as an override it needs no deployment, no gas and
no address anyone has to trust, on every node that takes state overrides (Anvil, Ganache, geth, Erigon,
Nethermind, Besu, Reth and the large providers). A node that takes none says so, and the caller reads
entry by entry instead (`OverridesRefused`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import CoopError
from . import artifacts

if TYPE_CHECKING:
    from web3 import Web3

#: Where the code is placed: an address derived from words, whose key nobody holds and no contract
#: lives at (keccak("coopdao: code placed by a state override")[12:]).
PLACED_AT = "0xd0ee5e52d894779a7e39be55dc837c6e51cd8311"

#: Calls sent in one JSON-RPC batch.
BATCH = 8

_NUMBER = re.compile(r"(u?int)\d*")
_HEX = re.compile(r"[0-9a-fA-F]*")
_WORD_ARGUMENT = re.compile(r"(?:uint\d*|address)(?:\[\])?")


class OverridesRefused(CoopError):
    """The node runs no call with overridden code: read the entries one by one instead."""


def call_undeployed(
    w3: Web3, contract: str, function: str, argument_lists: Sequence[Sequence[Any]], block: int
) -> list[Any]:
    """The result of `contract.function(*arguments)` for each of `argument_lists`, all read at `block`,
    in JSON-RPC batches of `BATCH` calls; each as eth_abi decodes the function's output (addresses in
    lower case). A call that reverts raises CoopError with the node's words; a node that refuses the
    override raises OverridesRefused.

    One thread sends the batches, one after the other, while this one decodes what has come: the node
    computes the next batch while the last one is read, which halves the time of a member list of 10,000.
    """
    from concurrent.futures import ThreadPoolExecutor

    outputs = _function(contract, function)["outputs"]
    override = {PLACED_AT: {"code": _runtime(contract)}}
    requests = [
        ("eth_call", [{"to": PLACED_AT, "data": _calldata(contract, function, args)}, hex(block), override])
        for args in argument_lists
    ]
    batches = [requests[start : start + BATCH] for start in range(0, len(requests), BATCH)]
    results: list[Any] = []
    with ThreadPoolExecutor(max_workers=1) as sender:
        answered = [sender.submit(w3.provider.make_batch_request, batch) for batch in batches]
        try:
            for future in answered:
                for answer in future.result():
                    values = decode_outputs(outputs, _result(answer, contract, function))
                    results.append(values[0] if len(values) == 1 else values)
        finally:
            for future in answered:
                future.cancel()  # a failed batch: the ones not yet sent are not sent
    return results


def decode_outputs(outputs: Sequence[dict[str, Any]], raw: bytes) -> tuple[Any, ...]:
    """What eth_abi's `decode` gives for the ABI `outputs` (tuples for tuples and arrays, addresses in lower
    case), read word by word where each output is a value, a tuple of values or an array of those: eth_abi
    spends some 150 µs on one member's entry, a page of 250 in 40 ms, this a tenth of it."""
    shapes = [_shape(o) for o in outputs]
    if any(shape is None for shape in shapes):
        from eth_abi import decode

        return tuple(decode([artifacts.param_type(o) for o in outputs], raw))
    view = memoryview(raw)
    values: list[Any] = []
    head = 0
    try:
        for output, shape in zip(outputs, shapes, strict=True):
            if not output["type"].endswith("[]"):
                value, head = _read(shape, view, head)
            else:
                start = _read("uint", view, head)[0]
                count = _read("uint", view, start)[0]
                items, at = [], start + 32
                for _ in range(count):
                    item, at = _read(shape, view, at)
                    items.append(item)
                value, head = tuple(items), head + 32
            values.append(value)
    except ValueError:
        raise CoopError("a call answered with fewer bytes than its outputs take") from None
    return tuple(values)


def _shape(param: dict[str, Any], element: bool = False) -> Any:
    """How to read a value of `param` (or of an array's element) word by word: "address", "bool", "uint",
    "int", or a list of shapes for a tuple; None where eth_abi must read it (bytes, strings, nested
    arrays)."""
    kind = param["type"][:-2] if param["type"].endswith("[]") and not element else param["type"]
    if kind.endswith("]"):
        return None
    if kind == "tuple":
        parts = [_shape(c, element=True) for c in param["components"]]
        return None if any(part is None for part in parts) else parts
    if kind in ("address", "bool"):
        return kind
    match = _NUMBER.fullmatch(kind)
    return match.group(1) if match else None


def _read(shape: Any, view: memoryview, at: int) -> tuple[Any, int]:
    """The value of `shape` whose words start at byte `at`, and where the next value starts."""
    if isinstance(shape, list):
        if all(isinstance(part, str) for part in shape):  # a tuple of values: the common entry, in one pass
            end = at + 32 * len(shape)
            if len(view) < end:
                raise ValueError("short answer")
            return tuple(
                [_word(part, view[at + 32 * i : at + 32 * i + 32]) for i, part in enumerate(shape)]
            ), end
        values = []
        for part in shape:
            value, at = _read(part, view, at)
            values.append(value)
        return tuple(values), at
    if len(view) < at + 32:
        raise ValueError("short answer")
    return _word(shape, view[at : at + 32]), at + 32


def _word(shape: str, word: memoryview) -> Any:
    if shape == "uint":
        return int.from_bytes(word, "big")
    if shape == "address":
        return "0x" + word[12:].hex()
    if shape == "bool":
        return word[31] == 1
    return int.from_bytes(word, "big", signed=True)


def _result(answer: Any, contract: str, function: str) -> bytes:
    """The bytes a call returned, or the error it met in words."""
    error = answer.get("error") if isinstance(answer, dict) else {"message": "no answer"}
    if error is None:
        return bytes.fromhex(str(answer.get("result") or "0x").removeprefix("0x"))
    message = str(error.get("message", error)) if isinstance(error, dict) else str(error)
    if "revert" in message.lower() or (isinstance(error, dict) and error.get("code") == 3):
        raise CoopError(f"{contract}.{function} could not read the entries asked for: {message}")
    raise OverridesRefused(f"the node runs no call with overridden code ({message})")


@cache
def _function(contract: str, function: str) -> dict[str, Any]:
    for item in artifacts.abi(contract):
        if item.get("type") == "function" and item["name"] == function:
            return item
    raise CoopError(f"the shipped {contract} has no function {function}")


@cache
def _selector(contract: str, function: str) -> tuple[bytes, tuple[str, ...]]:
    from eth_utils import function_signature_to_4byte_selector

    inputs = tuple(artifacts.param_type(i) for i in _function(contract, function)["inputs"])
    return function_signature_to_4byte_selector(f"{function}({','.join(inputs)})"), inputs


def _calldata(contract: str, function: str, args: Sequence[Any]) -> str:
    """The call's data: its selector, then its arguments ABI-encoded, word by word where each is an address,
    a number or an array of those (eth_abi's checks take longer than the node's answer on a page of 250)."""
    selector, inputs = _selector(contract, function)
    if not all(_WORD_ARGUMENT.fullmatch(kind) for kind in inputs):
        from eth_abi import encode

        return "0x" + (selector + encode(list(inputs), list(args))).hex()
    head, tail = [], []
    offset = 32 * len(inputs)
    for kind, value in zip(inputs, args, strict=True):
        if kind.endswith("[]"):
            items = list(value)
            head.append(_encoded_word(offset))
            tail.append(_encoded_word(len(items)) + "".join(_encoded_word(item) for item in items))
            offset += 32 * (len(items) + 1)
        else:
            head.append(_encoded_word(value))
    return "0x" + selector.hex() + "".join(head) + "".join(tail)


def _encoded_word(value: Any) -> str:
    """One ABI word, as hex: an address (0x-hex, any case) or a number below 2**256."""
    if isinstance(value, str):
        text = value.removeprefix("0x").removeprefix("0X")
        if len(text) != 40 or not _HEX.fullmatch(text):
            raise CoopError(f"not an address: {value}")
        return text.lower().rjust(64, "0")
    number = int(value)
    if not 0 <= number < 2**256:
        raise CoopError(f"not a number one word holds: {value}")
    return f"{number:064x}"


@cache
def _runtime(contract: str) -> str:
    code = artifacts.load(contract).get("deployedBytecode", "0x")
    if len(code) <= 2:
        raise CoopError(f"the shipped {contract} has no runtime code (run `make compile`)")
    return code
