"""The embedded local chains: an Anvil (the default) or a Ganache that `coop` runs itself.

A member who names no network should not have to start a chain by hand, and a chain that forgets everything
when its terminal closes is no place for a cooperative: `coop deploy` today and `coop vote` tomorrow must see
the same contracts. So the node runs detached (its own session, it outlives the `coop` process), listens on
127.0.0.1 only, and keeps its state in the node folder (`paths.node_dir(kind)`):

    port           the port chosen at the first start, kept so the URL stays the same
    pid            the running node's process id
    node.log       the node's output of its current run
    state.json     Anvil's state as `coop` saved it (`save_state`) after each transaction it reported
    autosave.json  Anvil's state as Anvil wrote it itself (`--dump-state`: at exit and every few seconds)
    db/            Ganache's database (`--database.dbPath`)

A transaction `coop` has reported as mined must survive a crash of the node (SIGKILL, a power cut of the
terminal's machine aside). Anvil keeps its chain in memory and writes it only every few seconds and at
exit, and it writes its file in place, so a kill in the middle of that write leaves a truncated file. So
before `coop` reports a receipt from the embedded Anvil it asks it for its state (`anvil_dumpState`) and
writes that to state.json itself, atomically (a temporary file, fsync, rename); Anvil's own dumps go to
autosave.json, and they cover what other tools send to the node between two `coop` commands. At start the
node loads whichever of the two holds the later block (a damaged one is passed over). Ganache needs none of
this: its database writes every block as it is mined.

Both chains derive 10 funded accounts from the same fixed mnemonic, so `dev:N` is the same account every
time. Anvil keeps its default chain id 31337 and Ganache its default 1337: different ids let the address
book's chain-id guard tell a cooperative on one from a cooperative on the other.

Only the standard library is used here (urllib for the JSON-RPC probe): starting a node must not wait for
web3 to import.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .. import paths
from ..errors import CoopError, OutcomeUnknown
from .locks import file_lock

HOST = "127.0.0.1"
MNEMONIC = "test test test test test test test test test test test junk"
ACCOUNTS = 10
BALANCE_ETH = 1000
GAS_LIMIT = 30_000_000
# The contracts are compiled for shanghai, the newest hardfork Ganache 7.9 runs; Anvil runs the same rules
# so a cooperative behaves alike on both embedded chains and on the test networks of brownie-config.yaml.
HARDFORK = "shanghai"
STATE_INTERVAL = 5  # seconds between Anvil's own state dumps (what `coop` did not send is saved this often)
AUTOSAVE_NAME = "autosave.json"
SAVE_TIMEOUT = 60.0  # for anvil_dumpState: a chain with a long history takes a while to serialise
START_TIMEOUT = 30.0  # Ganache (Node) needs about a second, Anvil a tenth; a big state takes longer to load
STOP_TIMEOUT = 15.0  # Anvil writes its state on SIGTERM; a large chain needs a moment
KILL_TIMEOUT = 5.0
PORT_WAIT = 2.0  # for the kept port to be released by the node that held it before switching to another
LOCK_TIMEOUT = START_TIMEOUT + STOP_TIMEOUT + 5
CHECKOUT = Path(__file__).resolve().parents[2]  # for `pip install -e`: its node_modules/.bin

Say = Callable[[str], None]


@dataclass(frozen=True)
class Kind:
    """What differs between Anvil and Ganache: the binary and where to get it, the chain id, the state."""

    name: str
    binary: str
    env_var: str
    install_hint: str
    chain_id: int
    state_name: str
    package: str  # the npm package `coop node install` installs


KINDS: dict[str, Kind] = {
    "anvil": Kind(
        name="anvil",
        binary="anvil",
        env_var="COOP_ANVIL",
        install_hint="run `coop node install` (it needs Node.js 20 and npm), or install Foundry's Anvil",
        chain_id=31337,
        state_name="state.json",
        package="@foundry-rs/anvil@1.7.1",
    ),
    "ganache": Kind(
        name="ganache",
        binary="ganache",
        env_var="COOP_GANACHE",
        install_hint="run `coop --network ganache node install` (it needs Node.js 20 and npm)",
        chain_id=1337,
        state_name="db",
        package="ganache@7.9.2",
    ),
}


def local_url(kind: str, say: Say) -> str:
    """The URL of the local node of `kind`, started on first need and reused while it runs."""
    return LocalNode(kind).ensure_running(say)


class LocalNode:
    """One embedded chain and its folder. Every method is safe to call whatever the node's state is."""

    def __init__(self, kind: str, folder: Path | None = None) -> None:
        if kind not in KINDS:
            raise CoopError(f"unknown local chain {kind!r}: choose one of {', '.join(KINDS)}")
        self.kind = KINDS[kind]
        self.folder = folder or paths.node_dir(kind)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.pid_file = self.folder / "pid"
        self.port_file = self.folder / "port"
        self.log_file = self.folder / "node.log"
        self.state_path = self.folder / self.kind.state_name
        self.autosave_path = self.folder / AUTOSAVE_NAME
        self._lock_file = self.folder / "lock"
        self._save_lock_file = self.folder / "save.lock"

    # what is there -----------------------------------------------------------------------------------------

    @property
    def port(self) -> int | None:
        """The port kept from the first start (None before it)."""
        try:
            return int(self.port_file.read_text().strip())
        except (OSError, ValueError):
            return None

    @property
    def url(self) -> str | None:
        port = self.port
        return f"http://{HOST}:{port}" if port else None

    def running_pid(self) -> int | None:
        """The pid of our node if it is alive. A pid file naming a dead or foreign process is removed, so a
        stale file never makes us trust, or signal, the wrong process."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            self.pid_file.unlink(missing_ok=True)
            return None
        if _alive(pid):
            if self._owns(pid):
                return pid
        elif _group_alive(pid):
            # The node is gone but a process it started is not (a wrapper script's child): that one is ours
            # too, and may hold the port and the state file, so it goes before anything else starts.
            _terminate(pid, timeout=STOP_TIMEOUT)
        self.pid_file.unlink(missing_ok=True)
        return None

    def _owns(self, pid: int) -> bool:
        """Whether `pid` is this node (pids are reused): its command line names this node's folder. Where the
        command line cannot be read, a live pid from our own pid file is taken at its word."""
        cmdline = _cmdline(pid)
        return cmdline is None or str(self.folder) in cmdline

    def state_size(self) -> int:
        """Bytes of the saved chain state (0 when there is none): Ganache's database, or the larger of
        Anvil's two state files."""
        if self.state_path.is_dir():
            total = 0
            for file in self.state_path.rglob("*"):
                with contextlib.suppress(OSError):  # a running Ganache adds and removes files meanwhile
                    if file.is_file():
                        total += file.stat().st_size
            return total
        sizes = [0]
        for file in (self.state_path, self.autosave_path):
            with contextlib.suppress(OSError):
                sizes.append(file.stat().st_size)
        return max(sizes)

    def state_to_load(self) -> Path | None:
        """The Anvil state file the next start loads: of state.json and autosave.json, the one holding the
        later block (state.json when both hold the same). A file that is not a whole JSON document (a kill
        while Anvil wrote it) is passed over; when neither is whole, the newer one is loaded anyway, so that
        Anvil's own error says what is wrong with it."""
        present = [p for p in (self.state_path, self.autosave_path) if p.is_file() and p.stat().st_size]
        if not present:
            return None
        best: tuple[int, int, Path] | None = None
        for rank, path in enumerate(present):
            block = _state_block(path)
            if block is not None and (best is None or (block, -rank) > best[:2]):
                best = (block, -rank, path)
        if best is not None:
            return best[2]
        return max(present, key=lambda p: p.stat().st_mtime)

    def save_state(self, url: str, timeout: float = SAVE_TIMEOUT) -> None:
        """Write the running Anvil's state to state.json now (see the module docstring): called before
        `coop` reports a transaction, so that a crash of the node cannot lose it. Ganache: nothing to do.

        Under a lock, so that of two `coop` processes saving at once the later state is the one kept."""
        if self.kind.name != "anvil":
            return
        import gzip

        with file_lock(self._save_lock_file, SAVE_TIMEOUT):
            dump = rpc(url, "anvil_dumpState", [], timeout=timeout)
            try:
                state = gzip.decompress(bytes.fromhex(str(dump)[2:]))
            except (ValueError, OSError, EOFError):
                raise OutcomeUnknown(
                    f"the local anvil at {url} did not hand over its state to be saved, so what it mined "
                    f"last could be lost if it stops now (see {self.log_file}): `coop node status` tells "
                    "whether it runs, `coop tx list` what was sent"
                ) from None
            _write_atomically(self.state_path, state)

    def status(self) -> dict[str, Any]:
        """Running or not, and where: the JSON shape of `coop node status`."""
        pid = self.running_pid()
        chain_id = block = None
        if pid is not None and self.url:
            chain_id = _rpc_int(self.url, "eth_chainId")
            block = _rpc_int(self.url, "eth_blockNumber")
        return {
            "kind": self.kind.name,
            "running": pid is not None,
            "responding": chain_id is not None,
            "pid": pid,
            "url": self.url,
            "chain_id": chain_id,
            "block": block,
            "state": str(self.state_path),
            "state_bytes": self.state_size(),
            "log": str(self.log_file),
        }

    # start -------------------------------------------------------------------------------------------------

    def ensure_running(self, say: Say) -> str:
        """The node's URL, starting it if needed."""
        url, _pid, _started = self.start(say)
        return url

    def start(self, say: Say) -> tuple[str, int, bool]:
        """Start the node unless it runs; return (url, pid, whether it was started now)."""
        with self._locked():
            pid = self.running_pid()
            if pid is not None:
                url = self.url or ""
                if _rpc_int(url, "eth_chainId") == self.kind.chain_id:
                    return url, pid, False
                raise CoopError(
                    f"the local {self.kind.name} (pid {pid}) does not answer on {url}: see {self.log_file}, "
                    f"or run `coop node stop`"
                )
            return self._launch(say)

    def _launch(self, say: Say) -> tuple[str, int, bool]:
        binary = find_binary(self.kind)
        port = self._choose_port(say)
        url = f"http://{HOST}:{port}"
        for stale in self.folder.glob(".*.tmp"):  # left by a save that was killed halfway
            stale.unlink(missing_ok=True)
        had_state = self.state_size() > 0
        say(f"starting a local {self.kind.name} on {HOST}:{port} (state in {self.state_path})")
        started_at = time.monotonic()
        pid = _spawn_detached([binary, *self._arguments(port)], self.log_file)
        self.pid_file.write_text(f"{pid}\n")
        try:
            self._wait_ready(pid, url, started_at, had_state)
        except BaseException:
            _terminate(pid, timeout=KILL_TIMEOUT)
            self.pid_file.unlink(missing_ok=True)
            raise
        if had_state:
            _keep_clock_monotonic(url)
        return url, pid, True

    def _arguments(self, port: int) -> list[str]:
        if self.kind.name == "anvil":
            return [
                "--host", HOST,
                "--port", str(port),
                "--chain-id", str(self.kind.chain_id),
                "--hardfork", HARDFORK,
                "--mnemonic", MNEMONIC,
                "--accounts", str(ACCOUNTS),
                "--balance", str(BALANCE_ETH),
                "--gas-limit", str(GAS_LIMIT),
                *(["--load-state", str(load)] if (load := self.state_to_load()) else []),
                "--dump-state", str(self.autosave_path),
                "--state-interval", str(STATE_INTERVAL),
            ]  # fmt: skip
        return [
            "--server.host", HOST,
            "--server.port", str(port),
            "--server.ws", "false",
            "--chain.chainId", str(self.kind.chain_id),
            "--chain.networkId", str(self.kind.chain_id),  # else the start time: net_version would change
            "--chain.hardfork", HARDFORK,
            "--wallet.mnemonic", MNEMONIC,
            "--wallet.totalAccounts", str(ACCOUNTS),
            "--wallet.defaultBalance", str(BALANCE_ETH),
            "--miner.blockGasLimit", str(GAS_LIMIT),
            "--database.dbPath", str(self.state_path),
        ]  # fmt: skip

    def _choose_port(self, say: Say) -> int:
        """The kept port if it is free, else a new free one (kept from now on)."""
        port = self.port
        if port is not None and not _port_free(port, wait=PORT_WAIT):
            say(f"port {port} of the local {self.kind.name} is taken by another program: choosing another")
            port = None
        if port is None:
            port = _free_port()
            self.port_file.write_text(f"{port}\n")
        return port

    def _wait_ready(self, pid: int, url: str, started_at: float, had_state: bool) -> None:
        """Until the node answers eth_chainId with its chain id; fail early when it exits."""
        delay = 0.02
        while True:
            if not _alive(pid):
                code = _EXIT_CODES.get(pid)
                hint = ""
                if had_state:
                    hint = "; if the saved chain is damaged, `coop node reset` starts a fresh one"
                raise CoopError(
                    f"the local {self.kind.name} did not start"
                    f"{'' if code is None else f' (exit {code})'}: "
                    f"{self.log_reason() or 'no output'} (log: {self.log_file}){hint}"
                )
            chain_id = _rpc_int(url, "eth_chainId")
            if chain_id is not None:
                if chain_id == self.kind.chain_id and _alive(pid):
                    return
                raise CoopError(f"another chain (id {chain_id}) answers on {url}: not starting a second one")
            if time.monotonic() - started_at > START_TIMEOUT:
                raise CoopError(
                    f"the local {self.kind.name} did not answer within {START_TIMEOUT:.0f} s: "
                    f"{self.log_reason() or 'no output'} (log: {self.log_file})"
                )
            time.sleep(delay)
            delay = min(delay * 1.5, 0.25)

    def log_reason(self) -> str:
        """The line of the node's log that says why it failed: the last one naming an error (Anvil follows
        its error with a hint to try --help, Node with a stack trace), else the last line."""
        try:
            lines = [line.strip() for line in self.log_file.read_text(errors="replace").splitlines()]
        except OSError:
            return ""
        lines = [line for line in lines if line and not line.startswith("at ")]
        errors = [line for line in lines if "error" in line.lower()]
        reason = (errors or lines or [""])[-1]
        return reason[len("error:") :].strip() if reason.lower().startswith("error:") else reason

    # stop and reset ----------------------------------------------------------------------------------------

    def stop(self) -> dict[str, Any]:
        """SIGTERM (Anvil then writes its state, Ganache closes its database), wait, SIGKILL as a last
        resort. Not running is no error: the result says whether a node was stopped."""
        with self._locked():
            pid = self.running_pid()
            if pid is None:
                return {"kind": self.kind.name, "stopped": False, "pid": None, "forced": False}
            forced = _terminate(pid, timeout=STOP_TIMEOUT)
            self.pid_file.unlink(missing_ok=True)
            return {"kind": self.kind.name, "stopped": True, "pid": pid, "forced": forced}

    def reset(self) -> dict[str, Any]:
        """Stop the node and delete its chain: the next start is a fresh chain (the kept port stays)."""
        stopped = self.stop()
        with self._locked():
            deleted = []
            for path in (self.state_path, self.autosave_path, self.log_file):
                if path.is_dir():
                    shutil.rmtree(path)
                    deleted.append(str(path))
                elif path.exists():
                    path.unlink()
                    deleted.append(str(path))
        return {
            "kind": self.kind.name,
            "stopped": stopped["stopped"],
            "pid": stopped["pid"],
            "deleted": deleted,
        }

    # one start or stop at a time ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Two `coop` processes needing the node at once must not start two nodes on one state."""
        busy = f"another coop is starting or stopping the local {self.kind.name}: try again"
        with file_lock(self._lock_file, LOCK_TIMEOUT, busy):
            yield


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers (and a crash) see the old file or the new one, never part of one: a temporary file in the same
    folder, flushed to disk, then renamed over `path`, and the folder flushed too."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    with contextlib.suppress(OSError):
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _state_block(path: Path) -> int | None:
    """The block number an Anvil state file holds, or None if it is not a whole state document."""
    try:
        data = json.loads(path.read_bytes())
        number = data["block"]["number"]
        return int(number, 16) if isinstance(number, str) else int(number)
    except (OSError, ValueError, KeyError, TypeError):
        return None


