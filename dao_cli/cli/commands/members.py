"""`coop member ...`: joining, shares, notice, refunds and proxies; the member list."""

from __future__ import annotations

from typing import Any

import click

from ...chain.units import date
from ...errors import CoopError
from ..context import AppContext


@click.group()
def member() -> None:
    """Apply, admit, buy shares, give notice, claim refunds, appoint a proxy; list members."""


def _address(value: str, what: str) -> str:
    from ...chain.calls import checked_address

    return checked_address(value, what)


def _shares(value: int) -> int:
    if value < 1:
        raise CoopError("--shares: at least 1")
    return value


@member.command(name="apply")
@click.option("--shares", type=int, required=True, help="How many shares to subscribe.")
@click.option(
    "--application",
    type=click.Path(exists=True, dir_okay=False),
    help="The signed application (e.g. a PDF); only its hash goes on chain.",
)
@click.option(
    "--sign-only",
    is_flag=True,
    help="Print an EIP-712 signed application for `coop relay`, whose sender pays the shares and the gas "
    "(valid 7 days, once); send nothing.",
)
@click.pass_obj
def apply_(ctx: AppContext, shares: int, application: str | None, sign_only: bool) -> None:
    """Apply for membership, paying the shares' nominal value into escrow."""
    import hashlib
    from pathlib import Path

    digest = hashlib.sha256(Path(application).read_bytes()).digest() if application else b"\0" * 32
    if sign_only:
        _print_declaration(ctx, "application", shares=_shares(shares), application_hash=digest)
        return
    coop = ctx.cooperative()
    sender = ctx.sender()
    receipt = coop.apply(sender, _shares(shares), digest)
    ctx.transacted(
        receipt,
        f"{sender.address} applied for {shares} share(s)",
        coop.names(),
        application_hash="0x" + digest.hex(),
    )


@member.command()
@click.pass_obj
def withdraw(ctx: AppContext) -> None:
    """Withdraw your pending application; the escrow comes back."""
    coop = ctx.cooperative()
    ctx.transacted(coop.withdraw_application(ctx.sender()), "application withdrawn", coop.names())


@member.command()
@click.argument("applicant")
@click.pass_obj
def admit(ctx: AppContext, applicant: str) -> None:
    """Admit an applicant (as the board; in an assembly cooperative use `coop propose admit`)."""
    coop = ctx.cooperative()
    who = _address(applicant, "applicant")
    ctx.transacted(coop.admit(ctx.sender(), who), f"{who} admitted", coop.names())


@member.command()
@click.argument("applicant")
@click.pass_obj
def reject(ctx: AppContext, applicant: str) -> None:
    """Reject an applicant; the escrow is held for them to collect (`coop member collect-escrow`)."""
    coop = ctx.cooperative()
    who = _address(applicant, "applicant")
    ctx.transacted(
        coop.reject(ctx.sender(), who), f"{who} rejected; the escrow is theirs to collect", coop.names()
    )


@member.command(name="collect-escrow")
@click.pass_obj
def collect_escrow(ctx: AppContext) -> None:
    """Collect the escrow of your rejected application."""
    coop = ctx.cooperative()
    ctx.transacted(coop.collect_escrow(ctx.sender()), "escrow collected", coop.names())


@member.command(name="pay-in")
@click.pass_obj
def pay_in(ctx: AppContext) -> None:
    """Pay in what you still owe on your subscribed shares (founders)."""
    coop = ctx.cooperative()
    ctx.transacted(coop.pay_in(ctx.sender()), "shares paid in", coop.names())


@member.command(name="buy-shares")
@click.option("--shares", type=int, required=True, help="How many more shares.")
@click.pass_obj
def buy_shares(ctx: AppContext, shares: int) -> None:
    """Buy more shares at their nominal value."""
    coop = ctx.cooperative()
    ctx.transacted(coop.buy_shares(ctx.sender(), _shares(shares)), f"{shares} share(s) bought", coop.names())


