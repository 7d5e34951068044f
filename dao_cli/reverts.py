"""Reverts explained in words: custom errors decoded against the ABIs of every contract the toolkit ships."""

from __future__ import annotations

import re
from typing import Any

from . import artifacts

# Words for the errors a member meets most; any other error is shown by its name and arguments.
_WORDS = {
    "NotActiveMember": "{0} is not an active member",
    "NotAMember": "{0} is not a member",
    "NoVotingRights": "{0} has no voting rights",
    "ProxyLimitReached": "proxy {0} already carries {1} members",
    "NoVote": "{1} has no vote on this proposal (not a member at its snapshot, or the vote is with a proxy)",
    "AlreadyVoted": "{1} has already voted on this proposal",
    "ProposerNotMember": "{0} is not a member and cannot propose",
    "AlreadyMember": "{0} is already a member",
    "ApplicationPending": "{0} already has a pending application",
    "NoApplication": "{0} has no pending application",
    "NotAdmittingBody": "{0} may not admit or reject applicants",
    "WrongPayment": "wrong payment: expected {0} wei, got {1}",
    "ExitNotDue": "the exit of {0} takes effect only after timestamp {1}",
    "NoRefundClaim": "{0} has no refund claim",
    "NoFunds": "the cooperative has no funds to pay refunds right now; the claim stays recorded",
    "NothingDue": "{0} owes nothing on its shares",
    "NotGovernance": "only a resolution of the cooperative may do this (caller {0})",
    "GovernorNonexistentProposal": "no such proposal",
    "OwnableUnauthorizedAccount": "only a resolution of the cooperative may do this (caller {0})",
    "ExceededCap": "the token cap would be exceeded",
}


def explain(data: str | bytes | None) -> str:
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
        return f"the contract panicked (code {decode(['uint256'], body)[0]:#x})"
    known = artifacts.items_by_selector("error").get(selector)
    if known is None:
        return f"the transaction reverted with unknown error 0x{selector.hex()}"
    item = known[1]
    args = decode([artifacts.param_type(i) for i in item["inputs"]], body)
    if item["name"] == "GovernorUnexpectedProposalState":
        return _unexpected_state(args[1], args[2])
    args = [_shown(a) for a in args]
    template = _WORDS.get(item["name"])
    if template:
        return template.format(*args)
    return f"{item['name']}({', '.join(str(a) for a in args)})"


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
    from .cooperative import PROPOSAL_STATES  # imported here: cooperative imports this module

    bitmap = int.from_bytes(expected, "big")
    wanted = [name for bit, name in enumerate(PROPOSAL_STATES) if bitmap >> bit & 1]
    state = PROPOSAL_STATES[current] if current < len(PROPOSAL_STATES) else str(current)
    if state in ("succeeded", "queued", "defeated", "executed", "expired", "canceled") and "active" in wanted:
        words = "voting has closed"
    else:
        words = _STATE_WORDS.get(state, f"the proposal is {state}")
    return f"{words} (this needs it {' or '.join(wanted) or 'in another state'})"


def explain_exception(exc: BaseException) -> str | None:
    """The revert explained, if `exc` is a web3 revert (custom error, require or panic); else None."""
    from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError

    data = getattr(exc, "data", None)
    if isinstance(data, dict):  # Ganache: {"result": "0x<revert data>", "message": "revert", ...}
        data = data.get("result") or data.get("data")
    if isinstance(exc, (ContractCustomError, ContractPanicError)) and isinstance(data, str):
        return explain(data)
    if isinstance(exc, ContractLogicError):
        if isinstance(data, str) and re.fullmatch(r"0x[0-9a-fA-F]*", data) and len(data) >= 10:
            return explain(data)
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
