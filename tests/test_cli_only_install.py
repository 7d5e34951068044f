"""`pip install .` of the command line alone, as the README describes it: no checkout, no node_modules, no
Anvil on PATH. `coop init` needs no chain; a command that needs the local chain says exactly what to do;
`coop node install` gets Anvil with npm (Node.js is the only other thing such a user installs); then the
founder's journey works.

The new environment gets coop's dependencies from the development environment's site-packages (a .pth
file), so that only coop itself is installed the way a user installs it: as a built wheel, not editable.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cli_only(tmp_path_factory):
    """A virtual environment holding coop as a wheel; returns its bin folder."""
    base = tmp_path_factory.mktemp("cli-only")
    subprocess.run([sys.executable, "-m", "venv", str(base / "venv")], check=True)
    wheels = base / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    venv_python = base / "venv" / "bin" / "python"
    purelib = subprocess.run(
        [str(venv_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(purelib, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    [wheel] = wheels.glob("coopdao-*.whl")
    # --ignore-installed: the development environment's own (editable) coopdao is visible through the .pth
    install = [
        str(venv_python),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--ignore-installed",
        str(wheel),
    ]
    done = subprocess.run(install, capture_output=True, text=True)
    assert done.returncode == 0 and list(Path(purelib).glob("dao_cli")), (install, done.stdout, done.stderr)
    return base / "venv" / "bin"


def clean_env(bin_dir, home):
    """A user's environment: a PATH with the wheel's environment and Node.js, but no Anvil."""
    tools = {Path(shutil.which(t)).parent for t in ("npm", "node") if shutil.which(t)}
    path = os.pathsep.join([str(bin_dir), *map(str, tools), "/usr/bin", "/bin"])
    env = {"PATH": path, "HOME": str(home), "COOPDAO_HOME": str(home / "coopdao"), "LANG": "C.UTF-8"}
    # what a user's own environment brings along: how to reach and trust the registry, and npm's cache
    passed = ("NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY")
    env |= {k: v for k, v in os.environ.items() if k.upper() in passed or k.lower().startswith("npm_config_")}
    env.setdefault("npm_config_cache", str(Path.home() / ".npm"))
    return env


def run(bin_dir, home, *args, expect=0):
    """`coop ARGS` from the wheel's environment."""
    command = [str(bin_dir / "coop"), *map(str, args)]
    env = clean_env(bin_dir, home)
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=home, timeout=900)
    assert done.returncode == expect, f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    return done


def test_the_command_line_installed_alone_works_as_the_readme_says(cli_only, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    code = subprocess.run(
        [str(cli_only / "python"), "-c", "import dao_cli; print(dao_cli.__file__)"],
        capture_output=True,
        text=True,
        cwd=home,
        env=clean_env(cli_only, home),
    ).stdout
    assert str(ROOT) not in code, "the test runs the checkout, not the installed wheel"
    assert shutil.which("anvil", path=f"{cli_only}:/usr/bin:/bin") is None

    # no chain is needed to write a statute: the local chain's founders are derived, not asked for
    run(cli_only, home, "init", "statute.yaml", "--name", "Bäckerei Süd eG")
    statute = (home / "statute.yaml").read_text()
    assert "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" in statute
    assert not (home / "coopdao" / "nodes").exists(), "coop init started a chain"

    # what needs the local chain says what to install, in one line
    missing = run(cli_only, home, "info", expect=1)
    assert missing.stderr.count("\n") == 1 and "anvil not found: run `coop node install`" in missing.stderr

    installed = run(cli_only, home, "--json", "node", "install")
    assert '"installed": true' in installed.stdout
    try:
        deployed = run(cli_only, home, "--yes", "--json", "deploy", "statute.yaml")
        assert '"membership"' in deployed.stdout
        assert "Bäckerei Süd eG" in run(cli_only, home, "info").stdout
    finally:
        run(cli_only, home, "node", "stop")
