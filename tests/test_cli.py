"""The `coop` command line against the real chain brownie started: founding, members, resolutions and the
token, plus what users rely on when things go wrong (one-line errors, nothing sent, no duplicates)."""

import json
import subprocess
import sys

import pytest
from brownie import CoopGovernor, CoopMembershipRevised, CoopVotes, accounts, chain, web3
from conftest import reverts

from dao_cli.chain.events import decode_receipt

DAY = 86400
ETHER = 10**18


def founder_options():
    return [x for a in accounts[1:4] for x in ("--founder", a.address)]


@pytest.fixture
def statute_file(run_coop, tmp_path):
    path = tmp_path / "statute.yaml"
    run_coop("init", path, "--name", "Solarpark Nord eG", *founder_options())
    return path


@pytest.fixture
def founded(run_coop, statute_file):
    """A cooperative deployed with the CLI, the founders paid in; returns a runner for `--yes` commands."""
    run_coop("-a", "dev:0", "--yes", "deploy", statute_file)
    for n in (1, 2, 3):
        run_coop("-a", f"dev:{n}", "--yes", "member", "pay-in")

    def as_(n, *args, **kw):
        return run_coop("-a", f"dev:{n}", "--yes", *args, **kw)

    return as_


def paid_gas(result):
    """What the transaction a `--json` command reported cost its sender."""
    receipt = web3.eth.get_transaction_receipt(result.json()["tx"])
    return receipt["gasUsed"] * receipt["effectiveGasPrice"]


def one_line_error(result, words):
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert words in result.stderr, result.stderr


# --------------------------------------------------------------------------- founding


def test_a_name_with_umlauts_keeps_its_letters_and_names_the_token(run_coop, tmp_path):
    path = tmp_path / "statute.yaml"
    run_coop("init", path, "--name", "Bäckerei Süd eG", *founder_options())
    text = path.read_text()
    assert 'name: "Bäckerei Süd Token"' in text and "symbol: BAEC" in text
    deployed = run_coop("-a", "dev:0", "--yes", "--json", "deploy", path).json()
    assert deployed["name"] == "baeckerei-sued-eg"
    # the display name chooses it too
    shown = run_coop("--json", "--coop", "Bäckerei Süd eG", "info").json()
    assert (shown["name"], shown["token"]["symbol"]) == ("Bäckerei Süd eG", "BAEC")


def test_deploy_prints_the_stable_json_shape_and_records_the_cooperative(run_coop, statute_file):
    result = run_coop("-a", "dev:0", "--yes", "--json", "deploy", statute_file).json()
    assert result["chain_id"] == web3.eth.chain_id
    assert set(result["coop"]) == {"membership", "votes", "token", "governor", "timelock"}
    assert result["name"] == "solarpark-nord-eg"
    for address in result["coop"].values():
        assert web3.eth.get_code(address)
    listed = run_coop("--json", "list").json()
    assert [c["name"] for c in listed] == ["solarpark-nord-eg"]
    info = run_coop("--json", "info").json()
    assert info["members"] == {"count": 3, "with_voting_rights": 3, "shares": 3}
    assert info["statute"]["notice_months"] == 3
    assert info["treasury"]["address"] == result["coop"]["timelock"]
    # the second cooperative on the chain reuses the factory: one transaction only
    nonce = web3.eth.get_transaction_count(accounts[0].address)
    run_coop("-a", "dev:0", "--yes", "deploy", statute_file, "--name", "second")
    assert web3.eth.get_transaction_count(accounts[0].address) == nonce + 1
    # with two on the chain, commands need --coop
    one_line_error(run_coop("info", expect=1), "several cooperatives")
    assert run_coop("--coop", "second", "--json", "info").json()["members"]["count"] == 3


def test_a_name_is_not_deployed_twice(run_coop, statute_file):
    run_coop("-a", "dev:0", "--yes", "deploy", statute_file)
    nonce = web3.eth.get_transaction_count(accounts[0].address)
    one_line_error(
        run_coop("-a", "dev:0", "--yes", "deploy", statute_file, expect=1), "already in the address book"
    )
    assert web3.eth.get_transaction_count(accounts[0].address) == nonce


@pytest.mark.parametrize(
    "line, replacement, words",
    [
        ("notice_months: 3", "notice_months: 2", "at least 3 months"),
        ("quorum_percent: 20", "quorum_percent: 0", "quorum_percent"),
        ("proxy_principals: 2", "proxy_principals: 3", "1 or 2 members"),
        ('price: "0.5"', 'price: "zero"', "shares.price"),
    ],
)
def test_a_bad_statute_is_refused_before_anything_is_sent(run_coop, statute_file, line, replacement, words):
    text = statute_file.read_text()
    assert line in text
    statute_file.write_text(text.replace(line, replacement))
    block = web3.eth.block_number
    one_line_error(run_coop("-a", "dev:0", "--yes", "deploy", statute_file, expect=1), words)
    assert web3.eth.block_number == block
    assert run_coop("--json", "list").json() == []


