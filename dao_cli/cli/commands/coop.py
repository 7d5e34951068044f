"""Founding and finding a cooperative: `coop init`, `coop deploy`, `coop info`, and the address book
(`coop list`, `coop add`, `coop forget`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ...errors import CoopError
from ..context import AppContext


def _slug(name: str) -> str:
    from ...coop.addressbook import slug

    return slug(name)


@click.command()
@click.argument("path", type=click.Path(dir_okay=False), default="statute.yaml")
@click.option("--name", default="My Cooperative eG", show_default=True, help="The cooperative's name.")
@click.option("--founder", "founders", multiple=True, metavar="ADDRESS", help="A founder (three or more).")
@click.option("--board", metavar="ADDRESS", help="Who admits members (default: the first founder).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_obj
def init(
    ctx: AppContext, path: str, name: str, founders: tuple[str, ...], board: str | None, force: bool
) -> None:
    """Write a commented statute file with the law's defaults (GenG).

    Without --founder on the local chain, its development accounts 1 to 3 are the founders.
    """
    from ...chain.calls import checked_address
    from ...coop.statute import statute_template

    target = Path(path)
    if target.exists() and not force:
        raise CoopError(f"{path} exists; use --force to overwrite it")
    chosen = [checked_address(f, "founder") for f in founders]
    if not chosen and ctx.local_kind:
        from ...chain.node import dev_addresses

        chosen = dev_addresses(4)[1:4]  # no chain needed to name them
    text = statute_template(name, chosen, checked_address(board, "board") if board else None)
    target.write_text(text)
    ctx.out.result(
        {"path": str(target), "name": name, "founders": chosen},
        [f"wrote {target}: edit it, then `coop deploy {target}`"],
    )


def _show_plan(ctx: AppContext, steps: list[Any]) -> None:
    """Each transaction a deployment sends, with its gas and fee bounds, and their sum."""
    from ...chain.units import fee_bound

    known = [step for step in steps if not isinstance(step, str)]
    for number, step in enumerate(steps, start=1):
        if isinstance(step, str):
            ctx.out.say(f"  {number}. {step}: its gas is known once the factory exists")
            continue
        bound = f"gas at most {step.gas:,} (fee at most {fee_bound(step.max_fee)} ETH)"
        ctx.out.say(f"  {number}. {step.description}: {bound}")
    if len(known) > 1:
        gas, fee = sum(s.gas for s in known), sum(s.max_fee for s in known)
        rest = ", and the last" if len(known) < len(steps) else ""
        ctx.out.say(f"  in all at most {gas:,} gas (fee at most {fee_bound(fee)} ETH){rest}")


@click.command()
@click.argument("statute_path", metavar="STATUTE", type=click.Path(dir_okay=False))
@click.option(
    "--name", metavar="NAME", help="Its name in the address book (default: from the statute's name)."
)
@click.option(
    "--factory", metavar="ADDRESS", help="Use this cooperative factory instead of the recorded one."
)
@click.pass_obj
def deploy(ctx: AppContext, statute_path: str, name: str | None, factory: str | None) -> None:
    """Create a cooperative from a statute file, and record it in the address book.

    The factory (and the code behind every cooperative's contracts) is deployed once per chain. An
    interrupted deployment, run again with the same statute and name, picks up the transactions it already
    sent.
    """
    from ...chain.calls import checked_address
    from ...coop.addressbook import AddressBook
    from ...coop.deploy import create_cooperative, deploy_factory, plan
    from ...coop.statute import load_statute

    statute = load_statute(statute_path)
    name = name or _slug(statute.name)
    w3 = ctx.w3
    chain_id = w3.eth.chain_id
    book = AddressBook()
    known = book.coops().get(name)
    if known and (known["chain_id"] != chain_id or w3.eth.get_code(known["coop"]["membership"])):
        raise CoopError(f"a cooperative named {name!r} is already in the address book: choose --name")
    sender = ctx.sender()
    scope = f"coop:{name}"
    factory = checked_address(factory, "factory") if factory else book.factory(chain_id)
    if factory and not w3.eth.get_code(factory):
        factory = None  # a local chain that was reset: deploy a new one
    resumed = book.journal(chain_id, "factory").steps() or book.journal(chain_id, scope).steps()
    steps = plan(w3, sender, factory, statute)
    what = (
        "create the cooperative"
        if factory
        else f"deploy the factory, then create it: {len(steps)} transactions"
    )
    ctx.out.say(
        f"{statute.name!r} as {name!r} on chain {chain_id} ({ctx.url()}), from {sender.address}: {what}"
        + (" (resuming an interrupted deployment: what was sent is not sent again)" if resumed else "")
    )
    if not ctx.yes:  # the plan to decide on; with --yes each transaction's review follows anyway
        _show_plan(ctx, steps)
    if not ctx.confirm(f"send {'these' if len(steps) > 1 else 'this'} {len(steps)} transaction(s)?"):
        # a dry run simulates the first transaction it would send
        if factory:
            create_cooperative(w3, sender, factory, statute, review=ctx.review)
        else:
            deploy_factory(w3, sender, review=ctx.review)
        ctx.transacted(None, "", name=name)
        return
    if not factory:
        factory = deploy_factory(
            w3, sender, ctx.review, ctx.on_sent, journal=book.journal(chain_id, "factory")
        )
        book.set_factory(chain_id, factory)
        book.clear_journal(chain_id, "factory")
        ctx.out.say(f"factory deployed at {factory}")
    deployment = create_cooperative(
        w3, sender, factory, statute, ctx.review, ctx.on_sent, journal=book.journal(chain_id, scope)
    )
    entry = {**deployment.as_json(), "name": statute.name, "statute": str(Path(statute_path).resolve())}
    ctx.chain_saved()  # a resumed deployment's receipts came from the chain, not from a send just now
    book.add_coop(name, entry)
    book.clear_journal(chain_id, scope)
    lines = [
        f"{statute.name} is founded: {name!r} in the address book (chain {chain_id}, "
        f"block {deployment.block})"
    ]
    lines += [f"  {role:<10} {address}" for role, address in deployment.as_json()["coop"].items()]
    ctx.out.result({**deployment.as_json(), "name": name}, lines)


@click.command()
@click.pass_obj
def info(ctx: AppContext) -> None:
    """The cooperative at a glance: statute, members, capital, treasury and token."""
    from ...chain.units import from_base_units

    coop = ctx.cooperative()
    data = {"coop": coop.name, **coop.info()}
    s, m, c, t, k = data["statute"], data["members"], data["capital"], data["treasury"], data["token"]
    unit, dec = s["currency"], c["decimals"]

    def amount(value: int | None, decimals: int = dec, symbol: str = unit) -> str:
        return "-" if value is None else f"{from_base_units(value, decimals)} {symbol}"

    lines = [
        f"{data['name']} ({coop.name}, chain {data['chain_id']})",
        f"  share price {amount(s['share_price'])}, {s['min_shares']} to {s['max_shares']} shares per member,"
        f" admission: {s['admission']}" + (f" (board {s['board']})" if s["board"] else ""),
        f"  notice {s['notice_months']} months to the fiscal year end {s['fiscal_year_end']};"
        f" shares transferable: {'yes' if s['shares_transferable'] else 'no'};"
        f" a proxy carries up to {s['max_proxy_principals']} members",
        f"  voting: {_duration(s['voting_delay'])} delay, {_duration(s['voting_period'])} period,"
        f" quorum {s['quorum_percent']}%, timelock {_duration(s['timelock_delay'])}",
        f"  members {m['count']} ({m['with_voting_rights']} with a vote), {m['shares']} shares",
        f"  capital paid in {amount(c['paid_in'])}, escrow {amount(c['escrow'])},"
        f" refund claims {amount(c['refund_claims'])};"
        f" {amount(c['movable_to_treasury'])} may go to the treasury",
        f"  treasury {t['address']}: {amount(t['coin'], 18, 'ETH')}"
        + (f", {amount(t['payment_token'])}" if t["payment_token"] is not None else "")
        + f", {amount(t['coop_token'], k['decimals'], k['symbol'])}",
        f"  token {k['name']} ({k['symbol']}) {k['address']}:"
        f" supply {amount(k['total_supply'], 18, k['symbol'])}"
        + (f", cap {amount(k['cap'], 18, k['symbol'])}" if k["cap"] else ""),
    ]
    ctx.out.result(data, lines)


def _duration(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} s"


@click.command(name="list")
@click.pass_obj
def list_coops(ctx: AppContext) -> None:
    """The cooperatives in the address book (on every chain)."""
    from ...coop.addressbook import AddressBook

    coops = AddressBook().coops()
    data = [
        {"name": n, "title": e.get("name"), "chain_id": e["chain_id"], **e["coop"]} for n, e in coops.items()
    ]
    lines = [f"{d['name']:<20} chain {d['chain_id']:<8} {d['membership']}  {d['title'] or ''}" for d in data]
    ctx.out.result(
        data, lines or ["the address book is empty: `coop deploy STATUTE` or `coop add NAME FILE`"]
    )


@click.command()
@click.argument("name")
@click.argument("deployment_file", metavar="FILE", type=click.File("r"))
@click.pass_obj
def add(ctx: AppContext, name: str, deployment_file: click.utils.LazyFile) -> None:
    """Follow a cooperative someone else deployed: FILE is what `coop --json deploy` printed ('-' for stdin).

    The contracts are checked on the chain: that they exist and belong together.
    """
    import json

    from ...coop.addressbook import AddressBook
    from ...coop.cooperative import Cooperative
    from ...coop.deploy import Deployment

    try:
        data = json.load(deployment_file)
    except ValueError:
        raise CoopError(f"{deployment_file.name}: not JSON") from None
    deployment = Deployment.from_json(data)
    book = AddressBook()
    if name in book.coops():
        raise CoopError(f"a cooperative named {name!r} is already in the address book")
    chain_id = ctx.w3.eth.chain_id
    if deployment.chain_id != chain_id:
        raise CoopError(f"the deployment is on chain {deployment.chain_id}, the node is chain {chain_id}")
    coop = Cooperative(ctx.w3, deployment)
    from ...coop.deploy import ROLES

    for role in ROLES:
        if not ctx.w3.eth.get_code(getattr(deployment, role)):
            raise CoopError(f"no contract at the {role} address {getattr(deployment, role)}")
    try:
        linked = (
            coop.governor.functions.token().call() == deployment.votes
            and coop.votes.functions.register().call() == deployment.membership
            and coop.membership.functions.votes().call() == deployment.votes
            and coop.governor.functions.timelock().call() == deployment.timelock
            and coop.token.functions.owner().call() == deployment.timelock
            and coop.membership.functions.governance().call() == deployment.timelock
        )
    except Exception:  # a contract that does not answer as its role would
        linked = False
    if not linked:
        raise CoopError("these five contracts do not belong to one cooperative")
    title = coop.governor.functions.name().call()
    book.add_coop(name, {**deployment.as_json(), "name": title})
    ctx.out.result({**deployment.as_json(), "name": name}, [f"added {title!r} as {name!r}"])


@click.command()
@click.argument("name")
@click.pass_obj
def forget(ctx: AppContext, name: str) -> None:
    """Remove a cooperative from the address book (the chain is not touched)."""
    from ...coop.addressbook import AddressBook

    book = AddressBook()
    if name not in book.coops():
        raise CoopError(f"no cooperative named {name!r} in the address book")
    book.remove_coop(name)
    ctx.out.result({"forgotten": name}, [f"{name!r} removed from the address book"])


@click.command()
@click.argument("amount")
@click.option("--raw", is_flag=True, help="AMOUNT in wei.")
@click.pass_obj
def fund(ctx: AppContext, amount: str, raw: bool) -> None:
    """Pay AMOUNT of the chain's coin into the treasury (the timelock); only resolutions spend it."""
    from .token import amount_from

    coop = ctx.cooperative()
    value = amount_from(amount, raw)
    receipt = coop.fund_treasury(ctx.sender(), value)
    ctx.transacted(receipt, f"{amount}{' wei' if raw else ' ETH'} paid into the treasury", coop.names())


COMMANDS = [init, deploy, info, list_coops, add, forget, fund]
