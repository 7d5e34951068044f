"""The statute (Satzung) of a cooperative: read from YAML, checked against the law's limits, turned into the
arguments of `CoopFactory.createCooperative`.

Defaults follow the German Cooperatives Act (GenG) and ../shared/DOMAIN.md; every value a statute may set is a
field here, and every check gives a one-line reason a founder can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..chain.units import parse_duration, to_base_units
from ..errors import CoopError, StatuteError

ADMISSION_MODES = ("open", "board", "assembly")
ZERO_ADDRESS = "0x" + "0" * 40


@dataclass(frozen=True)
class Statute:
    """A cooperative's statute as the contracts need it (amounts in base units, durations in seconds)."""

    name: str
    founders: tuple[str, ...]
    share_price: int
    min_shares: int = 1
    max_shares: int = 100
    payment_token: str = ZERO_ADDRESS
    admission: str = "board"
    board: str = ZERO_ADDRESS
    notice_months: int = 3
    fiscal_year_end: tuple[int, int] = (12, 31)
    shares_transferable: bool = False
    max_proxy_principals: int = 2
    voting_delay: int = 86400
    voting_period: int = 7 * 86400
    quorum_percent: int = 10
    timelock_delay: int = 2 * 86400
    token_name: str = ""
    token_symbol: str = "COOP"
    token_cap: int = 0
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def factory_args(self) -> tuple[tuple, list[str]]:
        """The (statute, founders) arguments of `CoopFactory.createCooperative`."""
        terms = (
            self.payment_token,
            self.share_price,
            self.min_shares,
            self.max_shares,
            ADMISSION_MODES.index(self.admission),
            self.notice_months,
            self.fiscal_year_end[0],
            self.fiscal_year_end[1],
            self.shares_transferable,
        )
        statute = (
            self.name,
            terms,
            self.max_proxy_principals,
            self.board,
            self.voting_delay,
            self.voting_period,
            self.quorum_percent,
            self.timelock_delay,
            self.token_name or self.name,
            self.token_symbol,
            self.token_cap,
        )
        return statute, list(self.founders)


