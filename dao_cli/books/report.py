"""The audit as a self-contained HTML report, with the CSV and JSON files it was made from.

`write_report(audit, out_dir)` writes `index.html` (inline CSS and the inline SVG of `charts`: no script,
no font, no image and no address outside the page, so it opens with no network), one CSV file per table
(`tables.audit_tables`) and `audit.json`. The audit is the plain dict `dao_cli.books.audit` builds:
amounts in base units, times as unix timestamps.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import charts, tabular
from .charts import escaped as _e
from .tables import (
    CSV_TABLES,
    audit_tables,
    capital_columns,
    currency,
    findings_columns,
    member_columns,
    token,
    token_columns,
    treasury_columns,
    vote_columns,
)
from .tabular import Column


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
        _section("charts", "Charts", charts.figures(audit)),
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
    symbol, decimals = currency(audit)
    token_symbol, token_decimals = token(audit)
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
    symbol, decimals = currency(audit)
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
