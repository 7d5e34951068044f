"""The audit's exports: the table formats (`dao_cli.books.tabular`) and the HTML report
(`dao_cli.books.report`), rendered in headless Chromium from Debian's package (`make browser` installs it;
`make test` runs that first).

The audits here are synthetic dicts in the shape `dao_cli.books.audit` builds; no chain is needed.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import re
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dao_cli.books import tabular
from dao_cli.books.report import write_report
from dao_cli.books.tables import CSV_TABLES, audit_tables
from dao_cli.books.tabular import Column

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]

ETH = 10**18
DAY = 86400
T0 = 1736942400  # 2025-01-15 12:00 UTC, the cooperative's creation

ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
CAROL = "0x90F79bf6EB2c8F870365E785982E1f101E93b906"
DAVE = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"
ERIN = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"
FRANK = "0x976EA74026E726554dB657fA54763abd0C3a0aa9"
SUPPORTER = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"
GARDEN = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"
CONTRACTS = {
    "membership": "0x856e4424f806D16E8CBC702B3c0F2ede5468eae5",
    "token": "0xb0279Db6a2F1E01fbC8483FCCef0Be2bC6299cC3",
    "governor": "0x3dE2Da43d4c1B137E385F36b400507c1A24401f8",
    "timelock": "0xddEA3d67503164326F90F53CFD1705b90Ed1312D",
}

SCRIPT_TITLE = "<script>alert('minutes')</script> Notice of 6 months"
IMG_REASON = '"><img src=x onerror="alert(1)"> too long, I say'
PIPE_TITLE = "Community garden | phase 1: pay 3 ETH"


def tx(n: int) -> str:
    return "0x" + hashlib.sha256(f"tx {n}".encode()).hexdigest()


def vote(voter, support, tx_n, weight=1, reason="", principals=()):
    return {
        "voter": voter,
        "support": support,
        "weight": weight,
        "reason": reason,
        "principals": list(principals),
        "tx": tx(tx_n),
    }


def minute(number, title, kind, majority, votes, state, proposed_at, executed_tx=None, eligible=5):
    tally = {
        side: sum(v["weight"] for v in votes if v["support"] == side)
        for side in ("for", "against", "abstain")
    }
    return {
        "number": number,
        "id": str(10**70 + number * 7919),
        "title": title,
        "kind": kind,
        "required_majority": majority,
        "quorum": 2,
        "eligible": eligible,
        **tally,
        "state": state,
        "proposed_at": proposed_at,
        "deadline": proposed_at + 8 * DAY,
        "executed_tx": executed_tx,
        "votes": votes,
    }


def make_audit() -> dict:
    """A cooperative's first year: six members (one gave notice, one left with a claim still open),
    four resolutions (executed, defeated, executed through a proxy, still open), treasury flows and token
    events."""
    half = ETH // 2
    members = [
        {
            "address": ALICE,
            "status": "active",
            "shares": 1,
            "paid": half,
            "joined_at": T0,
            "notice_at": None,
            "exit_at": None,
            "proxy": None,
            "refund_claim": 0,
        },
        {
            "address": BOB,
            "status": "active",
            "shares": 1,
            "paid": half,
            "joined_at": T0,
            "notice_at": None,
            "exit_at": None,
            "proxy": None,
            "refund_claim": 0,
        },
        {
            "address": CAROL,
            "status": "active",
            "shares": 1,
            "paid": half,
            "joined_at": T0,
            "notice_at": None,
            "exit_at": None,
            "proxy": None,
            "refund_claim": 0,
        },
        {
            "address": DAVE,
            "status": "active",
            "shares": 4,
            "paid": 4 * half,
            "joined_at": T0 + 5 * DAY,
            "notice_at": None,
            "exit_at": None,
            "proxy": ALICE,
            "refund_claim": 0,
        },
        {
            "address": ERIN,
            "status": "notice",
            "shares": 1,
            "paid": half,
            "joined_at": T0 + 5 * DAY,
            "notice_at": T0 + 120 * DAY,
            "exit_at": 1767225599,
            "proxy": None,
            "refund_claim": 0,
        },
        {
            "address": FRANK,
            "status": "exited",
            "shares": 0,
            "paid": 0,
            "joined_at": T0 + 40 * DAY,
            "notice_at": T0 + 60 * DAY,
            "exit_at": T0 + 200 * DAY,
            "proxy": None,
            "refund_claim": ETH // 4,
        },
    ]
    accounts = [
        {
            "address": m["address"],
            "subscribed": m["shares"] * half,
            "paid": m["paid"],
            "refunded": 0,
            "open_claim": m["refund_claim"],
        }
        for m in members
    ]
    accounts[-1].update(subscribed=2 * half, paid=2 * half, refunded=3 * ETH // 4)
    totals = {key: sum(a[key] for a in accounts) for key in ("subscribed", "paid", "refunded")}
    totals.update(open_claims=ETH // 4, escrow=half)
    minutes = [
        minute(
            1,
            PIPE_TITLE,
            "ordinary",
            "1/2",
            [
                vote(ALICE, "for", 20),
                vote(BOB, "for", 21),
                vote(DAVE, "for", 22),
                vote(ERIN, "against", 23, reason="the garden floods, every spring"),
            ],
            "executed",
            T0 + 10 * DAY,
            executed_tx=tx(24),
        ),
        minute(
            2,
            SCRIPT_TITLE,
            "statute",
            "3/4",
            [
                vote(ALICE, "for", 30),
                vote(BOB, "for", 31),
                vote(CAROL, "for", 32),
                vote(DAVE, "against", 33, reason=IMG_REASON),
                vote(ERIN, "against", 34),
            ],
            "defeated",
            T0 + 30 * DAY,
        ),
        minute(
            3,
            "Solar panels for the barn, offer at https://example.org/panels",
            "ordinary",
            "1/2",
            [
                vote(
                    ALICE,
                    "for",
                    40,
                    weight=2,
                    principals=[DAVE],
                    reason='"yes", with Dave\'s proxy\nand mine',
                ),
                vote(CAROL, "abstain", 41),
                vote(FRANK, "for", 42),
            ],
            "executed",
            T0 + 50 * DAY,
            executed_tx=tx(43),
            eligible=6,
        ),
        minute(
            4,
            'New duties: "maintain" the park',
            "new_duties",
            "9/10",
            [vote(BOB, "for", 50)],
            "active",
            T0 + 300 * DAY,
        ),
    ]
    flows = [
        {
            "block": 40,
            "time": T0 + 8 * DAY,
            "tx": tx(60),
            "direction": "in",
            "asset": "ETH",
            "amount": 10 * ETH,
            "counterparty": SUPPORTER,
            "resolution": None,
        },
        {
            "block": 61,
            "time": T0 + 21 * DAY,
            "tx": tx(24),
            "direction": "out",
            "asset": "ETH",
            "amount": 3 * ETH,
            "counterparty": GARDEN,
            "resolution": 1,
        },
        {
            "block": 90,
            "time": T0 + 61 * DAY,
            "tx": tx(43),
            "direction": "out",
            "asset": "ETH",
            "amount": 2 * ETH + ETH // 4,
            "counterparty": GARDEN,
            "resolution": 3,
        },
        {
            "block": 91,
            "time": T0 + 61 * DAY,
            "tx": tx(43),
            "direction": "out",
            "asset": "SOL",
            "amount": 100 * ETH,
            "counterparty": GARDEN,
            "resolution": 3,
        },
    ]
    token_events = [
        {
            "block": 89,
            "time": T0 + 61 * DAY,
            "tx": tx(43),
            "kind": "mint",
            "amount": 1000 * ETH,
            "account": CONTRACTS["timelock"],
            "resolution": 3,
        },
        {
            "block": 120,
            "time": T0 + 90 * DAY,
            "tx": tx(70),
            "kind": "burn",
            "amount": 50 * ETH,
            "account": ALICE,
            "resolution": None,
        },
    ]
    series = {
        "members": [
            {"time": T0, "count": 3},
            {"time": T0 + 5 * DAY, "count": 5},
            {"time": T0 + 40 * DAY, "count": 6},
            {"time": T0 + 200 * DAY, "count": 5},
        ],
        "capital": [
            {"time": T0, "paid": 0, "open_claims": 0},
            {"time": T0 + DAY, "paid": 3 * half, "open_claims": 0},
            {"time": T0 + 5 * DAY, "paid": 8 * half, "open_claims": 0},
            {"time": T0 + 40 * DAY, "paid": 10 * half, "open_claims": 0},
            {"time": T0 + 200 * DAY, "paid": 8 * half, "open_claims": ETH},
            {"time": T0 + 210 * DAY, "paid": 8 * half, "open_claims": ETH // 4},
        ],
        "treasury": [
            {"time": T0 + 8 * DAY, "balance": 10 * ETH},
            {"time": T0 + 21 * DAY, "balance": 7 * ETH},
            {"time": T0 + 61 * DAY, "balance": 4 * ETH + 3 * ETH // 4},
        ],
    }
    findings = [
        {"check": "replay: members", "ok": True, "message": "6 members replayed, 6 on chain"},
        {
            "check": "replay: token supply",
            "ok": False,
            "message": "replayed 1,000 SOL, the token reports 950 SOL <b>difference 50</b>",
        },
        {"check": "bytecode: governor", "ok": True, "message": "matches the compiled CoopGovernor"},
        {"check": "roles", "ok": True, "message": "only the timelock holds admin roles"},
    ]
    history = [
        {
            "block": 6,
            "time": T0,
            "tx": tx(1),
            "actor": ALICE,
            "contract": "factory",
            "event": "CooperativeCreated",
            "args": {"name": "Solarpark Nord eG", "founders": [ALICE, BOB, CAROL]},
        },
        {
            "block": 12,
            "time": T0 + 5 * DAY,
            "tx": tx(2),
            "actor": DAVE,
            "contract": "membership",
            "event": "Applied",
            "args": {"applicant": DAVE, "shares": 4, "note": 'says "hi", twice'},
        },
        {
            "block": 30,
            "time": T0 + 10 * DAY,
            "tx": tx(3),
            "actor": CAROL,
            "contract": "governor",
            "event": "ProposalCreated",
            "args": {"proposalId": minutes[0]["id"], "description": PIPE_TITLE},
        },
    ]
    return {
        "cooperative": {
            "name": "Solarpark Nord eG & Söhne <Test>",
            "chain_id": 1337,
            "contracts": CONTRACTS,
            "created_block": 6,
            "created_at": T0,
        },
        "block": 480,
        "block_time": T0 + 320 * DAY,
        "currency": {"symbol": "ETH", "decimals": 18},
        "token": {"symbol": "SOL", "decimals": 18},
        "members": members,
        "capital": {"accounts": accounts, "totals": totals},
        "minutes": minutes,
        "treasury": {"flows": flows},
        "token_events": token_events,
        "series": series,
        "findings": findings,
        "history": history,
    }


def make_new_audit() -> dict:
    """A cooperative just founded: three founders who have not paid in, nothing else yet."""
    members = [
        {
            "address": a,
            "status": "active",
            "shares": 1,
            "paid": 0,
            "joined_at": T0,
            "notice_at": None,
            "exit_at": None,
            "proxy": None,
            "refund_claim": 0,
        }
        for a in (ALICE, BOB, CAROL)
    ]
    return {
        "cooperative": {
            "name": "Neu eG",
            "chain_id": 31337,
            "contracts": CONTRACTS,
            "created_block": 6,
            "created_at": T0,
        },
        "block": 6,
        "block_time": T0,
        "currency": {"symbol": "ETH", "decimals": 18},
        "token": {"symbol": "NEU", "decimals": 18},
        "members": members,
        "capital": {
            "accounts": [
                {"address": m["address"], "subscribed": ETH, "paid": 0, "refunded": 0, "open_claim": 0}
                for m in members
            ],
            "totals": {"subscribed": 3 * ETH, "paid": 0, "refunded": 0, "open_claims": 0, "escrow": 0},
        },
        "minutes": [],
        "treasury": {"flows": []},
        "token_events": [],
        "series": {"members": [{"time": T0, "count": 3}], "capital": [], "treasury": []},
        "findings": [{"check": "roles", "ok": True, "message": "only the timelock holds admin roles"}],
        "history": [],
    }


# --------------------------------------------------------------------------- the table formats

COLUMNS = [
    Column("address", "member", "address"),
    Column("shares", "shares", "int"),
    Column("paid", "paid (ETH)", "amount"),
    Column("joined_at", "joined", "time"),
    Column("note", "note"),
]
ROWS = [
    {"address": ALICE, "shares": 1, "paid": 1_234_500_000_000_000_000_000, "joined_at": T0, "note": "a | b"},
    {"address": DAVE, "shares": 12, "paid": 5, "joined_at": None, "note": 'says "hi", then\nleaves'},
]


def test_table_is_aligned_with_human_units_and_dates():
    lines = tabular.render(ROWS, COLUMNS, "table").splitlines()
    assert lines[0].split() == ["member", "shares", "paid", "(ETH)", "joined", "note"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert "1,234.5" in lines[2] and "2025-01-15 12:00Z" in lines[2]
    assert "0.000000000000000005" in lines[3] and " - " in lines[3]
    assert "\\n" in lines[3], "a line break in a value stays on its row"
    # numbers right-aligned: they end in the same terminal column
    tiny = "0.000000000000000005"
    assert lines[2].index("1,234.5") + len("1,234.5") == lines[3].index(tiny) + len(tiny)
    assert lines[2].index(" 1 ") == lines[3].index(" 12 ") + 1


def test_table_neutralises_terminal_escapes():
    rows = [{"note": "\x1b[2J\x1b[31mred\u202eevil"}]
    text = tabular.render(rows, [Column("note")], "table")
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b[31mred" in text and "\\u202eevil" in text


def test_csv_parses_back_to_the_same_values():
    text = tabular.render(ROWS, COLUMNS, "csv")
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(parsed[0]) == ["address", "shares", "paid", "joined_at", "note"]
    assert parsed[0] == {
        "address": ALICE,
        "shares": "1",
        "paid": "1234500000000000000000",
        "joined_at": "2025-01-15T12:00:00Z",
        "note": "a | b",
    }
    assert parsed[1]["note"] == 'says "hi", then\nleaves'
    assert parsed[1]["joined_at"] == "" and int(parsed[1]["paid"]) == 5


def test_csv_of_every_audit_table_parses_back():
    audit = make_audit()
    for name, table in audit_tables(audit).items():
        parsed = list(csv.reader(io.StringIO(tabular.render(table.rows, table.columns, "csv"), newline="")))
        assert parsed[0] == [c.key for c in table.columns], name
        assert len(parsed) == len(table.rows) + 1, name
        for row, line in zip(table.rows, parsed[1:], strict=True):
            for column, cell in zip(table.columns, line, strict=True):
                value = row.get(column.key)
                if column.kind in ("int", "amount") and value is not None:
                    assert int(cell) == value, (name, column.key)
                elif column.kind in ("time", "date") and value:
                    assert cell == tabular.iso_time(value, precise=True)
                elif column.kind == "list":
                    assert cell == "; ".join(value)
                elif column.kind == "json":
                    assert json.loads(cell) == value
                elif column.kind == "bool":
                    assert cell == ("true" if value else "false")
                else:
                    assert cell == ("" if value is None else str(value)), (name, column.key)


def test_json_round_trips():
    audit = make_audit()
    for table in audit_tables(audit).values():
        data = json.loads(tabular.render(table.rows, table.columns, "json"))
        assert data == [{c.key: row.get(c.key) for c in table.columns} for row in table.rows]
    votes = audit_tables(audit)["votes"]
    assert json.loads(tabular.render(votes.rows, votes.columns, "json"))[9]["principals"] == [DAVE]


def test_markdown_escapes_pipes_and_line_breaks():
    lines = tabular.render(ROWS, COLUMNS, "markdown").splitlines()
    assert lines[0] == "| member | shares | paid (ETH) | joined | note |"
    assert lines[1] == "|---|---:|---:|---|---|"
    assert lines[2].endswith("| a \\| b |")
    assert lines[3].endswith('| says "hi", then leaves |')
    # every row splits into the same number of cells at the unescaped pipes
    assert {len(re.split(r"(?<!\\)\|", line)) for line in lines} == {7}


def test_treasury_amounts_use_the_decimals_of_their_asset():
    audit = make_audit()
    audit["token"]["decimals"] = 6
    table = audit_tables(audit)["treasury"]
    text = tabular.render(table.rows, table.columns, "markdown")
    assert "| 2.25 |" in text and "| 100,000,000,000,000 |" in text


def test_unknown_format_and_kind_are_refused():
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        tabular.render(ROWS, COLUMNS, "xml")
    with pytest.raises(ValueError, match="unknown kind 'money'"):
        Column("paid", "paid", "money")


# --------------------------------------------------------------------------- the report files


def test_report_writes_the_page_the_csv_files_and_the_json(tmp_path):
    audit = make_audit()
    index = write_report(audit, tmp_path / "out")
    assert index == tmp_path / "out" / "index.html"
    assert json.loads((tmp_path / "out" / "audit.json").read_text()) == audit
    for name in CSV_TABLES:
        with open(tmp_path / "out" / f"{name}.csv", newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == len(audit_tables(audit)[name].rows), name
    page = index.read_text()
    for name in CSV_TABLES:
        assert f'href="{name}.csv"' in page


def test_report_page_references_nothing_outside_itself(tmp_path):
    page = write_report(make_audit(), tmp_path).read_text()
    assert not re.search(r"<(script|link|img|iframe|object|embed|image|use)\b", page, re.I)
    assert not re.search(r"(src|href|xlink:href|action)\s*=\s*[\"']?\s*(https?:|//|data:)", page, re.I)
    assert "@import" not in page and "url(" not in page and "@font-face" not in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(h.startswith("#") or re.fullmatch(r"[a-z]+\.(csv|json)", h) for h in hrefs)
    # the one address in the data is text, escaped, not a link
    assert "offer at https://example.org/panels" in page


# --------------------------------------------------------------------------- in Chromium


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the HTML report is tested in headless Chromium from Debian's package "
            "`chromium`; `make browser` installs it (apt-get as root; `make test` runs it first)"
        )
    command = [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"chromium failed ({result.returncode}):\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Each audit's report, written and opened in Chromium: (folder, DOM as Chromium built it, net log)."""
    pages = {}
    for name, audit in (("full", make_audit()), ("new", make_new_audit())):
        folder = tmp_path_factory.mktemp(f"report-{name}")
        index = write_report(audit, folder / "report")
        netlog = folder / "netlog.json"
        result = chromium(f"--log-net-log={netlog}", "--dump-dom", index.as_uri(), profile=folder / "profile")
        pages[name] = (folder, parse_dom(result.stdout), json.loads(netlog.read_text()))
    return pages


