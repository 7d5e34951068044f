"""Resolutions: `coop propose <template>`, `coop proposals`, `coop proposal show`, `coop vote`, `coop relay`,
`coop queue`, `coop execute`, `coop cancel`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from ...chain.units import date
from ...errors import CoopError
from ..context import AppContext
from .token import RAW, amount_from

if TYPE_CHECKING:
    from ...coop.cooperative import Cooperative

KIND_CHOICES = ("ordinary", "statute-change", "new-duties", "dissolution")


def resolve_id(coop: Cooperative, text: str) -> int:
    """A proposal from what a person typed: its number in this cooperative (1, 2, ... as `coop proposals`
    lists them) or its full id."""
    try:
        number = int(text.strip().lstrip("#"), 0)
    except ValueError:
        raise CoopError(f"{text!r} is not a proposal number or id") from None
    proposals = coop.proposals()
    if 1 <= number <= len(proposals):
        return proposals[number - 1].id
    if any(p.id == number for p in proposals):
        return number
    raise CoopError(f"no proposal {text} in this cooperative ({len(proposals)} so far)")


# ------------------------------------------------------------------------------------------- propose


@click.group()
def propose() -> None:
    """Propose a resolution from a template; the majority it needs follows from its calls."""


def _proposal_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every template takes: the title and description members read, and the kind."""
    command = click.option(
        "--kind", type=click.Choice(KIND_CHOICES), help="Ask for a stricter majority than the calls need."
    )(command)
    command = click.option(
        "--description", "-d", default="", help="The text members read ('@FILE' reads a file)."
    )(command)
    command = click.option("--title", "-t", required=True, help="The resolution's title.")(command)
    return click.pass_obj(command)


def _submit(
    ctx: AppContext, build: Callable[[Cooperative], list[Any]], title: str, description: str, kind: str | None
) -> None:
    from pathlib import Path

    coop = ctx.cooperative()
    if description.startswith("@"):
        try:
            description = Path(description[1:]).read_text()
        except OSError as exc:
            raise CoopError(f"cannot read the description: {exc.strerror}: {description[1:]}") from None
    text = f"# {title.strip()}\n\n{description.strip()}".strip() if description.strip() else title.strip()
    actions = build(coop)
    warnings = coop.preflight(actions)  # a call that can never work is refused here, before any vote
    needed = coop.derived_kind(actions)
    ctx.out.say(f"  kind     {kind or needed} (the calls need at least {needed})")
    for warning in warnings:
        ctx.out.say(f"  warning  {warning}")
    if warnings and not (ctx.yes or ctx.dry_run):
        if not sys.stdin.isatty():
            raise CoopError("the resolution may fail when executed (see the warning): run again with --yes")
        if not click.confirm("  propose it all the same?", default=False, err=True):
            raise click.exceptions.Abort()
    sender = ctx.sender()
    proposal_id = coop.propose(sender, actions, text, kind)
    if proposal_id is None:
        ctx.transacted(None, "")
        return
    number, made = next((n, p) for n, p in enumerate(coop.proposals(), start=1) if p.id == proposal_id)
    receipt_info = coop.proposal_details(proposal_id)
    ctx.out.result(
        {"number": number, "tx": made.tx, **receipt_info},
        [
            f"proposal {number} created: {title}",
            f"  id {proposal_id}",
            f"  tx {made.tx}",
            f"  kind {receipt_info['kind']} (needs {receipt_info['required_majority']} of votes cast),"
            f" voting opens {date(receipt_info['snapshot'])}, closes {date(receipt_info['deadline'])}",
        ],
    )


@propose.command()
@click.argument("to")
@click.argument("amount")
@RAW
@_proposal_options
def pay(
    ctx: AppContext, to: str, amount: str, raw: bool, title: str, description: str, kind: str | None
) -> None:
    """Pay AMOUNT of the chain's coin from the treasury to TO."""
    from ...coop import templates

    value = amount_from(amount, raw)
    _submit(ctx, lambda coop: templates.pay(coop, to, value), title, description, kind)


