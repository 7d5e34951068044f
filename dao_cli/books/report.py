"""The audit as a self-contained HTML report, with the CSV and JSON files it was made from.

`write_report(audit, out_dir)` writes `index.html` (inline CSS and inline SVG charts drawn here: no script,
no font, no image and no address outside the page, so it opens with no network), one CSV file per table
(`audit_tables`) and `audit.json`. The audit is the plain dict `dao_cli.books.audit` builds: amounts in base
units, times as unix timestamps.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from . import tabular
from .tabular import Column

CSV_TABLES = ("members", "capital", "minutes", "votes", "treasury", "token", "history", "findings")


@dataclass(frozen=True)
class Table:
    rows: list[dict]
    columns: list[Column]


def write_report(audit: dict, out_dir: Path) -> Path:
    """Write the report of `audit` into `out_dir` (created if missing); return the path of `index.html`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "audit.json").write_text(
        json.dumps(audit, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for name, table in audit_tables(audit).items():
        csv_text = tabular.render(table.rows, table.columns, "csv")
        (out_dir / f"{name}.csv").write_text(csv_text, encoding="utf-8", newline="")
    index = out_dir / "index.html"
    index.write_text(render_html(audit), encoding="utf-8")
    return index


# --------------------------------------------------------------------------- the tables


def audit_tables(audit: dict) -> dict[str, Table]:
    """The audit's tables (rows and columns) by name, as the CSV files and `--format` outputs show them."""
    return {
        "members": Table(audit.get("members", []), member_columns(audit)),
        "capital": Table(audit.get("capital", {}).get("accounts", []), capital_columns(audit)),
        "minutes": Table(audit.get("minutes", []), minutes_columns()),
        "votes": Table(vote_rows(audit), vote_columns()),
        "treasury": Table(audit.get("treasury", {}).get("flows", []), treasury_columns(audit)),
        "token": Table(audit.get("token_events", []), token_columns(audit)),
        "history": Table(audit.get("history", []), history_columns()),
        "findings": Table(audit.get("findings", []), findings_columns()),
    }


def _currency(audit: dict) -> tuple[str, int]:
    currency = audit.get("currency") or {}
    return currency.get("symbol", "ETH"), currency.get("decimals", 18)


def _token(audit: dict) -> tuple[str, int]:
    token = audit.get("token") or {}
    return token.get("symbol", "token"), token.get("decimals", 18)


def member_columns(audit: dict) -> list[Column]:
    symbol, decimals = _currency(audit)
    return [
        Column("address", "member", "address"),
        Column("status", "status"),
        Column("shares", "shares", "int"),
        Column("paid", f"paid ({symbol})", "amount", decimals),
        Column("joined_at", "joined", "date"),
        Column("notice_at", "notice", "date"),
        Column("exit_at", "exit", "date"),
        Column("proxy", "proxy", "address"),
        Column("refund_claim", f"refund claim ({symbol})", "amount", decimals),
    ]


def capital_columns(audit: dict) -> list[Column]:
    symbol, decimals = _currency(audit)
    return [
        Column("address", "member", "address"),
        Column("subscribed", f"subscribed ({symbol})", "amount", decimals),
        Column("paid", f"paid ({symbol})", "amount", decimals),
        Column("refunded", f"refunded ({symbol})", "amount", decimals),
        Column("open_claim", f"open claim ({symbol})", "amount", decimals),
    ]


def minutes_columns() -> list[Column]:
    return [
        Column("number", "no.", "int"),
        Column("id", "proposal id"),
        Column("title", "title"),
        Column("kind", "kind"),
        Column("required_majority", "majority"),
        Column("quorum", "quorum", "int"),
        Column("eligible", "eligible", "int"),
        Column("for", "for", "int"),
        Column("against", "against", "int"),
        Column("abstain", "abstain", "int"),
        Column("state", "outcome"),
        Column("proposed_at", "proposed", "time"),
        Column("deadline", "voting closes", "time"),
        Column("executed_tx", "execution tx", "hash"),
    ]


def vote_rows(audit: dict) -> list[dict]:
    """Every ballot, with the number and id of its resolution."""
    return [
        {"resolution": minute.get("number"), "proposal_id": minute.get("id"), **vote}
        for minute in audit.get("minutes", [])
        for vote in minute.get("votes", [])
    ]


def vote_columns() -> list[Column]:
    return [
        Column("resolution", "resolution", "int"),
        Column("proposal_id", "proposal id"),
        Column("voter", "voter", "address"),
        Column("support", "vote"),
        Column("weight", "votes", "int"),
        Column("principals", "for members (proxy)", "list"),
        Column("reason", "reason"),
        Column("tx", "tx", "hash"),
    ]


def treasury_columns(audit: dict) -> list[Column]:
    symbol, currency_decimals = _currency(audit)
    _, token_decimals = _token(audit)

    def decimals(row: dict) -> int:
        return currency_decimals if row.get("asset") == symbol else token_decimals

    return [
        Column("block", "block", "int"),
        Column("time", "time", "time"),
        Column("tx", "tx", "hash"),
        Column("direction", "direction"),
        Column("asset", "asset"),
        Column("amount", "amount", "amount", decimals),
        Column("counterparty", "counterparty", "address"),
        Column("resolution", "resolution", "int"),
    ]


def token_columns(audit: dict) -> list[Column]:
    symbol, decimals = _token(audit)
    return [
        Column("block", "block", "int"),
        Column("time", "time", "time"),
        Column("tx", "tx", "hash"),
        Column("kind", "kind"),
        Column("amount", f"amount ({symbol})", "amount", decimals),
        Column("account", "account", "address"),
        Column("resolution", "resolution", "int"),
    ]


def history_columns() -> list[Column]:
    return [
        Column("block", "block", "int"),
        Column("time", "time", "time"),
        Column("tx", "tx", "hash"),
        Column("actor", "actor", "address"),
        Column("contract", "contract"),
        Column("event", "event"),
        Column("args", "arguments", "json"),
    ]


def findings_columns() -> list[Column]:
    return [Column("check", "check"), Column("ok", "passed", "bool"), Column("message", "message")]


# --------------------------------------------------------------------------- the page


CSS = """
:root { --ink: #1d2733; --muted: #5b6672; --line: #d5dbe1; --soft: #f3f5f7;
        --for: #2e7d32; --against: #c62828; --abstain: #9e9e9e; --eligible: #e3e8ee;
        --quorum: #1d2733; --paid: #1565c0; --claims: #ef6c00; --members: #6a1b9a; --treasury: #00796b; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1240px; padding: 24px; color: var(--ink); background: #fff;
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
p.lead, p.note { color: var(--muted); margin: 4px 0 12px; }
nav a { margin-right: 12px; color: var(--paid); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
th.num { text-align: right; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.time { white-space: nowrap; }
.scroll { overflow-x: auto; }
table.summary th { width: 240px; background: none; }
tr.total td { font-weight: 600; border-top: 2px solid var(--ink); }
tr.fail td { background: #fdecea; }
code { font: 12px/1.3 ui-monospace, "DejaVu Sans Mono", monospace; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.badge.ok { background: #e6f4ea; color: var(--for); }
.badge.fail { background: #fdecea; color: var(--against); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
svg.chart { width: 100%; height: auto; display: block; }
svg .chart-title { font-size: 15px; font-weight: 600; fill: var(--ink); }
svg .axis-label { font-size: 12px; fill: var(--muted); }
svg .tick text, svg .bar-label { font-size: 11px; fill: var(--muted); }
svg .tick line, svg .grid { stroke: var(--line); }
svg .axis { stroke: var(--ink); }
svg .empty { font-size: 14px; fill: var(--muted); }
svg .line { fill: none; stroke-width: 2.5; }
svg .series-members { stroke: var(--members); fill: var(--members); }
svg .series-paid { stroke: var(--paid); fill: var(--paid); }
svg .series-open_claims { stroke: var(--claims); fill: var(--claims); }
svg .series-treasury { stroke: var(--treasury); fill: var(--treasury); }
svg path.line { fill: none; }
svg .bar.eligible { fill: var(--eligible); }
svg .bar.for { fill: var(--for); }
svg .bar.against { fill: var(--against); }
svg .bar.abstain { fill: var(--abstain); }
svg .quorum { stroke: var(--quorum); stroke-width: 2; stroke-dasharray: 4 2; }
svg .outcome.passed { fill: var(--for); }
svg .outcome.failed { fill: var(--against); }
svg .outcome.open { fill: var(--abstain); }
svg .legend text { font-size: 11px; fill: var(--ink); }
details > summary { cursor: pointer; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 4px 0 8px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
@media print { nav { display: none; } .charts { display: block; }
               figure { break-inside: avoid; margin-bottom: 12px; } }
"""


def render_html(audit: dict) -> str:
    """The whole report page."""
    name = (audit.get("cooperative") or {}).get("name", "cooperative")
    body = [
        _header(audit),
        _nav(),
        _section("summary", "Summary", _summary(audit)),
        _section("findings", "Verification", _findings(audit)),
        _section("charts", "Charts", _charts(audit)),
        _section("members", "Member list", _members(audit)),
        _section("capital", "Capital accounts", _capital(audit)),
        _section("minutes", "Minutes of the resolutions", _minutes(audit)),
        _section("treasury", "Treasury flows", _treasury(audit)),
        _section("token", "Token mints and burns", _token_events(audit)),
        _footer(audit),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Audit of {_e(name)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _section(anchor: str, title: str, content: str) -> str:
    return f'<section id="{anchor}">\n<h2>{_e(title)}</h2>\n{content}\n</section>'


def _header(audit: dict) -> str:
    coop = audit.get("cooperative") or {}
    block, when = audit.get("block"), tabular.iso_time(audit.get("block_time")) or "-"
    return (
        f"<header>\n<h1>Audit of {_e(coop.get('name', 'the cooperative'))}</h1>\n"
        f'<p class="lead">From the chain alone: chain {_e(coop.get("chain_id"))}'
        + (f" read at <code>{_e(coop['rpc_url'])}</code>" if coop.get("rpc_url") else "")
        + f", state at block {_e(_int(block))} ({_e(when)}).</p>\n</header>"
    )


def _nav() -> str:
    links = [
        ("summary", "Summary"),
        ("findings", "Verification"),
        ("charts", "Charts"),
        ("members", "Members"),
        ("capital", "Capital"),
        ("minutes", "Minutes"),
        ("treasury", "Treasury"),
        ("token", "Token"),
        ("files", "Files"),
    ]
    return "<nav>" + "".join(f'<a href="#{anchor}">{_e(text)}</a>' for anchor, text in links) + "</nav>"


def _int(value: Any) -> str:
    return (
        f"{value:,}"
        if isinstance(value, int) and not isinstance(value, bool)
        else ("-" if value is None else str(value))
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _money(value: int | None, symbol: str, decimals: int) -> str:
    return "-" if value is None else f"{tabular.amount(value, decimals)} {symbol}"


def _summary(audit: dict) -> str:
    coop = audit.get("cooperative") or {}
    symbol, decimals = _currency(audit)
    token_symbol, token_decimals = _token(audit)
    members = audit.get("members", [])
    totals = (audit.get("capital") or {}).get("totals") or {}
    statuses = Counter(m.get("status", "?") for m in members)
    states = Counter(m.get("state", "?") for m in audit.get("minutes", []))
    balance = _last((audit.get("series") or {}).get("treasury", []), "balance")
    minted, burned = _token_volume(audit, "mint"), _token_volume(audit, "burn")
    facts = [
        ("Cooperative", _e(coop.get("name"))),
        (
            "Chain",
            _e(coop.get("chain_id"))
            + (f" at <code>{_e(coop['rpc_url'])}</code>" if coop.get("rpc_url") else ""),
        ),
        (
            "Created",
            f"block {_e(_int(coop.get('created_block')))}, {_e(tabular.iso_time(coop.get('created_at')))}",
        ),
        (
            "Audited state",
            f"block {_e(_int(audit.get('block')))}, {_e(tabular.iso_time(audit.get('block_time')))}",
        ),
    ]
    facts += [
        (f"{role.capitalize()} contract", f"<code>{_e(address)}</code>")
        for role, address in (coop.get("contracts") or {}).items()
    ]
    facts += [
        ("Members listed", _e(f"{len(members):,}" + _breakdown(statuses))),
        ("Shares held", _e(_int(sum(m.get("shares") or 0 for m in members)))),
        ("Capital subscribed", _e(_money(totals.get("subscribed"), symbol, decimals))),
        ("Capital paid in", _e(_money(totals.get("paid"), symbol, decimals))),
        ("Refunded", _e(_money(totals.get("refunded"), symbol, decimals))),
        ("Open refund claims", _e(_money(totals.get("open_claims"), symbol, decimals))),
        ("Applicants' escrow", _e(_money(totals.get("escrow"), symbol, decimals))),
        ("Resolutions", _e(f"{len(audit.get('minutes', [])):,}" + _breakdown(states))),
        ("Treasury balance", _e(_money(balance, symbol, decimals))),
        (
            "Token minted / burned",
            _e(
                f"{_money(minted, token_symbol, token_decimals)} / "
                f"{_money(burned, token_symbol, token_decimals)}"
            ),
        ),
        ("Events in the history", _e(f"{len(audit.get('history', [])):,}")),
    ]
    rows = "".join(f"<tr><th>{_e(label)}</th><td>{value}</td></tr>" for label, value in facts)
    return f'<table class="summary">{rows}</table>'


def _breakdown(counts: Counter) -> str:
    if not counts:
        return ""
    return " (" + ", ".join(f"{count:,} {key}" for key, count in sorted(counts.items())) + ")"


def _last(points: Sequence[dict], key: str) -> int | None:
    return points[-1].get(key) if points else None


def _token_volume(audit: dict, kind: str) -> int:
    return sum(e.get("amount") or 0 for e in audit.get("token_events", []) if e.get("kind") == kind)


def _findings(audit: dict) -> str:
    findings = audit.get("findings", [])
    failed = sum(1 for f in findings if not f.get("ok"))
    if not findings:
        verdict = '<span class="badge fail">no checks were run</span>'
    elif failed:
        verdict = f'<span class="badge fail">{failed:,} of {len(findings):,} checks failed</span>'
    elif len(findings) == 1:
        verdict = '<span class="badge ok">the check passed</span>'
    else:
        verdict = f'<span class="badge ok">all {len(findings):,} checks passed</span>'
    table = _html_table(findings, findings_columns(), lambda row: "" if row.get("ok") else "fail")
    return f"<p>{verdict}</p>\n{table}"


def _members(audit: dict) -> str:
    return _html_table(audit.get("members", []), member_columns(audit))


def _capital(audit: dict) -> str:
    capital = audit.get("capital") or {}
    columns = capital_columns(audit)
    totals = capital.get("totals") or {}
    total_row = {
        "address": "total",
        "subscribed": totals.get("subscribed"),
        "paid": totals.get("paid"),
        "refunded": totals.get("refunded"),
        "open_claim": totals.get("open_claims"),
    }
    symbol, decimals = _currency(audit)
    escrow = _e(_money(totals.get("escrow"), symbol, decimals))
    escrow = f'<p class="note">Applicants\' escrow (not capital): {escrow}.</p>'
    return _html_table(capital.get("accounts", []), columns, total=total_row) + "\n" + escrow


def _minutes(audit: dict) -> str:
    minutes = audit.get("minutes", [])
    if not minutes:
        return '<p class="note">No resolutions were proposed.</p>'
    return "\n".join(_minute(minute) for minute in minutes)


def _minute(minute: dict) -> str:
    cast = sum(minute.get(key) or 0 for key in ("for", "against", "abstain"))
    facts = [
        ("Proposal id", f"<code>{_e(minute.get('id'))}</code>"),
        ("Kind", _e(f"{minute.get('kind')}, majority {minute.get('required_majority')} of votes cast")),
        ("Quorum", _e(f"{_int(minute.get('quorum'))} of {_int(minute.get('eligible'))} members with a vote")),
        (
            "Result",
            _e(
                f"{_int(minute.get('for'))} for, {_int(minute.get('against'))} against, "
                f"{_int(minute.get('abstain'))} abstain ({_count(cast, 'ballot')})"
            ),
        ),
        ("Outcome", _e(minute.get("state"))),
        ("Proposed", _e(tabular.iso_time(minute.get("proposed_at")) or "-")),
        ("Voting closes", _e(tabular.iso_time(minute.get("deadline")) or "-")),
        ("Executed in", _hash_cell(minute.get("executed_tx"))),
    ]
    dl = "".join(f"<dt>{_e(label)}</dt><dd>{value}</dd>" for label, value in facts)
    votes = minute.get("votes", [])
    columns = [c for c in vote_columns() if c.key not in ("resolution", "proposal_id")]
    opened = " open" if len(votes) <= 25 else ""
    return (
        f'<article class="minute" id="resolution-{_e(minute.get("number"))}">\n'
        f"<h3>Resolution {_e(minute.get('number'))}: {_e(minute.get('title'))}</h3>\n"
        f'<dl class="facts">{dl}</dl>\n'
        f"<details{opened}><summary>{_count(len(votes), 'ballot')}</summary>\n"
        f"{_html_table(votes, columns)}\n</details>\n"
        "</article>"
    )


def _treasury(audit: dict) -> str:
    return _html_table((audit.get("treasury") or {}).get("flows", []), treasury_columns(audit))


def _token_events(audit: dict) -> str:
    return _html_table(audit.get("token_events", []), token_columns(audit))


def _footer(audit: dict) -> str:
    files = ["audit.json"] + [f"{name}.csv" for name in CSV_TABLES]
    links = ", ".join(f'<a href="{_e(name)}">{_e(name)}</a>' for name in files)
    return (
        '<footer id="files">\n'
        f"<p>Made from the files beside this page: {links}. The full event history "
        f"({len(audit.get('history', [])):,} events) is in history.csv.</p>\n"
        "<p>Amounts are in whole units (base units in the CSV and JSON files); times are UTC.</p>\n"
        "</footer>"
    )


# --------------------------------------------------------------------------- HTML tables


def _html_table(
    rows: Sequence[dict],
    columns: Sequence[Column],
    row_class: Callable[[dict], str] | None = None,
    total: dict | None = None,
) -> str:
    if not rows:
        return '<p class="note">None.</p>'
    head = "".join(f"<th{_cell_class(c)}>{_e(c.title)}</th>" for c in columns)
    body = []
    for row in rows:
        css = row_class(row) if row_class else ""
        cells = "".join(f"<td{_cell_class(c)}>{_html_cell(row.get(c.key), c, row)}</td>" for c in columns)
        body.append(f'<tr class="{css}">{cells}</tr>' if css else f"<tr>{cells}</tr>")
    if total is not None:
        cells = "".join(f"<td{_cell_class(c)}>{_html_cell(total.get(c.key), c, total)}</td>" for c in columns)
        body.append(f'<tr class="total">{cells}</tr>')
    return (
        f'<div class="scroll"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(body)
        + "\n</tbody>\n</table></div>"
    )


def _cell_class(column: Column) -> str:
    """Numbers right-aligned, dates on one line."""
    if column.kind in ("int", "amount"):
        return ' class="num"'
    return ' class="time"' if column.kind in ("time", "date") else ""


def _html_cell(value: Any, column: Column, row: dict) -> str:
    if value is None or value == "":
        return "-"
    if column.kind == "hash":
        return _hash_cell(value)
    if column.kind == "address" and isinstance(value, str) and value.startswith("0x"):
        return f"<code>{_e(value)}</code>"
    if column.kind == "list" and isinstance(value, (list, tuple)):
        return ", ".join(f"<code>{_e(item)}</code>" for item in value) or "-"
    if column.kind == "bool":
        return "ok" if value else "<strong>FAILED</strong>"
    if column.kind == "int" and isinstance(value, int):
        return _e(f"{value:,}")
    return _e(tabular.human(value, column, row))


def _hash_cell(value: Any) -> str:
    """A transaction hash, shortened; the whole hash shows on hover and stays in the text for searching."""
    if not value:
        return "-"
    text = str(value)
    short = f"{text[:10]}…{text[-4:]}" if len(text) > 16 else text
    return f'<code title="{_e(text)}">{_e(short)}</code>'


# --------------------------------------------------------------------------- charts

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 20, 52, 56


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    points: list[tuple[int, float]]


def _charts(audit: dict) -> str:
    figures = [
        _members_chart(audit),
        _capital_chart(audit),
        _resolutions_chart(audit),
        _treasury_chart(audit),
    ]
    return '<div class="charts">\n' + "\n".join(f"<figure>{svg}</figure>" for svg in figures) + "\n</div>"


def _series(audit: dict, name: str) -> list[dict]:
    return sorted((audit.get("series") or {}).get(name, []), key=lambda p: p.get("time") or 0)


def _members_chart(audit: dict) -> str:
    points = [(p["time"], float(p["count"])) for p in _series(audit, "members")]
    return _time_chart(
        audit, "members", "Members over time", "members", [Series("members", "members", points)], whole=True
    )


def _capital_chart(audit: dict) -> str:
    symbol, decimals = _currency(audit)
    rows = _series(audit, "capital")
    paid = [(p["time"], _units(p.get("paid"), decimals)) for p in rows]
    claims = [(p["time"], _units(p.get("open_claims"), decimals)) for p in rows]
    return _time_chart(
        audit,
        "capital",
        "Capital over time",
        symbol,
        [Series("paid", "paid-in capital", paid), Series("open_claims", "open refund claims", claims)],
    )


def _treasury_chart(audit: dict) -> str:
    symbol, decimals = _currency(audit)
    points = [(p["time"], _units(p.get("balance"), decimals)) for p in _series(audit, "treasury")]
    return _time_chart(audit, "treasury", "Treasury balance", symbol, [Series("treasury", "balance", points)])


def _units(value: int | None, decimals: int) -> float:
    return (value or 0) / 10**decimals


def _svg_open(chart: str, title: str) -> str:
    return (
        f'<svg class="chart" data-chart="{chart}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-{chart}-title"><title id="chart-{chart}-title">{_e(title)}</title>'
        f'<text class="chart-title" x="{LEFT}" y="18">{_e(title)}</text>'
    )


def _axis_labels(x_label: str, y_label: str) -> str:
    mid_y = TOP + (HEIGHT - TOP - BOTTOM) / 2
    return (
        f'<text class="axis-label x-label" x="{LEFT + (WIDTH - LEFT - RIGHT) / 2:.1f}" y="{HEIGHT - 8}" '
        f'text-anchor="middle">{_e(x_label)}</text>'
        f'<text class="axis-label y-label" x="16" y="{mid_y:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 16 {mid_y:.1f})">{_e(y_label)}</text>'
    )


def _frame() -> str:
    bottom = HEIGHT - BOTTOM
    return (
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}"/>'
        f'<line class="axis" x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}"/>'
    )


def _empty(message: str) -> str:
    x = LEFT + (WIDTH - LEFT - RIGHT) / 2
    y = TOP + (HEIGHT - TOP - BOTTOM) / 2
    return f'<text class="empty" x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{_e(message)}</text>'


def _time_chart(
    audit: dict, chart: str, title: str, y_label: str, series: list[Series], whole: bool = False
) -> str:
    """Step lines over time (a value holds until it changes), each series to the audited block's time."""
    parts = [_svg_open(chart, title), _axis_labels("date (UTC)", y_label)]
    if not any(s.points for s in series):
        parts += [_frame(), _empty("no data yet"), "</svg>"]
        return "".join(parts)
    start, end = _time_domain(audit, series)
    top = _nice_max(max(y for s in series for _, y in s.points), whole)
    x = _scale(start, end, LEFT, WIDTH - RIGHT)
    y = _scale(0, top, HEIGHT - BOTTOM, TOP)
    parts += [_y_ticks(top, y, whole), _x_ticks(start, end, x), _frame()]
    parts += [_step_line(s, x, y, end) for s in series if s.points]
    if len(series) > 1:
        parts.append(_legend([(f"series-{s.key}", s.label) for s in series]))
    parts.append("</svg>")
    return "".join(parts)


def _time_domain(audit: dict, series: list[Series]) -> tuple[int, int]:
    times = [t for s in series for t, _ in s.points]
    created = (audit.get("cooperative") or {}).get("created_at")
    start = min(times + ([created] if created else []))
    end = max(times + ([audit["block_time"]] if audit.get("block_time") else []))
    if end - start < 3600:
        start, end = start - 43200, end + 43200
    return start, end


def _scale(lo: float, hi: float, out_lo: float, out_hi: float) -> Callable[[float], float]:
    span = (hi - lo) or 1
    return lambda value: out_lo + (value - lo) * (out_hi - out_lo) / span


def _nice_max(value: float, whole: bool) -> float:
    """The smallest 1, 2 or 5 times a power of ten at least `value` (at least 1 for whole numbers)."""
    if value <= 0:
        return 1.0
    magnitude = 10.0 ** _floor_log10(value)
    for step in (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10):
        if step * magnitude >= value * (1 - 1e-12):
            nice = step * magnitude
            return max(nice, 1.0) if whole else nice
    return 10 * magnitude


def _floor_log10(value: float) -> int:
    exponent = 0
    while value >= 10:
        value /= 10
        exponent += 1
    while value < 1:
        value *= 10
        exponent -= 1
    return exponent


def _y_ticks(top: float, y: Callable[[float], float], whole: bool) -> str:
    count = _tick_count(top, whole)
    parts = ['<g class="tick y-ticks">']
    for i in range(count + 1):
        value = top * i / count
        py = y(value)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{py:.1f}" x2="{WIDTH - RIGHT}" y2="{py:.1f}"/>'
            f'<text x="{LEFT - 6}" y="{py + 4:.1f}" text-anchor="end">{_e(_tick_number(value))}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _tick_count(top: float, whole: bool) -> int:
    """Gridlines that fall on round numbers: 0-5 by one for small counts, else fifths (quarters of 2s)."""
    if whole and top < 5:
        return max(int(top), 1)
    leading = top / 10.0 ** _floor_log10(top)
    return 4 if round(leading, 6) == 2 else 5


def _tick_number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _x_ticks(start: int, end: int, x: Callable[[float], float]) -> str:
    fmt = "%Y-%m-%d" if end - start > 3 * 86400 else "%m-%d %H:%M"
    bottom = HEIGHT - BOTTOM
    parts = ['<g class="tick x-ticks">']
    for i in range(5):
        moment = start + (end - start) * i / 4
        px = x(moment)
        label = datetime.fromtimestamp(int(moment), UTC).strftime(fmt)
        anchor = "start" if i == 0 else "end" if i == 4 else "middle"
        parts.append(
            f'<line x1="{px:.1f}" y1="{bottom}" x2="{px:.1f}" y2="{bottom + 5}"/>'
            f'<text x="{px:.1f}" y="{bottom + 18}" text-anchor="{anchor}">{_e(label)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _step_line(series: Series, x: Callable[[float], float], y: Callable[[float], float], end: int) -> str:
    points = series.points
    path = [f"M{x(points[0][0]):.1f},{y(points[0][1]):.1f}"]
    for t, value in points[1:]:
        path.append(f"H{x(t):.1f}V{y(value):.1f}")
    path.append(f"H{x(end):.1f}")
    css = f"series-{series.key}"
    dots = (
        ""
        if len(points) > 200
        else "".join(
            f'<circle class="point {css}" cx="{x(t):.1f}" cy="{y(value):.1f}" r="3"/>' for t, value in points
        )
    )
    return (
        f'<g class="{css}" data-series="{_e(series.key)}"><path class="line {css}" d="{"".join(path)}"/>'
        f"{dots}</g>"
    )


def _legend(entries: list[tuple[str, str]], quorum: bool = False) -> str:
    """Coloured squares and names in a row under the title (and the dashed quorum line when asked)."""
    parts = ['<g class="legend">']
    x = float(LEFT)
    for css, label in entries:
        parts.append(
            f'<rect class="{css}" x="{x:.0f}" y="29" width="11" height="11"/>'
            f'<text x="{x + 15:.0f}" y="39">{_e(label)}</text>'
        )
        x += 24 + 6.5 * len(label)
    if quorum:
        parts.append(
            f'<line class="quorum" x1="{x:.0f}" y1="34.5" x2="{x + 14:.0f}" y2="34.5"/>'
            f'<text x="{x + 18:.0f}" y="39">quorum</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _resolutions_chart(audit: dict) -> str:
    """Per resolution: the members with a vote (grey), the ballots stacked on them, the quorum as a dashed
    line across, and a mark below for the outcome."""
    minutes = audit.get("minutes", [])
    parts = [
        _svg_open("resolutions", "Turnout and result per resolution"),
        _axis_labels("resolution", "votes"),
    ]
    if not minutes:
        parts += [_frame(), _empty("no resolutions yet"), "</svg>"]
        return "".join(parts)
    top = _nice_max(max(_resolution_height(m) for m in minutes), whole=True)
    y = _scale(0, top, HEIGHT - BOTTOM, TOP)
    band = (WIDTH - LEFT - RIGHT) / len(minutes)
    label_every = max(1, -(-len(minutes) // 20))
    parts += [_y_ticks(top, y, whole=True), _frame()]
    for i, minute in enumerate(minutes):
        parts.append(_resolution_bar(minute, LEFT + i * band, band, y, show_label=i % label_every == 0))
    parts.append(
        _legend(
            [
                ("bar for", "for"),
                ("bar against", "against"),
                ("bar abstain", "abstain"),
                ("bar eligible", "members with a vote"),
            ],
            quorum=True,
        )
    )
    parts.append("</svg>")
    return "".join(parts)


def _resolution_height(minute: dict) -> int:
    cast = sum(minute.get(key) or 0 for key in ("for", "against", "abstain"))
    return max(minute.get("eligible") or 0, minute.get("quorum") or 0, cast)


def _outcome(state: str | None) -> str:
    state = (state or "").lower()
    if state in ("succeeded", "queued", "executed"):
        return "passed"
    if state in ("defeated", "canceled", "expired"):
        return "failed"
    return "open"


def _resolution_bar(
    minute: dict, left: float, band: float, y: Callable[[float], float], show_label: bool
) -> str:
    number, state = minute.get("number"), minute.get("state")
    width = max(band * 0.7, 1.0)
    x = left + (band - width) / 2
    bottom = HEIGHT - BOTTOM
    eligible, quorum = minute.get("eligible") or 0, minute.get("quorum") or 0
    tip = (
        f"Resolution {number}: {minute.get('title')} - {minute.get('for')} for, {minute.get('against')} "
        f"against, {minute.get('abstain')} abstain of {eligible} eligible; quorum {quorum}; {state}"
    )
    parts = [
        f'<g class="resolution" data-resolution="{_e(number)}" data-state="{_e(state)}">'
        f"<title>{_e(tip)}</title>",
        f'<rect class="bar eligible" x="{x:.1f}" y="{y(eligible):.1f}" width="{width:.1f}" '
        f'height="{bottom - y(eligible):.1f}"/>',
    ]
    base = 0
    for key in ("for", "against", "abstain"):
        count = minute.get(key) or 0
        if count:
            parts.append(
                f'<rect class="bar {key}" x="{x:.1f}" y="{y(base + count):.1f}" width="{width:.1f}" '
                f'height="{y(base) - y(base + count):.1f}"/>'
            )
        base += count
    parts.append(
        f'<line class="quorum" x1="{x - 2:.1f}" y1="{y(quorum):.1f}" x2="{x + width + 2:.1f}" '
        f'y2="{y(quorum):.1f}"/>'
    )
    parts.append(
        f'<rect class="outcome {_outcome(state)}" x="{x:.1f}" y="{bottom + 4}" width="{width:.1f}" '
        'height="5"/>'
    )
    if show_label:
        parts.append(
            f'<text class="bar-label" x="{x + width / 2:.1f}" y="{bottom + 22}" '
            f'text-anchor="middle">{_e(number)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)