def test_chromium_draws_the_four_charts(rendered):
    _, dom, _ = rendered["full"]
    charts = {svg.attrs["data-chart"]: svg for svg in dom.find_all("svg") if "data-chart" in svg.attrs}
    assert set(charts) == {"members", "capital", "resolutions", "treasury"}
    for name, svg in charts.items():
        assert svg.find_all("title")[0].text().strip(), name
        assert svg.find_all("text", cls="chart-title"), name
        assert len(svg.find_all("text", cls="axis-label")) == 2, name
        assert not svg.find_all("text", cls="empty"), name
    assert charts["members"].find_all("text", cls="y-label")[0].text() == "members"
    assert charts["treasury"].find_all("text", cls="x-label")[0].text() == "date (UTC)"


def test_line_charts_step_through_every_point(rendered):
    _, dom, _ = rendered["full"]
    expected = {
        "members": {"members": 4},
        "capital": {"paid": 6, "open_claims": 6},
        "treasury": {"treasury": 3},
    }
    for chart, series in expected.items():
        svg = dom.find_all("svg", **{"data-chart": chart})[0]
        for key, points in series.items():
            group = svg.find_all("g", **{"data-series": key})[0]
            path = group.find_all("path", cls="line")[0].attrs["d"]
            assert path.startswith("M") and path.count("V") == points - 1, (chart, key, path)
            assert len(group.find_all("circle", cls="point")) == points, (chart, key)
            # the line runs on to the audited block's time: the right edge of the plot
            assert path.endswith("H620.0"), path
    legend = dom.find_all("svg", **{"data-chart": "capital"})[0].find_all("g", cls="legend")[0]
    assert "paid-in capital" in legend.text() and "open refund claims" in legend.text()


