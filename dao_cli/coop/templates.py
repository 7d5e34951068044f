"""What cooperatives decide, as ready-made resolution calls: pay from the treasury, mint or burn the
cooperative token, change a statute parameter, admit or exclude a member, move capital to the treasury,
move one of the cooperative's contracts to corrected code, or any contract call. Each template returns
the actions a proposal carries; the governor derives the majority they need from the calls themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..chain.calls import Action, checked_address, encode_call
from ..chain.units import parse_duration, to_base_units
from ..errors import CoopError

if TYPE_CHECKING:
    from .cooperative import Cooperative


def pay(coop: Cooperative, to: str, amount: int) -> list[Action]:
    """Pay `amount` wei of the chain's coin from the treasury to `to`."""
    return [Action(checked_address(to, "recipient"), amount, b"")]


def pay_token(coop: Cooperative, token: str, to: str, amount: int) -> list[Action]:
    """Pay `amount` base units of the ERC-20 `token` from the treasury to `to`."""
    token = checked_address(token, "token")
    to = checked_address(to, "recipient")
    return [Action(token, 0, encode_call("transfer(address,uint256)", [to, str(amount)]))]


def mint(coop: Cooperative, to: str, amount: int) -> list[Action]:
    return [coop.encode("token", "mint", checked_address(to, "recipient"), amount)]


def burn(coop: Cooperative, amount: int) -> list[Action]:
    """Burn cooperative tokens the treasury holds."""
    return [coop.encode("token", "burn", amount)]


def admit(coop: Cooperative, applicant: str) -> list[Action]:
    """Admit an applicant by resolution (in an assembly-admission cooperative)."""
    return [coop.encode("membership", "admit", checked_address(applicant, "applicant"))]


def exclude(coop: Cooperative, member: str) -> list[Action]:
    return [coop.encode("membership", "exclude", checked_address(member, "member"))]


def move_capital(coop: Cooperative, amount: int) -> list[Action]:
    """Move paid-in capital to the treasury: never an applicant's escrow, nor what former members are owed."""
    return [coop.encode("membership", "moveCapitalToTreasury", amount)]


def upgrade(coop: Cooperative, contract: str, implementation: str) -> list[Action]:
    """Move one of the cooperative's contracts (`membership`, `votes`, `token`, `governor`, `timelock`) to
    the corrected code at `implementation`: its address, storage and history stay (a statute change).

    Only code this coopdao ships is proposed: an assembly asked to move to anything else could not have the
    audit vouch for it, and a move to a contract that cannot move again would lock in the defect for good."""
    from .code import CONTRACT_NAMES, implementation_of, is_shipped

    if contract not in CONTRACT_NAMES:
        raise CoopError(f"contract: one of {', '.join(CONTRACT_NAMES)}, got {contract!r}")
    implementation = checked_address(implementation, "implementation")
    target = getattr(coop, contract).address
    if implementation_of(coop.w3, target) == implementation:
        raise CoopError(f"the {contract} runs the code at {implementation} already")
    if not is_shipped(coop.w3, implementation, contract):
        raise CoopError(
            f"the code at {implementation} is not {CONTRACT_NAMES[contract]} as this coopdao ships it: "
            "only shipped code can be proposed (deploy it with `coop deploy` of the release that ships it)"
        )
    return [coop.encode(contract, "upgradeToAndCall", implementation, b"")]


def call(coop: Cooperative, target: str, signature: str, args: list[str], value: int = 0) -> list[Action]:
    """Any contract call, written as `address "signature(types)" args`."""
    return [Action(checked_address(target, "target"), value, encode_call(signature, args))]


# ----------------------------------------------------------------------------------- statute parameters


