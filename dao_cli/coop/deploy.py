"""Creating cooperatives: the shared factory (deployed once per chain) and one cooperative per statute."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..chain import artifacts
from ..chain.transact import OnSent, Prepared, Review, Sender, send
from ..errors import CoopError

if TYPE_CHECKING:
    from web3 import Web3

    from .statute import Statute

#: The implementations in the order the factory's constructor takes them; the roles of a cooperative's
#: proxies.
IMPLEMENTATIONS = ("CoopMembership", "CoopVotes", "CoopToken", "CoopGovernor", "CoopTimelock")
#: Stateless contracts deployed first, shared by all cooperatives; the governor's takes their addresses.
SHARED = ("BallotBox", "ResolutionRules")
ROLES = ("membership", "votes", "token", "governor", "timelock")


@dataclass(frozen=True)
class Deployment:
    """Where a cooperative lives: its chain, its creation block and its five contracts."""

    chain_id: int
    block: int
    membership: str
    votes: str
    token: str
    governor: str
    timelock: str

    def as_json(self) -> dict[str, Any]:
        """The stable JSON shape: {"chain_id", "block", "coop": {membership, votes, token, governor,
        timelock}}."""
        coop = {k: v for k, v in asdict(self).items() if k not in ("chain_id", "block")}
        return {"chain_id": self.chain_id, "block": self.block, "coop": coop}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Deployment:
        """A deployment from its JSON shape (what `coop --json deploy` prints), addresses checked."""
        from ..chain.calls import checked_address

        try:
            coop = data["coop"]
            if "votes" not in coop and "membership" in coop:
                raise CoopError(
                    "this cooperative was created by an earlier coopdao, whose member list held the votes; "
                    "this version needs a separate votes contract: create the cooperative anew"
                )
            return cls(
                chain_id=int(data["chain_id"]),
                block=int(data["block"]),
                **{role: checked_address(coop[role], role) for role in ROLES},
            )
        except (KeyError, TypeError, ValueError):
            raise CoopError(
                'not a deployment: expected {"chain_id", "block", "coop": {membership, votes, token, '
                "governor, timelock}} as `coop --json deploy` prints it"
            ) from None


class Journal(Protocol):
    """Where a deployment notes the hashes of the transactions it sent, so that an interrupted run, started
    again, picks up their receipts instead of sending them twice (the CLI keeps it in the address book)."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, tx_hash: str) -> None: ...


def deploy_factory(
    w3: Web3,
    sender: Sender,
    review: Review | None = None,
    on_sent: OnSent | None = None,
    journal: Journal | None = None,
) -> str | None:
    """Deploy the shared ballot box and resolution rules, the five implementations and the factory that
    creates a cooperative's proxies of them; return the factory's address (None on a dry run).

    Done once per chain: every cooperative created afterwards costs only its proxies and their set-up.
    """
    shared = []
    for name in SHARED:
        receipt = _deploy(w3, sender, name, (), review, on_sent, journal)
        if receipt is None:
            return None
        shared.append(receipt["contractAddress"])
    implementations = []
    for name in IMPLEMENTATIONS:
        args = tuple(shared) if name == "CoopGovernor" else ()
        receipt = _deploy(w3, sender, name, args, review, on_sent, journal)
        if receipt is None:
            return None
        implementations.append(receipt["contractAddress"])
    receipt = _deploy(w3, sender, "CoopFactory", tuple(implementations), review, on_sent, journal)
    return None if receipt is None else receipt["contractAddress"]