def test_resolution_chart_has_bars_quorum_and_outcome(rendered):
    _, dom, _ = rendered["full"]
    svg = dom.find_all("svg", **{"data-chart": "resolutions"})[0]
    groups = svg.find_all("g", cls="resolution")
    assert [g.attrs["data-resolution"] for g in groups] == ["1", "2", "3", "4"]
    assert [g.attrs["data-state"] for g in groups] == ["executed", "defeated", "executed", "active"]

    def bar(group, kind):
        rects = group.find_all("rect", cls=kind)
        return float(rects[0].attrs["height"]) if rects else 0.0

    for group, (yes, no, abstain, eligible) in zip(
        groups, [(3, 1, 0, 5), (3, 2, 0, 5), (3, 0, 1, 6), (1, 0, 0, 5)], strict=True
    ):
        unit = bar(group, "eligible") / eligible
        assert unit > 0
        assert bar(group, "for") == pytest.approx(yes * unit, abs=0.2)
        assert bar(group, "against") == pytest.approx(no * unit, abs=0.2)
        assert bar(group, "abstain") == pytest.approx(abstain * unit, abs=0.2)
        assert len(group.find_all("line", cls="quorum")) == 1
        assert group.find_all("title")[0].text().startswith(f"Resolution {group.attrs['data-resolution']}:")
    outcomes = [g.find_all("rect", cls="outcome")[0].attrs["class"].split()[1] for g in groups]
    assert outcomes == ["passed", "failed", "passed", "open"]