# binaries ------------------------------------------------------------------------------------------------


def tools_dir() -> Path:
    """Where `coop node install` puts the local chains for a command line installed alone (`pip install`)."""
    return paths.data_dir() / "tools"


def install_binary(kind: Kind, say: Say) -> str:
    """Install `kind`'s npm package into the data folder's tools (npm from PATH, the cache first); return
    the binary found afterwards. A machine without npm is told what to install."""
    npm = shutil.which("npm")
    if npm is None:
        raise CoopError(
            f"installing {kind.binary} needs npm (Node.js 20 or later, e.g. Debian's `nodejs` and `npm`); "
            f"or install {kind.binary} yourself and put it on PATH, or set {kind.env_var} to its path"
        )
    folder = tools_dir()
    folder.mkdir(parents=True, exist_ok=True)
    say(f"installing {kind.package} into {folder} with npm")
    command = [
        npm,
        "install",
        "--prefix",
        str(folder),
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        kind.package,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        raise CoopError(f"npm did not finish installing {kind.package} within 10 minutes") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip() and "complete log" not in line]
        reason = next((line for line in lines if "error" in line and "code" not in line), None)
        raise CoopError(
            f"npm could not install {kind.package}: {reason or (lines or ['no reason given'])[-1]}"
        )
    return find_binary(kind)


