"""`coop node start|stop|status|reset`: the embedded local chain (Anvil, or Ganache with --network ganache).

The work is in `dao_cli.chain.node`; these commands only pick the chain from the global options and print.
"""

from __future__ import annotations

import sys

import click

from ...errors import CoopError
from ..context import LOCAL_NETWORKS, AppContext


def _node(app: AppContext):  # -> dao_cli.chain.node.LocalNode (imported late, like every command's library)
    """The local node the global options name: no network means Anvil; --rpc-url has no local node."""
    if app.rpc_url:
        raise CoopError(
            "`coop node` manages the local chain coop runs itself: --rpc-url (or ETH_RPC_URL) does not apply"
        )
    kind = app.network or "anvil"
    if kind not in LOCAL_NETWORKS:
        raise CoopError(
            f"`coop node` manages the local chains ({', '.join(LOCAL_NETWORKS)}); {kind!r} is not one of them"
        )
    from ...chain.node import LocalNode

    return LocalNode(kind)


@click.group()
def node() -> None:
    """The local chain coop starts on demand: Anvil, or Ganache with --network ganache."""


@node.command()
@click.pass_obj
def start(app: AppContext) -> None:
    """Start the local chain (nothing happens if it runs)."""
    local = _node(app)
    url, pid, started = local.start(app.out.say)
    chain_id = local.kind.chain_id
    data = {"kind": local.kind.name, "started": started, "pid": pid, "url": url, "chain_id": chain_id}
    verb = "started" if started else "already running"
    app.out.result(data, f"local {local.kind.name} {verb}: {url} (chain {chain_id}, pid {pid})")


@node.command()
@click.pass_obj
def stop(app: AppContext) -> None:
    """Stop the local chain; its state is kept for the next start."""
    local = _node(app)
    data = local.stop()
    if not data["stopped"]:
        text = f"local {local.kind.name} is not running"
    else:
        how = "killed (it did not stop in time)" if data["forced"] else "stopped"
        text = f"local {local.kind.name} {how} (pid {data['pid']}); state kept in {local.state_path}"
    app.out.result(data, text)


@node.command()
@click.pass_obj
def status(app: AppContext) -> None:
    """Whether the local chain runs, where, and how big its saved state is."""
    local = _node(app)
    data = local.status()
    if data["running"]:
        lines = [f"local {local.kind.name}: running (pid {data['pid']}) at {data['url']}"]
        if data["responding"]:
            lines.append(f"  chain {data['chain_id']}, block {data['block']}")
        else:
            lines.append(f"  not answering; see {data['log']}")
    else:
        lines = [f"local {local.kind.name}: not running (starts on first need, or `coop node start`)"]
    lines.append(f"  state {data['state']} ({data['state_bytes']:,} bytes)")
    app.out.result(data, lines)


@node.command()
@click.pass_obj
def reset(app: AppContext) -> None:
    """Stop the local chain and delete its state: everything on it is gone."""
    local = _node(app)
    if not app.yes:
        question = f"delete the local {local.kind.name} chain and everything on it ({local.state_path})?"
        if not sys.stdin.isatty():
            raise CoopError("confirmation needed: run again with --yes to delete the local chain")
        if not click.confirm(question, default=False, err=True):
            raise click.exceptions.Abort()
    data = local.reset()
    app.out.result(
        data,
        f"local {local.kind.name} reset: the next start is a fresh chain "
        "(cooperatives recorded on it are gone)",
    )


@node.command()
@click.argument("duration")
@click.pass_obj
def advance(app: AppContext, duration: str) -> None:
    """Move the local chain's clock on by DURATION ('1 day', '7d', '36h') and mine a block: to try
    voting periods and notice dates without waiting."""
    from ...chain.connection import advance_time, connect
    from ...chain.units import date, parse_duration

    seconds = parse_duration(duration, "duration")
    local = _node(app)
    url = local.ensure_running(app.out.say)
    w3 = connect(url, timeout=app.timeout, notify=app.out.say)
    timestamp = advance_time(w3, seconds)
    local.save_state(url)  # the clock stays moved on even if the node is killed next
    app.out.result(
        {"kind": local.kind.name, "advanced": seconds, "timestamp": timestamp},
        f"local {local.kind.name}: the clock now reads {date(timestamp)}",
    )


@node.command()
@click.pass_obj
def install(app: AppContext) -> None:
    """Install the local chain into your data folder with npm (for a `pip install` of coop alone, where no
    checkout's node_modules has it)."""
    from ...chain.node import find_binary, install_binary

    local = _node(app)
    try:
        found = find_binary(local.kind)
        app.out.result({"kind": local.kind.name, "binary": found, "installed": False}, f"{found} is there")
        return
    except CoopError:
        pass
    binary = install_binary(local.kind, app.out.say)
    app.out.result({"kind": local.kind.name, "binary": binary, "installed": True}, f"installed {binary}")


@node.command()
@click.argument("address")
@click.argument("amount", default="10")
@click.pass_obj
def fund(app: AppContext, address: str, amount: str) -> None:
    """Give ADDRESS AMOUNT (default 10) of the local chain's test coin, from development account 0: a new
    keystore account has none to pay its gas with."""
    from ...chain.calls import checked_address
    from ...chain.outbox import Outbox
    from ...chain.transact import Payment, Sender, send
    from ...chain.units import from_base_units, to_base_units

    local = _node(app)
    who = checked_address(address, "address")
    value = to_base_units(amount, 18, "amount")
    if value <= 0:
        raise CoopError("the amount must be more than 0")
    url = local.ensure_running(app.out.say)
    w3 = app.w3
    giver = Sender(w3.eth.accounts[0]).keeping(Outbox())
    receipt = send(w3, giver, Payment(w3, who), value=value, review=app.review, on_sent=app.on_sent)
    app.transacted(receipt, f"{who} received {from_base_units(value)} ETH of test coin on {url}")


COMMANDS = [node]