def test_text_from_the_chain_is_escaped(rendered):
    _, dom, _ = rendered["full"]
    assert not dom.find_all("script") and not dom.find_all("img") and not dom.find_all("b")
    page_text = dom.text()
    assert SCRIPT_TITLE in page_text
    assert IMG_REASON in page_text
    assert "Solarpark Nord eG & Söhne <Test>" in page_text
    assert "<b>difference 50</b>" in page_text
    titles = [h.text() for h in dom.find_all("h3")]
    assert f"Resolution 2: {SCRIPT_TITLE}" in titles


def test_tables_show_human_units_and_highlight_failed_findings(rendered):
    _, dom, _ = rendered["full"]
    findings = dom.find_all("section", id="findings")[0]
    assert "1 of 4 checks failed" in findings.text()
    failed = findings.find_all("tr", cls="fail")
    assert len(failed) == 1 and "replay: token supply" in failed[0].text() and "FAILED" in failed[0].text()
    summary = dom.find_all("section", id="summary")[0].text()
    assert "4.75 ETH" in summary  # treasury balance
    assert "1,000 SOL / 50 SOL" in summary
    members = dom.find_all("section", id="members")[0]
    assert len(members.find_all("tbody")[0].find_all("tr")) == 6
    assert "2025-01-20" in members.text() and "0.25" in members.text()
    capital = dom.find_all("section", id="capital")[0]
    total = capital.find_all("tr", cls="total")[0]
    assert [td.text() for td in total.find_all("td")] == ["total", "5", "5", "0.75", "0.25"]
    minutes = dom.find_all("section", id="minutes")[0]
    assert len(minutes.find_all("article", cls="minute")) == 4
    assert "majority 3/4 of votes cast" in minutes.text()
    treasury = dom.find_all("section", id="treasury")[0].text()
    assert "2.25" in treasury and "100" in treasury and "10" in treasury


