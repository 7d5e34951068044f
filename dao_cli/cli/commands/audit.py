"""`coop audit ...`: the cooperative's books from the chain alone (see dao_cli/books/audit.py).

Every subcommand reads the chain through `chainlog` (adaptive log ranges, batches, an on-disk cache) and
prints one table in `--format table|csv|json|markdown` (`--json` is `--format json`); `report` writes the
HTML report with its CSV and JSON files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ...errors import CoopError
from ..context import AppContext

FORMATS = ("table", "csv", "json", "markdown")


class Session:
    """What one audit command reads with: the connection, the chain reader and the cooperative."""

    def __init__(self, ctx: AppContext, address: str | None, use_cache: bool) -> None:
        from ...books.chainlog import ChainReader
        from ..progress import ProgressBar

        self.ctx = ctx
        self.w3 = ctx.w3
        self.reader = ChainReader(ctx.url(), use_cache=use_cache, timeout=ctx.timeout)
        self.progress = ProgressBar("reading the history", quiet=ctx.quiet or ctx.json_mode)
        if address:
            from ...books.audit import locate

            self.deployment = locate(self.w3, self.reader, address)
            self.name = (
                self.w3.eth.contract(address=self.deployment.governor, abi=_abi("CoopGovernor"))
                .functions.name()
                .call()
            )
        else:
            coop = ctx.cooperative()
            self.deployment, self.name = coop.deployment, coop.governor.functions.name().call()
        # the chain read is named every time: the same addresses exist on every fresh local chain
        ctx.out.say(f"auditing {self.name} on chain {self.deployment.chain_id} at {ctx.url()}")

    def events(self, to_block: int | None = None) -> list[dict[str, Any]]:
        from ...books.audit import load_events

        with self.progress:
            return load_events(self.reader, self.deployment, to_block, self.progress)

    def books(self, block: int) -> Any:
        from ...books.audit import replay

        return replay(self.deployment, self.events(block))

    def units(self) -> dict[str, Any]:
        """The currency and token units the tables show amounts in."""
        from ...books.audit import units

        return units(self.w3, self.deployment)


def _abi(name: str) -> list[dict[str, Any]]:
    from ...chain import artifacts

    return artifacts.abi(name)


def audit_options(command: Callable[..., Any], formats: bool = True) -> Callable[..., Any]:
    """The options every audit command takes (`--format` where it prints a table)."""
    if formats:
        command = click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="table",
            show_default=True,
            help="Output format.",
        )(command)
    command = click.option("--no-cache", is_flag=True, help="Read everything from the chain again.")(command)
    command = click.option(
        "--address",
        metavar="ADDRESS",
        help="Any of the cooperative's contracts (instead of the address book).",
    )(command)
    return click.pass_obj(command)


def _show(
    ctx: AppContext, table: str, audit: dict[str, Any], fmt: str, rows: list[dict] | None = None
) -> None:
    from ...books.tables import audit_tables
    from ...books.tabular import render

    chosen = audit_tables(audit)[table]
    click.echo(
        render(chosen.rows if rows is None else rows, chosen.columns, "json" if ctx.json_mode else fmt)
    )


@click.group()
def audit() -> None:
    """The books from the chain alone: history, member list, capital, minutes, treasury, checks, report."""


@audit.command()
@click.option("--from-block", type=int, help="First block (default: the cooperative's creation).")
@click.option("--to-block", type=int, help="Last block (default: the latest).")
@click.option("--kind", "kinds", multiple=True, metavar="EVENT", help="Only these events (repeatable).")
@audit_options
def history(
    ctx: AppContext,
    from_block: int | None,
    to_block: int | None,
    kinds: tuple[str, ...],
    address: str | None,
    no_cache: bool,
    fmt: str,
) -> None:
    """Every event of the cooperative's contracts, decoded, in order, with block, time, tx and actor."""
    from ...books.audit import history_rows

    session = Session(ctx, address, not no_cache)
    events = session.events(to_block)
    known = {e["event"] for e in events}
    unknown = [k for k in kinds if k not in known]
    if unknown and events:
        raise CoopError(f"no {unknown[0]} events in this history (events here: {', '.join(sorted(known))})")
    rows = [
        r
        for r in history_rows(events)
        if (from_block is None or r["block"] >= from_block) and (not kinds or r["event"] in kinds)
    ]
    _show(ctx, "history", {}, fmt, rows)


