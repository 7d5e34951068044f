"""Members' declarations in text form, signed (EIP-712) instead of sent: an application (GenG §15(1)), a
notice (§65(2)) and a proxy appointment (§43(5)). A member or applicant without coin signs one with
`--sign-only`; anyone relays it with `coop relay` and pays (for an application, the shares' nominal value
too, which becomes the applicant's escrow). Each is good once (the signer's nonce on the contract it goes
to) and until its deadline, and every field is checked against the chain before anything is sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import CoopError

if TYPE_CHECKING:
    from ..chain.transact import Sender
    from .cooperative import Cooperative

#: How long a signed declaration stays valid unless the signer says otherwise.
VALID_FOR = 7 * 86400
_NOT_ONE = (
    "not a signed declaration (expected what `coop member apply --sign-only`, `coop member notice "
    "--sign-only` or `coop member proxy set --sign-only` prints)"
)
_TYPES = {
    "application": (
        "Application",
        [
            {"name": "applicant", "type": "address"},
            {"name": "shares", "type": "uint256"},
            {"name": "applicationHash", "type": "bytes32"},
            {"name": "nonce", "type": "uint256"},
            {"name": "deadline", "type": "uint256"},
        ],
    ),
    "notice": (
        "Notice",
        [
            {"name": "member", "type": "address"},
            {"name": "nonce", "type": "uint256"},
            {"name": "deadline", "type": "uint256"},
        ],
    ),
    "proxy": (
        "Delegation",
        [
            {"name": "delegatee", "type": "address"},
            {"name": "nonce", "type": "uint256"},
            {"name": "expiry", "type": "uint256"},
        ],
    ),
}


def _contract(coop: Cooperative, kind: str) -> Any:
    """The contract a declaration of `kind` goes to: the member list (application, notice) or the votes
    (proxy)."""
    return coop.votes if kind == "proxy" else coop.membership


def _message(kind: str, member: str, nonce: int, deadline: int, fields: dict[str, Any]) -> dict[str, Any]:
    """The signed message: `fields` are the kind's own (the proxy; the shares and the application's hash)."""
    if kind == "application":
        return {
            "applicant": member,
            "shares": fields["shares"],
            "applicationHash": bytes.fromhex(fields["application_hash"].removeprefix("0x")),
            "nonce": nonce,
            "deadline": deadline,
        }
    if kind == "notice":
        return {"member": member, "nonce": nonce, "deadline": deadline}
    return {"delegatee": fields["proxy"], "nonce": nonce, "expiry": deadline}


def _domain(contract: Any) -> dict[str, Any]:
    _, name, version, chain_id, address, _, _ = contract.functions.eip712Domain().call()
    return {"name": name, "version": version, "chainId": chain_id, "verifyingContract": address}


def sign(
    coop: Cooperative,
    signer: Sender,
    kind: str,
    proxy: str | None = None,
    valid_for: int = VALID_FOR,
    shares: int = 0,
    application_hash: bytes = b"\0" * 32,
) -> dict[str, Any]:
    """`signer`'s signed declaration of `kind`, sent nowhere: "application" for `shares` shares with the
    hash of the signed application document, "notice", or "proxy" appointing `proxy`."""
    contract = _contract(coop, kind)
    nonce = contract.functions.nonces(signer.address).call()
    deadline = coop.w3.eth.get_block("latest")["timestamp"] + valid_for
    domain = _domain(contract)
    primary, types = _TYPES[kind]
    own: dict[str, Any] = {}
    if kind == "proxy":
        own = {"proxy": proxy}
    elif kind == "application":
        own = {"shares": shares, "application_hash": "0x" + application_hash.hex()}
    message = _message(kind, signer.address, nonce, deadline, own)
    signature = coop.sign_typed(signer, domain, primary, types, message)
    return {
        "kind": kind,
        "contract": domain["verifyingContract"],
        "chain_id": domain["chainId"],
        "member": signer.address,
        **own,
        "nonce": nonce,
        "deadline": deadline,
        "signature": "0x" + signature.hex(),
    }


def is_declaration(data: Any) -> bool:
    """Whether parsed JSON is a signed declaration (rather than a ballot)."""
    return isinstance(data, dict) and data.get("kind") in _TYPES


def problem(coop: Cooperative, data: dict[str, Any]) -> str | None:
    """Why the signed declaration `data` cannot take effect now, in words, or None if it will."""
    from ..chain.calls import checked_address
    from .cooperative import typed_signer

    kind = data["kind"]
    try:
        target = checked_address(data["contract"], "contract")
        chain_id, nonce, deadline = int(data["chain_id"]), int(data["nonce"]), int(data["deadline"])
        member = checked_address(data["member"], "member")
        own = _own_fields(kind, data)
        signature = bytes.fromhex(str(data["signature"]).removeprefix("0x"))
    except CoopError as exc:
        return str(exc)
    except (KeyError, TypeError, ValueError):
        return _NOT_ONE
    w3 = coop.w3
    contract = _contract(coop, kind)
    if chain_id != w3.eth.chain_id:
        return f"the {kind} is for chain {chain_id}, the node is chain {w3.eth.chain_id}"
    if target != contract.address:
        return f"the {kind} is for the contract {target}, not this cooperative's"
    if deadline < w3.eth.get_block("latest")["timestamp"]:
        return f"the {kind} of {member} has expired: the member signs a new one"
    current = contract.functions.nonces(member).call()
    if nonce != current:
        return (
            f"the {kind} of {member} was signed with nonce {nonce}, the cooperative expects {current}: it "
            "was used already, or another signature of the member was; the member signs a new one"
        )
    if kind == "proxy" and w3.eth.get_code(member):
        return f"{member} is a contract: it appoints its proxy itself (a signed appointment needs a key)"
    primary, types = _TYPES[kind]
    message = _message(kind, member, nonce, deadline, own)
    signer = typed_signer(_domain(contract), primary, types, message, signature)
    if not w3.eth.get_code(member) and signer != member:
        return (
            f"the {kind} is not signed by {member}: it was edited after signing, or signed for another "
            "cooperative or chain"
        )
    if kind == "proxy" and contract.functions.delegates(member).call() == own["proxy"]:
        return f"{own['proxy']} carries the vote of {member} already"
    return None


def _own_fields(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The fields of a declaration that only its kind has, checked (KeyError, ValueError: not one)."""
    from ..chain.calls import checked_address

    if kind == "proxy":
        return {"proxy": checked_address(data["proxy"], "proxy")}
    if kind == "application":
        digest = bytes.fromhex(str(data["application_hash"]).removeprefix("0x"))
        if len(digest) != 32 or int(data["shares"]) < 1:
            raise ValueError("not an application")
        return {"shares": int(data["shares"]), "application_hash": "0x" + digest.hex()}
    return {}


def send(coop: Cooperative, sender: Sender, data: dict[str, Any]) -> Any:
    """Send the declaration `data`, once `problem` found nothing wrong with it; `sender` pays, it takes
    effect for the member who signed."""
    deadline = int(data["deadline"])
    signature = bytes.fromhex(str(data["signature"]).removeprefix("0x"))
    if data["kind"] == "application":
        own = _own_fields("application", data)
        digest = bytes.fromhex(own["application_hash"].removeprefix("0x"))
        return coop.apply_by_signature(sender, data["member"], own["shares"], digest, deadline, signature)
    if data["kind"] == "notice":
        return coop.give_notice_by_signature(sender, data["member"], deadline, signature)
    return coop.set_proxy_by_signature(sender, data["proxy"], int(data["nonce"]), deadline, signature)
