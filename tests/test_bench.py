"""`make bench` in small: the same code on a fresh Anvil of its own, a few members and votes. No timing is
asserted (the machines are shared); what is checked is that every row is measured on both sides and the
report says so."""

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_anvil():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = ["anvil", "--host", "127.0.0.1", "--port", str(port), "--hardfork", "shanghai"]
    process = subprocess.Popen([*command, "--block-base-fee-per-gas", "0", "--silent"])
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "anvil did not start"
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def test_the_benchmark_measures_every_row_on_both_sides(fresh_anvil, tmp_path):
    md, js = tmp_path / "BENCHMARKS.md", tmp_path / "BENCHMARKS.json"
    sizes = ["--members", "30", "--resolutions", "2", "--votes", "8"]
    command = [sys.executable, str(ROOT / "toolchain" / "bench.py"), "--rpc-url", fresh_anvil, *sizes]
    subprocess.run([*command, "--out-md", str(md), "--out-json", str(js)], check=True, capture_output=True)
    figures = json.loads(js.read_text())
    assert len(figures["rows"]) == 11
    for row in figures["rows"]:
        assert row["baseline"] > 21000, row  # a transaction each
        if not row["operation"].startswith("signed ballots relayed in one transaction"):
            assert row["coopdao"] > 21000, row
        assert row["ratio"] == round(row["coopdao"] / row["baseline"], 3)
    scale = figures["scale"]
    assert scale["votes"] == 16 and scale["members"] == 30
    # the batch: every member but the three founders signed, and the trace accounts for each ballot's gas
    assert scale["batch_size"] == 27 and 0 < scale["vote_batch"] < figures["baseline"]["vote_by_sig"]
    parts = scale["batch_parts"]
    assert 0 < parts["votes_read"] < parts["count"] and parts["signature"] >= 3000
    assert parts["calldata"] + parts["signature"] + parts["count"] + parts["rest"] == scale["vote_batch"]
    assert set(figures["code"]) >= {"CoopMembership", "CoopVotes", "CoopGovernor"}
    # the proxy's share of a call: at least the cold access to the implementation's code (2,600) and the
    # cold read of its address (2,100)
    assert 4_700 <= figures["coopdao"]["proxy_cost"] < 6_000
    text = md.read_text()
    assert "| castVote, later voter |" in text and "make bench BENCH_ARGS='--members 30" in text
