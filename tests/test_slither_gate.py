"""The static-analysis gate of `make analyze`: it must fail on what nobody triaged, and on a triage file
that no longer matches what Slither reports (`make analyze` runs Slither; this checks the gate's verdict)."""

import importlib.util
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def gate():
    spec = importlib.util.spec_from_file_location("slither_gate", ROOT / "toolchain" / "slither_gate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def finding(detector, function):
    return {"detector": detector, "function": function, "impact": "Medium", "description": f"{function} ..."}


def test_the_gate_fails_on_untriaged_miscounted_and_stale_findings():
    problems = gate().problems
    triage = [{"detector": "unused-return", "function": "A.f", "findings": 1, "reason": "checked"}]
    assert problems([finding("unused-return", "A.f")], triage) == []
    new = problems([finding("unused-return", "A.f"), finding("reentrancy-no-eth", "B.pay")], triage)
    assert len(new) == 1 and "untriaged medium finding [reentrancy-no-eth] in B.pay" in new[0]
    more = problems([finding("unused-return", "A.f")] * 2, triage)
    assert more == ["[unused-return] in A.f: 2 finding(s), the triage file says 1"]
    stale = problems([], triage)
    assert len(stale) == 1 and stale[0].startswith("stale triage entry [unused-return] in A.f")


def test_every_triage_entry_gives_a_reason():
    entries = yaml.safe_load((ROOT / "slither-triage.yaml").read_text())
    assert entries, "an empty triage file would make the gate's list meaningless"
    for entry in entries:
        assert len(str(entry["reason"]).split()) >= 8, entry
