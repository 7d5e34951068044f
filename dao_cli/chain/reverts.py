"""Reverts explained in words: custom errors decoded against the ABIs of every contract the toolkit ships."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from . import artifacts
from .error_words import PANICS, WORDS
from .states import PROPOSAL_STATES

#: The timelock's roles by their hash, for errors that name one.
_ROLES = {
    "0x" + "00" * 32: "admin",
    "0xb09aa5aeb3702cfd50b6b62bc4532604938f21248a27a1d5ca736082b6819cc1": "proposer",
    "0xd8aa0f3194971a2a116679f7c2090f6939c8d4e01a2a8d7e41d55e5351469e63": "executor",
    "0xfd643c72710c63c0180259aba6b2d05451e3591a24e58b62239378085726f783": "canceller",
}


@dataclass(frozen=True)
class Units:
    """What amounts in an error are counted in: the cooperative's currency (shares are paid in it) and, for
    the token's errors, the cooperative token."""

    currency: tuple[str, int] = ("ETH", 18)
    token: tuple[str, int] | None = None


#: The units errors are worded in while a cooperative acts (`wording`); ETH without one.
_UNITS: ContextVar[Units | None] = ContextVar("coopdao_error_units", default=None)


@contextmanager
def wording(units: Units) -> Iterator[None]:
    """Word the errors explained inside this block in `units` (the cooperative's currency and token)."""
    token = _UNITS.set(units)
    try:
        yield
    finally:
        _UNITS.reset(token)


class _Words(string.Formatter):
    """Fills a sentence of `error_words`: amounts, dates, durations, proposal ids and roles in words."""

    def __init__(self, units: Units) -> None:
        self.units = units

    def format_field(self, value: Any, spec: str) -> str:
        from .units import date, from_base_units

        if spec == "amount":
            symbol, decimals = self.units.currency
            return f"{from_base_units(int(value), decimals)} {symbol}"
        if spec == "token":
            if self.units.token is None:
                return f"{value} base units"
            symbol, decimals = self.units.token
            return f"{from_base_units(int(value), decimals)} {symbol}"
        if spec == "date":
            return date(int(value))
        if spec == "seconds":
            return _duration(int(value))
        if spec == "proposal":
            text = str(value)
            return text if len(text) <= 12 else f"{text[:6]}…{text[-4:]}"
        if spec == "role":
            return _ROLES.get(str(value), str(value))
        return super().format_field(value, spec)


def _duration(seconds: int) -> str:
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def explain(data: str | bytes | None, units: Units | None = None) -> str:
    """One line for revert `data`: the custom error in words, a require message, or a panic."""
    from eth_abi import decode

    if data is None:
        return "the transaction reverted without a reason"
    raw = bytes.fromhex(data[2:] if data.startswith("0x") else data) if isinstance(data, str) else data
    if len(raw) < 4:
        return "the transaction reverted without a reason"
    selector, body = raw[:4], raw[4:]
    if selector == bytes.fromhex("08c379a0"):
        return decode(["string"], body)[0]
    if selector == bytes.fromhex("4e487b71"):
        code = decode(["uint256"], body)[0]
        return PANICS.get(code, f"the contract stopped with an unknown panic ({code:#x}): nothing was done")
    known = artifacts.items_by_selector("error").get(selector)
    if known is None:
        return f"the transaction reverted with error 0x{selector.hex()}, which the cooperative does not know"
    item = known[1]
    args = decode([artifacts.param_type(i) for i in item["inputs"]], body)
    if item["name"] == "GovernorUnexpectedProposalState":
        return _unexpected_state(args[1], args[2])
    shown = [_shown(a) for a in args]
    template = WORDS.get(item["name"])
    if template:
        return _Words(units or _UNITS.get() or Units()).format(template, *shown)
    return f"{item['name']}({', '.join(str(a) for a in shown)})"


_STATE_WORDS = {
    "pending": "voting has not opened yet",
    "active": "voting is still open",
    "canceled": "the proposal was canceled",
    "defeated": "the proposal was defeated",
    "succeeded": "the proposal has passed and waits to be queued",
    "queued": "the proposal is queued in the timelock",
    "expired": "the proposal has expired",
    "executed": "the proposal has already been executed",
}


def _unexpected_state(current: int, expected: bytes) -> str:
    """`GovernorUnexpectedProposalState` in words: what the proposal is, and what this step needs."""
    bitmap = int.from_bytes(expected, "big")
    wanted = [name for bit, name in enumerate(PROPOSAL_STATES) if bitmap >> bit & 1]
    state = PROPOSAL_STATES[current] if current < len(PROPOSAL_STATES) else str(current)
    if state in ("succeeded", "queued", "defeated", "executed", "expired", "canceled") and "active" in wanted:
        words = "voting has closed"
    else:
        words = _STATE_WORDS.get(state, f"the proposal is {state}")
    return f"{words} (this needs it {' or '.join(wanted) or 'in another state'})"


def explain_exception(exc: BaseException, units: Units | None = None) -> str | None:
    """The revert explained, if `exc` is a web3 revert (custom error, require or panic); else None."""
    from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError

    data = getattr(exc, "data", None)
    if isinstance(data, dict):  # Ganache: {"result": "0x<revert data>", "message": "revert", ...}
        data = data.get("result") or data.get("data")
    if isinstance(exc, (ContractCustomError, ContractPanicError)) and isinstance(data, str):
        return explain(data, units)
    if isinstance(exc, ContractLogicError):
        if isinstance(data, str) and re.fullmatch(r"0x[0-9a-fA-F]*", data) and len(data) >= 10:
            return explain(data, units)
        message = str(exc.message or exc)
        return message.removeprefix("execution reverted: ")
    return None


def _shown(value: Any) -> Any:
    """Addresses checksummed and bytes in hex, as everywhere else the toolkit prints them."""
    from eth_utils import is_hex_address, to_checksum_address

    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, str) and is_hex_address(value):
        return to_checksum_address(value)
    return value


def node_message(exc: BaseException) -> str | None:
    """The message of a JSON-RPC error the node answered with (web3 wraps it in several ways), else None."""
    response = getattr(exc, "rpc_response", None)
    if isinstance(response, dict) and isinstance(response.get("error"), dict):
        return str(response["error"].get("message"))
    if exc.args and isinstance(exc.args[0], dict) and "message" in exc.args[0]:
        return str(exc.args[0]["message"])
    return None
