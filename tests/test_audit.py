"""`coop audit`: the books from the chain alone, checked against what the contracts reported at the time.

A module fixture writes a history (members joining, buying, transferring, appointing proxies, leaving and
being excluded; resolutions paying, minting, changing the statute and moving capital; payments into the
treasury), recording the contracts' own answers at several blocks on the way.
"""

import json

import pytest
from brownie import accounts, chain, web3
from conftest import (
    DAY,
    ETHER,
    FOR,
    enact,
    end_voting,
    exclusion_with_a_pending_vote,
    join,
    propose,
    resolve,
    start_voting,
    state,
)

from dao_cli.books import audit
from dao_cli.books.chainlog import ChainReader

MEMBER_FIELDS = ("status", "shares", "paid")
STATUS = ("none", "active", "leaving", "excluded", "exited")


def snapshot_of(coop, addresses):
    """What the contracts say now: the block, its time, every entry, the totals."""
    m = coop.membership
    entries = {}
    for a in addresses:
        status, shares, paid, _, _ = m.memberOf(a)
        entries[a] = {"status": STATUS[status], "shares": shares, "paid": paid}
    return {
        "block": web3.eth.block_number,
        "time": web3.eth.get_block("latest")["timestamp"],
        "entries": entries,
        "count": m.memberCount(),
        "paid_in": m.totalPaidIn(),
    }