def test_too_few_founders_and_a_missing_file(run_coop, tmp_path):
    path = tmp_path / "two.yaml"
    run_coop("init", path, "--founder", accounts[1].address, "--founder", accounts[2].address)
    one_line_error(run_coop("-a", "dev:0", "--yes", "deploy", path, expect=1), "at least 3 founders")
    one_line_error(run_coop("-a", "dev:0", "--yes", "deploy", tmp_path / "nope.yaml", expect=1), "nope.yaml")


def test_an_interrupted_deployment_resumes_without_duplicates(run_coop, statute_file, monkeypatch):
    from dao_cli.cli.context import AppContext

    sent = []
    original = AppContext.on_sent

    def interrupt_after_the_third(self, tx_hash):
        sent.append(tx_hash)
        if len(sent) == 3:
            raise KeyboardInterrupt  # Ctrl-C while waiting for the receipt
        return original(self, tx_hash)

    nonce = web3.eth.get_transaction_count(accounts[0].address)
    monkeypatch.setattr(AppContext, "on_sent", interrupt_after_the_third)
    result = run_coop("-a", "dev:0", "--yes", "deploy", statute_file, expect=130)
    assert "interrupted" in result.stderr
    assert run_coop("--json", "list").json() == []
    monkeypatch.setattr(AppContext, "on_sent", original)

    result = run_coop("-a", "dev:0", "--yes", "--json", "deploy", statute_file)
    assert "resuming an interrupted deployment" in result.stderr
    # ballot box, resolution rules, 5 implementations, the factory, the cooperative: nine in all, none twice
    assert web3.eth.get_transaction_count(accounts[0].address) == nonce + 9
    assert run_coop("--json", "info").json()["members"]["count"] == 3


def test_the_address_book_refuses_the_wrong_chain(run_coop, founded, coop_home):
    book = coop_home / "coopdao" / "addressbook.json"
    data = json.loads(book.read_text())
    data["coops"]["solarpark-nord-eg"]["chain_id"] = 999
    book.write_text(json.dumps(data))
    one_line_error(run_coop("--coop", "solarpark-nord-eg", "info", expect=1), "lives on chain 999")
    one_line_error(run_coop("info", expect=1), "no cooperative on chain")


def test_members_and_auditors_follow_a_cooperative_from_its_deployment_json(
    run_coop, founded, coop_home, tmp_path
):
    shared = tmp_path / "coop.json"
    shared.write_text(json.dumps(run_coop("--json", "list").json()[0] | {}))
    deployment = json.loads((coop_home / "coopdao" / "addressbook.json").read_text())["coops"][
        "solarpark-nord-eg"
    ]
    shared.write_text(json.dumps(deployment))
    run_coop("forget", "solarpark-nord-eg")
    run_coop("add", "solar", shared)
    assert run_coop("--json", "info").json()["name"] == "Solarpark Nord eG"
    # a deployment whose contracts do not belong together is refused
    wrong = dict(deployment, coop=dict(deployment["coop"], token=deployment["coop"]["governor"]))
    shared.write_text(json.dumps(wrong))
    one_line_error(run_coop("add", "wrong", shared, expect=1), "do not belong to one cooperative")
    shared.write_text("{not json")
    one_line_error(run_coop("add", "wrong", shared, expect=1), "not JSON")


# --------------------------------------------------------------------------- behaviour users expect


def test_nothing_is_sent_without_confirmation(founded, run_coop):
    block = web3.eth.block_number
    result = run_coop("-a", "dev:5", "member", "apply", "--shares", "1", expect=1)
    assert "confirmation needed" in result.stderr
    assert web3.eth.block_number == block


def test_a_dry_run_simulates_and_sends_nothing(founded, run_coop):
    block = web3.eth.block_number
    result = run_coop("-a", "dev:5", "--dry-run", "--json", "member", "apply", "--shares", "2").json()
    assert result["dry_run"] is True
    [simulated] = result["simulated"]
    assert simulated["call"].startswith("submitApplication(shares=2")
    assert simulated["value"] == ETHER
    assert simulated["from"] == accounts[5].address
    assert web3.eth.block_number == block
    # a dry run that would revert says why, and still sends nothing
    one_line_error(
        run_coop("-a", "dev:1", "--dry-run", "member", "apply", "--shares", "1", expect=1), "already a member"
    )


def test_reverts_are_explained_in_words(founded):
    one_line_error(founded(5, "member", "admit", accounts[6].address, expect=1), "may not admit or reject")
    one_line_error(founded(6, "member", "notice", expect=1), f"{accounts[6].address} is not an active member")
    one_line_error(
        founded(5, "member", "apply", "--shares", "99", expect=1),
        "99 shares is outside the statute's limits of 1 to 20 per member",
    )


def test_addresses_are_checked_on_input(founded):
    one_line_error(founded(1, "member", "admit", "0x1234", expect=1), "not an Ethereum address")
    bad_checksum = accounts[5].address[:-1] + ("a" if accounts[5].address[-1] != "a" else "b")
    mixed = "0x" + bad_checksum[2:3].swapcase() + bad_checksum[3:]
    one_line_error(founded(1, "member", "admit", mixed, expect=1), "")


def test_an_unreachable_node_is_one_line(run_coop):
    result = run_coop("--rpc-url", "http://127.0.0.1:9", "info", expect=1, rpc=False)
    one_line_error(result, "cannot reach an Ethereum node at http://127.0.0.1:9")