def _whole(value: str, what: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise CoopError(f"{what}: expected a whole number, got {value!r}") from None
    if number < 0:
        raise CoopError(f"{what}: must not be negative")
    return number


def _share_price(coop: Cooperative, value: str) -> Action:
    _, decimals = coop.currency()
    return coop.encode("membership", "setSharePrice", to_base_units(value, decimals, "share price"))


def _share_limit(which: str) -> Callable[[Cooperative, str], Action]:
    def build(coop: Cooperative, value: str) -> Action:
        terms = coop.terms()
        low, high = terms["min_shares"], terms["max_shares"]
        number = _whole(value, f"{which} shares")
        low, high = (number, high) if which == "min" else (low, number)
        return coop.encode("membership", "setShareLimits", low, high)

    return build


def _admission(coop: Cooperative, value: str) -> Action:
    from ..chain.states import ADMISSION

    if value not in ADMISSION:
        raise CoopError(f"admission must be one of {', '.join(ADMISSION)}, got {value!r}")
    return coop.encode("membership", "setAdmissionMode", ADMISSION.index(value))


def _fiscal_year_end(coop: Cooperative, value: str) -> Action:
    try:
        month, day = (int(part) for part in value.split("-"))
    except ValueError:
        raise CoopError(f"fiscal year end: expected MM-DD such as 12-31, got {value!r}") from None
    return coop.encode("membership", "setFiscalYearEnd", month, day)


def _transferable(coop: Cooperative, value: str) -> Action:
    from ..chain.calls import parse_value

    return coop.encode("membership", "setSharesTransferable", parse_value("bool", value))


def _seconds(contract: str, function: str, what: str) -> Callable[[Cooperative, str], Action]:
    return lambda coop, value: coop.encode(contract, function, parse_duration(value, what))


def _number(contract: str, function: str, what: str) -> Callable[[Cooperative, str], Action]:
    return lambda coop, value: coop.encode(contract, function, _whole(value, what))


def _quorum(coop: Cooperative, value: str) -> Action:
    # statute changes run only inside an execution, so the bounds are checked here, not simulated
    percent = _whole(value, "quorum percent")
    if not 1 <= percent <= 100:
        raise CoopError(f"quorum percent: a share of the members from 1 to 100, got {percent}")
    return coop.encode("membership", "setQuorum", percent)


def _voting_period(coop: Cooperative, value: str) -> Action:
    seconds = parse_duration(value, "voting period")
    if seconds < 1:
        raise CoopError("voting period: at least one second")
    return coop.encode("governor", "setVotingPeriod", seconds)


#: The statute parameters a resolution can change: name -> (what the value is, how the call is built).
PARAMETERS: dict[str, tuple[str, Callable[[Cooperative, str], Action]]] = {
    "share-price": ("amount in the share currency", _share_price),
    "min-shares": ("whole number", _share_limit("min")),
    "max-shares": ("whole number", _share_limit("max")),
    "notice-months": ("months, 3 to 60", _number("membership", "setNoticePeriod", "notice months")),
    "admission": ("open, board or assembly", _admission),
    "fiscal-year-end": ("MM-DD", _fiscal_year_end),
    "shares-transferable": ("true or false", _transferable),
    "max-proxy-principals": ("1 or 2", _number("membership", "setMaxPrincipals", "proxy principals")),
    "board": ("address", lambda coop, v: coop.encode("membership", "setBoard", checked_address(v, "board"))),
    "voting-delay": ("duration, e.g. '1 day'", _seconds("governor", "setVotingDelay", "voting delay")),
    "voting-period": ("duration, e.g. '7 days'", _voting_period),
    "quorum-percent": ("percent, 1 to 100", _quorum),
    "timelock-delay": ("duration, e.g. '2 days'", _seconds("timelock", "updateDelay", "timelock delay")),
}


def set_parameter(coop: Cooperative, name: str, value: str) -> list[Action]:
    """Change one statute parameter (a statute change: 3/4 of votes cast)."""
    if name not in PARAMETERS:
        raise CoopError(f"unknown statute parameter {name!r}; one of: {', '.join(PARAMETERS)}")
    return [PARAMETERS[name][1](coop, value)]


def describe_parameters() -> list[dict[str, Any]]:
    return [{"parameter": name, "value": what} for name, (what, _) in PARAMETERS.items()]