def find_binary(kind: Kind) -> str:
    """$COOP_ANVIL / $COOP_GANACHE, else PATH, else this checkout's node_modules/.bin (`pip install -e`),
    else what `coop node install` put into the data folder."""
    override = os.environ.get(kind.env_var)
    if override:
        path = shutil.which(override)
        if path is None:
            raise CoopError(f"{kind.env_var}={override} is not an executable: {kind.install_hint}")
        return _native(path, kind)
    found = shutil.which(kind.binary)
    if found:
        return _native(found, kind)
    for folder in (CHECKOUT, tools_dir()):
        local = folder / "node_modules" / ".bin" / kind.binary
        if local.is_file() and os.access(local, os.X_OK):
            return _native(str(local), kind)
    raise CoopError(f"{kind.binary} not found: {kind.install_hint}, or set {kind.env_var} to its path")


def dev_addresses(count: int = ACCOUNTS) -> list[str]:
    """The local chains' development accounts (the fixed mnemonic's first `count`), derived here, so that
    what needs only their addresses (`coop init`'s founders) needs no running chain."""
    from eth_account import Account

    Account.enable_unaudited_hdwallet_features()
    return [Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}").address for i in range(count)]


def _native(path: str, kind: Kind) -> str:
    """The native binary behind npm's `@foundry-rs/anvil` shim, else `path` itself.

    The shim (`bin.mjs`, a Node script) spawns the native Anvil and, on SIGTERM, forwards the signal and exits
    at once, while Anvil is still writing its state. Running the native binary leaves one process to watch,
    whose exit means the state is on disk (and saves a Node start)."""
    real = Path(path).resolve()
    if real.name != "bin.mjs" or real.parent.parent.name != "@foundry-rs":
        return path
    system = {"linux": "linux", "darwin": "darwin"}.get(sys.platform)
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine().lower()
    )
    package = f"{kind.binary}-{system}-{arch}"
    scope = real.parent.parent
    for candidate in (
        scope / package / "bin" / kind.binary,
        real.parent / "node_modules" / "@foundry-rs" / package / "bin" / kind.binary,
        scope / "dist" / kind.binary,
    ):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return path


