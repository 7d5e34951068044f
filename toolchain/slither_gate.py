"""Run Slither over contracts/ and fail on any finding of high or medium impact that is not triaged.

    python toolchain/slither_gate.py --solc PATH_TO_SOLC [--triage slither-triage.yaml]

Every finding Slither reports with high or medium impact must be listed in the triage file with the reason a
reviewer can check that it is no defect; anything else fails the run, so the next defect of a kind Slither
sees is caught before it lands. The triage file names each finding by its detector and the function it is in
(not by line numbers, which move), with the number of findings there: a new finding of the same kind in the
same function changes the count and fails too, and an entry that matches nothing any more is reported as
stale, so the file stays the truth. Test-only contracts (contracts/test/) and OpenZeppelin are not analysed.

Exit status: 0 clean, 1 untriaged or stale findings, 2 Slither itself failed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GATED = ("High", "Medium")


def where(element: dict) -> str:
    """`Contract.function` of the element a finding starts at (a function, or a node or variable in one)."""
    fields = element.get("type_specific_fields", {})
    if element.get("type") == "function":
        return f"{fields['parent']['name']}.{element['name']}"
    parent = fields.get("parent", {})
    if parent.get("type") == "function":
        return f"{parent['type_specific_fields']['parent']['name']}.{parent['name']}"
    return str(parent.get("name") or element.get("name"))


def findings(solc: str) -> list[dict]:
    """Slither's gated findings: [{"detector", "function", "impact", "description"}]."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "slither.json"
        command = [
            sys.executable,
            "-m",
            "slither",
            "contracts",
            "--solc-standard-json",
            "--solc",
            solc,
            "--solc-remaps",
            "@openzeppelin=node_modules/@openzeppelin",
            "--filter-paths",
            "node_modules|contracts/test|contracts/bench",
            "--exclude-informational",
            "--exclude-low",
            "--exclude-optimization",
            "--json",
            str(report),
        ]
        run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        try:
            data = json.loads(report.read_text())
        except (OSError, ValueError):
            print(run.stdout[-4000:] + run.stderr[-4000:], file=sys.stderr)
            print("slither gate: Slither produced no report (see its output above)", file=sys.stderr)
            sys.exit(2)
    if not data.get("success"):
        print(f"slither gate: Slither failed: {data.get('error')}", file=sys.stderr)
        sys.exit(2)
    results = data.get("results", {}).get("detectors", [])
    return [
        {
            "detector": r["check"],
            "function": where(r["elements"][0]),
            "impact": r["impact"],
            "description": r["description"].strip(),
        }
        for r in results
        if r["impact"] in GATED and r.get("elements")
    ]


def load_triage(path: Path) -> list[dict]:
    entries = yaml.safe_load(path.read_text()) or []
    for entry in entries:
        missing = {"detector", "function", "findings", "reason"} - set(entry)
        if missing or not str(entry["reason"]).strip():
            lacks = ", ".join(sorted(missing)) or "a reason"
            print(f"slither gate: {path.name}: an entry lacks {lacks}: {entry}", file=sys.stderr)
            sys.exit(1)
    return entries


def problems(found: list[dict], triage: list[dict]) -> list[str]:
    """What the gate fails on: findings not triaged, listed functions with another number of findings, and
    triage entries that match nothing any more."""
    counts = Counter((f["detector"], f["function"]) for f in found)
    listed = {(e["detector"], e["function"]): int(e["findings"]) for e in triage}
    out = []
    for key, count in sorted(counts.items()):
        if key not in listed:
            out += [
                f"untriaged {f['impact'].lower()} finding [{key[0]}] in {key[1]}:\n{f['description']}"
                for f in found
                if (f["detector"], f["function"]) == key
            ]
        elif listed[key] != count:
            out.append(f"[{key[0]}] in {key[1]}: {count} finding(s), the triage file says {listed[key]}")
    for key in sorted(set(listed) - set(counts)):
        out.append(f"stale triage entry [{key[0]}] in {key[1]}: Slither no longer reports it; remove it")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solc", required=True, help="the solc executable py-solc-x uses (solc-v0.8.37)")
    parser.add_argument("--triage", default=str(ROOT / "slither-triage.yaml"), help="the triage file")
    args = parser.parse_args()
    found = findings(args.solc)
    failures = problems(found, load_triage(Path(args.triage)))
    impacts = Counter(f["impact"] for f in found)
    summary = ", ".join(f"{impacts.get(i, 0)} {i.lower()}" for i in GATED)
    if failures:
        print("\n\n".join(failures), file=sys.stderr)
        print(f"slither gate: {summary} impact finding(s); {len(failures)} problem(s) above", file=sys.stderr)
        return 1
    print(f"slither gate: {summary} impact finding(s), each triaged in {Path(args.triage).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