def page_requests(netlog: dict) -> list[str]:
    """The URLs the page asked the network stack for. (Chromium's own background requests, which the
    flags do not silence completely, carry no page's network isolation key and are left out.)"""
    kinds = {number: name for name, number in netlog["constants"]["logEventTypes"].items()}
    return [
        event["params"].get("url")
        for event in netlog["events"]
        if kinds.get(event["type"]) == "URL_REQUEST_START_JOB"
        and (
            "file://" in str(event["params"].get("network_isolation_key", ""))
            or event["params"].get("initiator") == "null"
        )
    ]


def test_page_made_no_network_request(rendered):
    for name, (_, _, netlog) in rendered.items():
        assert netlog["events"], name
        assert page_requests(netlog) == [], name


def test_network_check_sees_what_a_page_fetches(tmp_path):
    """The check above is not vacuous: a page that loads an image and a style sheet is caught."""
    page = tmp_path / "leaky.html"
    page.write_text(
        '<html><head><link rel="stylesheet" href="https://192.0.2.1/a.css"></head>'
        '<body><img src="http://192.0.2.1/x.png"><p style="background:url(http://192.0.2.1/bg.png)">x</p>'
        "</body></html>"
    )
    netlog = tmp_path / "netlog.json"
    chromium(f"--log-net-log={netlog}", "--dump-dom", page.as_uri(), profile=tmp_path / "profile")
    requested = page_requests(json.loads(netlog.read_text()))
    assert "http://192.0.2.1/x.png" in requested and "https://192.0.2.1/a.css" in requested


