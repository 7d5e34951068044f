"""Human amounts, durations and times, as statute files and commands take them and people read them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from ..errors import CoopError

_DURATION_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
    "w": 7 * 86400,
    "week": 7 * 86400,
}
_DURATION = re.compile(r"^\s*(\d+)\s*([a-z]*?)s?\s*$")


def parse_duration(value: object, what: str = "duration") -> int:
    """Seconds from an int (seconds) or a text such as "7 days", "36h", "90 min"."""
    if isinstance(value, bool):
        raise CoopError(f"{what}: expected a duration such as '7 days', got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise CoopError(f"{what}: must not be negative")
        return value
    match = _DURATION.match(str(value).lower())
    unit = match and (match.group(2) or "s")
    if not match or unit not in _DURATION_UNITS:
        raise CoopError(f"{what}: expected a duration such as '7 days' or '36h', got {value!r}")
    return int(match.group(1)) * _DURATION_UNITS[unit]


def to_base_units(value: object, decimals: int = 18, what: str = "amount") -> int:
    """Base units (wei) from a human amount: "1.5" with 18 decimals is 1.5 * 10**18."""
    if isinstance(value, bool):
        raise CoopError(f"{what}: expected a number, got {value!r}")
    text = str(value).strip()
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d*\.?\d*[eE][+-]?\d+", text):
        # 1e18 as an amount of coins is a billion billion of them: always a slip for base units
        raise CoopError(
            f"{what}: write the amount in full, not as {text!r} (that would be {Decimal(text):f} whole coins "
            "or tokens); amounts in base units (wei) take --raw"
        )
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CoopError(f"{what}: expected a number, got {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise CoopError(f"{what}: expected a non-negative number, got {value!r}")
    scaled = amount.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise CoopError(f"{what}: {value} has more than {decimals} decimal places")
    return int(scaled)


def from_base_units(amount: int, decimals: int = 18) -> str:
    """A human amount from base units, without trailing zeros: 1500000000000000000 -> "1.5"."""
    text = format(Decimal(amount).scaleb(-decimals), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def fee_bound(wei: int) -> str:
    """An upper bound of a fee in ETH, to 6 decimals (rounded up, as it is a bound)."""
    step = 10**12
    return from_base_units(-(-wei // step) * step)


def iso_time(timestamp: int | None, precise: bool = False, day_only: bool = False) -> str:
    """A unix timestamp as an ISO date in UTC: "2025-03-01 14:05Z", precise "2025-03-01T14:05:09Z", or the day
    alone "2025-03-01". None and 0 are no time ("")."""
    if not timestamp:
        return ""
    moment = datetime.fromtimestamp(int(timestamp), UTC)
    if precise:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%d" if day_only else "%Y-%m-%d %H:%MZ")


def date(timestamp: int | None) -> str:
    """A block timestamp as people read it ("2026-11-25 09:04Z", UTC), or "-": the audit tables' style."""
    return iso_time(timestamp) or "-"
