"""`coop token ...`: the cooperative token (ERC-20 with permit), held and spent by members."""

from __future__ import annotations

import click

from ...errors import CoopError
from ..context import AppContext


@click.group()
def token() -> None:
    """The cooperative token: balance, transfer, approve."""


def amount_from(text: str, raw: bool, decimals: int = 18) -> int:
    """Base units from an AMOUNT argument: human units (`1.5`), or base units with --raw."""
    from ...chain.units import to_base_units

    if raw:
        try:
            return int(text)
        except ValueError:
            raise CoopError(f"--raw takes a whole number of base units, got {text!r}") from None
    return to_base_units(text, decimals)


RAW = click.option("--raw", is_flag=True, help="AMOUNT in base units (wei) instead of whole coins or tokens.")


@token.command()
@click.argument("address", required=False)
@click.pass_obj
def balance(ctx: AppContext, address: str | None) -> None:
    """The token balance of ADDRESS (default: your account)."""
    from ...chain.calls import checked_address
    from ...chain.units import from_base_units

    coop = ctx.cooperative()
    who = checked_address(address, "address") if address else ctx.sender().address
    amount = coop.token_balance(who)
    symbol = coop.token.functions.symbol().call()
    ctx.out.result(
        {"address": who, "balance": amount, "symbol": symbol},
        f"{who}: {from_base_units(amount)} {symbol}",
    )


@token.command()
@click.argument("to")
@click.argument("amount")
@RAW
@click.pass_obj
def transfer(ctx: AppContext, to: str, amount: str, raw: bool) -> None:
    """Send AMOUNT tokens to TO."""
    from ...chain.calls import checked_address

    coop = ctx.cooperative()
    who = checked_address(to, "recipient")
    receipt = coop.token_transfer(ctx.sender(), who, amount_from(amount, raw))
    ctx.transacted(receipt, f"{amount} {'base units' if raw else 'tokens'} sent to {who}", coop.names())


@token.command()
@click.argument("spender")
@click.argument("amount")
@RAW
@click.pass_obj
def approve(ctx: AppContext, spender: str, amount: str, raw: bool) -> None:
    """Allow SPENDER to spend up to AMOUNT of your tokens."""
    from ...chain.calls import checked_address

    coop = ctx.cooperative()
    who = checked_address(spender, "spender")
    receipt = coop.token_approve(ctx.sender(), who, amount_from(amount, raw))
    ctx.transacted(receipt, f"{who} may spend {amount} of your tokens", coop.names())


COMMANDS = [token]