def test_new_cooperative_renders_empty_charts_gracefully(rendered):
    _, dom, _ = rendered["new"]
    charts = {svg.attrs["data-chart"]: svg for svg in dom.find_all("svg") if "data-chart" in svg.attrs}
    assert set(charts) == {"members", "capital", "resolutions", "treasury"}
    members = charts["members"]
    assert len(members.find_all("circle", cls="point")) == 1 and members.find_all("path", cls="line")
    for name in ("capital", "resolutions", "treasury"):
        assert charts[name].find_all("text", cls="empty"), name
        assert len(charts[name].find_all("text", cls="axis-label")) == 2, name
    assert "No resolutions were proposed." in dom.text()
    assert "the check passed" in dom.text()


def test_screenshot_shows_the_report(rendered):
    folder, _, _ = rendered["full"]
    shot = folder / "report.png"
    chromium(
        f"--screenshot={shot}",
        "--window-size=1200,1600",
        "--force-device-scale-factor=0.5",
        (folder / "report" / "index.html").as_uri(),
        profile=folder / "profile-shot",
    )
    width, height, pixels = read_png(shot.read_bytes())
    assert (width, height) == (600, 800)
    counts: dict[tuple[int, int, int], int] = {}
    for pixel in pixels:
        counts[pixel] = counts.get(pixel, 0) + 1
    white = counts.get((255, 255, 255), 0)
    assert white < 0.97 * width * height, "the screenshot is (nearly) blank"
    assert len(counts) > 50, "the screenshot has almost no colours: nothing was drawn"
    # the charts' colours are on screen: the "for" bars (#2e7d32) and the members line (#6a1b9a)
    assert counts.get((0x2E, 0x7D, 0x32), 0) > 20
    assert counts.get((0x6A, 0x1B, 0x9A), 0) > 20