@propose.command(name="pay-token")
@click.argument("token")
@click.argument("to")
@click.argument("amount")
@RAW
@_proposal_options
def pay_token(
    ctx: AppContext,
    token: str,
    to: str,
    amount: str,
    raw: bool,
    title: str,
    description: str,
    kind: str | None,
) -> None:
    """Pay AMOUNT of the ERC-20 TOKEN ('coop' for the cooperative's own) from the treasury to TO."""
    from ...coop import templates

    def build(coop: Cooperative) -> list[Any]:
        address = coop.token.address if token == "coop" else token
        decimals = 18 if token == "coop" else _token_decimals(coop, address)
        return templates.pay_token(coop, address, to, amount_from(amount, raw, decimals))

    _submit(ctx, build, title, description, kind)


def _token_decimals(coop: Cooperative, address: str) -> int:
    from ...chain import artifacts
    from ...chain.calls import checked_address

    token = coop.w3.eth.contract(address=checked_address(address, "token"), abi=artifacts.abi("CoopToken"))
    try:
        return token.functions.decimals().call()
    except Exception:
        raise CoopError(f"{address} does not answer as an ERC-20 token (decimals)") from None


@propose.command()
@click.argument("to")
@click.argument("amount")
@RAW
@_proposal_options
def mint(
    ctx: AppContext, to: str, amount: str, raw: bool, title: str, description: str, kind: str | None
) -> None:
    """Mint AMOUNT cooperative tokens to TO."""
    from ...coop import templates

    value = amount_from(amount, raw)
    _submit(ctx, lambda coop: templates.mint(coop, to, value), title, description, kind)


@propose.command()
@click.argument("amount")
@RAW
@_proposal_options
def burn(ctx: AppContext, amount: str, raw: bool, title: str, description: str, kind: str | None) -> None:
    """Burn AMOUNT cooperative tokens held by the treasury."""
    from ...coop import templates

    value = amount_from(amount, raw)
    _submit(ctx, lambda coop: templates.burn(coop, value), title, description, kind)


@propose.command()
@click.argument("parameter")
@click.argument("value")
@_proposal_options
def statute(
    ctx: AppContext, parameter: str, value: str, title: str, description: str, kind: str | None
) -> None:
    """Change a statute PARAMETER to VALUE (a statute change: 3/4 of votes cast).

    Parameters: share-price, min-shares, max-shares, notice-months, admission, fiscal-year-end,
    shares-transferable, max-proxy-principals, board, voting-delay, voting-period, quorum-percent,
    timelock-delay.
    """
    from ...coop import templates

    _submit(ctx, lambda coop: templates.set_parameter(coop, parameter, value), title, description, kind)


@propose.command(name="admit")
@click.argument("applicant")
@_proposal_options
def admit_(ctx: AppContext, applicant: str, title: str, description: str, kind: str | None) -> None:
    """Admit APPLICANT by resolution (assembly admission)."""
    from ...coop import templates

    _submit(ctx, lambda coop: templates.admit(coop, applicant), title, description, kind)


@propose.command()
@click.argument("member")
@_proposal_options
def exclude(ctx: AppContext, member: str, title: str, description: str, kind: str | None) -> None:
    """Exclude MEMBER (GenG §68): the vote ends at once, capital is settled like an exit."""
    from ...coop import templates

    _submit(ctx, lambda coop: templates.exclude(coop, member), title, description, kind)


@propose.command(name="move-capital")
@click.argument("amount")
@RAW
@_proposal_options
def move_capital(
    ctx: AppContext, amount: str, raw: bool, title: str, description: str, kind: str | None
) -> None:
    """Move AMOUNT of paid-in capital to the treasury (never applicants' escrow or refund claims)."""
    from ...coop import templates

    def build(coop: Cooperative) -> list[Any]:
        _, decimals = coop.currency()
        return templates.move_capital(coop, amount_from(amount, raw, decimals))

    _submit(ctx, build, title, description, kind)


