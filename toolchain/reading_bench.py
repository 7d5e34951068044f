"""The reading side at scale: the auditor's and the member's commands on a cooperative of 10,000 members,
1,000 resolutions and 100,000 votes with a proxy appointment after every ten ballots, spread over many
blocks, against a plain web3.py reader and against `cast logs` (the raw fetch, the floor of what reading
the history costs), in the same run.

The history is built once and kept as an Anvil state file (build/bench/); later runs load it. Every
command runs as its own process, as a user runs it: the medians of several runs, their spread, and the
peak memory of the process. Writes the section "Reading at scale" of BENCHMARKS.md and
build/bench/reading.json.

    python toolchain/reading_bench.py [--members 10000] [--resolutions 1000] [--votes 100]
        [--blocks 10000] [--appoint-every 10] [--runs 3]

`--blocks` is how many blocks the history is spread over besides the ones its transactions fill (some
1,200). It is 10,000 by default because Anvil mines an empty block of a chain with 10,000 accounts in about
25 ms (1.5 ms on a fresh chain): the 100,000 of a real history add some 45 minutes to the one build.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "toolchain"))

import bench  # noqa: E402
from free_port import free_port  # noqa: E402

from dao_cli.chain import artifacts  # noqa: E402
from dao_cli.chain.transact import Sender  # noqa: E402
from dao_cli.coop.cooperative import Cooperative  # noqa: E402
from dao_cli.coop.deploy import create_cooperative, deploy_factory  # noqa: E402
from dao_cli.coop.statute import ZERO_ADDRESS, sample_statute  # noqa: E402

BIN = ROOT / "node_modules" / ".bin"
VENV = ROOT / ".venv" / "bin"
STATE_DIR = ROOT / "build" / "bench"
MARK = "## Reading at scale"
DAY = 86_400
ANVIL = ["--hardfork", "shanghai", "--block-base-fee-per-gas", "0", "--gas-limit", "30000000", "--silent"]

# --------------------------------------------------------------------------------------------- the chain


class Anvil:
    """An Anvil of the bench's own on a free loopback port; `state` is loaded at start (if it exists) and
    written at stop. (Without the historical states: with them a history of 1,500 blocks is 400 MB. The
    audit reads state at the head only.)"""

    def __init__(self, state: Path, dump: bool) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [str(BIN / "anvil"), "--host", "127.0.0.1", "--port", str(self.port), *ANVIL]
        args += ["--prune-history", "64"]  # a block of a large state costs a third less without its history
        if state.exists():
            args += ["--load-state", str(state)]
        if dump:
            args += ["--dump-state", str(state)]
        loaded = state.exists()
        # its own process group: npm's `anvil` is a node script that starts the binary, and the binary is
        # what writes the state file at exit
        self.process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + 600  # a large state takes a while to load
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("anvil did not start within 10 minutes") from None
                time.sleep(0.2)
        if loaded:
            self._catch_up_clock()

    def _catch_up_clock(self) -> None:
        """A loaded Anvil forgets how far its clock was moved: its next block would be older than the
        last one it loaded (a vote would find its proposal not open yet). Move it back to where it was."""
        from web3 import Web3

        w3 = Web3(Web3.HTTPProvider(self.url))
        behind = w3.eth.get_block("latest")["timestamp"] - int(time.time())
        if behind > 0:
            w3.provider.make_request("evm_increaseTime", [behind + 1])

    def stop(self) -> None:
        """Stop the whole group and wait until its last process is gone (the state file written)."""
        group = self.process.pid
        os.killpg(group, signal.SIGINT)  # Anvil writes --dump-state at exit
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            self.process.poll()
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)
        os.killpg(group, signal.SIGKILL)
        raise RuntimeError("anvil did not stop within 10 minutes")


def build_history(
    url: str, members: int, resolutions: int, votes: int, blocks: int, appoint_every: int, seed: int = 2026
) -> dict[str, Any]:
    """A cooperative as years make one: `members` members, `resolutions` resolutions with `votes` ballots
    each from members chosen at random, a proxy appointment (or its revocation) after every
    `appoint_every` ballots among 500 principals and their 250 proxies, all of it spread over about
    `blocks` blocks; then one open proposal for `coop vote`. Returns the deployment's JSON."""
    chain = bench.Chain(url)
    w3, acc = chain.w3, chain.accounts
    deployer = Sender(acc[0])
    factory = deploy_factory(w3, deployer)
    statute = replace(
        sample_statute("Reading Bench eG", acc[1:4]), admission="open", board=ZERO_ADDRESS, max_shares=10
    )
    deployment = create_cooperative(w3, deployer, factory, statute)
    coop = Cooperative(w3, deployment)
    g, v = coop.governor.functions, coop.votes.functions
    started = time.monotonic()
    rng = random.Random(seed)
    chunk = 100
    expected = members + resolutions * (1 + votes + votes // max(1, appoint_every))
    gap = max(0, blocks // max(1, expected // chunk) - 1)

    def say(what: str) -> None:
        print(f"  [{time.monotonic() - started:7.1f} s] {what}", file=sys.stderr, flush=True)

    def send(calls: list[tuple[Any, str, int]]) -> None:
        for start in range(0, len(calls), chunk):
            chain.send_many(calls[start : start + chunk], chunk=chunk)
            if gap:
                w3.provider.make_request("anvil_mine", [hex(gap), hex(1)])

    everyone = list(acc[1:4])
    join = coop.membership.functions.submitApplication(1, b"\1" * 32)
    while len(everyone) < members:  # funded as they come: a block costs Anvil more the more accounts exist
        new = chain.people(min(500, members - len(everyone)), start=len(everyone))
        send([(join, person, coop.share_price()) for person in new])
        everyone += new
    say(f"{len(everyone):,} members, block {w3.eth.block_number:,}")
    texts = [f"Resolution {n + 1}" for n in range(resolutions)]
    send([(g.propose([acc[9]], [0], [b""], text), everyone[n % 3], 0) for n, text in enumerate(texts)])
    ids = [g.hashProposal([acc[9]], [0], [b""], w3.keccak(text=text)).call() for text in texts]
    chain.advance(seconds=DAY + 1)
    say(f"{len(ids):,} resolutions, block {w3.eth.block_number:,}")
    # 500 principals (fewer in a small cooperative), two to each of their proxies: each in turn appoints
    # its proxy and later takes its vote back, so no proxy ever carries more than the law allows
    count = min(500, (len(everyone) - 3) * 2 // 3)
    principals, proxies = everyone[3 : 3 + count], everyone[3 + count : 3 + count + (count + 1) // 2]
    voters = [m for m in everyone if m not in set(principals)]
    appointed = [False] * count
    calls: list[tuple[Any, str, int]] = []
    ballots = 0
    for pid in ids:
        for voter in rng.sample(voters, min(votes, len(voters))):
            calls.append((g.castVote(pid, rng.choice((0, 1, 1, 2))), voter, 0))
            ballots += 1
            if appoint_every and count and ballots % appoint_every == 0:
                n = (ballots // appoint_every) % count
                appointed[n] = not appointed[n]
                proxy = proxies[n // 2] if appointed[n] else principals[n]
                calls.append((v.delegate(proxy), principals[n], 0))
    send(calls)
    say(f"{ballots:,} ballots and {len(calls) - ballots:,} appointments, block {w3.eth.block_number:,}")
    chain.call(g.propose([acc[9]], [0], [b""], "Open for the bench's vote"), acc[1])
    chain.advance(seconds=DAY + 1)
    return deployment.as_json()


# --------------------------------------------------------------------------------------------- measuring


def run(args: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """(seconds, peak memory in MB, exit code) of one command run as its own process; what it said on
    stderr is shown when it fails. The peak is the process's own high-water mark (VmHWM), read as it runs:
    the rusage of a child counts the bench's memory it was forked from."""
    with tempfile.TemporaryFile() as said:
        started = time.monotonic()
        process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=said)
        peak = 0
        while process.poll() is None:
            peak = max(peak, _high_water(process.pid))
            time.sleep(0.02)
        elapsed = time.monotonic() - started
        if process.returncode != 0:
            said.seek(0)
            print(f"  {' '.join(args[-4:])} failed ({process.returncode}):", file=sys.stderr)
            sys.stderr.write(said.read().decode(errors="replace")[-2000:])
    return elapsed, peak // 1024, process.returncode


def _high_water(pid: int) -> int:
    """The peak resident memory (kB) of process `pid` so far, 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def figure(samples: list[tuple[float, int, int]]) -> dict[str, Any]:
    """Median, spread and peak memory of runs that all succeeded (a failed run is no figure)."""
    if any(code != 0 for _, _, code in samples):
        raise RuntimeError("a measured command failed (its words are above)")
    seconds = [s for s, _, _ in samples]
    return {
        "median": round(statistics.median(seconds), 3),
        "min": round(min(seconds), 3),
        "max": round(max(seconds), 3),
        "peak_mb": max(m for _, m, _ in samples),
    }


def plain_reader(url: str, deployment: dict[str, Any], span: int = 100) -> dict[str, Any]:
    """What a plain web3.py reader does: the cooperative's logs in `span`-block ranges, one request at a
    time, each decoded by web3's event machinery."""
    from web3 import Web3

    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 120}))
    from eth_utils import event_abi_to_log_topic

    names = {"membership": "CoopMembership", "votes": "CoopVotes", "token": "CoopToken"}
    names |= {"governor": "CoopGovernor", "timelock": "CoopTimelock"}
    events = {}  # (address, topic 0) -> web3's event
    for role, name in names.items():
        contract = w3.eth.contract(address=deployment["coop"][role], abi=artifacts.abi(name))
        for item in contract.abi:
            if item.get("type") == "event" and not item.get("anonymous"):
                events[(contract.address, event_abi_to_log_topic(item))] = contract.events[item["name"]]()
    started = time.monotonic()
    head = w3.eth.block_number
    decoded = 0
    addresses = list(deployment["coop"].values())
    for lo in range(deployment["block"], head + 1, span):
        logs = w3.eth.get_logs({"fromBlock": lo, "toBlock": min(head, lo + span - 1), "address": addresses})
        for log in logs:
            event = events.get((log["address"], bytes(log["topics"][0])))
            if event is not None:
                event.process_log(log)
                decoded += 1
    requests = -(-(head + 1 - deployment["block"]) // span)
    return {"seconds": round(time.monotonic() - started, 3), "events": decoded, "requests": requests}


def cast_logs(url: str, deployment: dict[str, Any]) -> dict[str, Any]:
    """`cast logs` of each of the cooperative's contracts (it takes one address a run): raw, undecoded."""
    started = time.monotonic()
    count = 0
    for address in deployment["coop"].values():
        out = subprocess.run(
            [
                str(BIN / "cast"),
                "logs",
                "--from-block",
                str(deployment["block"]),
                "--to-block",
                "latest",
                "--address",
                address,
                "--rpc-url",
                url,
                "--json",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        count += len(json.loads(out or "[]"))
    return {"seconds": round(time.monotonic() - started, 3), "events": count}


def audits(url: str, deployment: dict[str, Any], runs: int) -> dict[str, Any]:
    """Each audit command cold (a fresh cache) and again from its cache, `runs` times each."""
    governor = deployment["coop"]["governor"]
    commands = {
        "members": ["audit", "members"],
        "minutes --votes": ["audit", "minutes", "--votes"],
        "verify": ["audit", "verify"],
        "report": ["audit", "report", "--out", "{out}"],
    }
    out: dict[str, Any] = {}
    for name, words in commands.items():
        cold, warm = [], []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as home:
                env = {**os.environ, "COOPDAO_HOME": home, "PATH": f"{BIN}:{os.environ['PATH']}"}
                argv = [
                    str(VENV / "coop"),
                    "-q",
                    "--rpc-url",
                    url,
                    *[w.format(out=f"{home}/r") for w in words],
                ]
                argv += ["--address", governor]
                cold.append(run(argv, env))
                warm.append(run(argv, env))
        out[name] = {"cold": figure(cold), "cached": figure(warm)}
        cold_s, warm_s = out[name]["cold"]["median"], out[name]["cached"]["median"]
        print(f"  audit {name}: cold {cold_s} s, cached {warm_s} s", file=sys.stderr, flush=True)
    return out


def member_side(url: str, deployment: dict[str, Any], runs: int) -> dict[str, Any]:
    """What a member and the board run, from an address book that knows the cooperative."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "COOPDAO_HOME": home, "PATH": f"{BIN}:{os.environ['PATH']}"}
        book = Path(home) / "deployment.json"
        book.write_text(json.dumps(deployment))
        coop = [str(VENV / "coop"), "-q", "--rpc-url", url]
        subprocess.run([*coop, "add", "bench", str(book)], env=env, check=True, capture_output=True)
        last = str(len(_proposals(url, deployment)))
        commands = {
            "coop --help": [str(VENV / "coop"), "--help"],
            'python -c "import click"': [sys.executable, "-c", "import click"],
            "coop info": [*coop, "--coop", "bench", "info"],
            "coop member list": [*coop, "--coop", "bench", "member", "list"],
            "coop proposals": [*coop, "--coop", "bench", "proposals"],
            f"coop proposal show {last}": [*coop, "--coop", "bench", "proposal", "show", last],
        }
        out = {name: figure([run(argv, env) for _ in range(runs)]) for name, argv in commands.items()}
        from web3 import Web3

        w3 = Web3(Web3.HTTPProvider(url))
        votes = []
        for _ in range(runs):  # the same vote each time, on a chain put back after it
            snapshot = w3.provider.make_request("evm_snapshot", [])["result"]
            votes.append(run([*coop, "-y", "-a", "dev:1", "--coop", "bench", "vote", last, "for"], env))
            w3.provider.make_request("evm_revert", [snapshot])
        out["coop vote"] = figure(votes)
        for name, f in out.items():
            print(f"  {name}: {f['median']} s", file=sys.stderr, flush=True)
        return out


def _proposals(url: str, deployment: dict[str, Any]) -> list[Any]:
    from web3 import Web3

    from dao_cli.coop.deploy import Deployment

    return Cooperative(Web3(Web3.HTTPProvider(url)), Deployment.from_json(deployment)).proposals()


def replay_growth(url: str, deployment: dict[str, Any]) -> dict[str, Any]:
    """The replay of the first half of the history and of all of it (events from a warm cache): a replay
    that grows linearly takes twice as long for twice the history."""
    from dao_cli.books.audit import load_events
    from dao_cli.books.chainlog import ChainReader
    from dao_cli.books.replay import replay
    from dao_cli.coop.deploy import Deployment

    d = Deployment.from_json(deployment)
    with tempfile.TemporaryDirectory() as cache, ChainReader(url, cache_dir=Path(cache)) as reader:
        events = load_events(reader, d)
    timed = {}
    for name, part in (("half", events[: len(events) // 2]), ("whole", events)):
        samples = []
        for _ in range(3):
            started = time.monotonic()
            replay(d, part)
            samples.append(time.monotonic() - started)
        timed[name] = round(statistics.median(samples), 3)
    appointments = sum(1 for e in events if e["event"] == "DelegateChanged")
    return {"events": len(events), "appointments": appointments, **timed}


# --------------------------------------------------------------------------------------------- the report


TARGETS = {
    "cold_vs_plain": 0.1,  # each cold audit command at least 10x faster than the plain reader
    "cold_vs_cast": 5.0,  # within 5x of the `cast logs` fetch
    "cached_vs_cold": 0.1,  # the cached rerun under 10 % of the cold one
    "peak_mb": 500,
    "member_seconds": 2.0,
}


def markdown(result: dict[str, Any], command: str) -> str:
    p = result["params"]
    plain, cast = result["plain_reader"], result["cast_logs"]
    lines = [
        MARK,
        "",
        f"Measured by `{command}` on {result['node']}, {result['machine']}: a cooperative of "
        f"{p['members']:,} members, {p['resolutions']:,} resolutions and {result['replay']['events']:,} "
        f"events ({result['replay']['appointments']:,} proxy appointments among them, one after every "
        f"{p['appoint_every']} ballots) over {result['head']:,} blocks. Medians of {p['runs']} runs, each "
        "command its own process; min-max in brackets.",
        "",
        "The alternatives, in the same run: a plain web3.py reader (the same events in 100-block ranges, "
        f"one request at a time, decoded by web3) {plain['seconds']} s for {plain['events']:,} events; `cast "
        f"logs` (raw fetch, no decoding) {cast['seconds']} s for {cast['events']:,} logs.",
        "",
        "| audit command | cold | cached | cached / cold | cold / plain reader | cold / cast logs "
        "| peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, f in result["audit"].items():
        cold, warm = f["cold"], f["cached"]
        lines.append(
            f"| `coop audit {name}` | {cold['median']} s [{cold['min']}-{cold['max']}] | {warm['median']} s "
            f"| {warm['median'] / cold['median']:.0%} | {cold['median'] / plain['seconds']:.2f} "
            f"| {cold['median'] / cast['seconds']:.1f}x | {max(cold['peak_mb'], warm['peak_mb'])} |"
        )
    lines += ["", "| member's command | median | min-max | peak MB |", "|---|---:|---:|---:|"]
    for name, f in result["member"].items():
        lines.append(f"| `{name}` | {f['median']} s | {f['min']}-{f['max']} | {f['peak_mb']} |")
    r = result["replay"]
    lines += [
        "",
        f"The replay (in process, events from a warm cache): the first half of the history {r['half']} s, "
        f"all of it {r['whole']} s ({r['whole'] / max(r['half'], 1e-9):.1f}x for twice the events: linear"
        " is 2x).",
        "",
        "Targets: each cold audit command at least 10x faster than the plain reader (ratio at most 0.10) and "
        "within 5x of `cast logs`; the cached rerun under 10 % of the cold one; peak memory under 500 MB; "
        "every member's command under 2 s.",
        "",
    ]
    lines += [f"- {line}" for line in shortfalls(result)] or ["- Every row meets its target."]
    return "\n".join(lines) + "\n"


def shortfalls(result: dict[str, Any]) -> list[str]:
    """Each row that misses its target, with the figure that says by how much."""
    plain, cast = result["plain_reader"]["seconds"], result["cast_logs"]["seconds"]
    missed = []
    for name, f in result["audit"].items():
        cold, warm = f["cold"]["median"], f["cached"]["median"]
        if cold / plain > TARGETS["cold_vs_plain"]:
            missed.append(f"`audit {name}` cold is {cold / plain:.2f} of the plain reader (target 0.10).")
        if cold / cast > TARGETS["cold_vs_cast"]:
            missed.append(f"`audit {name}` cold is {cold / cast:.1f}x `cast logs` (target 5x).")
        if warm / cold > TARGETS["cached_vs_cold"]:
            missed.append(f"`audit {name}` cached is {warm / cold:.0%} of cold (target 10 %).")
        peak = max(f["cold"]["peak_mb"], f["cached"]["peak_mb"])
        if peak > TARGETS["peak_mb"]:
            missed.append(f"`audit {name}` peaks at {peak} MB (target 500 MB).")
    for name, f in result["member"].items():
        if name.startswith("coop ") and name != "coop --help" and f["median"] > TARGETS["member_seconds"]:
            missed.append(f"`{name}` takes {f['median']} s (target 2 s).")
    return missed


def write_section(path: Path, text: str) -> None:
    """Put the section into BENCHMARKS.md in place of its last version (after the gas benchmark)."""
    current = path.read_text() if path.exists() else ""
    before = current.split(MARK)[0].rstrip()
    path.write_text((before + "\n\n" if before else "") + text)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--resolutions", type=int, default=1_000)
    parser.add_argument("--votes", type=int, default=100, help="ballots on each resolution")
    parser.add_argument("--blocks", type=int, default=10_000)
    parser.add_argument("--appoint-every", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--state-dir", default=str(STATE_DIR), help="where the built histories are kept")
    parser.add_argument("--out-md", default=str(ROOT / "BENCHMARKS.md"))
    args = parser.parse_args()
    params = {k: getattr(args, k) for k in ("members", "resolutions", "votes", "blocks", "appoint_every")}
    folder = Path(args.state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    key = "-".join(f"{k}{v}" for k, v in params.items())
    state, sidecar = folder / f"reading-{key}.state.json", folder / f"reading-{key}.deployment.json"
    if not (state.exists() and sidecar.exists()):
        print(f"building the history once ({key}): several minutes", file=sys.stderr, flush=True)
        state.unlink(missing_ok=True)
        node = Anvil(state, dump=True)
        try:
            sidecar.write_text(json.dumps(build_history(node.url, **params)))
        finally:
            node.stop()
    deployment = json.loads(sidecar.read_text())
    node = Anvil(state, dump=False)
    try:
        from web3 import Web3

        w3 = Web3(Web3.HTTPProvider(node.url))
        result: dict[str, Any] = {
            "params": {**params, "runs": args.runs},
            "node": w3.client_version,
            "machine": f"{os.cpu_count()} cores",
            "head": w3.eth.block_number,
        }
        result["cast_logs"] = cast_logs(node.url, deployment)
        print(f"  cast logs: {result['cast_logs']}", file=sys.stderr, flush=True)
        result["plain_reader"] = plain_reader(node.url, deployment)
        print(f"  plain web3.py reader: {result['plain_reader']}", file=sys.stderr, flush=True)
        result["replay"] = replay_growth(node.url, deployment)
        print(f"  replay: {result['replay']}", file=sys.stderr, flush=True)
        result["audit"] = audits(node.url, deployment, args.runs)
        result["member"] = member_side(node.url, deployment, args.runs)
    finally:
        node.stop()
    (folder / "reading.json").write_text(json.dumps(result, indent=1) + "\n")
    sizes = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in params.items())
    command = f"python toolchain/reading_bench.py {sizes} --runs {args.runs}"
    write_section(Path(args.out_md), markdown(result, command))
    print(markdown(result, command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
