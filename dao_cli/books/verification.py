"""The audit's checks: the replay against what the contracts report, the powers (roles and owners) each
contract grants, and the code each contract runs and every change of it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..chain import artifacts
from ..coop.code import CONTRACT_NAMES, implementation_of, is_proxy, is_shipped, matches_artifact
from ..coop.deploy import ROLES

if TYPE_CHECKING:
    from web3 import Web3

    from ..coop.deploy import Deployment
    from .reads import State
    from .replay import Books, Resolution


def verify_replay(books: Books, state: State) -> list[dict[str, Any]]:
    """(1) The history replayed gives exactly the contracts' state: every difference is a finding."""
    findings = []

    def check(name: str, replayed: Any, reported: Any) -> None:
        ok = replayed == reported
        message = f"{name}: replay {replayed}, contracts {reported}"
        findings.append({"check": f"replay: {name}", "ok": ok, "message": message})

    findings.append(
        {
            "check": "replay: events agree with each other",
            "ok": not books.inconsistent,
            "message": "; ".join(books.inconsistent[:3]) + ("…" if len(books.inconsistent) > 3 else "")
            if books.inconsistent
            else "every event's own figures follow from the events before it",
        }
    )
    totals = state.totals
    check("members", books.member_count, totals["member_count"])
    check("members with a vote", books.voting_members(state.time), totals["voting_members"])
    check("shares", books.total_shares, totals["total_shares"])
    check("paid-in capital", books.paid_in, totals["paid_in"])
    check("escrow", books.escrow, totals["escrow"])
    check("refund claims", books.claims, totals["claims"])
    check("token supply", books.token_supply, totals["token_supply"])
    wrong = [
        a
        for a, m in books.members.items()
        if (m.status, m.shares, m.paid, m.refund_claim)
        != tuple(state.members[a][k] for k in ("status", "shares", "paid", "refund_claim"))
    ]
    differ = f"; differ: {', '.join(wrong[:5])}" + ("…" if len(wrong) > 5 else "") if wrong else ""
    findings.append(
        {
            "check": "replay: member entries",
            "ok": not wrong,
            "message": f"{len(books.members) - len(wrong)} of {len(books.members)} entries agree{differ}",
        }
    )
    disagree = []
    for pid, r in books.resolutions.items():
        reported = state.resolutions[pid]
        if r.tally != reported["tally"] or _replayed_state(r) not in (None, reported["state"]):
            disagree.append(r.number)
    findings.append(
        {
            "check": "replay: resolutions",
            "ok": not disagree,
            "message": f"{len(books.resolutions)} resolutions, counts and outcomes "
            + ("agree" if not disagree else f"differ for {', '.join(map(str, disagree))}"),
        }
    )
    return findings


def _replayed_state(r: Resolution) -> str | None:
    """The state the events prove (executed, canceled, queued), or None where only the clock decides."""
    if r.executed_tx:
        return "executed"
    if r.canceled_tx:
        return "canceled"
    if r.queued_tx:
        return "queued"
    return None


def verify_powers(books: Books, state: State, deployment: Deployment) -> list[dict[str, Any]]:
    """(3) Nobody but the timelock holds an admin role; every power answers to the assembly."""
    admins = sorted(a for a, held in state.roles.items() if held)
    replayed = sorted(books.roles.get(("timelock", "0x" + "00" * 32), set()))
    findings = [
        {
            "check": "powers: timelock admin",
            "ok": admins == [deployment.timelock] or admins == [],
            "message": f"DEFAULT_ADMIN_ROLE held by {', '.join(admins) or 'nobody but the timelock itself'}",
        },
        {
            "check": "powers: admin role history",
            "ok": replayed in ([deployment.timelock], []),
            "message": f"by the events, admins are {', '.join(replayed) or 'none'}",
        },
    ]
    for key, what in (
        ("token_owner", "token owner"),
        ("governance", "member list's governance"),
        ("executor", "governor's executor"),
    ):
        holder = state.totals[key]
        findings.append(
            {
                "check": f"powers: {what}",
                "ok": holder == deployment.timelock,
                "message": f"{what} is {holder}"
                + ("" if holder == deployment.timelock else " (not the timelock)"),
            }
        )
    for key, what, expected in (
        ("vote_source", "governor's votes", deployment.votes),
        ("votes_register", "votes' member list", deployment.membership),
        ("register_votes", "member list's votes", deployment.votes),
    ):
        holder = state.totals[key]
        findings.append(
            {
                "check": f"powers: {what}",
                "ok": holder == expected,
                "message": f"{what}: {holder}" + ("" if holder == expected else f" (not {expected})"),
            }
        )
    return findings


def verify_code(w3: Web3, deployment: Deployment, books: Books) -> list[dict[str, Any]]:
    """(2) Each contract is an ERC-1967 proxy whose implementation is the code the toolkit compiles; its code
    history (the proxy's `Upgraded` events) ends with what it runs; and every move to new code after creation
    was made by a resolution, to shipped code."""
    findings = []
    for role in ROLES:
        address = getattr(deployment, role)
        name = CONTRACT_NAMES[role]
        if is_proxy(bytes(w3.eth.get_code(address))):
            implementation = implementation_of(w3, address)
            ok = is_shipped(w3, implementation, role)
            message = f"{role}: an ERC-1967 proxy to {implementation}, " + (
                f"whose code is {name} as compiled from the sources" if ok else f"whose code is NOT {name}"
            )
        else:
            implementation, ok = None, False
            message = f"{role}: the code at {address} is NOT an ERC-1967 proxy as the toolkit compiles it"
        findings.append({"check": f"code: {role}", "ok": ok, "message": message})
        moves = [m for m in books.code_moves if m["contract"] == role]
        last = moves[-1]["implementation"] if moves else None
        if last != implementation or implementation is None:
            history = f"by the events it runs {last or 'nothing'}, but it runs {implementation or 'nothing'}"
        elif len(moves) == 1:
            history = "by the events too, it runs the code it was created with"
        else:
            history = f"moved {len(moves) - 1} time(s) since creation; the events end with the code it runs"
        findings.append(
            {
                "check": f"code history: {role}",
                "ok": implementation is not None and last == implementation,
                "message": f"{role}: {history}",
            }
        )
        for move in moves[1:]:
            shipped = is_shipped(w3, move["implementation"], role)
            by = move.get("resolution")
            findings.append(
                {
                    "check": f"code change: {role}",
                    "ok": by is not None and shipped,
                    "message": f"{role} moved to {move['implementation']} in block {move['block']} "
                    + (f"by resolution {by}" if by is not None else "by NO resolution")
                    + (f", code {name} as compiled" if shipped else f", code that is NOT {name} as compiled"),
                }
            )
    # the governor's code names the ballot box it counts batches from and the rules that fix each
    # proposal's kind (immutables, masked above): their code is checked too
    governor = w3.eth.contract(address=deployment.governor, abi=artifacts.abi("CoopGovernor"))
    try:
        shared = governor.functions.sharedContracts().call()
    except Exception:
        shared = None
    for what, name, index in (("ballot box", "BallotBox", 0), ("resolution rules", "ResolutionRules", 1)):
        address = shared[index] if shared else None
        ok = address is not None and matches_artifact(bytes(w3.eth.get_code(address)), name)
        message = f"{what}: " + (
            f"the governor's is {address}, whose code is {name}"
            if ok
            else f"the governor names {address or 'none'}, whose code is NOT {name}"
        )
        findings.append({"check": f"code: {what}", "ok": ok, "message": message})
    return findings
