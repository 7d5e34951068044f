"""Shared fixtures: a cooperative created through the library's own deployment code, on the chain
brownie started.

Every test runs in isolation (brownie snapshots the chain and reverts it after each test).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from types import SimpleNamespace

import brownie
import pytest
from brownie import CoopGovernor, CoopMembership, CoopTimelock, CoopToken, CoopVotes, accounts, chain, web3
from brownie.exceptions import TransactionError
from brownie.network.account import _PrivateKeyAccount
from brownie.network.rpc import Rpc
from brownie.network.transaction import TransactionReceipt
from eth_account import Account
from eth_account.messages import encode_typed_data
from web3.exceptions import TransactionNotFound

from dao_cli.chain.transact import Sender
from dao_cli.coop.deploy import create_cooperative, deploy_factory
from dao_cli.coop.statute import parse_statute

DAY = 86400
ETHER = 10**18
FOR, AGAINST, ABSTAIN = 1, 0, 2
KIND_NAMES = ("none", "ordinary", "statute-change", "new-duties", "dissolution")
STATES = ("Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed")


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    """Each test starts from the chain as the fixtures left it."""


_await_confirmation = _PrivateKeyAccount._await_confirmation


def _await_confirmation_again(self, receipt, *args, **kwargs):
    """brownie 1.22 sometimes reports a transaction the chain mined as "dropped without known replacement"
    (seen now and then in CI, in tests that send many transactions and in the stateful test, whose examples
    reuse the nonces a chain revert gives back): its confirmation threads decide from the sender's nonce and
    from other receipts of the same nonce. Ask the node for the receipt, for a few seconds, before believing
    it."""
    try:
        return _await_confirmation(self, receipt, *args, **kwargs)
    except TransactionError as exc:
        if "dropped without known replacement" not in str(exc):
            raise
        for _ in range(20):
            try:
                web3.eth.get_transaction_receipt(receipt.txid)
            except TransactionNotFound:
                time.sleep(0.25)
                continue
            return TransactionReceipt(receipt.txid)
        raise


_PrivateKeyAccount._await_confirmation = _await_confirmation_again


def _without_caller_check():
    """brownie 1.22 wraps `Rpc.sleep`, `mine`, `snapshot` and `revert` in a check that walks the whole call
    stack (`inspect.stack()`) to warn when they are called other than through `chain` (a warning that
    pyproject.toml filters out: brownie's own compiled `chain` trips it). Every transaction takes a snapshot
    through it, and deep in hypothesis' stack each walk costs ~20 ms: half the stateful test's time. These
    are the same four methods without the check."""

    def sleep(self, seconds):
        return self.backend.sleep(seconds)

    def mine(self, timestamp=None):
        self.backend.mine(timestamp)
        return web3.eth.block_number

    def snapshot(self):
        return self._snapshot()

    def revert(self, snapshot_id):
        self.backend.revert(snapshot_id)
        return web3.eth.block_number

    Rpc.sleep, Rpc.mine, Rpc.snapshot, Rpc.revert = sleep, mine, snapshot, revert


_without_caller_check()


@pytest.fixture(scope="session")
def deployer():
    return accounts[0]


@pytest.fixture(scope="session")
def founders():
    return accounts[1:4]


@pytest.fixture(scope="session")
def board():
    return accounts[9]


@pytest.fixture(scope="module")
def factory(module_isolation, deployer):
    """The factory, deployed after brownie has reset the chain for the module (not before it)."""
    return deploy_factory(web3, Sender(deployer.address))


def statute_data(founder_accounts, board_account, **overrides):
    """A sample statute as a founder would write it, with `overrides` merged into its sections."""
    data = {
        "name": "Solarpark Nord eG",
        "founders": [f.address for f in founder_accounts],
        "admission": "board",
        "board": board_account.address,
        "shares": {"price": "1", "min": 1, "max": 10, "transferable": True},
        "notice_months": 3,
        "fiscal_year_end": "12-31",
        "proxy_principals": 2,
        "voting": {
            "delay": "1 day",
            "period": "7 days",
            "quorum_percent": 20,
            "timelock_delay": "2 days",
        },
        "token": {"name": "Solar Taler", "symbol": "SOL"},
    }
    for key, value in overrides.items():
        if isinstance(value, dict):
            data[key] = {**data.get(key, {}), **value}
        else:
            data[key] = value
    return data


@pytest.fixture(scope="module")
def make_coop(factory, deployer, founders, board):
    """Create a cooperative from the sample statute with `overrides`; founders pay in their shares."""

    def make(pay_in=True, **overrides):
        statute = parse_statute(statute_data(founders, board, **overrides))
        d = create_cooperative(web3, Sender(deployer.address), factory, statute)
        coop = SimpleNamespace(
            deployment=d,
            membership=CoopMembership.at(d.membership),
            votes=CoopVotes.at(d.votes),
            token=CoopToken.at(d.token),
            governor=CoopGovernor.at(d.governor),
            timelock=CoopTimelock.at(d.timelock),
            statute=statute,
        )
        if pay_in:
            for f in founders:
                coop.membership.payIn({"from": f, "value": coop.membership.dueOf(f)})
        return coop

    return make


@pytest.fixture(scope="module")
def coop(make_coop):
    return make_coop()


def fee(tx):
    """What `tx` cost its sender in gas (zero on Anvil, which runs at base fee 0; not on Ganache)."""
    return tx.gas_used * tx.gas_price


def reverts(error):
    """Expect a revert with the custom error `error` (brownie decodes it as "revert: Name: args")."""
    return brownie.reverts(revert_pattern=rf"{error}(: .*)?")


def join(coop, account, shares=1, board=None):
    """`account` applies and is admitted (by `board`, or at once in an open cooperative)."""
    price = coop.membership.terms()[1]
    coop.membership.submitApplication(shares, b"\x01" * 32, {"from": account, "value": shares * price})
    if board is not None:
        coop.membership.admit(account, {"from": board})


def propose(coop, proposer, calls, description, kind=None):
    """Propose `calls` [(contract, function name, args) or (address, value, calldata)]; return the id."""
    targets, values, datas = [], [], []
    for call in calls:
        if isinstance(call[1], str):
            contract, fn, args = call
            targets.append(contract.address)
            values.append(0)
            datas.append(getattr(contract, fn).encode_input(*args))
        else:
            targets.append(call[0])
            values.append(call[1])
            datas.append(call[2])
    if kind is not None:
        description = f"{description}\n\n#kind={KIND_NAMES[kind]}"
    tx = coop.governor.propose(targets, values, datas, description, {"from": proposer})
    return tx.events["ProposalCreated"]["proposalId"], (targets, values, datas, description)


def start_voting(coop):
    chain.sleep(coop.governor.votingDelay() + 1)
    chain.mine()


def end_voting(coop):
    chain.sleep(coop.governor.votingPeriod() + 1)
    chain.mine()


def state(coop, proposal_id):
    return STATES[coop.governor.state(proposal_id)]


def enact(coop, proposal, executor):
    """Queue and, after the timelock delay, execute a succeeded proposal."""
    targets, values, datas, description = proposal
    description_hash = web3.keccak(text=description)
    coop.governor.queue(targets, values, datas, description_hash, {"from": executor})
    chain.sleep(coop.timelock.getMinDelay() + 1)
    chain.mine()
    return coop.governor.execute(targets, values, datas, description_hash, {"from": executor})


def resolve(coop, calls, description, voters, kind=None):
    """Take a resolution with every voter in favour and carry it out."""
    proposal_id, proposal = propose(coop, voters[0], calls, description, kind)
    start_voting(coop)
    for voter in voters:
        coop.governor.castVote(proposal_id, FOR, {"from": voter})
    end_voting(coop)
    assert state(coop, proposal_id) == "Succeeded"
    return enact(coop, proposal, voters[0])


def exclusion_with_a_pending_vote(coop, voters, excluded):
    """Exclude `excluded` by a resolution `voters` carry, while a second proposal, whose snapshot comes
    before the exclusion, is still open; return that proposal's id."""
    exclusion_id, exclusion = propose(coop, voters[0], [(coop.membership, "exclude", (excluded,))], "Exclude")
    start_voting(coop)
    for voter in voters:
        coop.governor.castVote(exclusion_id, FOR, {"from": voter})
    chain.sleep(coop.governor.votingPeriod() - 2 * DAY)
    pending, _ = propose(coop, voters[0], [(accounts[8].address, 0, b"")], "Pending vote")
    end_voting(coop)
    enact(coop, exclusion, voters[0])
    assert not coop.votes.hasVotingRights(excluded)
    assert state(coop, pending) == "Active"
    return pending


# --------------------------------------------------------------------------- the `coop` command line


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def coop_home(tmp_path, monkeypatch):
    """A data folder of its own (keystores, address book, local nodes) for each test, and a HOME without the
    keystores of other tools."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("COOPDAO_HOME", str(home / "coopdao"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("COOP_ACCOUNT", raising=False)
    monkeypatch.delenv("COOP_PASSWORD", raising=False)
    return home


@pytest.fixture
def run_coop(coop_home):
    """Run `coop ARGS` in-process (click's CliRunner) against the chain brownie started, unless
    `rpc=False` (then the embedded node is used). Asserts the exit code is `expect`."""
    from click.testing import CliRunner

    from dao_cli.cli.main import main_group

    def run(*args, input=None, expect=0, rpc=True, env=None):
        environment = {"ETH_RPC_URL": web3.provider.endpoint_uri if rpc else None, **(env or {})}
        result = CliRunner().invoke(
            main_group, [str(a) for a in args], input=input, env=environment, catch_exceptions=False
        )
        out = CliResult(result.exit_code, result.stdout, result.stderr)
        assert out.exit_code == expect, f"exit {out.exit_code}\nstdout: {out.stdout}\nstderr: {out.stderr}"
        return out

    return run


# --------------------------------------------------------------------------- signed ballots


def eip712_signature(key, name, contract, primary, fields, message, chain_id=None):
    """`message` of type `primary` signed with `key` (EIP-712) for `contract` named `name` (version 1) on
    chain `chain_id` (this chain unless given), as a wallet signs it."""
    domain = {
        "name": name,
        "version": "1",
        "chainId": chain_id or web3.eth.chain_id,
        "verifyingContract": contract.address,
    }
    return Account.sign_message(encode_typed_data(domain, {primary: fields}, message), key).signature


def signed_ballot(governor, key, proposal_id, support, voter, nonce, chain_id=None):
    """An EIP-712 ballot signed with `key` for `governor` on chain `chain_id` (this chain unless given), as a
    wallet signs it for a relayer."""
    fields = [
        {"name": "proposalId", "type": "uint256"},
        {"name": "support", "type": "uint8"},
        {"name": "voter", "type": "address"},
        {"name": "nonce", "type": "uint256"},
    ]
    message = {"proposalId": proposal_id, "support": support, "voter": str(voter), "nonce": nonce}
    return eip712_signature(key, governor.name(), governor, "Ballot", fields, message, chain_id)


def signing_member(coop, deployer, board, name):
    """A member whose key the test holds, so it can sign ballots; returns (account, key)."""
    key = web3.keccak(text=f"coopdao {name}").hex()
    member = accounts.add(key)
    deployer.transfer(member, 5 * ETHER)  # shares and gas (Ganache charges for gas)
    join(coop, member, 1, board)
    return member, key
