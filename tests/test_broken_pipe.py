"""A reader that goes away (`coop fund 0.01 --yes | head -1`) after the transaction was sent: the real `coop`
executable, its stdout a real pipe closed early. The transaction's outcome is the exit code (0: it was
mined), nothing is printed about the pipe, and the transaction is on the chain once.

Python buffers stdout on a pipe unless PYTHONUNBUFFERED is set, so a closed pipe shows up either at the
first write or only at the last flush: both are run.
"""

from __future__ import annotations

import os
import subprocess

import pytest
from brownie import accounts, web3
from loopback import coop_executable

ETHER = 10**18
QUIET_ABOUT_PIPES = ("BrokenPipe", "Broken pipe", "Traceback", "Exception ignored", "EPIPE")


@pytest.fixture
def deployed(run_coop, tmp_path, coop_home):
    path = tmp_path / "statute.yaml"
    run_coop("init", path, *[x for a in accounts[1:4] for x in ("--founder", a.address)])
    run_coop("-a", "dev:0", "--yes", "deploy", path)
    return run_coop


def run_real(args, stdout, stderr=subprocess.PIPE, buffered=False):
    env = {**os.environ, "ETH_RPC_URL": web3.provider.endpoint_uri}
    if buffered:
        env.pop("PYTHONUNBUFFERED", None)
    else:
        env["PYTHONUNBUFFERED"] = "1"
    return subprocess.run(
        [coop_executable(), *args], stdout=stdout, stderr=stderr, env=env, timeout=60, text=True
    )


def closed_pipe():
    """The writing end of a pipe whose reading end is closed already: every write to it fails (EPIPE)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    return write_end


def treasury(run_coop):
    return run_coop("--json", "info").json()["treasury"]["coin"]


@pytest.mark.parametrize("buffered", [False, True], ids=["unbuffered", "buffered"])
@pytest.mark.parametrize("json_mode", [False, True], ids=["text", "json"])
def test_a_mined_transaction_is_no_failure_when_stdout_is_closed(deployed, buffered, json_mode):
    before, nonce = treasury(deployed), web3.eth.get_transaction_count(accounts[5].address)
    pipe = closed_pipe()
    try:
        args = ["-a", "dev:5", "--yes", *(["--json"] if json_mode else []), "fund", "0.01"]
        done = run_real(args, stdout=pipe, buffered=buffered)
    finally:
        os.close(pipe)
    assert done.returncode == 0, done.stderr
    assert not any(word in done.stderr for word in QUIET_ABOUT_PIPES), done.stderr
    assert "sent     0x" in done.stderr  # the messages on stderr are all still there
    assert web3.eth.get_transaction_count(accounts[5].address) == nonce + 1
    assert treasury(deployed) == before + ETHER // 100


def test_head_reads_the_first_line_and_goes(deployed):
    """As in a shell: the reader takes one line and closes the pipe while coop is still writing."""
    before = treasury(deployed)
    env = {**os.environ, "ETH_RPC_URL": web3.provider.endpoint_uri, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [coop_executable(), "-a", "dev:5", "--yes", "fund", "0.01"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        first = process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read()
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
    assert first.strip() == "0.01 ETH paid into the treasury"
    assert code == 0, stderr
    assert not any(word in stderr for word in QUIET_ABOUT_PIPES), stderr
    assert treasury(deployed) == before + ETHER // 100


def test_a_failure_keeps_its_exit_code_and_its_words_with_stdout_closed(deployed):
    """The exit code is the outcome either way: a refused transaction (nothing sent) still exits 1 and says
    why on stderr."""
    block = web3.eth.block_number
    pipe = closed_pipe()
    try:
        done = run_real(["-a", "dev:5", "--yes", "member", "pay-in"], stdout=pipe)
    finally:
        os.close(pipe)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("error: ")
    assert f"{accounts[5].address} owes nothing" in done.stderr
    assert not any(word in done.stderr for word in QUIET_ABOUT_PIPES), done.stderr
    assert web3.eth.block_number == block


def test_stderr_closed_too_still_sends_once_and_exits_with_the_outcome(deployed):
    before, nonce = treasury(deployed), web3.eth.get_transaction_count(accounts[5].address)
    pipe = closed_pipe()
    try:
        done = run_real(["-a", "dev:5", "--yes", "fund", "0.01"], stdout=pipe, stderr=pipe)
    finally:
        os.close(pipe)
    assert done.returncode == 0
    assert web3.eth.get_transaction_count(accounts[5].address) == nonce + 1
    assert treasury(deployed) == before + ETHER // 100
