"""Contract calls written the way people type them, `"transfer(address,uint256)" 0xabc… 100`, as cast and
brownie users know them; and calldata decoded back into words for review and minutes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..errors import CoopError
from . import artifacts

_SIGNATURE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*$")


@dataclass(frozen=True)
class Action:
    """One call a resolution makes through the timelock."""

    target: str
    value: int
    calldata: bytes


def checked_address(value: str, what: str = "address") -> str:
    """The checksummed form of `value`; a wrong address (bad length, hex or checksum) is a one-line error."""
    from eth_utils import is_checksum_address, is_hex_address, to_checksum_address

    text = str(value).strip()
    if not is_hex_address(text):
        raise CoopError(f"{what}: {value!r} is not an Ethereum address")
    digits = text[2:]
    if digits != digits.lower() and digits != digits.upper() and not is_checksum_address(text):
        raise CoopError(f"{what}: {value!r} has a wrong checksum (a typo?)")
    return to_checksum_address(text)


def split_signature(signature: str) -> tuple[str, list[str]]:
    """`name(t1,t2)` -> ("name", ["t1", "t2"]), checking each type is one the ABI knows."""
    from eth_abi.grammar import parse

    match = _SIGNATURE.match(signature)
    if not match:
        raise CoopError(f"{signature!r} is not a function signature such as 'transfer(address,uint256)'")
    name, inner = match.groups()
    types = _split_types(inner.replace(" ", "")) if inner.strip() else []
    for abi_type in types:
        try:
            parse(abi_type).validate()
        except Exception:
            raise CoopError(f"{abi_type!r} in {signature!r} is not an ABI type") from None
    return name, types


def _split_types(inner: str) -> list[str]:
    """Split on the commas that are not inside a tuple's parentheses."""
    types, depth, current = [], 0, ""
    for char in inner:
        if char == "," and depth == 0:
            types.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current += char
    types.append(current)
    return types


def encode_call(signature: str, args: list[str]) -> bytes:
    """Calldata for `signature` with `args` as typed: numbers, addresses, true/false, 0x-hex, JSON lists."""
    from eth_abi import encode
    from eth_utils import function_signature_to_4byte_selector

    name, types = split_signature(signature)
    if len(args) != len(types):
        raise CoopError(f"{name} takes {len(types)} argument(s), {len(args)} given")
    values = [parse_value(t, a) for t, a in zip(types, args, strict=True)]
    selector = function_signature_to_4byte_selector(f"{name}({','.join(types)})")
    try:
        return selector + encode(types, values)
    except Exception as exc:
        raise CoopError(f"cannot encode the arguments of {name}: {exc}") from None


def parse_value(abi_type: str, text: Any) -> Any:
    """A Python value for `abi_type` from what a person typed."""
    if abi_type.endswith("]"):
        items = json.loads(text) if isinstance(text, str) else text
        if not isinstance(items, list):
            raise CoopError(f"{abi_type}: expected a list such as [1,2], got {text!r}")
        inner = abi_type[: abi_type.rindex("[")]
        return [parse_value(inner, item) for item in items]
    if abi_type.startswith("("):
        raise CoopError("tuple arguments are not supported on the command line; use raw calldata")
    value = str(text).strip()
    if abi_type == "address":
        return checked_address(value)
    if abi_type == "bool":
        if value.lower() in ("true", "1", "yes"):
            return True
        if value.lower() in ("false", "0", "no"):
            return False
        raise CoopError(f"bool: expected true or false, got {value!r}")
    if abi_type.startswith(("uint", "int")):
        try:
            return int(value, 0)
        except ValueError:
            raise CoopError(f"{abi_type}: expected a whole number, got {value!r}") from None
    if abi_type.startswith("bytes"):
        try:
            return bytes.fromhex(value.removeprefix("0x"))
        except ValueError:
            raise CoopError(f"{abi_type}: expected 0x-prefixed hex, got {value!r}") from None
    if abi_type == "string":
        return str(text)
    raise CoopError(f"unsupported argument type {abi_type}")


def describe_action(action: Action, names: dict[str, str] | None = None, unit: str = "ETH") -> str:
    """An action in words: `mint(to=0x…, amount=5) on token`, or a payment of coin."""
    from eth_abi import decode

    from .units import from_base_units

    names = names or {}
    target = names.get(action.target, action.target)
    parts = []
    if action.value:
        parts.append(f"pay {from_base_units(action.value)} {unit} to {target}")
    data = action.calldata
    if data:
        known = artifacts.items_by_selector("function").get(bytes(data[:4]))
        call = None
        if known:
            _, item = known
            try:
                values = decode([artifacts.param_type(i) for i in item["inputs"]], bytes(data[4:]))
                args = ", ".join(
                    f"{i['name'] or 'arg'}={_show(v)}" for i, v in zip(item["inputs"], values, strict=True)
                )
                call = f"{item['name']}({args}) on {target}"
            except Exception:
                call = None
        parts.append(call or f"call 0x{bytes(data).hex()[:8]}… ({len(data)} bytes) on {target}")
    return "; ".join(parts) or f"empty call to {target}"


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)