def test_report_leaves_the_audit_unchanged(tmp_path):
    audit = make_audit()
    before = copy.deepcopy(audit)
    write_report(audit, tmp_path)
    assert audit == before


# --------------------------------------------------------------------------- helpers: DOM and PNG


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None = None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            node
            for node in self.walk()
            if (tag is None or node.tag == tag)
            and (cls is None or cls in (node.attrs.get("class") or "").split())
            and all(node.attrs.get(key) == value for key, value in attrs.items())
        ]

    def text(self) -> str:
        return "".join(child.text() if isinstance(child, Node) else child for child in self.children)


class _TreeBuilder(HTMLParser):
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {key: value or "" for key, value in attrs}, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {key: value or "" for key, value in attrs}, self.stack[-1]))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_dom(html_text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html_text)
    builder.close()
    return builder.root


def read_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and RGB pixels of an 8-bit RGB or RGBA PNG (what Chromium's screenshots are)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, idat, header = 8, b"", None
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unexpected PNG format {header}"
    channels = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * channels
    previous, pixels = bytearray(stride), []
    for y in range(height):
        start = y * (stride + 1)
        row = _unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, channels)
        pixels += [tuple(row[x : x + 3]) for x in range(0, stride, channels)]
        previous = row
    return width, height, pixels


def _unfilter(kind: int, row: bytearray, up: bytearray, bpp: int) -> bytearray:
    if kind == 1:
        for i in range(bpp, len(row)):
            row[i] = (row[i] + row[i - bpp]) & 0xFF
    elif kind == 2:
        row = bytearray((a + b) & 0xFF for a, b in zip(row, up, strict=True))
    elif kind == 3:
        for i in range(len(row)):
            left = row[i - bpp] if i >= bpp else 0
            row[i] = (row[i] + (left + up[i]) // 2) & 0xFF
    elif kind == 4:
        for i in range(len(row)):
            a = row[i - bpp] if i >= bpp else 0
            b, c = up[i], up[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    return row