# processes -----------------------------------------------------------------------------------------------

# Exit codes of the nodes this process started and has reaped (for the message when a start fails).
_EXIT_CODES: dict[int, int] = {}


def _spawn_detached(argv: list[str], log_file: Path) -> int:
    """Start `argv` in a session of its own (no terminal, no signals from this one), output to `log_file`,
    and return its pid. posix_spawn rather than subprocess.Popen: a Popen object that outlives its use warns
    that its child still runs, and here the child is meant to outlive the whole `coop` process."""
    if not hasattr(os, "posix_spawn"):
        raise CoopError("the embedded chain needs Linux or macOS: start a node yourself and pass --rpc-url")
    log = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        return os.posix_spawn(
            argv[0],
            argv,
            node_environment(),
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, log, 1),
                (os.POSIX_SPAWN_DUP2, log, 2),
            ],
            setsid=True,
        )
    except OSError as exc:
        raise CoopError(f"cannot run {argv[0]}: {exc.strerror or exc}") from None
    finally:
        os.close(log)


#: Environment variables a node is not given: a password or key in `coop`'s environment must not end up in
#: a long-running process that other programs of the user can read the environment of.
_SECRET_NAMES = re.compile(r"PASS|SECRET|TOKEN|PRIVATE|MNEMONIC|KEY|CREDENTIAL|AUTH", re.I)


