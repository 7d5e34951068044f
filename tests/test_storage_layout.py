"""The storage-layout gate of `make analyze`: corrected code a cooperative moves to must find every variable
where the code before it left it. The gate compares the compiler's layout with the committed snapshot; here
its verdict is checked on layouts edited the ways a careless change would edit them."""

import copy
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def gate():
    spec = importlib.util.spec_from_file_location("storage_layout", ROOT / "toolchain" / "storage_layout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def snapshot():
    return json.loads((ROOT / "contracts" / "storage-layout.json").read_text())


def test_the_snapshot_covers_the_five_contracts_and_their_structs():
    layout = snapshot()
    assert set(gate().SOURCES) <= set(layout)
    labels = {v["label"] for v in layout["CoopMembership"]}
    assert {"_members", "_refundClaims", "_totalPaid", "_claimsTotal"} <= labels
    assert [v["label"] for v in layout["CoopMembership.t_struct(Member)_storage"]][:3] == [
        "status",
        "shares",
        "paid",
    ]


def test_new_variables_after_the_old_ones_pass():
    old = snapshot()
    new = copy.deepcopy(old)
    last = new["CoopVotes"][-1]
    new["CoopVotes"].append({**last, "label": "_annualAccounts", "slot": last["slot"] + 1})
    new["CoopMembership.t_struct(Member)_storage"].append(
        {"label": "bookValue", "slot": 2, "offset": 0, "type": "t_uint96"}
    )
    assert gate().problems(old, new) == []


def test_a_moved_retyped_or_removed_variable_fails():
    problems, old = gate().problems, snapshot()
    swapped = copy.deepcopy(old)
    members = swapped["CoopMembership"]
    i = next(n for n, v in enumerate(members) if v["label"] == "_returnedEscrow")
    members[i]["label"], members[i + 1]["label"] = members[i + 1]["label"], members[i]["label"]
    [problem] = problems(old, swapped)
    assert problem.startswith("CoopMembership: _returnedEscrow (t_mapping(t_address,t_uint256), slot 12")
    assert "is now _refundClaims" in problem

    retyped = copy.deepcopy(old)
    paid = next(v for v in retyped["CoopMembership.t_struct(Member)_storage"] if v["label"] == "paid")
    paid["type"] = "t_uint128"
    assert len(problems(old, retyped)) == 1

    removed = copy.deepcopy(old)
    removed["CoopToken"] = []
    assert problems(old, removed) == ["CoopToken: _cap (t_uint256, slot 0, offset 0) is gone"]