@propose.command()
@click.argument("contract", type=click.Choice(["membership", "votes", "token", "governor", "timelock"]))
@click.argument("implementation")
@_proposal_options
def upgrade(
    ctx: AppContext, contract: str, implementation: str, title: str, description: str, kind: str | None
) -> None:
    """Move CONTRACT to the corrected code at IMPLEMENTATION (a statute change: 3/4 of votes cast).

    Its address, members, capital accounts, claims and history stay. Only code this coopdao ships is
    accepted; `coop audit verify` lists every move and checks the code.
    """
    from ...coop import templates

    _submit(ctx, lambda coop: templates.upgrade(coop, contract, implementation), title, description, kind)


@propose.command(name="call")
@click.argument("target")
@click.argument("signature")
@click.argument("args", nargs=-1)
@click.option("--value", default="0", help="Coin sent with the call, from the treasury.")
@RAW
@_proposal_options
def call_(
    ctx: AppContext,
    target: str,
    signature: str,
    args: tuple[str, ...],
    value: str,
    raw: bool,
    title: str,
    description: str,
    kind: str | None,
) -> None:
    """Any contract call: TARGET "name(types)" ARGS... (numbers, addresses, true/false, 0x-hex, [lists])."""
    from ...coop import templates

    amount = amount_from(value, raw)
    _submit(
        ctx,
        lambda coop: templates.call(coop, target, signature, list(args), amount),
        title,
        description,
        kind,
    )


# ------------------------------------------------------------------------------------------- reading


@click.command()
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(
        ["pending", "active", "canceled", "defeated", "succeeded", "queued", "expired", "executed"]
    ),
    help="Only proposals in this state (repeatable).",
)
@click.pass_obj
def proposals(ctx: AppContext, states: tuple[str, ...]) -> None:
    """The cooperative's proposals, numbered as `coop proposal show N` takes them."""
    coop = ctx.cooperative()
    rows = []
    made = coop.proposals()
    for number, (p, tally) in enumerate(
        zip(made, coop.resolution_entries([p.id for p in made]), strict=True), 1
    ):
        state = tally["state"]
        if states and state not in states:
            continue
        rows.append(
            {
                "number": number,
                "id": str(p.id),
                "title": p.title,
                "state": state,
                "kind": tally["kind"],
                "votes": {k: tally[k] for k in ("for", "against", "abstain")},
                "proposer": p.proposer,
                "deadline": p.vote_end,
            }
        )
    lines = [
        f"{r['number']:>3}  {r['state']:<10} {r['kind']:<15} {r['votes']['for']:>3} for"
        f" {r['votes']['against']:>3} against {r['votes']['abstain']:>3} abstain  {r['title']}"
        for r in rows
    ]
    ctx.out.result(rows, lines or ["no proposals" + (f" in state {', '.join(states)}" if states else "")])


@click.group()
def proposal() -> None:
    """One proposal: `coop proposal show N`."""


@proposal.command()
@click.argument("proposal_id", metavar="ID")
@click.pass_obj
def show(ctx: AppContext, proposal_id: str) -> None:
    """A proposal's state, counts, quorum, required majority, time left and calls."""
    coop = ctx.cooperative()
    details = coop.proposal_details(resolve_id(coop, proposal_id))
    v = details["votes"]
    lines = [
        f"{details['title']}",
        f"  id        {details['id']}",
        f"  state     {details['state']}",
        f"  kind      {details['kind']}: needs {details['required_majority']} of votes cast",
        f"  votes     {v['for']} for, {v['against']} against, {v['abstain']} abstain",
        "  quorum    "
        + (
            "fixed when voting opens"
            if details["quorum"] is None
            else f"{details['quorum']} ballot(s) ({'' if details['quorum_reached'] else 'not '}reached)"
        ),
        f"  voting    {date(details['snapshot'])} to {date(details['deadline'])}"
        + (f" ({_left(details['time_left'])} left)" if details["time_left"] else "")
        + (f" (opens in {_left(details['voting_starts_in'])})" if details["voting_starts_in"] else ""),
        f"  proposer  {details['proposer']}",
    ]
    if details["eta"]:
        lines.append(f"  executable from {date(details['eta'])}")
    lines += [f"  call      {a['call']}" for a in details["actions"]]
    body = details["description"].split("\n", 1)[1].strip() if "\n" in details["description"] else ""
    if body:
        lines += ["", body]
    ctx.out.result(details, lines)