def node_environment() -> dict[str, str]:
    """`coop`'s environment without anything that looks like a secret (the node needs none of it)."""
    return {name: value for name, value in os.environ.items() if not _SECRET_NAMES.search(name)}


def _reaped(pid: int) -> bool:
    """Whether `pid` is a child of this process that has exited (it is reaped here: a child that is not
    waited for stays a zombie, and a zombie still answers `kill(pid, 0)`)."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False  # not our child (started by another `coop`), or already reaped
    if done == 0:
        return False
    _EXIT_CODES[pid] = os.waitstatus_to_exitcode(status)
    return True


def _alive(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie counts as dead)."""
    if _reaped(pid):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: `_owns` decides
    except OSError:
        return False
    if _zombie(pid):
        _reaped(pid)  # it may have exited just now: collect the exit code if it is our child
        return False
    return True


def _zombie(pid: int) -> bool:
    """Whether `pid` has exited and only waits to be reaped (Linux; elsewhere False). Every thread counts:
    the main thread of a multithreaded node turns zombie before the others are gone, and until they are,
    the node still holds its port and files."""
    states = []
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            states.append(stat.read_text().rpartition(")")[2].split()[:1])
        except OSError:
            continue  # that thread is gone
    return bool(states) and all(state == ["Z"] for state in states)


