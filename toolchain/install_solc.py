"""Make solc SOLC_VERSION available to py-solc-x (and so to brownie and slither).

Run with the project's venv python (``make compiler`` does). Resolution order:

  (a) py-solc-x already has a native ``solc-v<version>`` in its install folder
      that reports that version: keep it.
  (b) else try ``solcx.install_solc(<version>)`` (a native build from the
      internet) in a subprocess with a short timeout.
  (c) else install a launcher ``solc-v<version>`` in the install folder that runs
      toolchain/solc-wrapper.js (the npm ``solc`` package, WebAssembly) from this
      checkout's node_modules.

A launcher written by (c) is recognised by its marker line and rewritten when it
differs (e.g. the checkout moved), so running this script again is cheap and safe.
Exit status 0 means `solcx` can compile with the pinned version.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

SOLC_VERSION = "0.8.37"
MARKER = "# coopdao-solc-wrapper"
ROOT = Path(__file__).resolve().parent.parent
WRAPPER_JS = ROOT / "toolchain" / "solc-wrapper.js"
NODE_MODULES = ROOT / "node_modules"


def log(msg: str) -> None:
    print(f"[install_solc] {msg}", flush=True)


def reported_version(binary: Path) -> str | None:
    """The ``X.Y.Z+commit.H`` string ``binary --version`` prints, or None."""
    import re

    try:
        out = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=60, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+\.\d+\.\d+)(?:-nightly\.\d+\.\d+\.\d+)?\+commit\.\w+", out)
    return match.group(0) if match else None


def is_our_launcher(binary: Path) -> bool:
    try:
        with binary.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return False
    return MARKER.encode() in head


def try_solcx_download(version: str, timeout: int) -> bool:
    code = f"import solcx, sys\nsolcx.install_solc({version!r})\n"
    log(f"trying solcx.install_solc({version!r}) (timeout {timeout}s)")
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        log("  download timed out")
        return False
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        log(f"  download failed: {last[:200]}")
        return False
    return True


def launcher_text(version_line: str) -> str:
    node = shutil.which("node") or "node"
    q = shlex.quote
    return f"""#!/bin/sh
{MARKER} (written by {ROOT}/toolchain/install_solc.py; do not edit)
# solc {SOLC_VERSION} as the npm solc package (WebAssembly) behind a native-solc CLI.
if [ "$#" -eq 1 ] && [ "$1" = "--version" ]; then
  echo 'solc, the solidity compiler commandline interface'
  echo {q("Version: " + version_line)}
  exit 0
fi
NODE={q(node)}
[ -x "$NODE" ] || NODE=node
COOPDAO_NODE_MODULES={q(str(NODE_MODULES))}
export COOPDAO_NODE_MODULES
exec "$NODE" {q(str(WRAPPER_JS))} "$@"
"""


def install_launcher(target: Path) -> None:
    solc_pkg = NODE_MODULES / "solc" / "package.json"
    if not solc_pkg.exists():
        sys.exit(f"[install_solc] {solc_pkg} missing: run `npm ci` first")
    pkg_version = json.loads(solc_pkg.read_text())["version"]
    if pkg_version != SOLC_VERSION:
        sys.exit(f"[install_solc] node_modules has solc {pkg_version}, need {SOLC_VERSION}")
    # Ask solcjs itself for the full version string (with commit hash) once.
    out = subprocess.run(
        ["node", str(WRAPPER_JS), "--version"], capture_output=True, text=True, check=True
    ).stdout
    version_line = out.strip().splitlines()[-1].split("Version:", 1)[-1].strip()
    if not version_line.startswith(SOLC_VERSION + "+commit."):
        sys.exit(f"[install_solc] unexpected solcjs version output: {out!r}")
    text = launcher_text(version_line)
    if target.exists() and target.read_text(errors="replace") == text:
        log(f"wrapper launcher up to date: {target}")
    else:
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(text)
        tmp.chmod(tmp.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        os.replace(tmp, target)
        log(f"installed solcjs wrapper launcher: {target}")


def smoke_test() -> None:
    import solcx

    source = "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract P { }\n"
    out = solcx.compile_standard(
        {
            "language": "Solidity",
            "sources": {"P.sol": {"content": source}},
            "settings": {"evmVersion": "shanghai", "outputSelection": {"*": {"*": ["abi"]}}},
        },
        solc_version=SOLC_VERSION,
    )
    assert "P" in out["contracts"]["P.sol"], out
    log("smoke test compiled a contract")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=int, default=30, help="seconds for step (b)")
    parser.add_argument("--no-download", action="store_true", help="skip step (b)")
    parser.add_argument("--smoke", action="store_true", help="compile a tiny contract after")
    args = parser.parse_args()

    import solcx

    folder = solcx.get_solcx_install_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"solc-v{SOLC_VERSION}"

    # (a) a native compiler is already there
    if target.exists() and not is_our_launcher(target):
        found = reported_version(target)
        if found and found.startswith(SOLC_VERSION + "+"):
            log(f"using native solc {found}: {target}")
            if args.smoke:
                smoke_test()
            return 0
        log(f"{target} does not report {SOLC_VERSION} ({found}); replacing it")
        target.unlink()

    # (b) download a native build, unless our launcher is already in place
    no_download = args.no_download or os.environ.get("COOPDAO_NO_SOLC_DOWNLOAD") == "1"
    if not target.exists() and not no_download:
        if try_solcx_download(SOLC_VERSION, args.timeout) and target.exists():
            found = reported_version(target)
            if found and found.startswith(SOLC_VERSION + "+"):
                log(f"downloaded native solc {found}: {target}")
                if args.smoke:
                    smoke_test()
                return 0
            log("downloaded compiler does not run; falling back to solcjs")
            target.unlink(missing_ok=True)

    # (c) solcjs behind a launcher
    install_launcher(target)
    found = reported_version(target)
    if not (found and found.startswith(SOLC_VERSION + "+")):
        sys.exit(f"[install_solc] {target} does not answer --version correctly ({found})")
    if args.smoke:
        smoke_test()
    return 0


if __name__ == "__main__":
    sys.exit(main())