def _left(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    return f"{days}d {hours}h" if days else f"{hours}h {rest // 60}m"


# ------------------------------------------------------------------------------------------- voting


@click.command()
@click.argument("proposal_id", metavar="ID")
@click.argument("support", type=click.Choice(["for", "against", "abstain"]))
@click.option("--reason", default="", help="Why, for the minutes.")
@click.option(
    "--sign-only", is_flag=True, help="Print an EIP-712 signed ballot for `coop relay`; send nothing."
)
@click.pass_obj
def vote(ctx: AppContext, proposal_id: str, support: str, reason: str, sign_only: bool) -> None:
    """Vote on proposal ID (its number or full id): for, against or abstain."""
    coop = ctx.cooperative()
    pid = resolve_id(coop, proposal_id)
    sender = ctx.sender()
    if sign_only:
        ballot = coop.sign_vote(sender, pid, support, reason)
        ctx.out.say(f"signed ballot of {sender.address}: anyone can submit it with `coop relay FILE`")
        ctx.out.result(ballot, json.dumps(ballot, indent=2))
        return
    receipt = coop.vote(sender, pid, support, reason)
    ctx.transacted(receipt, f"{sender.address} voted {support}", coop.names(), proposal_id=str(pid))


@click.command()
@click.argument("sources", metavar="FILE...", nargs=-1, required=True)
@click.pass_obj
def relay(ctx: AppContext, sources: tuple[str, ...]) -> None:
    """Submit signed ballots and declarations and pay their gas; each counts for its signer.

    FILE is what `coop vote --sign-only` printed (or `coop member apply --sign-only`, whose shares the
    sender pays, `coop member notice --sign-only`, `coop member proxy set --sign-only`): one, a JSON
    array of them, JSON lines (one a line), a folder of such files, or '-' for stdin. Every one is checked
    before anything is sent; ballots that can count go through the cooperative's ballot box, many in one
    transaction; each declaration is a transaction of its own."""
    from ...coop import ballot_box, declarations

    coop = ctx.cooperative()
    items = [item for name, text in _ballot_texts(sources) for item in ballot_box.parse(name, text)]
    if not items:
        raise CoopError("no ballots in " + ", ".join(sources))
    sender = ctx.sender()
    declared = [_relay_declaration(coop, sender, s, d) for s, d in items if declarations.is_declaration(d)]
    ballots = [
        ballot_box.from_json(source, data, coop.support_value)
        for source, data in items
        if not declarations.is_declaration(data)
    ]
    outcomes = [*declared, *ballot_box.relay(coop, sender, ballots)] if ballots else declared
    if not outcomes:
        ctx.out.result({"dry_run": True, "ballots": len(ballots)}, "dry run: nothing was sent")
        return
    counted = sum(1 for o in outcomes if o.outcome == "counted")
    missed = [o for o in outcomes if o.outcome != "counted"]
    one, many = _what_was_relayed(outcomes)
    if any(o.tx for o in outcomes):  # something was sent: every ballot's outcome is the result
        ctx.chain_saved()
        lines = [f"{counted} of {len(outcomes)} {one if len(outcomes) == 1 else many} counted"]
        lines += [_outcome_line(o) for o in outcomes]
        ctx.out.result({"counted": counted, "ballots": [o.as_json() for o in outcomes]}, lines)
    elif len(missed) > 1:  # nothing was sent: why not, ballot by ballot
        for o in missed:
            ctx.out.say(_outcome_line(o))
    if len(missed) == 1:
        what = _what_was_relayed(missed)[0]
        raise CoopError(f"{missed[0].source}: the {what} did not count: {missed[0].detail}")
    if missed:
        raise CoopError(f"{len(missed)} of {len(outcomes)} {many} did not count (see above)")


def _what_was_relayed(outcomes: list[Any]) -> tuple[str, str]:
    """What the relayed items are, in the singular and the plural: ballots, declarations, or both."""
    ballots = sum(1 for o in outcomes if o.ballot is not None)
    if ballots == len(outcomes):
        return "ballot", "ballots"
    if ballots == 0:
        return "declaration", "declarations"
    return "ballot or declaration", "ballots and declarations"


def _outcome_line(o: Any) -> str:
    """`  counted  0xVoter on proposal N (tx 0x…)`, or the reason it did not count and where it came from."""
    what = f"{o.ballot.voter} on proposal {o.ballot.proposal_id}" if o.ballot else o.detail_subject
    head = f"  {o.outcome:<8} {what}"
    return head + (f" (tx {o.tx})" if o.outcome == "counted" else f": {o.detail} [{o.source}]")


def _relay_declaration(coop: Any, sender: Any, source: str, data: dict[str, Any]) -> Any:
    """Relay one signed declaration (an application, a notice, a proxy appointment); its outcome told as a
    ballot's is.
    One the chain refuses (its simulation reverts) is reported and the others still go."""
    from ...coop import declarations
    from ...coop.ballot_box import Outcome
    from ...errors import TransactionFailed

    subject = f"{data.get('kind')} of {data.get('member')}"
    reason = declarations.problem(coop, data)
    if reason is not None:
        return Outcome(None, source, "refused", reason, detail_subject=subject)
    try:
        receipt = declarations.send(coop, sender, data)  # checked just above
    except TransactionFailed as exc:
        return Outcome(None, source, "refused", str(exc), detail_subject=subject)
    if receipt is None:
        return Outcome(None, source, "refused", "not sent (dry run)", detail_subject=subject)
    tx = "0x" + bytes(receipt["transactionHash"]).hex()
    return Outcome(None, source, "counted", "", tx, detail_subject=subject)


def _ballot_texts(sources: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, text) of every ballot file named: files, the JSON and JSON-lines files of folders, stdin."""
    import sys
    from pathlib import Path

    texts = []
    for source in sources:
        if source == "-":
            texts.append(("stdin", sys.stdin.read()))
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix in (".json", ".jsonl") and p.is_file())
            if not files:
                raise CoopError(f"{source}: a folder without ballot files (*.json, *.jsonl)")
        elif path.is_file():
            files = [path]
        else:
            raise CoopError(f"{source}: no such file or folder")
        for file in files:
            try:
                texts.append((str(file), file.read_text()))
            except (OSError, UnicodeDecodeError) as exc:
                raise CoopError(f"{file}: cannot be read ({exc.__class__.__name__})") from None
    return texts


def _lifecycle(step: str, done: str, help_text: str) -> click.Command:
    @click.command(name=step, help=help_text)
    @click.argument("proposal_id", metavar="ID")
    @click.pass_obj
    def command(ctx: AppContext, proposal_id: str) -> None:
        coop = ctx.cooperative()
        pid = resolve_id(coop, proposal_id)
        receipt = getattr(coop, step)(ctx.sender(), pid)
        ctx.transacted(receipt, f"proposal {proposal_id} {done}", coop.names(), proposal_id=str(pid))

    return command


queue = _lifecycle("queue", "queued in the timelock", "Queue a succeeded proposal in the timelock.")
execute = _lifecycle("execute", "executed", "Execute a queued proposal once the timelock delay has passed.")
cancel = _lifecycle("cancel", "canceled", "Withdraw your own proposal before voting opens.")

COMMANDS = [propose, proposals, proposal, vote, relay, queue, execute, cancel]