@member.command()
@click.argument("giver")
@click.option("--shares", type=int, required=True, help="How many shares you agree to take.")
@click.option(
    "--sign-only", is_flag=True, help="Print an EIP-712 signed agreement for the giver; send nothing."
)
@click.pass_obj
def consent(ctx: AppContext, giver: str, shares: int, sign_only: bool) -> None:
    """Agree to take shares from GIVER (GenG §76: a transfer needs the receiver's agreement), with the
    paid-in capital they carry now."""
    import json

    coop = ctx.cooperative()
    sender = ctx.sender()
    who = _address(giver, "giver")
    if sign_only:
        signed = coop.sign_transfer_consent(sender, who, _shares(shares))
        ctx.out.say(
            f"agreement of {sender.address}: {who} sends it with `coop member transfer-shares --consent FILE`"
        )
        ctx.out.result(signed, json.dumps(signed, indent=2))
        return
    receipt = coop.consent_to_transfer(sender, who, _shares(shares))
    ctx.transacted(receipt, f"you agree to take {shares} share(s) from {who}", coop.names())


@member.command(name="transfer-shares")
@click.argument("to")
@click.option("--shares", type=int, required=True, help="How many shares to transfer.")
@click.option(
    "--consent",
    "consent_file",
    type=click.File("r"),
    help="The receiver's signed agreement (`coop member consent --sign-only`), instead of one on chain.",
)
@click.pass_obj
def transfer_shares(ctx: AppContext, to: str, shares: int, consent_file: Any) -> None:
    """Transfer shares to another member who has agreed to take them (if the statute allows transfers)."""
    import json

    coop = ctx.cooperative()
    who = _address(to, "recipient")
    signed = None
    if consent_file is not None:
        try:
            signed = json.load(consent_file)
        except ValueError:
            raise CoopError(
                f"{consent_file.name}: not JSON (expected what `coop member consent --sign-only` prints)"
            ) from None
        if not isinstance(signed, dict):
            raise CoopError(f"{consent_file.name}: not a signed agreement")
    receipt = coop.transfer_shares(ctx.sender(), who, _shares(shares), signed)
    ctx.transacted(receipt, f"{shares} share(s) transferred to {who}", coop.names())


_SIGN_ONLY = "Print an EIP-712 signed declaration for `coop relay` (valid 7 days, once); send nothing."


def _print_declaration(ctx: AppContext, kind: str, proxy: str | None = None, **fields: Any) -> None:
    import json

    from ...coop.declarations import sign

    signed = sign(ctx.cooperative(), ctx.sender(), kind, proxy, **fields)
    ctx.out.say(f"signed {kind} of {signed['member']}: anyone can submit it with `coop relay FILE`")
    ctx.out.result(signed, json.dumps(signed, indent=2))


@member.command()
@click.option("--sign-only", is_flag=True, help=_SIGN_ONLY)
@click.pass_obj
def notice(ctx: AppContext, sign_only: bool) -> None:
    """Give notice: the exit takes effect at the first fiscal-year end after the notice period."""
    if sign_only:
        _print_declaration(ctx, "notice")
        return
    coop = ctx.cooperative()
    ctx.transacted(coop.give_notice(ctx.sender()), "notice given", coop.names())


@member.command()
@click.argument("address", required=False)
@click.pass_obj
def exit(ctx: AppContext, address: str | None) -> None:  # noqa: A001  (the command's name)
    """Complete a due exit (yours, or ADDRESS's: anyone may), turning paid-in capital into a refund claim."""
    coop = ctx.cooperative()
    sender = ctx.sender()
    who = _address(address, "member") if address else sender.address
    ctx.transacted(coop.complete_exit(sender, who), f"exit of {who} completed", coop.names())


@member.command(name="claim-refund")
@click.pass_obj
def claim_refund(ctx: AppContext) -> None:
    """Claim the refund of your paid-in capital after exit; what cannot be paid yet stays a claim."""
    coop = ctx.cooperative()
    ctx.transacted(coop.claim_refund(ctx.sender()), "refund paid", coop.names())


