"""`make demo` tells the main job; here it runs on the test chain and must carry its resolution out."""

from brownie import accounts, web3

from dao_cli.demo import run_demo


def test_demo_runs_a_proposal_to_execution():
    lines = []
    result = run_demo(web3, [a.address for a in accounts[:8]], say=lines.append)
    assert result["state"] == "executed"
    assert result["received"] == 3 * 10**18
    text = "\n".join(lines)
    assert "3 for, 1 against, 0 abstain -> succeeded" in text
    assert "the garden received 3 ETH; state: executed" in text
    assert "5 members, 8 shares, 4 ETH paid-in capital" in text