def _group_alive(pgid: int) -> bool:
    """Whether any live process of the node's process group is left (a wrapper's children too). Zombies do
    not count: an exited node stays one until init reaps it, which can take a while."""
    try:
        os.killpg(pgid, 0)
    except OSError:
        return False
    if not Path("/proc/self").exists():
        return True  # not Linux: no cheap way to tell zombies apart
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if len(fields) > 2 and fields[2] == str(pgid) and not _zombie(int(stat.parent.name)):
            return True
    return False


def _cmdline(pid: int) -> str | None:
    """The command line of `pid`, or None where it cannot be read."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        return raw.replace(b"\0", b" ").decode(errors="replace")
    except FileNotFoundError:
        if Path("/proc/self").exists():
            return ""  # Linux, and the process is gone
    except OSError:
        return None
    if sys.platform == "win32":
        return None
    try:
        result = subprocess.run(
            ["ps", "-ww", "-o", "command=", "-p", str(pid)], capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else ""


def _terminate(pid: int, timeout: float) -> bool:
    """SIGTERM the node and wait up to `timeout` for it and anything it started; SIGKILL what is left after
    that. The node leads its own process group (it was spawned with setsid), so the group is exactly the
    node and its children. True if something had to be killed."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if _alive(pid):
            os.kill(pid, signal.SIGTERM)
        else:
            os.killpg(pid, signal.SIGTERM)
    if _wait_gone(pid, timeout):
        return False
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _wait_gone(pid, KILL_TIMEOUT)
    return True


def _wait_gone(pid: int, timeout: float) -> bool:
    """Until the node and its process group are gone, or `timeout` passes (then False)."""
    deadline = time.monotonic() + timeout
    while _alive(pid) or _group_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


# the network, loopback only ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _port_free(port: int, wait: float = 0.0) -> bool:
    """Whether the node could bind `port`, waiting up to `wait` seconds for it. A node that was just killed
    leaves its connections' sockets behind for some milliseconds, and they hold the port; TIME_WAIT does not
    count (SO_REUSEADDR, as the nodes set it)."""
    deadline = time.monotonic() + wait
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((HOST, port))
                return True
            except OSError:
                if time.monotonic() >= deadline:
                    return False
        time.sleep(0.05)


@cache
def _opener() -> Any:
    """urllib without proxies: a proxy from the environment must never see (or swallow) requests for
    127.0.0.1. (Imported here: `coop node` needs it, `coop --help` does not.)"""
    import urllib.request

    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def rpc(url: str, method: str, params: list[Any] | None = None, timeout: float = 2.0) -> Any:
    """One JSON-RPC call with the standard library; None when the node does not answer or refuses."""
    import http.client
    import urllib.request

    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with _opener().open(request, timeout=timeout) as response:
            answer = json.loads(response.read())
    except (OSError, ValueError, http.client.HTTPException):  # URLError and timeouts are OSErrors
        return None
    return answer.get("result") if isinstance(answer, dict) else None


def _rpc_int(url: str, method: str) -> int | None:
    result = rpc(url, method)
    try:
        return int(result, 16) if isinstance(result, str) else None
    except ValueError:
        return None


def _keep_clock_monotonic(url: str) -> None:
    """Neither Anvil nor Ganache keeps the `evm_increaseTime` offset across a restart, so a chain whose clock
    was moved forward (the demo, a vote's deadline) would mint its next block *earlier* than its last one.
    Move the clock to just after the last block instead: time on the chain never runs backwards."""
    block = rpc(url, "eth_getBlockByNumber", ["latest", False])
    if not isinstance(block, dict) or "timestamp" not in block:
        return
    ahead = int(block["timestamp"], 16) - int(time.time())
    if ahead >= 0:
        rpc(url, "evm_increaseTime", [ahead + 1])
