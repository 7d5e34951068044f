"""The main job, `coop demo` / `make demo`: it must carry its resolutions out and tell them truthfully."""

from brownie import accounts, web3

from dao_cli.coop.demo import run_demo


def test_demo_tells_the_first_year_of_a_cooperative():
    lines = []
    result = run_demo(web3, [a.address for a in accounts[:8]], say=lines.append)
    assert result["state"] == "executed"
    assert result["received"] == 3 * 10**18
    assert result["statute_changes"] == {"failed": "defeated", "passed": "executed"}
    assert result["refunded"] == 5 * 10**17
    text = "\n".join(lines)
    assert "3 for, 1 against, 0 abstain -> succeeded" in text
    assert "the garden received 3 ETH; state: executed" in text
    assert "5 members, 8 shares, 4 ETH paid-in capital" in text
    assert "2 for, 1 against: defeated" in text
    assert "the notice period is now 6 months" in text
    assert "she claims it and receives 0.5 ETH" in text


def test_coop_demo_runs_on_a_fresh_chain_of_its_own(run_coop):
    first = run_coop("--json", "demo", rpc=False)
    summary = first.json()
    assert summary["garden"] == {"state": "executed", "received": 3 * 10**18}
    assert summary["statute_changes"] == {"failed": "defeated", "passed": "executed"}
    assert summary["chain_id"] == 31337
    assert "Alice votes for" in first.stderr  # the story goes to stderr in --json mode
    # run again: a fresh chain, so the same addresses and the same story
    assert run_coop("--json", "demo", rpc=False).json()["coop"] == summary["coop"]
    # the demo leaves no node running and does not touch the embedded chain
    status = run_coop("--json", "node", "status", rpc=False).json()
    assert status["running"] is False
