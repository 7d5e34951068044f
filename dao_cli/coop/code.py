"""Which code a cooperative's contracts run, and whether it is the code this coopdao ships.

Each of a cooperative's five contracts is an ERC-1967 proxy: its address, storage and history stay, and the
code it runs is the implementation whose address the proxy keeps in a fixed storage slot. A resolution can
move it to corrected code. The audit checks what each one runs, and a proposal to move one is checked
against the same list, so both say the same of the same code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..chain import artifacts

if TYPE_CHECKING:
    from web3 import Web3

#: The contract each role of a cooperative runs, as compiled from this checkout's sources.
CONTRACT_NAMES = {
    "membership": "CoopMembership",
    "votes": "CoopVotes",
    "token": "CoopToken",
    "governor": "CoopGovernor",
    "timelock": "CoopTimelock",
}
#: ERC-1967's implementation slot: keccak256("eip1967.proxy.implementation") - 1.
IMPLEMENTATION_SLOT = 0x360894A13BA1A3210667C828492DB98DCA3E2076CC3735A920A3CA505D382BBC


def implementation_of(w3: Web3, address: str, block: int | str = "latest") -> str:
    """The implementation an ERC-1967 proxy at `address` runs (the zero address if it keeps none)."""
    word = bytes(w3.eth.get_storage_at(address, IMPLEMENTATION_SLOT, block))
    return w3.to_checksum_address(word[-20:])


def masked_runtime(code: bytes) -> bytes:
    """Runtime code with the operands of zero-valued PUSH32s in the compiler's output masked: that is where
    solc leaves room for immutables, filled in at deployment."""
    out = bytearray(code)
    i = 0
    while i < len(code):
        op = code[i]
        if 0x60 <= op <= 0x7F:
            size = op - 0x5F
            if op == 0x7F and code[i + 1 : i + 33] == bytes(32):
                out[i + 1 : i + 33] = b"\xff" * 32
            i += size
        i += 1
    return bytes(out)


def matches_artifact(chain_code: bytes, name: str) -> bool:
    """Whether deployed runtime code is the shipped contract `name`, immutables masked."""
    expected = bytes.fromhex(artifacts.load(name)["deployedBytecode"].removeprefix("0x"))
    if len(chain_code) != len(expected):
        return False
    mask = masked_runtime(expected)
    return all(m == 0xFF and e == 0 or c == e for c, e, m in zip(chain_code, expected, mask, strict=True))


def is_shipped(w3: Web3, implementation: str, role: str) -> bool:
    """Whether `implementation` holds the code this coopdao ships for `role`."""
    return matches_artifact(bytes(w3.eth.get_code(implementation)), CONTRACT_NAMES[role])


def is_proxy(code: bytes) -> bool:
    """Whether runtime code is OpenZeppelin's ERC1967Proxy as the toolkit compiles it."""
    return matches_artifact(code, "ERC1967Proxy")
