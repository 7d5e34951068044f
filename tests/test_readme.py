"""The README's command examples, run as they are written.

Every code block that follows the line `<!-- the README test runs this block -->` is a session at a
terminal: each `$ ` line is run (by bash, in one folder, one after the other, the blocks in the README's
order, with a fresh data folder, so on a fresh local chain), and what it prints must be what the README
shows after it. Hashes, addresses, proposal ids, dates, ports, gas and fee figures may differ; a line like
`[... likewise]` stands for any number of lines. A command whose shown output has an `error:` line must
fail, every other must succeed. So the README cannot drift from what the toolkit does.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = "<!-- the README test runs this block -->"

NORMAL = [  # (pattern, replacement), applied in order
    (r"0x[0-9a-fA-F]{130}", "0xSIGNATURE"),
    (r"0x[0-9a-fA-F]{64}", "0xHASH"),
    (r"0x[0-9a-fA-F]{40}", "0xADDRESS"),
    (r"0x[0-9a-fA-F]{10}…", "0xHASH…"),
    (r"\b\d{60,}\b", "PROPOSAL"),
    (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}Z", "DATE"),
    (r"\d{4}-\d{2}-\d{2}", "DAY"),
    (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
    (r"\(state in [^)]*\)", "(state in FOLDER)"),
    (r"gas(\s+at most)? [\d,]+", r"gas\1 N"),  # also the review's aligned `gas      at most N`
    (r"fee at most [\d.]+ ETH", "fee at most N ETH"),
    (r"etaSeconds=\d+", "etaSeconds=N"),
    (r"\(\d+d \d+h left\)", "(TIME left)"),
    (r"\s+$", ""),
]


def normal(line: str) -> str:
    for pattern, replacement in NORMAL:
        line = re.sub(pattern, replacement, line)
    return line


def sessions() -> list[tuple[str, list[str]]]:
    """(command, shown output lines) of every marked block, in the README's order."""
    lines = (ROOT / "README.md").read_text().splitlines()
    steps: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != MARK:
            i += 1
            continue
        i += 1
        assert lines[i].startswith("```"), (
            f"README line {i + 1}: the mark must stand right before a code block"
        )
        i += 1
        while not lines[i].startswith("```"):
            if lines[i].startswith("$ "):
                steps.append((lines[i][2:], []))
            else:
                assert steps, f"README line {i + 1}: output before the first command of a block"
                steps[-1][1].append(lines[i])
            i += 1
        i += 1
    for _, shown in steps:  # the blank line between two commands belongs to neither
        while shown and not shown[-1].strip():
            shown.pop()
    return steps


def elided(line: str) -> bool:
    text = line.strip()
    return text.startswith("[") and text.endswith("]")


def agrees(shown: list[str], printed: list[str]) -> bool:
    """Whether `printed` is what `shown` says, line by line (normalized), elisions taking any lines."""
    want = [normal(line) for line in shown]
    got = [normal(line) for line in printed]

    def match(i: int, j: int) -> bool:
        if i == len(want):
            return j == len(got)
        if elided(shown[i]):
            return any(match(i + 1, k) for k in range(j, len(got) + 1))
        return j < len(got) and want[i] == got[j] and match(i + 1, j + 1)

    return match(0, 0)


def test_the_readme_examples_run_as_written(tmp_path):
    steps = sessions()
    assert len(steps) > 20, "the README's walkthrough is not marked for the test"
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("ETH_RPC_URL", "COOP_ACCOUNT", "COOP_PASSWORD")},
        "HOME": str(home),
        "COOPDAO_HOME": str(home / "coopdao"),
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "COLUMNS": "200",
        "PYTHONUNBUFFERED": "1",  # stdout and stderr in the order a terminal shows them
    }
    try:
        for command, shown in steps:
            done = subprocess.run(
                ["bash", "-c", command],
                cwd=tmp_path,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,  # a block shows what reaches the terminal, both streams
                text=True,
                timeout=600,
            )
            printed = done.stdout.splitlines()
            failing = any(line.startswith("error:") for line in shown)
            assert (done.returncode != 0) == failing, f"$ {command}\nexit {done.returncode}\n{done.stdout}"
            assert agrees(shown, printed), (
                f"$ {command}\n--- the README shows\n"
                + "\n".join(shown)
                + "\n--- it printed\n"
                + "\n".join(printed)
            )
    finally:
        subprocess.run(["bash", "-c", "coop node stop"], cwd=tmp_path, env=env, capture_output=True)


def table(text: str, header: str) -> list[str]:
    """The Markdown table whose first line starts with `header`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return lines[start:end]


def test_the_readme_shows_the_measured_benchmark_table():
    """The README's benchmark table is the one `make bench` last wrote into BENCHMARKS.md, which it links."""
    readme = (ROOT / "README.md").read_text()
    measured = (ROOT / "BENCHMARKS.md").read_text()
    header = "| operation | coopdao | baseline |"
    assert table(readme, header) == table(measured, header)
    assert "(BENCHMARKS.md)" in readme and "make bench" in readme