def load_statute(path: str | Path) -> Statute:
    """Read and check a statute file (YAML)."""
    import yaml

    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise StatuteError(f"cannot read statute {path}: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise StatuteError(f"statute {path} is not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise StatuteError(f"statute {path}: expected a mapping of settings at the top level")
    return parse_statute(data)


def parse_statute(data: dict[str, Any]) -> Statute:
    """Check a statute given as a mapping (the YAML's structure) and return it."""
    try:
        return _parse(dict(data))
    except StatuteError:
        raise
    except CoopError as exc:
        raise StatuteError(str(exc)) from None


def _parse(data: dict[str, Any]) -> Statute:
    shares = _section(data, "shares")
    voting = _section(data, "voting")
    token = _section(data, "token")
    decimals = _int(shares.pop("decimals", 18), "shares.decimals", 0, 36)

    name = _text(data.pop("name", None), "name")
    founders = tuple(_address(f, "founders") for f in _list(data.pop("founders", None), "founders"))
    if len(founders) < 3:
        raise StatuteError(
            f"founders: a cooperative needs at least 3 founders (GenG §4), got {len(founders)}"
        )
    if len({f.lower() for f in founders}) != len(founders):
        raise StatuteError("founders: the same address is listed twice")

    price = to_base_units(_required(shares, "price", "shares.price"), decimals, "shares.price")
    if price == 0:
        raise StatuteError("shares.price: the nominal value of a share must be more than 0")
    min_shares = _int(shares.pop("min", 1), "shares.min", 1, 2**32 - 1)
    max_shares = _int(shares.pop("max", 100), "shares.max", 1, 2**32 - 1)
    if max_shares < min_shares:
        raise StatuteError(f"shares.max ({max_shares}) is below shares.min ({min_shares})")
    payment_token = shares.pop("payment_token", None)
    payment_token = (
        ZERO_ADDRESS
        if payment_token in (None, "", "native")
        else _address(payment_token, "shares.payment_token")
    )
    transferable = _bool(shares.pop("transferable", False), "shares.transferable")

    admission = str(data.pop("admission", "board")).lower()
    if admission not in ADMISSION_MODES:
        raise StatuteError(f"admission: expected one of {', '.join(ADMISSION_MODES)}, got {admission!r}")
    board = data.pop("board", None)
    board = ZERO_ADDRESS if board in (None, "") else _address(board, "board")
    if admission == "board" and board == ZERO_ADDRESS:
        raise StatuteError("board: admission by the board needs a board address")

    notice = _int(data.pop("notice_months", 3), "notice_months", 0, 10**6)
    if notice < 3:
        raise StatuteError(f"notice_months: the notice period is at least 3 months (GenG §65), got {notice}")
    if notice > 60:
        raise StatuteError(f"notice_months: the notice period is at most 5 years (GenG §65), got {notice}")
    fiscal_year_end = _month_day(data.pop("fiscal_year_end", "12-31"))

    principals = _int(data.pop("proxy_principals", 2), "proxy_principals", 0, 10**6)
    if not 1 <= principals <= 2:
        raise StatuteError(
            f"proxy_principals: a proxy represents 1 or 2 members (GenG §43(5)), got {principals}"
        )

    voting_delay = parse_duration(voting.pop("delay", "1 day"), "voting.delay")
    voting_period = parse_duration(voting.pop("period", "7 days"), "voting.period")
    if voting_period == 0:
        raise StatuteError("voting.period: voting must stay open for some time")
    quorum = _int(voting.pop("quorum_percent", 10), "voting.quorum_percent", 0, 10**6)
    if not 1 <= quorum <= 100:
        raise StatuteError(f"voting.quorum_percent: expected 1 to 100, got {quorum}")
    timelock_delay = parse_duration(voting.pop("timelock_delay", "2 days"), "voting.timelock_delay")
    if voting_delay >= 2**48 or voting_period >= 2**32 or timelock_delay >= 2**32:
        raise StatuteError("voting: a duration is too long")

    token_name = _text(token.pop("name", name), "token.name")
    token_symbol = _text(token.pop("symbol", "COOP"), "token.symbol")
    token_cap = to_base_units(token.pop("cap", 0) or 0, 18, "token.cap")

    for section_name, section in (
        ("", data),
        ("shares.", shares),
        ("voting.", voting),
        ("token.", token),
    ):
        if section:
            raise StatuteError(f"unknown statute setting: {section_name}{sorted(section)[0]}")

    return Statute(
        name=name,
        founders=founders,
        share_price=price,
        min_shares=min_shares,
        max_shares=max_shares,
        payment_token=payment_token,
        admission=admission,
        board=board,
        notice_months=notice,
        fiscal_year_end=fiscal_year_end,
        shares_transferable=transferable,
        max_proxy_principals=principals,
        voting_delay=voting_delay,
        voting_period=voting_period,
        quorum_percent=quorum,
        timelock_delay=timelock_delay,
        token_name=token_name,
        token_symbol=token_symbol,
        token_cap=token_cap,
    )


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.pop(key, None) or {}
    if not isinstance(value, dict):
        raise StatuteError(f"{key}: expected a mapping of settings")
    return dict(value)


def _required(data: dict[str, Any], key: str, what: str) -> Any:
    if key not in data or data[key] is None:
        raise StatuteError(f"{what} is missing")
    return data.pop(key)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise StatuteError(f"{what}: expected a non-empty text")
    return value.strip()


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise StatuteError(f"{what}: expected a list")
    return value


def _int(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise StatuteError(f"{what}: expected a whole number, got {value!r}")
    if not low <= value <= high:
        raise StatuteError(f"{what}: expected {low} to {high}, got {value}")
    return value


def _bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise StatuteError(f"{what}: expected true or false, got {value!r}")
    return value


def _address(value: Any, what: str) -> str:
    from ..chain.calls import checked_address

    return checked_address(str(value), what)


def _month_day(value: Any) -> tuple[int, int]:
    parts = str(value).split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise StatuteError(f"fiscal_year_end: expected MM-DD such as 12-31, got {value!r}")
    month, day = int(parts[0]), int(parts[1])
    days = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    if not 1 <= month <= 12 or not 1 <= day <= days[month - 1]:
        raise StatuteError(f"fiscal_year_end: {value!r} is not a day of the year")
    return month, day


TEMPLATE = Path(__file__).resolve().parent / "statute_template.yaml"


#: legal forms at the end of a cooperative's name, left out of its token's name
_LEGAL_FORMS = re.compile(
    r"[\s,]+(eG|e\.\s?G\.|eGmbH|eingetragene Genossenschaft|Genossenschaft|Co-?op(erative)?"
    r"|Ltd\.?|Inc\.?|SCE)$",
    re.I,
)


def token_names(name: str) -> tuple[str, str]:
    """A token name and symbol from a cooperative's name: "Bäckerei Süd eG" -> ("Bäckerei Süd Token",
    "BAEC"), from its words without the legal form; the symbol is four letters, umlauts spelled out."""
    from .addressbook import slug

    base = _LEGAL_FORMS.sub("", name.strip()).strip() or name.strip() or "Cooperative"
    letters = re.sub(r"[^a-z]", "", slug(base)).upper()
    return f"{base} Token", (letters[:4] or "COOP")


def statute_template(name: str, founders: list[str], board: str | None = None) -> str:
    """A commented statute file with the law's defaults, for `name` with these founders (the first one is the
    board unless `board` is given): what `coop init` writes and the demo deploys."""
    import json

    lines = "\n".join(f"  - {json.dumps(f)}" for f in founders) or "  []  # at least three addresses"
    chosen = board or (founders[0] if founders else "")
    token, symbol = token_names(name)
    return TEMPLATE.read_text().format(
        name=name,
        founders=lines,
        board=json.dumps(chosen),
        token_name=json.dumps(token, ensure_ascii=False),
        token_symbol=symbol,
    )


def sample_statute(name: str, founders: list[str], board: str | None = None) -> Statute:
    """The template's statute, checked: the demo's cooperative."""
    import yaml

    return parse_statute(yaml.safe_load(statute_template(name, founders, board)))
