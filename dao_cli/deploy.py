"""Creating cooperatives: the shared factory (deployed once per chain) and one cooperative per statute."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from . import artifacts
from .errors import CoopError
from .transact import Sender, deploy, send

if TYPE_CHECKING:
    from web3 import Web3

    from .statute import Statute

IMPLEMENTATIONS = ("CoopMembership", "CoopToken", "CoopGovernor", "CoopTimelock")


@dataclass(frozen=True)
class Deployment:
    """Where a cooperative lives: its chain, its creation block and its four contracts."""

    chain_id: int
    block: int
    membership: str
    token: str
    governor: str
    timelock: str

    def as_json(self) -> dict[str, Any]:
        """The stable JSON shape: {"chain_id", "block", "coop": {membership, token, governor, timelock}}."""
        coop = {k: v for k, v in asdict(self).items() if k not in ("chain_id", "block")}
        return {"chain_id": self.chain_id, "block": self.block, "coop": coop}


def deploy_factory(w3: Web3, sender: Sender) -> str:
    """Deploy the four implementations and the factory that clones them; return the factory's address.

    Done once per chain: every cooperative created afterwards costs only its clones and their set-up.
    """
    implementations = [deploy(w3, sender, name) for name in IMPLEMENTATIONS]
    return deploy(w3, sender, "CoopFactory", *implementations)


def create_cooperative(w3: Web3, sender: Sender, factory: str, statute: Statute) -> Deployment:
    """Create a cooperative from `statute` through the factory at `factory`."""
    from web3.logs import DISCARD

    if not w3.eth.get_code(factory):
        raise CoopError(f"no cooperative factory at {factory} on this chain")
    contract = w3.eth.contract(address=factory, abi=artifacts.abi("CoopFactory"))
    receipt = send(w3, sender, contract.functions.createCooperative(*statute.factory_args()))
    events = contract.events.CooperativeCreated().process_receipt(receipt, errors=DISCARD)
    if not events:
        raise CoopError("the factory did not report the new cooperative")
    created = events[0]["args"]
    return Deployment(
        chain_id=w3.eth.chain_id,
        block=receipt["blockNumber"],
        membership=created["membership"],
        token=created["token"],
        governor=created["governor"],
        timelock=created["timelock"],
    )