@member.group()
def proxy() -> None:
    """Appoint or revoke the member who carries your vote (GenG §43(5))."""


@proxy.command(name="set")
@click.argument("address")
@click.option("--sign-only", is_flag=True, help=_SIGN_ONLY)
@click.pass_obj
def proxy_set(ctx: AppContext, address: str, sign_only: bool) -> None:
    """Appoint ADDRESS (a member) as your proxy."""
    who = _address(address, "proxy")
    if sign_only:
        _print_declaration(ctx, "proxy", who)
        return
    coop = ctx.cooperative()
    ctx.transacted(coop.set_proxy(ctx.sender(), who), f"{who} carries your vote", coop.names())


@proxy.command(name="revoke")
@click.pass_obj
def proxy_revoke(ctx: AppContext) -> None:
    """Take your vote back from your proxy."""
    coop = ctx.cooperative()
    ctx.transacted(coop.revoke_proxy(ctx.sender()), "proxy revoked: you carry your own vote", coop.names())


@proxy.command(name="resign")
@click.argument("principal")
@click.pass_obj
def proxy_resign(ctx: AppContext, principal: str) -> None:
    """As proxy, give up (or decline) carrying PRINCIPAL's vote: it is theirs again."""
    coop = ctx.cooperative()
    who = _address(principal, "principal")
    receipt = coop.resign_as_proxy(ctx.sender(), who)
    ctx.transacted(receipt, f"you no longer carry the vote of {who}", coop.names())


@member.command(name="list")
@click.option(
    "--all", "include_former", is_flag=True, help="Include members who have exited or were excluded."
)
@click.option("--applications", is_flag=True, help="List pending applications instead.")
@click.pass_obj
def list_members(ctx: AppContext, include_former: bool, applications: bool) -> None:
    """The member list (GenG §30) or the pending applications."""
    coop = ctx.cooperative()
    unit, decimals = coop.currency()
    if applications:
        pending = coop.applications()
        lines = [
            f"{a['applicant']}  {a['shares']} share(s), escrow {_amount(a['escrow'], decimals, unit)}"
            for a in pending
        ]
        ctx.out.result(pending, lines or ["no pending applications"])
        return
    members = coop.members(include_former)
    lines = [
        f"{m['address']}  {m['status']:<8} {m['shares']:>4} share(s)"
        f"  paid {_amount(m['paid'], decimals, unit)}" + (f"  proxy {m['proxy']}" if m["proxy"] else "")
        for m in members
    ]
    ctx.out.result(members, lines + [f"{len(members)} member(s)"])


@member.command()
@click.argument("address")
@click.pass_obj
def show(ctx: AppContext, address: str) -> None:
    """One member's entry: status, shares, capital, dates, vote, proxy and claims."""
    coop = ctx.cooperative()
    entry = coop.member(_address(address, "member"))
    unit, decimals = coop.currency()
    lines = [f"{entry['address']}: {entry['status']}"]
    for key in ("shares", "votes", "voting_rights", "proxy", "principals"):
        lines.append(f"  {key.replace('_', ' '):<14} {_plain(entry[key])}")
    lines.append(f"  joined         {date(entry['joined_at'])}")
    lines.append(f"  exit           {date(entry['exit_at'])}")
    for key in ("paid", "due", "refund_claim", "returned_escrow"):
        lines.append(f"  {key.replace('_', ' '):<14} {_amount(entry[key], decimals, unit)}")
    if entry["application"]:
        app = entry["application"]
        lines.append(
            f"  application    {app['shares']} share(s), escrow {_amount(app['escrow'], decimals, unit)}"
        )
    ctx.out.result(entry, lines)


def _amount(value: int, decimals: int, unit: str) -> str:
    from ...chain.units import from_base_units

    return f"{from_base_units(value, decimals)} {unit}"


def _plain(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(value) or "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


COMMANDS = [member]
