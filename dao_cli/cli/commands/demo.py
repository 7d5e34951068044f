"""`coop demo`: the main job told on a fresh local chain (see dao_cli/coop/demo.py)."""

from __future__ import annotations

import click

from ...errors import CoopError
from ..context import LOCAL_NETWORKS, AppContext


@click.command()
@click.option("--keep", is_flag=True, help="Leave the demo chain running afterwards, to look around.")
@click.pass_obj
def demo(ctx: AppContext, keep: bool) -> None:
    """Found a cooperative on a fresh local chain and tell its first year, transaction by transaction.

    The demo chain is its own: the embedded chain `coop node` manages is not touched. With --rpc-url the
    demo runs on that chain instead (a development chain with 8 unlocked accounts).
    """
    from ...chain.connection import connect
    from ...coop.demo import run_demo

    node = None
    if ctx.rpc_url:
        url = ctx.rpc_url
    else:
        kind = ctx.network or "anvil"
        if kind not in LOCAL_NETWORKS:
            raise CoopError(f"the demo runs on a local chain ({', '.join(LOCAL_NETWORKS)}) or on --rpc-url")
        from ...chain.node import LocalNode
        from ...paths import data_dir

        node = LocalNode(kind, folder=data_dir() / "nodes" / f"demo-{kind}")
        node.reset()  # a fresh chain every time
        url, _, _ = node.start(ctx.out.say)
    try:
        w3 = connect(url)
        people = w3.eth.accounts
        if len(people) < 8:
            raise CoopError(f"the demo needs 8 unlocked development accounts; {url} has {len(people)}")
        say = ctx.out.say if ctx.json_mode else click.echo
        result = run_demo(w3, people, say=say)
    finally:
        if node is not None and not keep:
            node.stop()
    d = result["deployment"]
    summary = {
        **d.as_json(),
        "rpc_url": url if keep or ctx.rpc_url else None,
        "garden": {"state": result["state"], "received": result["received"]},
        "statute_changes": result["statute_changes"],
        "refunded": result["refunded"],
    }
    if ctx.json_mode:
        ctx.out.result(summary)
    elif keep and node:
        click.echo(f"\nThe demo chain keeps running at {url}: try `coop --rpc-url {url} info`")


COMMANDS = [demo]