def test_help_answers_without_importing_web3():
    heavy = "('web3', 'eth_account', 'brownie')"
    code = f"import sys, dao_cli.cli.main; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    help_text = subprocess.run(
        [sys.executable, "-m", "dao_cli.cli.main", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("deploy", "member", "propose", "vote", "proposals", "token", "accounts", "node"):
        assert command in help_text


# --------------------------------------------------------------------------- members


def test_a_member_joins_buys_appoints_a_proxy_and_leaves(founded, run_coop, tmp_path):
    applicant = accounts[5].address
    application = tmp_path / "application.pdf"
    application.write_bytes(b"signed application")
    applied = founded(5, "--json", "member", "apply", "--shares", "2", "--application", application).json()
    assert [e["event"] for e in applied["events"]] == ["Applied"]
    import hashlib

    assert (
        applied["events"][0]["args"]["applicationHash"]
        == "0x" + hashlib.sha256(b"signed application").hexdigest()
    )
    pending = run_coop("--json", "member", "list", "--applications").json()
    assert pending == [{"applicant": applicant, "shares": 2, "escrow": ETHER}]

    founded(1, "member", "admit", applicant)
    entry = run_coop("--json", "member", "show", applicant).json()
    assert (entry["status"], entry["shares"], entry["paid"], entry["votes"]) == ("active", 2, ETHER, 1)

    founded(5, "member", "buy-shares", "--shares", "3")
    # a transfer needs the receiver's agreement (GenG §76): without it, nothing is sent
    one_line_error(
        founded(5, "member", "transfer-shares", accounts[1].address, "--shares", "1", expect=1),
        "has not agreed to take 1 share(s)",
    )
    founded(1, "member", "consent", applicant, "--shares", "1")
    founded(5, "member", "transfer-shares", accounts[1].address, "--shares", "1")
    assert run_coop("--json", "member", "show", applicant).json()["shares"] == 4
    # or by a signed agreement the giver sends along
    signed = founded(2, "--json", "member", "consent", applicant, "--shares", "1", "--sign-only").json()
    consent = tmp_path / "consent.json"
    consent.write_text(json.dumps(signed))
    founded(5, "member", "transfer-shares", accounts[2].address, "--shares", "1", "--consent", consent)
    assert run_coop("--json", "member", "show", accounts[2].address).json()["shares"] == 2
    one_line_error(  # one use only: the receiver's nonce moved on
        founded(
            5,
            "member",
            "transfer-shares",
            accounts[2].address,
            "--shares",
            "1",
            "--consent",
            consent,
            expect=1,
        ),
        "or has been used already",
    )

    founded(5, "member", "proxy", "set", accounts[1].address)
    assert run_coop("--json", "member", "show", accounts[1].address).json()["votes"] == 2
    founded(2, "member", "proxy", "set", accounts[1].address)
    one_line_error(
        founded(3, "member", "proxy", "set", accounts[1].address, expect=1), "already carries 2 member(s)"
    )
    founded(5, "member", "proxy", "revoke")
    # what changes nothing is refused before it is sent
    one_line_error(founded(5, "member", "proxy", "revoke", expect=1), "carries its own vote already")
    one_line_error(
        founded(2, "member", "proxy", "set", accounts[1].address, expect=1),
        f"{accounts[1].address} carries the vote of {accounts[2].address} already",
    )
    assert run_coop("--json", "member", "show", applicant).json()["proxy"] is None

    founded(5, "member", "notice")
    exit_at = run_coop("--json", "member", "show", applicant).json()["exit_at"]
    one_line_error(founded(6, "member", "exit", applicant, expect=1), "takes effect only after")
    chain.sleep(exit_at - web3.eth.get_block("latest")["timestamp"] + 1)
    chain.mine()
    founded(6, "member", "exit", applicant)
    entry = run_coop("--json", "member", "show", applicant).json()
    assert (entry["status"], entry["refund_claim"]) == ("exited", 3 * ETHER // 2)
    before = web3.eth.get_balance(applicant)
    claimed = founded(5, "--json", "member", "claim-refund")
    assert web3.eth.get_balance(applicant) - before == 3 * ETHER // 2 - paid_gas(claimed)
    members = run_coop("--json", "member", "list").json()
    assert applicant not in [m["address"] for m in members]
    assert applicant in [m["address"] for m in run_coop("--json", "member", "list", "--all").json()]


def test_a_rejected_applicant_collects_the_escrow(founded, run_coop):
    before = web3.eth.get_balance(accounts[6].address)
    applied = founded(6, "--json", "member", "apply", "--shares", "1")
    founded(1, "member", "reject", accounts[6].address)
    assert run_coop("--json", "member", "show", accounts[6].address).json()["returned_escrow"] == ETHER // 2
    collected = founded(6, "--json", "member", "collect-escrow")
    assert web3.eth.get_balance(accounts[6].address) == before - paid_gas(applied) - paid_gas(collected)
    one_line_error(founded(6, "member", "collect-escrow", expect=1), "no escrow of a rejected application")


# --------------------------------------------------------------------------- resolutions


def open_voting():
    chain.sleep(DAY + 1)
    chain.mine()


def close_voting():
    chain.sleep(7 * DAY + 1)
    chain.mine()


def test_a_payment_from_the_treasury_is_proposed_voted_and_executed(founded, run_coop, tmp_path):
    info = run_coop("--json", "info").json()
    accounts[0].transfer(info["treasury"]["address"], 5 * ETHER)
    garden = accounts[8].address
    created = founded(
        1, "--json", "propose", "pay", garden, "1.5", "--title", "Community garden", "-d", "Seeds and tools."
    ).json()
    assert created["number"] == 1 and created["state"] == "pending" and created["kind"] == "ordinary"
    one_line_error(founded(2, "vote", "1", "for", expect=1), "voting has not opened yet")

    open_voting()
    founded(1, "vote", "1", "for", "--reason", "good for the neighbourhood")
    one_line_error(founded(1, "vote", "1", "for", expect=1), "already voted")
    # Bob signs his ballot offline; Dave (not a member) relays it and pays the gas
    ballot = founded(2, "--json", "vote", "1", "against", "--sign-only").json()
    assert ballot["voter"] == accounts[2].address and ballot["support"] == "against"
    ballot_file = tmp_path / "ballot.json"
    ballot_file.write_text(json.dumps(ballot))
    block = web3.eth.block_number
    assert web3.eth.block_number == block  # signing sent nothing
    # an edited field is refused before anything is sent: each is checked against the chain it goes to
    for field, value, words in (
        ("chain_id", 5, "the ballot is for chain 5"),
        ("governor", accounts[8].address, "not this cooperative's"),
        ("support", "for", "it was edited after signing"),
        ("voter", accounts[3].address, f"the ballot is not signed by {accounts[3].address}"),
        ("proposal_id", "12345", "no proposal 12345"),
    ):
        edited = tmp_path / f"edited-{field}.json"
        edited.write_text(json.dumps({**ballot, field: value}))
        one_line_error(founded(7, "relay", edited, expect=1), words)
    assert web3.eth.block_number == block
    founded(7, "relay", ballot_file)
    # a ballot counts once: relayed again, it is refused before anything is sent
    block = web3.eth.block_number
    one_line_error(founded(7, "relay", ballot_file, expect=1), f"{accounts[2].address} has voted on proposal")
    assert web3.eth.block_number == block
    founded(3, "vote", created["id"], "abstain")
    one_line_error(founded(6, "vote", "1", "for", expect=1), "has no vote on this proposal")

    shown = run_coop("--json", "proposal", "show", "1").json()
    assert shown["state"] == "active"
    assert shown["votes"] == {"for": 1, "against": 1, "abstain": 1}
    assert shown["quorum"] == 1 and shown["quorum_reached"] is True
    assert shown["required_majority"] == "1/2"
    assert shown["title"] == "Community garden"
    assert shown["actions"][0]["value"] == 15 * ETHER // 10

    close_voting()
    assert run_coop("--json", "proposal", "show", "1").json()["state"] == "defeated"  # 1 for, 1 against
    one_line_error(founded(7, "vote", "1", "for", expect=1), "voting has closed (this needs it active)")


def test_a_resolution_runs_to_execution_and_mints_tokens(founded, run_coop):
    funded = founded(0, "--json", "fund", "5").json()
    [received] = funded["events"]  # the treasury records what it receives
    assert (received["event"], received["args"]["amount"]) == ("FundsReceived", 5 * ETHER)
    assert run_coop("--json", "info").json()["treasury"]["coin"] == 5 * ETHER
    one_line_error(founded(0, "fund", "0", expect=1), "more than 0")
    founded(1, "propose", "pay", accounts[8].address, "2", "--title", "Garden")
    founded(2, "propose", "mint", accounts[1].address, "100", "--title", "Tokens for Alice")
    open_voting()
    for voter in (1, 2, 3):
        founded(voter, "vote", "1", "for")
        founded(voter, "vote", "2", "for")
    one_line_error(founded(1, "queue", "1", expect=1), "voting is still open (this needs it succeeded)")
    close_voting()
    listed = run_coop("--json", "proposals", "--state", "succeeded").json()
    assert [p["number"] for p in listed] == [1, 2]
    founded(4, "queue", "1")
    founded(4, "queue", "2")
    one_line_error(
        founded(4, "execute", "1", expect=1), "not ready in the timelock"
    )  # its delay has not passed
    chain.sleep(2 * DAY + 1)
    chain.mine()
    before = web3.eth.get_balance(accounts[8].address)
    executed = founded(4, "--json", "execute", "1").json()
    assert "ProposalExecuted" in [e["event"] for e in executed["events"]]
    assert web3.eth.get_balance(accounts[8].address) - before == 2 * ETHER
    founded(4, "execute", "2")
    assert run_coop("--json", "proposals", "--state", "executed").json()[1]["title"] == "Tokens for Alice"

    # the token: balance, transfer and approve
    balance = founded(1, "--json", "token", "balance").json()
    assert balance["balance"] == 100 * ETHER and balance["symbol"] == "SOLA"
    founded(1, "token", "transfer", accounts[5].address, "2.5")
    assert founded(1, "--json", "token", "balance", accounts[5].address).json()["balance"] == 25 * ETHER // 10
    founded(1, "token", "approve", accounts[6].address, "1", "--raw")
    one_line_error(
        founded(5, "token", "transfer", accounts[1].address, "3", expect=1),
        "holds 2.5 SOLA, less than the 3 SOLA",
    )


def test_a_statute_change_needs_three_quarters(founded, run_coop):
    created = founded(
        1, "--json", "propose", "statute", "notice-months", "6", "--title", "Longer notice"
    ).json()
    assert created["kind"] == "statute-change" and created["required_majority"] == "3/4"
    one_line_error(
        founded(1, "propose", "statute", "notice", "6", "--title", "x", expect=1), "unknown statute parameter"
    )
    # a proposer may ask for a stricter kind, never a laxer one
    stricter = founded(
        2, "--json", "propose", "pay", accounts[8].address, "0", "--title", "x", "--kind", "new-duties"
    )
    assert stricter.json()["required_majority"] == "9/10"
    # the kind and the proposer are bound to the proposal: a copy sent first by another member, with the
    # same calls and the same words, can neither strip the kind nor take the proposer's place
    shown = run_coop("--json", "proposal", "show", "2").json()
    assert (shown["kind"], shown["description"]) == ("new-duties", "x")  # shown without the marks
    governor = CoopGovernor.at(run_coop("--json", "info").json()["contracts"]["governor"])
    events = web3.eth.contract(address=governor.address, abi=governor.abi).events
    logs = events.ProposalCreated().get_logs(from_block=0)
    [created] = [log["args"] for log in logs if log["args"]["proposalId"] == int(shown["id"])]
    text = created["description"]
    assert text == f"x\n\n#kind=new-duties#proposer={accounts[2].address}"
    action = shown["actions"][0]
    copy = ([action["target"]], [action["value"]], [action["calldata"]], text)
    with reverts("GovernorRestrictedProposer"):
        governor.propose(*copy, {"from": accounts[3]})


def test_a_move_to_new_code_is_proposed_only_to_code_this_coopdao_ships(founded, run_coop):
    from dao_cli.coop.code import implementation_of

    contracts = run_coop("--json", "info").json()["contracts"]
    current = implementation_of(web3, contracts["votes"])
    one_line_error(
        founded(1, "propose", "upgrade", "votes", current, "--title", "x", expect=1),
        f"the votes runs the code at {current} already",
    )
    unshipped = CoopMembershipRevised.deploy({"from": accounts[0]})
    one_line_error(
        founded(1, "propose", "upgrade", "membership", unshipped.address, "--title", "x", expect=1),
        f"the code at {unshipped.address} is not CoopMembership as this coopdao ships it",
    )
    one_line_error(
        founded(1, "propose", "upgrade", "votes", accounts[8].address, "--title", "x", expect=1),
        "is not CoopVotes as this coopdao ships it",
    )
    shipped = CoopVotes.deploy({"from": accounts[0]})
    created = founded(
        1, "--json", "propose", "upgrade", "votes", shipped.address, "--title", "Corrected votes"
    ).json()
    assert (created["kind"], created["required_majority"]) == ("statute-change", "3/4")
    [action] = created["actions"]
    assert action["target"] == contracts["votes"]


def test_a_resolution_that_can_never_be_carried_out_is_refused_before_anything_is_sent(founded, run_coop):
    # each call runs as the timelock would run it, against the current state, before anybody votes
    one_line_error(
        founded(1, "propose", "statute", "notice-months", "2", "--title", "x", expect=1),
        "call 1 (setNoticePeriod(months=2) on membership) can never be carried out as things stand",
    )
    one_line_error(
        founded(1, "propose", "move-capital", "100", "--title", "x", expect=1),
        "100 ETH is more than the 1.5 ETH that may go to the treasury",
    )
    one_line_error(
        founded(1, "propose", "statute", "quorum-percent", "150", "--title", "x", expect=1), "from 1 to 100"
    )
    assert run_coop("--json", "proposals").json() == []
    # a payment larger than the treasury holds today may still be carried out: a warning, and a question
    pay = ("propose", "pay", accounts[8].address, "2", "--title", "Garden")
    asked = run_coop("-a", "dev:1", *pay, expect=1)  # no terminal to answer on: nothing is sent
    assert (
        "the treasury holds 0 ETH today: it must be funded before the resolution is executed" in asked.stderr
    )
    assert "run again with --yes" in asked.stderr and run_coop("--json", "proposals").json() == []
    founded(1, *pay)
    assert [p["title"] for p in run_coop("--json", "proposals").json()] == ["Garden"]


def test_slips_that_can_never_be_meant_are_refused_in_words(founded, run_coop, tmp_path):
    one_line_error(founded(0, "fund", "1e18", expect=1), "write the amount in full, not as '1e18'")
    one_line_error(
        run_coop("--rpc-url", "foo", "info", expect=1, rpc=False), "'foo' is not the URL of a node"
    )
    one_line_error(
        run_coop("audit", "report", "--out", "/proc/nope/report", expect=1), "cannot write the report to"
    )
    assert run_coop("audit", "report", "--out", tmp_path / "r", "--format", "csv", expect=2).exit_code == 2


def test_a_proposer_cancels_before_voting_and_unknown_proposals_are_errors(founded, run_coop):
    founded(1, "propose", "call", accounts[8].address, "ping(uint256)", "7", "--title", "Ping")
    shown = run_coop("--json", "proposal", "show", "1").json()
    assert shown["actions"][0]["calldata"].startswith("0x")
    one_line_error(founded(2, "cancel", "1", expect=1), "only its proposer can, and only before voting opens")
    founded(1, "cancel", "1")
    assert run_coop("--json", "proposal", "show", "1").json()["state"] == "canceled"
    one_line_error(run_coop("proposal", "show", "7", expect=1), "no proposal 7")
    one_line_error(run_coop("proposal", "show", "abc", expect=1), "not a proposal number")
    one_line_error(
        founded(1, "propose", "call", accounts[8].address, "ping(uint257)", "7", "--title", "x", expect=1),
        "not an ABI type",
    )


# --------------------------------------------------------------------------- keystores, networks and funds


def dev_key(n):
    """The private key of development account n (the test chain's mnemonic)."""
    from eth_account import Account

    Account.enable_unaudited_hdwallet_features()
    mnemonic = "test test test test test test test test test test test junk"
    return Account.from_mnemonic(mnemonic, account_path=f"m/44'/60'/0'/0/{n}").key.hex()


@pytest.fixture
def fast_keystores(monkeypatch):
    from dao_cli.chain import keystore

    monkeypatch.setattr(keystore, "SCRYPT_N", 2**10)
    monkeypatch.setenv("COOP_PASSWORD", "correct horse")


def test_many_signed_ballots_are_relayed_in_one_transaction_and_a_rerun_counts_none_twice(
    founded, run_coop, tmp_path
):
    """Ballots from a folder and a JSON-lines file: every one is checked, those that can count go in one
    batch through the ballot box, a second ballot of the same voter is refused before sending, and the
    same relay run again sends nothing (each ballot has counted already)."""
    founded(4, "member", "apply", "--shares", "1")
    founded(1, "member", "admit", accounts[4].address)
    founded(1, "propose", "mint", accounts[1].address, "1", "--title", "Tokens")
    open_voting()
    folder = tmp_path / "ballots"
    folder.mkdir()
    signed = {
        n: founded(n, "--json", "vote", "1", choice, "--sign-only").stdout
        for n, choice in ((1, "for"), (2, "against"), (3, "for"), (4, "abstain"))
    }
    for n in (1, 2):
        (folder / f"ballot-{n}.json").write_text(signed[n])
    lines = tmp_path / "more.jsonl"
    lines.write_text("".join(json.dumps(json.loads(signed[n])) + "\n" for n in (3, 4, 1)))
    block = web3.eth.block_number

    result = founded(9, "--json", "relay", folder, lines, expect=1)
    assert web3.eth.block_number == block + 1  # one transaction for all four
    report = result.json()
    assert report["counted"] == 4
    assert [b["outcome"] for b in report["ballots"]] == ["counted"] * 4 + ["refused"]
    assert report["ballots"][4]["source"] == f"{lines}:3"
    assert "a second ballot of the voter on this proposal" in report["ballots"][4]["detail"]
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: {lines}:3: the ballot did not count")
    votes = run_coop("--json", "proposal", "show", "1").json()["votes"]
    assert votes == {"for": 2, "against": 1, "abstain": 1}

    again = founded(9, "relay", folder, lines, expect=1)
    assert web3.eth.block_number == block + 1  # nothing sent
    assert again.stdout == "" and again.stderr.count("has voted on proposal") == 5
    assert again.stderr.strip().splitlines()[-1] == "error: 5 of 5 ballots did not count (see above)"
    one_line_error(founded(9, "relay", tmp_path / "nowhere", expect=1), "no such file or folder")
    (tmp_path / "empty").mkdir()
    one_line_error(founded(9, "relay", tmp_path / "empty", expect=1), "a folder without ballot files")


def test_a_member_s_signed_notice_and_proxy_appointment_are_relayed_by_anyone(founded, run_coop, tmp_path):
    """Declarations in text form (GenG §§43(5), 65(2)): signed with --sign-only, relayed by a non-member in
    one `coop relay` beside a ballot; each takes effect once, and relaying them again is refused in words."""
    founded(1, "propose", "mint", accounts[1].address, "1", "--title", "Tokens")
    open_voting()
    notice = founded(3, "--json", "member", "notice", "--sign-only").json()
    assert notice["kind"] == "notice" and notice["member"] == accounts[3].address
    appointment = founded(2, "--json", "member", "proxy", "set", accounts[1].address, "--sign-only").json()
    ballot = founded(1, "--json", "vote", "1", "for", "--sign-only").json()
    signed = tmp_path / "signed.jsonl"
    signed.write_text("".join(json.dumps(item) + "\n" for item in (notice, appointment, ballot)))
    block = web3.eth.block_number
    assert run_coop("--json", "member", "show", accounts[3].address).json()["status"] == "active"

    report = founded(9, "--json", "relay", signed).json()
    assert [b["outcome"] for b in report["ballots"]] == ["counted"] * 3
    assert [b["declaration"] for b in report["ballots"][:2]] == [
        f"notice of {accounts[3].address}",
        f"proxy of {accounts[2].address}",
    ]
    assert web3.eth.block_number == block + 3  # a transaction each for the declarations, one for the ballot
    assert run_coop("--json", "member", "show", accounts[3].address).json()["status"] == "leaving"
    assert run_coop("--json", "member", "show", accounts[2].address).json()["proxy"] == accounts[1].address

    again = founded(9, "relay", signed, expect=1)
    assert web3.eth.block_number == block + 3  # nothing sent
    assert again.stderr.count("it was used already") == 2 and "has voted on proposal" in again.stderr
    last = again.stderr.strip().splitlines()[-1]
    assert last == "error: 3 of 3 ballots and declarations did not count (see above)"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps({**appointment, "proxy": accounts[3].address, "nonce": 1}))
    one_line_error(founded(9, "relay", edited, expect=1), f"the proxy is not signed by {accounts[2].address}")


def test_an_applicant_s_signed_application_is_relayed_by_whoever_pays_for_it(founded, run_coop, tmp_path):
    """An applicant without coin signs the application (text form, GenG §15(1)); a supporter relays it,
    paying the shares and the gas; the escrow and, once admitted, the capital are the applicant's."""
    document = tmp_path / "application.pdf"
    document.write_bytes(b"%PDF- I apply for one share")
    applicant = accounts[6].address
    signed = founded(
        6, "--json", "member", "apply", "--shares", "1", "--application", document, "--sign-only"
    ).json()
    assert (signed["kind"], signed["member"], signed["shares"]) == ("application", applicant, 1)
    path = tmp_path / "application.json"
    path.write_text(json.dumps(signed))
    supporter = accounts[8].address
    before = web3.eth.get_balance(supporter)
    report = founded(8, "--json", "relay", path).json()
    [outcome] = report["ballots"]
    assert outcome["outcome"] == "counted" and outcome["declaration"] == f"application of {applicant}"
    receipt = web3.eth.get_transaction_receipt(outcome["tx"])
    fee = receipt["gasUsed"] * receipt["effectiveGasPrice"]
    assert before - web3.eth.get_balance(supporter) == ETHER // 2 + fee  # the share's nominal value
    shown = run_coop("--json", "member", "show", applicant).json()
    assert shown["application"]["escrow"] == ETHER // 2
    again = founded(8, "relay", path, expect=1)
    assert "the declaration did not count" in again.stderr and "it was used already" in again.stderr
    founded(1, "member", "admit", applicant)
    shown = run_coop("--json", "member", "show", applicant).json()
    assert (shown["status"], shown["paid"]) == ("active", ETHER // 2)


def test_a_keystore_member_signs_a_ballot_that_a_relayer_submits(founded, run_coop, fast_keystores, tmp_path):
    run_coop("accounts", "import", "bob", input=dev_key(2) + "\n")
    founded(1, "propose", "mint", accounts[1].address, "1", "--title", "Tokens")
    open_voting()
    ballot = run_coop("-a", "bob", "--json", "vote", "1", "for", "--reason", "fair", "--sign-only").json()
    assert ballot["voter"] == accounts[2].address and ballot["reason"] == "fair"
    path = tmp_path / "ballot.json"
    path.write_text(json.dumps(ballot))
    [relayed] = founded(9, "--json", "relay", path).json()["ballots"]
    assert relayed["outcome"] == "counted" and relayed["voter"] == accounts[2].address
    events = decode_receipt(web3.eth.get_transaction_receipt(relayed["tx"]))
    [cast] = [e for e in events if e["event"] == "VoteCast"]
    assert cast["args"]["voter"] == accounts[2].address and cast["args"]["reason"] == "fair"
    assert run_coop("--json", "proposal", "show", "1").json()["votes"]["for"] == 1
    # a keystore account also sends transactions itself (signed locally)
    run_coop("-a", "bob", "--yes", "vote", "1", "for", expect=1)  # already voted, through the relayer
    founded(0, "propose", "mint", accounts[1].address, "1", "--title", "More", expect=1)  # not a member
    run_coop("-a", "bob", "--yes", "propose", "burn", "1", "--title", "Burn")
    assert run_coop("--json", "proposals").json()[1]["proposer"] == accounts[2].address


def test_no_funds_and_a_wrong_password_are_one_line(founded, run_coop, fast_keystores):
    from eth_account import Account

    run_coop("accounts", "import", "poor", input=Account.create().key.hex() + "\n")
    block = web3.eth.block_number
    result = run_coop("-a", "poor", "--yes", "member", "apply", "--shares", "1", expect=1)
    one_line_error(result, "has not enough ETH")
    result = run_coop(
        "-a", "poor", "--yes", "member", "apply", "--shares", "1", env={"COOP_PASSWORD": "x"}, expect=1
    )
    one_line_error(result, "wrong password for keystore poor")
    assert web3.eth.block_number == block


def test_named_networks_come_from_brownies_network_list(run_coop, coop_home, statute_file, monkeypatch):
    config = coop_home / ".brownie" / "network-config.yaml"
    config.parent.mkdir()
    host, port = web3.provider.endpoint_uri.rsplit(":", 1)
    config.write_text(
        "development:\n"
        f"  - name: Test chain\n    id: testchain\n    host: {host}\n    cmd_settings:\n"
        "      port: ${TEST_CHAIN_PORT:-1}\n"
        "live:\n  - name: Ethereum\n    networks:\n"
        "      - name: Mainnet\n        id: mainnet\n        host: https://mainnet.infura.io/v3/$WEB3_INFURA_PROJECT_ID\n"
    )
    monkeypatch.setenv("TEST_CHAIN_PORT", port)
    deployed = run_coop(
        "--network", "testchain", "-a", "dev:0", "--yes", "--json", "deploy", statute_file, rpc=False
    )
    assert deployed.json()["chain_id"] == web3.eth.chain_id
    info = run_coop("--network", "testchain", "--json", "info", rpc=False).json()
    assert info["contracts"] == deployed.json()["coop"]
    monkeypatch.delenv("WEB3_INFURA_PROJECT_ID", raising=False)
    one_line_error(run_coop("--network", "mainnet", "info", expect=1, rpc=False), "WEB3_INFURA_PROJECT_ID")
    one_line_error(run_coop("--network", "nowhere", "info", expect=1, rpc=False), "unknown network 'nowhere'")


def test_global_options_may_follow_the_command(founded, run_coop):
    result = run_coop("member", "apply", "--shares", "1", "-a", "dev:5", "--dry-run", "--json").json()
    assert result["dry_run"] is True and result["simulated"][0]["from"] == accounts[5].address
    run_coop("member", "apply", "--shares", "1", "--account=dev:5", "--yes")
    assert run_coop("member", "show", accounts[5].address, "--json").json()["application"]["shares"] == 1


def test_every_resolution_template_runs_to_execution(run_coop, statute_file):
    """An assembly cooperative: admission, exclusion, capital to the treasury and a payment in the
    cooperative's token, each through its `coop propose` template, voted and executed."""
    text = statute_file.read_text().replace("admission: board", "admission: assembly")
    statute_file.write_text(text)
    run_coop("-a", "dev:0", "--yes", "deploy", statute_file)

    def as_(n, *args, **kw):
        return run_coop("-a", f"dev:{n}", "--yes", *args, **kw)

    for n in (1, 2, 3):
        as_(n, "member", "pay-in")
    as_(5, "member", "apply", "--shares", "1")
    as_(5, "member", "withdraw")
    assert run_coop("--json", "member", "list", "--applications").json() == []
    as_(5, "member", "apply", "--shares", "2")
    one_line_error(as_(1, "member", "admit", accounts[5].address, expect=1), "may not admit or reject")
    as_(1, "propose", "admit", accounts[5].address, "--title", "Admit Dave")
    as_(
        1,
        "propose",
        "mint",
        run_coop("--json", "info").json()["treasury"]["address"],
        "10",
        "--title",
        "Mint",
    )
    open_voting()
    for voter in (1, 2, 3):
        as_(voter, "vote", "1", "for")
        as_(voter, "vote", "2", "for")
    close_voting()
    for n in ("1", "2"):
        as_(4, "queue", n)
    chain.sleep(2 * DAY + 1)
    chain.mine()
    for n in ("1", "2"):
        as_(4, "execute", n)
    assert run_coop("--json", "member", "show", accounts[5].address).json()["status"] == "active"

    as_(1, "propose", "exclude", accounts[3].address, "--title", "Exclude Carol")
    as_(1, "propose", "move-capital", "0.5", "--title", "Capital to the treasury")
    as_(2, "propose", "pay-token", "coop", accounts[8].address, "4", "--title", "Tokens for the garden")
    as_(2, "propose", "burn", "1", "--title", "Burn one")
    open_voting()
    for voter in (1, 2, 5):
        for n in ("3", "4", "5", "6"):
            as_(voter, "vote", n, "for")
    close_voting()
    for n in ("3", "4", "5", "6"):
        as_(4, "queue", n)
    chain.sleep(2 * DAY + 1)
    chain.mine()
    treasury = run_coop("--json", "info").json()["treasury"]["coin"]
    for n in ("3", "4", "5", "6"):
        as_(4, "execute", n)
    info = run_coop("--json", "info").json()
    assert run_coop("--json", "member", "show", accounts[3].address).json()["status"] == "excluded"
    assert info["members"]["with_voting_rights"] == 3
    assert info["treasury"]["coin"] == treasury + ETHER // 2
    assert info["treasury"]["coop_token"] == 5 * ETHER and info["token"]["total_supply"] == 9 * ETHER
    assert as_(8, "--json", "token", "balance").json()["balance"] == 4 * ETHER


def test_deploy_without_yes_shows_every_transaction_before_it_asks(run_coop, statute_file):
    asked = run_coop("-a", "dev:0", "deploy", statute_file, expect=1)  # no terminal to answer on
    plan = asked.stderr.splitlines()
    assert any("deploy the factory, then create it: 9 transactions" in line for line in plan)
    names = ("BallotBox", "ResolutionRules", "CoopMembership", "CoopVotes", "CoopToken", "CoopGovernor")
    for number, name in enumerate(names, start=1):
        assert any(line.startswith(f"  {number}. deploy {name}: gas at most ") for line in plan), plan
    assert any(line.startswith("  in all at most ") for line in plan)
    assert "confirmation needed" in plan[-1]
    assert run_coop("--json", "list").json() == []  # nothing was sent