@audit.command()
@click.option("--at", metavar="BLOCK|DATE", help="The list as it stood at a block or a date (UTC).")
@click.option("--current", is_flag=True, help="Only members who have not left.")
@audit_options
def members(
    ctx: AppContext, at: str | None, current: bool, address: str | None, no_cache: bool, fmt: str
) -> None:
    """The member list (GenG §30): entry, shares, proxy, notice, exit or exclusion, status."""
    from ...books.audit import resolve_at

    session = Session(ctx, address, not no_cache)
    books = session.books(resolve_at(session.reader, at))
    _show(ctx, "members", {**session.units(), "members": books.member_rows(not current)}, fmt)


@audit.command()
@click.option("--at", metavar="BLOCK|DATE", help="The accounts as they stood at a block or a date (UTC).")
@audit_options
def capital(ctx: AppContext, at: str | None, address: str | None, no_cache: bool, fmt: str) -> None:
    """Capital accounts: subscribed, paid, refunded and open claims per member, with totals."""
    from ...books.audit import resolve_at

    session = Session(ctx, address, not no_cache)
    books = session.books(resolve_at(session.reader, at))
    accounts = books.capital()
    totals = {"address": "total", **accounts["totals"]}
    totals["open_claim"] = totals.pop("open_claims")
    units = session.units()
    _show(ctx, "capital", {**units, "capital": accounts}, fmt, accounts["accounts"] + [totals])
    if fmt == "table" and not ctx.json_mode:
        from ...chain.units import from_base_units

        symbol = units["currency"]["symbol"]
        click.echo(
            f"escrow of pending applications {from_base_units(accounts['totals']['escrow'])} {symbol}; "
            f"refunds owed {from_base_units(accounts['totals']['open_claims'])} {symbol}"
        )


def _full(ctx: AppContext, address: str | None, no_cache: bool, at: str | None = None) -> dict[str, Any]:
    from ...books.audit import build, resolve_at

    session = Session(ctx, address, not no_cache)
    block = resolve_at(session.reader, at)
    events = session.events(block)
    return build(session.w3, session.reader, session.deployment, session.name, block, events=events)


@audit.command()
@click.option("--votes", is_flag=True, help="List every ballot instead (who voted how, and for whom).")
@audit_options
def minutes(ctx: AppContext, votes: bool, address: str | None, no_cache: bool, fmt: str) -> None:
    """The minutes of every resolution (GenG §47): kind, majority, quorum, counts, outcome, execution."""
    _show(ctx, "votes" if votes else "minutes", _full(ctx, address, no_cache), fmt)


@audit.command()
@click.option(
    "--token", "token_events", is_flag=True, help="Mints and burns of the cooperative token instead."
)
@audit_options
def treasury(ctx: AppContext, token_events: bool, address: str | None, no_cache: bool, fmt: str) -> None:
    """Treasury inflows and outflows, with the resolution that authorised each."""
    _show(ctx, "token" if token_events else "treasury", _full(ctx, address, no_cache), fmt)


@audit.command()
@audit_options
def verify(ctx: AppContext, address: str | None, no_cache: bool, fmt: str) -> None:
    """Check the books: the replayed history equals the contracts' state, the deployed code is the
    published one, and nobody but the timelock holds power. Exit code 1 when a check fails."""
    result = _full(ctx, address, no_cache)
    _show(ctx, "findings", result, fmt)
    failed = [f for f in result["findings"] if not f["ok"]]
    if failed:
        raise CoopError(f"{len(failed)} of {len(result['findings'])} checks failed: {failed[0]['message']}")


def _report_options(command: Callable[..., Any]) -> Callable[..., Any]:
    return audit_options(command, formats=False)


@audit.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder to write.")
@click.option("--at", metavar="BLOCK|DATE", help="The books as they stood at a block or a date (UTC).")
@_report_options
def report(ctx: AppContext, out_dir: str, at: str | None, address: str | None, no_cache: bool) -> None:
    """Write a self-contained HTML report (charts, member list, capital, minutes, treasury, checks) and the
    CSV and JSON files it was made from."""
    from pathlib import Path

    from ...books.report import write_report

    try:  # before reading the chain: a folder that cannot be written fails at once
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        probe = Path(out_dir) / ".coopdao-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise CoopError(f"cannot write the report to {out_dir}: {exc.strerror or exc}") from None
    result = _full(ctx, address, no_cache, at)
    try:
        index = write_report(result, Path(out_dir))
    except OSError as exc:
        raise CoopError(f"cannot write the report to {out_dir}: {exc.strerror or exc}") from None
    failed = sum(1 for f in result["findings"] if not f["ok"])
    ctx.out.result(
        {"report": str(index), "block": result["block"], "failed_checks": failed},
        f"wrote {index} (block {result['block']}; "
        + (f"{failed} check(s) FAILED)" if failed else "all checks passed)"),
    )


COMMANDS = [audit]
