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


def test_the_reading_benchmark_measures_every_command_against_both_alternatives(tmp_path):
    """The reading side in small: a history built and kept as a state file, then loaded again for the
    second run; every audit and member command measured (each must succeed), the plain reader and `cast
    logs` fetching the same events, and the gas section before it kept."""
    md = tmp_path / "BENCHMARKS.md"
    md.write_text("# Benchmarks\n\nthe gas section\n\n## Reading at scale\n\nan old measurement\n")
    sizes = [
        "--members",
        "24",
        "--resolutions",
        "2",
        "--votes",
        "6",
        "--blocks",
        "300",
        "--appoint-every",
        "2",
    ]
    command = [sys.executable, str(ROOT / "toolchain" / "reading_bench.py"), *sizes, "--runs", "1"]
    command += ["--state-dir", str(tmp_path / "state"), "--out-md", str(md)]
    for _ in range(2):  # built, then loaded from the state file
        subprocess.run(command, check=True, capture_output=True, timeout=600)
    result = json.loads((tmp_path / "state" / "reading.json").read_text())
    assert list((tmp_path / "state").glob("*.state.json"))
    assert result["head"] >= 300
    events = result["replay"]["events"]
    assert events > 24 + 2 * 6 and result["replay"]["appointments"] >= 6
    assert result["plain_reader"]["events"] == events == result["cast_logs"]["events"]
    assert set(result["audit"]) == {"members", "minutes --votes", "verify", "report"}
    for figures in result["audit"].values():
        assert figures["cold"]["median"] > 0 and 0 < figures["cached"]["peak_mb"] < 2000
    assert {"coop member list", "coop proposals", "coop vote", "coop info", "coop --help"} <= set(
        result["member"]
    )
    text = md.read_text()
    assert text.startswith("# Benchmarks\n\nthe gas section\n") and "an old measurement" not in text
    assert text.count("## Reading at scale") == 1 and "| `coop audit verify` |" in text