def plan(w3: Web3, sender: Sender, factory: str | None, statute: Statute) -> list[Prepared | str]:
    """What `coop deploy` will send, each transaction simulated where it can be before the others exist:
    the implementations and the factory (when the chain has none yet), then the cooperative. A step that
    needs an address not known yet is named, not simulated."""
    from ..chain.transact import prepare

    steps: list[Prepared | str] = []
    if factory is None:
        for name in (*SHARED, *IMPLEMENTATIONS):
            contract = w3.eth.contract(abi=artifacts.abi(name), bytecode=artifacts.bytecode(name))
            # the governor only keeps the shared contracts' addresses: any addresses give its gas
            args = [sender.address] * len(SHARED) if name == "CoopGovernor" else []
            constructor = contract.constructor(*args)
            constructor.description = f"deploy {name}"
            steps.append(prepare(w3, sender, constructor))
        # the factory only keeps the implementations' addresses: any addresses give its gas
        contract = w3.eth.contract(
            abi=artifacts.abi("CoopFactory"), bytecode=artifacts.bytecode("CoopFactory")
        )
        constructor = contract.constructor(*[sender.address] * len(IMPLEMENTATIONS))
        constructor.description = "deploy CoopFactory"
        steps.append(prepare(w3, sender, constructor))
        steps.append(f"createCooperative({statute.name!r}) on the new factory")
    else:
        contract = w3.eth.contract(address=factory, abi=artifacts.abi("CoopFactory"))
        steps.append(prepare(w3, sender, contract.functions.createCooperative(*statute.factory_args())))
    return steps


def create_cooperative(
    w3: Web3,
    sender: Sender,
    factory: str,
    statute: Statute,
    review: Review | None = None,
    on_sent: OnSent | None = None,
    journal: Journal | None = None,
    key: str = "cooperative",
) -> Deployment | None:
    """Create a cooperative from `statute` through the factory at `factory` (None on a dry run)."""
    from web3.logs import DISCARD

    if not w3.eth.get_code(factory):
        raise CoopError(f"no cooperative factory at {factory} on this chain")
    contract = w3.eth.contract(address=factory, abi=artifacts.abi("CoopFactory"))
    call = contract.functions.createCooperative(*statute.factory_args())
    receipt = _journaled_send(w3, sender, call, review, on_sent, journal, key)
    if receipt is None:
        return None
    events = contract.events.CooperativeCreated().process_receipt(receipt, errors=DISCARD)
    if not events:
        raise CoopError("the factory did not report the new cooperative")
    created = events[0]["args"]
    return Deployment(
        chain_id=w3.eth.chain_id,
        block=receipt["blockNumber"],
        membership=created["membership"],
        votes=created["votes"],
        token=created["token"],
        governor=created["governor"],
        timelock=created["timelock"],
    )


def _deploy(
    w3: Web3,
    sender: Sender,
    name: str,
    args: tuple[Any, ...],
    review: Review | None,
    on_sent: OnSent | None,
    journal: Journal | None,
) -> Any:
    factory = w3.eth.contract(abi=artifacts.abi(name), bytecode=artifacts.bytecode(name))
    constructor = factory.constructor(*args)
    constructor.description = f"deploy {name}" + (f" with {len(args)} arguments" if args else "")
    return _journaled_send(w3, sender, constructor, review, on_sent, journal, name)


def _journaled_send(
    w3: Web3,
    sender: Sender,
    call: Any,
    review: Review | None,
    on_sent: OnSent | None,
    journal: Journal | None,
    key: str,
) -> Any:
    """Send `call` unless the journal knows a transaction for `key` that succeeded (or is still pending)."""
    if journal is not None:
        earlier = journal.get(key)
        if earlier:
            receipt = _earlier_receipt(w3, sender, earlier, on_sent)
            if receipt is not None and receipt["status"] == 1:
                return receipt

    def noted(tx_hash: str) -> Any:
        if journal is not None:
            journal.put(key, tx_hash)
        return on_sent(tx_hash) if on_sent else None

    return send(w3, sender, call, review=review, on_sent=noted)


def _earlier_receipt(w3: Web3, sender: Sender, tx_hash: str, on_sent: OnSent | None) -> Any:
    """The receipt of a transaction an earlier run sent: waited for while pending (as any transaction is),
    None if the chain never saw it (dropped, or the local chain was reset)."""
    from web3.exceptions import TransactionNotFound

    from ..chain.transact import await_sent

    try:
        return w3.eth.get_transaction_receipt(tx_hash)
    except TransactionNotFound:
        pass
    try:
        w3.eth.get_transaction(tx_hash)
    except TransactionNotFound:
        return None
    return await_sent(w3, sender, tx_hash, on_sent)
