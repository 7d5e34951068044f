"""Where a transaction's gas goes, read from the node's traces: for `make bench`, so that a row that misses
its target says what it spends and why, not only how much.

Two traces of the same transaction give it. The call trace (`callTracer`) gives the gas each contract
spent in its own frames; a proxy and the implementation it delegates to count as one contract, named by the
caller. The state trace (`prestateTracer`, before and after) gives every storage slot and account the
transaction touched: slots it created, changed or only read, and the contracts it entered. Each of those is
priced by the EVM's own schedule (Shanghai: EIP-2929 cold access, EIP-2200/3529 storage), the events by
what the receipt holds, the transaction by its base cost and calldata; what is left is computation, memory
and warm accesses.
"""

from __future__ import annotations

from typing import Any

BASE = 21_000
NEW_SLOT = 22_100  # a cold slot written from zero: 2,100 to reach it, 20,000 to create it
CHANGED_SLOT = 5_000  # a cold slot written from one non-zero value to another (2,100 + 2,900)
READ_SLOT = 2_100  # a cold slot read
CLEARED_REFUND = 4_800  # given back for a slot set to zero (EIP-3529)
COLD_ACCOUNT = 2_600  # a contract entered for the first time in the transaction
CREATION = 32_000  # a contract created, before its code is stored
CODE_BYTE = 200  # a byte of a created contract's code
ECRECOVER = f"0x{1:040x}"
PRECOMPILES = {f"0x{n:040x}" for n in range(1, 11)}


def calldata_gas(data: bytes) -> int:
    """What a transaction's input costs (EIP-2028): 16 a non-zero byte, 4 a zero byte."""
    return sum(16 if b else 4 for b in data)


def event_gas(log: Any) -> int:
    """What emitting `log` cost: 375, 375 a topic, 8 a byte of data."""
    return 375 + 375 * len(log["topics"]) + 8 * len(bytes(log["data"]))


def breakdown(w3: Any, tx_hash: str, names: dict[str, str]) -> dict[str, Any]:
    """The gas of the mined transaction `tx_hash`, by contract (`names`: lower-case address -> name; a
    proxy and its implementation should have the same name) and by kind of work."""
    tx = w3.eth.get_transaction(tx_hash)
    receipt = w3.eth.get_transaction_receipt(tx_hash)
    used = receipt["gasUsed"]
    data = bytes(tx["input"])
    base = BASE + calldata_gas(data)
    request = w3.provider.make_request
    calls = request("debug_traceTransaction", [tx_hash, {"tracer": "callTracer"}])["result"]
    before = request("debug_traceTransaction", [tx_hash, {"tracer": "prestateTracer"}])["result"]
    diff = request(
        "debug_traceTransaction", [tx_hash, {"tracer": "prestateTracer", "tracerConfig": {"diffMode": True}}]
    )["result"]
    after = diff.get("post", {})

    by_contract: dict[str, int] = {}

    def walk(frame: dict[str, Any], caller_name: str) -> None:
        to = (frame.get("to") or "").lower()
        name = caller_name if frame["type"] == "DELEGATECALL" else names.get(to, _unnamed(to))
        children = frame.get("calls", [])
        own = int(frame["gasUsed"], 16) - sum(int(c["gasUsed"], 16) for c in children)
        by_contract[name] = by_contract.get(name, 0) + own
        for child in children:
            walk(child, name)

    walk(calls, "")
    top = names.get((calls.get("to") or "").lower(), _unnamed(calls.get("to") or ""))
    by_contract[top] -= base  # the top frame's gas includes the transaction's own cost
    by_contract = {"the transaction (base cost and calldata)": base, **by_contract}

    sender, receiver = tx["from"].lower(), (tx.get("to") or "").lower()
    miner = w3.eth.get_block(receipt["blockNumber"])["miner"].lower()
    counts = dict.fromkeys(KINDS, 0)
    code_bytes = 0
    post = {a.lower(): state for a, state in after.items()}
    for address, state in before.items():
        address = address.lower()
        if address not in (sender, receiver, miner) and address not in PRECOMPILES and state.get("code"):
            counts["entered"] += 1
        written = post.get(address, {}).get("storage", {})
        for slot, value in state.get("storage", {}).items():
            new = written.get(slot, value)
            if new == value:
                counts["read"] += 1
            elif int(value, 16) == 0:
                counts["created"] += 1
            else:
                counts["changed"] += 1
                counts["cleared"] += int(new, 16) == 0
        if not state.get("code") and post.get(address, {}).get("code"):  # a contract this transaction created
            counts["made"] += 1
            code_bytes += len(bytes.fromhex(post[address]["code"].removeprefix("0x")))
            seen = state.get("storage", {})
            counts["created"] += sum(1 for k, v in written.items() if k not in seen and int(v, 16))
    known = {a.lower() for a in before}
    for address, state in post.items():
        if address not in known and state.get("code"):  # created, and absent from the state before
            counts["made"] += 1
            code_bytes += len(bytes.fromhex(state["code"].removeprefix("0x")))
            counts["created"] += sum(1 for v in state.get("storage", {}).values() if int(v, 16))
    counts["events"] = len(receipt["logs"])
    recovery = by_contract.get("signature recovery", 0)
    kinds = {
        "base": base,
        "made": counts["made"] * CREATION + code_bytes * CODE_BYTE,
        "created": counts["created"] * NEW_SLOT,
        "changed": counts["changed"] * CHANGED_SLOT,
        "events": sum(event_gas(log) for log in receipt["logs"]),
        "recovery": recovery,
        "read": counts["read"] * READ_SLOT,
        "entered": counts["entered"] * COLD_ACCOUNT,
        "cleared": -counts["cleared"] * CLEARED_REFUND,
    }
    kinds["rest"] = used - sum(kinds.values())
    counts["code_bytes"] = code_bytes
    return {
        "gas": used,
        "by_contract": by_contract,
        "by_kind": kinds,
        "counts": counts,
        # what the operation cannot do without: its transaction, the contracts and storage it creates or
        # changes, its events and the signatures it checks
        "floor": sum(kinds[k] for k in FLOOR),
    }


#: the kinds of work a breakdown tells apart, in the order shown; those that make up the floor
KINDS = ("base", "made", "created", "changed", "events", "recovery", "read", "entered", "cleared", "rest")
FLOOR = ("base", "made", "created", "changed", "events", "recovery")


def label(kind: str, counts: dict[str, int]) -> str:
    """A kind of work in words, with how often the transactions did it."""
    c = counts
    return {
        "base": "the transaction (base cost and calldata)",
        "made": f"contracts created ({c['made']}, {c.get('code_bytes', 0):,} bytes of code)",
        "created": f"storage slots created ({c['created']})",
        "changed": f"storage slots changed ({c['changed']})",
        "events": f"events ({c['events']})",
        "recovery": "signature recovery",
        "read": f"storage slots read only ({c['read']})",
        "entered": f"contracts entered ({c['entered']})",
        "cleared": f"refunds for cleared slots ({c['cleared']})",
        "rest": "computation, memory and warm accesses",
    }[kind]


def _unnamed(address: str) -> str:
    """A name for a contract the caller did not name: the signature precompile, or the address's start."""
    address = address.lower()
    if address == ECRECOVER:
        return "signature recovery"
    return f"precompile {address}" if address in PRECOMPILES else f"contract {address[:10]}"