@pytest.fixture(scope="module")  # after brownie resets the chain for the module, not before
def history(module_isolation, make_coop, founders, board, deployer):
    coop = make_coop()
    people = list(founders) + list(accounts[4:9])
    alice, bob, carol = founders
    dave, erin, frank, gina, hans = accounts[4:9]
    marks = []
    join(coop, dave, 3, board)
    join(coop, erin, 1, board)
    join(coop, frank, 2, board)
    coop.membership.submitApplication(1, b"\x02" * 32, {"from": gina, "value": coop.membership.terms()[1]})
    coop.membership.reject(gina, {"from": board})
    chain.mine(20)
    marks.append(snapshot_of(coop, people))

    coop.membership.buyShares(2, {"from": erin, "value": 2 * coop.membership.terms()[1]})
    coop.membership.consentToTransfer(dave, 1, coop.membership.transferValue(dave, 1), {"from": alice})
    coop.membership.transferShares(alice, 1, {"from": dave})
    coop.votes.delegate(alice, {"from": bob})
    coop.votes.delegate(alice, {"from": carol})
    deployer.transfer(coop.timelock, 5 * ETHER)  # a gift to the treasury
    pay = (hans.address, 2 * ETHER, b"")
    mint = (coop.token, "mint", (frank.address, 100 * ETHER))
    voters = [alice, dave, erin, frank]
    resolve(coop, [pay, mint], "# Garden and tokens\n\nTwo things at once.", voters)
    marks.append(snapshot_of(coop, people))

    # a resolution that fails, one that is still open at the end, an exclusion, an exit with a refund
    lost_id, _ = propose(coop, dave, [(coop.membership, "setNoticePeriod", (6,))], "Six months notice")
    start_voting(coop)
    coop.governor.castVote(lost_id, FOR, {"from": dave})
    coop.governor.castVote(lost_id, 0, {"from": erin})
    end_voting(coop)
    assert state(coop, lost_id) == "Defeated"
    resolve(coop, [(coop.membership, "exclude", (frank.address,))], "Exclude Frank", [alice, dave, erin])
    coop.membership.giveNotice({"from": erin})
    exit_at = coop.membership.memberOf(erin)[4]
    chain.sleep(exit_at - chain.time() + 10)
    chain.mine()
    coop.membership.completeExit(erin, {"from": dave})
    coop.membership.completeExit(frank, {"from": dave})
    coop.membership.claimRefund({"from": erin})
    resolve(
        coop,
        [(coop.membership, "moveCapitalToTreasury", (ETHER // 2,))],
        "Capital to the treasury",
        [alice, dave],
    )
    open_id, _ = propose(coop, alice, [(hans.address, ETHER, b"")], "Later")
    chain.mine(5)
    marks.append(snapshot_of(coop, people))
    return coop, people, marks, {"lost": lost_id, "open": open_id}


@pytest.fixture
def reader(tmp_path):
    with ChainReader(web3.provider.endpoint_uri, cache_dir=tmp_path / "cache") as r:
        yield r


def head():
    """The latest block and its time."""
    latest = web3.eth.get_block("latest")
    return latest["number"], latest["timestamp"]


def deployment_of(coop):
    return coop.deployment


def test_the_member_list_at_past_blocks_is_what_the_contracts_said(history, reader):
    coop, people, marks, _ = history
    d = deployment_of(coop)
    events = audit.load_events(reader, d)
    for mark in marks:
        books = audit.replay(d, events, until_block=mark["block"])
        replayed = {r["address"]: r for r in books.member_rows()}
        for address, entry in mark["entries"].items():
            if entry["status"] == "none":
                assert address not in replayed
                continue
            assert {k: replayed[address][k] for k in MEMBER_FIELDS} == entry, (mark["block"], address)
        assert books.member_count == mark["count"]
        assert books.paid_in == mark["paid_in"]
        # by date as well: the last block at or before the mark's time
        assert audit.resolve_at(reader, str(mark["block"])) == mark["block"]


def test_the_minutes_count_what_the_governor_counted(history, reader):
    coop, people, marks, ids = history
    result = audit.build(web3, reader, coop.deployment, "test")
    minutes = {m["title"]: m for m in result["minutes"]}
    assert set(minutes) == {
        "Garden and tokens",
        "Six months notice",
        "Exclude Frank",
        "Capital to the treasury",
        "Later",
    }
    for m in result["minutes"]:
        against, for_, abstain = coop.governor.proposalVotes(int(m["id"]))
        assert (m["for"], m["against"], m["abstain"]) == (for_, against, abstain)
        assert sum(v["weight"] for v in m["votes"]) == for_ + against + abstain
    garden = minutes["Garden and tokens"]
    assert garden["state"] == "executed" and garden["executed_tx"]
    assert garden["eligible"] == 6 and garden["quorum"] == 2  # 20 % of 6 members, rounded up
    [alice_vote] = [v for v in garden["votes"] if v["voter"] == accounts[1].address]
    assert alice_vote["weight"] == 3 and set(alice_vote["principals"]) == {
        accounts[2].address,
        accounts[3].address,
    }
    lost = minutes["Six months notice"]
    assert (lost["kind"], lost["required_majority"], lost["state"]) == ("statute-change", "3/4", "defeated")
    assert minutes["Later"]["state"] == "pending" and minutes["Later"]["quorum"] is None

    # the treasury: the gift from its event, the payment and the capital with their resolutions
    flows = result["treasury"]["flows"]
    gift = [f for f in flows if f["direction"] == "in" and f["amount"] == 5 * ETHER]
    assert gift and gift[0]["counterparty"] == accounts[0].address and gift[0]["tx"]
    [payment] = [f for f in flows if f["direction"] == "out" and f["asset"] == "ETH"]
    assert payment["amount"] == 2 * ETHER and payment["resolution"] == garden["number"]
    assert any(f["direction"] == "in" and f["amount"] == ETHER // 2 and f["resolution"] for f in flows)
    [mint] = result["token_events"]
    assert mint["kind"] == "mint" and mint["amount"] == 100 * ETHER and mint["resolution"] == garden["number"]
    series = result["series"]["treasury"]
    assert series[-1]["balance"] == web3.eth.get_balance(coop.timelock.address)

    # capital accounts: Erin refunded, Frank's claim open (no funds were short, but he has not claimed)
    accounts_ = {a["address"]: a for a in result["capital"]["accounts"]}
    erin, frank = accounts[5].address, accounts[6].address
    assert accounts_[erin]["refunded"] == 3 * ETHER and accounts_[erin]["open_claim"] == 0
    assert accounts_[frank]["open_claim"] == 2 * ETHER and accounts_[frank]["paid"] == 0
    assert result["capital"]["totals"]["open_claims"] == coop.membership.claimsTotal()
    assert all(f["ok"] for f in result["findings"]), [f for f in result["findings"] if not f["ok"]]


@pytest.mark.parametrize(
    "left_out",
    [
        "Admitted",
        "VoteCast",
        "SharesBought",
        "Exited",
        "Transfer",
        "CapitalPaidIn",
        "DelegateVotesChanged",
        "Applied",
        "RefundPaid",
        "NoticeGiven",
        "Excluded",
        "SharesTransferred",
        "ProposalExecuted",
    ],
)
def test_a_tampered_history_is_reported(history, reader, left_out):
    coop, *_ = history
    d = coop.deployment
    events = audit.load_events(reader, d)
    tampered = list(events)
    index = next(i for i, e in enumerate(tampered) if e["event"] == left_out)
    del tampered[index]
    books = audit.replay(d, tampered)
    state = audit.read_state(web3, d, books, *head(), reader.batch)
    failed = [f for f in audit.verify_replay(books, state) if not f["ok"]]
    assert failed, f"leaving out one {left_out} event went unnoticed"
    honest = audit.replay(d, events)
    assert all(f["ok"] for f in audit.verify_replay(honest, state))


def test_code_and_powers_are_checked(history, reader, factory):
    coop, people, *_ = history
    d = coop.deployment
    books = audit.replay(d, audit.load_events(reader, d))
    assert all(f["ok"] for f in audit.verify_code(web3, d, books))
    from dataclasses import replace

    wrong = replace(d, token=d.governor, governor=factory)
    failed = {f["check"] for f in audit.verify_code(web3, wrong, books) if not f["ok"]}
    # a governor that is not one names no ballot box and no resolution rules to trust either; the
    # events of the real token and governor do not end with what the wrong ones run
    assert failed == {
        "code: token",
        "code: governor",
        "code history: token",
        "code history: governor",
        "code: ballot box",
        "code: resolution rules",
    }

    # the assembly hands an admin role to a person: the audit says so
    admin = coop.timelock.DEFAULT_ADMIN_ROLE()
    grant = (coop.timelock, "grantRole", (admin, accounts[9].address))
    resolve(coop, [grant], "Make the board an admin", [people[0], people[3]])  # Alice carries Bob and Carol
    events = audit.load_events(reader, d)
    books = audit.replay(d, events)
    state = audit.read_state(web3, d, books, *head(), reader.batch)
    failed = [f for f in audit.verify_powers(books, state, d) if not f["ok"]]
    assert {f["check"] for f in failed} == {"powers: timelock admin", "powers: admin role history"}
    assert accounts[9].address in failed[0]["message"]


def test_cli_auditor_with_only_an_address_gets_the_same_answer(history, run_coop, coop_home, tmp_path):
    coop, *_ = history
    governor = coop.governor.address
    shown = run_coop("audit", "members", "--address", governor, "--format", "json")
    members = shown.json()
    # the chain it read is named: every fresh local chain has the same addresses
    assert f"on chain {web3.eth.chain_id} at {web3.provider.endpoint_uri}" in shown.stderr
    # a second machine: another data folder, no address book, no cache, another of the addresses
    other = {"COOPDAO_HOME": str(tmp_path / "elsewhere")}
    again = run_coop(
        "audit", "members", "--address", coop.token.address, "--no-cache", "--format", "json", env=other
    )
    assert again.json() == members
    assert {m["status"] for m in members} >= {"active", "exited"}
    verified = run_coop("--json", "audit", "verify", "--address", coop.membership.address).json()
    assert all(f["ok"] for f in verified)
    history_csv = run_coop("audit", "history", "--address", governor, "--kind", "VoteCast", "--format", "csv")
    lines = history_csv.stdout.strip().splitlines()
    assert lines[0] == "block,time,tx,actor,contract,event,args"
    assert len(lines) - 1 == len(
        [
            e
            for e in run_coop("--json", "audit", "history", "--address", governor).json()
            if e["event"] == "VoteCast"
        ]
    )
    markdown = run_coop("audit", "minutes", "--address", governor, "--format", "markdown").stdout
    assert markdown.startswith("|") and "Garden and tokens" in markdown
    result = run_coop("audit", "members", "--address", accounts[9].address, expect=1)
    assert "no contract at" in result.stderr or "not created by a coopdao factory" in result.stderr


def test_the_cache_gives_what_a_cold_read_gives(history, run_coop, tmp_path):
    coop, *_ = history
    governor = coop.governor.address
    cold = run_coop("--json", "audit", "history", "--address", governor, "--no-cache").json()
    warm = [run_coop("--json", "audit", "history", "--address", governor).json() for _ in range(2)]
    assert warm[0] == cold and warm[1] == cold
    chain.mine(3)
    coop.membership.buyShares(1, {"from": accounts[4], "value": coop.membership.terms()[1]})
    newer = run_coop("--json", "audit", "history", "--address", governor).json()
    assert newer[: len(cold)] == cold and newer[-1]["event"] == "SharesBought"


def test_the_report_is_written_from_the_chain(history, run_coop, tmp_path):
    coop, *_ = history
    out = tmp_path / "report"
    result = run_coop("--json", "audit", "report", "--out", out, "--address", coop.governor.address).json()
    assert result["failed_checks"] == 0
    page = (out / "index.html").read_text()
    for chart in ("members", "capital", "resolutions", "treasury"):
        assert f'data-chart="{chart}"' in page
    data = json.loads((out / "audit.json").read_text())
    assert len(data["minutes"]) == 5 and data["block"] == result["block"]
    assert (out / "members.csv").read_text().startswith("address,")

    # opened in headless Chromium, the four charts are drawn from the chain's figures
    from test_report import chromium, parse_dom

    page_uri = (out / "index.html").as_uri()
    dom = parse_dom(chromium("--dump-dom", page_uri, profile=tmp_path / "profile").stdout)
    charts = {svg.attrs["data-chart"]: svg for svg in dom.find_all("svg") if "data-chart" in svg.attrs}
    assert set(charts) == {"members", "capital", "resolutions", "treasury"}
    assert len(charts["resolutions"].find_all("g", cls="resolution")) == 5
    for name in ("members", "capital", "treasury"):
        assert charts[name].find_all("path", cls="line"), name
        assert not charts[name].find_all("text", cls="empty"), name


def test_a_provider_that_refuses_large_ranges_still_gives_the_whole_audit(history, run_coop):
    """`coop audit` through a provider that refuses eth_getLogs over 5 blocks and batches of more than 7."""
    from test_chainlog import Proxy

    coop, *_ = history
    governor = coop.governor.address
    direct = run_coop("--json", "audit", "history", "--address", governor, "--no-cache").json()
    provider = Proxy(web3.provider.endpoint_uri, max_range=5, style="infura", max_batch=7)
    try:
        through = run_coop(
            "--json",
            "--rpc-url",
            provider.url,
            "audit",
            "history",
            "--address",
            governor,
            "--no-cache",
            rpc=False,
        ).json()
        assert through == direct and len(direct) > 100
        assert provider.log_ranges("refused"), "the provider never refused a range: the test proves nothing"
        minutes = run_coop(
            "--json", "--rpc-url", provider.url, "audit", "minutes", "--address", governor, rpc=False
        )
        assert [m["title"] for m in minutes.json()][0] == "Garden and tokens"
    finally:
        provider.stop()


def test_the_minutes_leave_out_principals_excluded_before_the_proxy_voted(make_coop, founders, board, reader):
    coop = make_coop(voting={"timelock_delay": 0})
    alice = founders[0]
    excluded = accounts[4]
    join(coop, excluded, 1, board)
    coop.votes.delegate(alice, {"from": excluded})
    chain.sleep(1)
    pending = exclusion_with_a_pending_vote(coop, founders, excluded)
    coop.governor.castVote(pending, FOR, {"from": alice})
    result = audit.build(web3, reader, coop.deployment, "test")
    [minutes] = [m for m in result["minutes"] if int(m["id"]) == pending]
    [vote] = minutes["votes"]
    assert (vote["voter"], vote["weight"], vote["principals"]) == (alice.address, 1, [])
    [exclusion] = [m for m in result["minutes"] if m["title"] == "Exclude"]
    [alice_then] = [v for v in exclusion["votes"] if v["voter"] == alice.address]
    # her ballot on the exclusion itself came before it: his vote counted then, and the minutes say so
    assert (alice_then["weight"], alice_then["principals"]) == (2, [excluded.address])
