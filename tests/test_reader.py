"""The reader contract (`CoopReader`), run inside eth_call with its code placed by a state override: what
`coop member list`, `member show` and `proposals` show at 10,000 members in a few calls.

Every entry it reads must equal what the contracts' own views say one call at a time, on a cooperative
where every field is set (a proxy and its principals, a pending application, escrow returned, notice
given, an exit with its refund claim, dues); a node that takes no state override must still get the same
answers, one call at a time; and the word-by-word encoding and decoding must equal eth_abi's.
"""

from __future__ import annotations

import random

import pytest
from brownie import accounts, chain, web3
from conftest import AGAINST, end_voting, join, propose, resolve, start_voting
from eth_utils import keccak, to_checksum_address
from test_chainlog import Proxy

from dao_cli.chain import artifacts, undeployed
from dao_cli.chain.events import checksummed
from dao_cli.coop.cooperative import Cooperative


@pytest.fixture(scope="module")
def lively(module_isolation, make_coop, founders, board, deployer):
    """A cooperative (board mode) whose member list has every kind of entry, and three resolutions."""
    coop = make_coop(pay_in=False)
    m = coop.membership
    for f in founders[:2]:
        m.payIn({"from": f, "value": m.dueOf(f)})  # founders[2] still owes its shares
    join(coop, accounts[4], shares=3, board=board)
    join(coop, accounts[5], shares=1, board=board)
    join(coop, accounts[6], shares=2, board=board)
    price = m.terms()[1]
    m.submitApplication(2, b"\x02" * 32, {"from": accounts[7], "value": 2 * price})  # pending
    m.submitApplication(1, b"\x03" * 32, {"from": accounts[8], "value": price})
    m.reject(accounts[8], {"from": board})  # escrow returned, to be collected
    exit_at = m.giveNotice({"from": accounts[6]}).events["NoticeGiven"]["exitAt"]
    resolve(coop, [(accounts[9].address, 0, b"")], "Carried", [founders[0], founders[1], accounts[4]])
    lost, _ = propose(coop, founders[1], [(accounts[9].address, 0, b"")], "Voted down")
    start_voting(coop)
    coop.governor.castVote(lost, AGAINST, {"from": founders[1]})
    end_voting(coop)
    coop.votes.delegate(founders[0], {"from": accounts[4]})
    coop.votes.delegate(founders[0], {"from": accounts[5]})  # founders[0] carries two principals
    chain.sleep(exit_at - chain.time() + 1)
    chain.mine()
    m.completeExit(accounts[6], {"from": accounts[9]})  # gone, with a refund claim
    propose(coop, founders[0], [(accounts[9].address, 0, b"")], "Still pending")
    return Cooperative(web3, coop.deployment)


def by_calls(library, accounts_):
    block = web3.eth.block_number
    return [library._member_entry_by_calls(a, block) for a in accounts_]


def everyone(library):
    return [a.address for a in accounts[:10]] + [library.deployment.timelock]


def test_every_entry_the_reader_reads_is_what_the_contracts_say_one_call_at_a_time(lively, founders):
    asked = everyone(lively)
    entries = lively.member_entries(asked)
    assert entries == by_calls(lively, asked)
    entry = {e["address"]: e for e in entries}
    # the fixture set every field, so equality above compares real values, not zeros
    assert entry[founders[0].address]["principals"] == [accounts[4].address, accounts[5].address]
    assert entry[accounts[4].address]["proxy"] == founders[0].address
    assert entry[accounts[4].address]["votes"] == 0 and entry[founders[0].address]["votes"] == 3
    assert entry[founders[2].address]["due"] > 0
    assert entry[accounts[6].address]["status"] == "exited"
    assert entry[accounts[6].address]["refund_claim"] > 0 and entry[accounts[6].address]["exit_at"]
    assert entry[accounts[7].address]["application"] == {"shares": 2, "escrow": 2 * lively.share_price()}
    assert entry[accounts[8].address]["returned_escrow"] == lively.share_price()
    assert entry[lively.deployment.timelock]["status"] == "none"


def test_the_member_list_reads_pages_in_one_call_each_and_keeps_the_order(lively, monkeypatch):
    monkeypatch.setattr("dao_cli.coop.cooperative.PAGE", 2)  # six ever admitted: three pages, one batch
    sent = []
    real = web3.provider.make_batch_request
    monkeypatch.setattr(web3.provider, "make_batch_request", lambda b: sent.append(len(b)) or real(b))
    listed = lively.members(include_former=True)
    assert sent == [3]
    assert [e["address"] for e in listed] == [a.address for a in accounts[1:7]]  # in order of admission
    assert listed == by_calls(lively, [e["address"] for e in listed])
    current = lively.members()
    assert accounts[6].address not in {e["address"] for e in current}
    assert {e["status"] for e in current} <= {"active", "leaving"}


def test_applications_are_the_pending_ones_only(lively):
    pending = lively.applications()
    assert pending == [{"applicant": accounts[7].address, "shares": 2, "escrow": 2 * lively.share_price()}]


def test_resolutions_are_read_in_one_call_as_the_governor_says_one_at_a_time(lively, monkeypatch):
    ids = [p.id for p in lively.proposals()]
    assert len(ids) == 3
    entries = lively.resolution_entries(ids)
    assert entries == [{"state": lively.state(pid), **lively.tally(pid)} for pid in ids]
    assert [e["state"] for e in entries] == ["executed", "defeated", "pending"]
    assert entries[0]["for"] == 3 and entries[1]["against"] == 1


def test_a_proposal_is_found_by_its_id_among_all(lively):
    made = lively.proposals()
    assert [p.title for p in made] == ["Carried", "Voted down", "Still pending"]
    for p in made:
        found = lively.proposal(p.id)
        assert (found.id, found.title, found.tx, found.actions) == (p.id, p.title, p.tx, p.actions)
    with pytest.raises(Exception, match="no proposal 5 in this cooperative"):
        lively.proposal(5)


@pytest.fixture
def no_overrides():
    """A node in front of the test chain that takes no state override on eth_call, as geth's words say."""
    proxy = Proxy(web3.provider.endpoint_uri)
    real = proxy._answer

    def answer(item):
        if item.get("method") == "eth_call" and len(item.get("params", [])) > 2:
            with proxy.lock:
                proxy.calls.append(("eth_call", item["params"], "refused"))
            error = {"code": -32602, "message": "too many arguments, want at most 2"}
            return 200, {"jsonrpc": "2.0", "id": item.get("id"), "error": error}, None
        return real(item)

    proxy._answer = answer
    yield proxy
    proxy.stop()


def test_a_node_without_state_overrides_gets_the_same_entries_one_call_at_a_time(lively, no_overrides):
    from web3 import HTTPProvider, Web3

    plain = Cooperative(Web3(HTTPProvider(no_overrides.url)), lively.deployment)
    asked = everyone(lively)
    assert plain.member_entries(asked) == lively.member_entries(asked)
    refused = len(no_overrides.of("eth_call", "refused"))
    assert refused >= 1
    ids = [p.id for p in lively.proposals()]
    assert plain.resolution_entries(ids) == lively.resolution_entries(ids)
    assert len(no_overrides.of("eth_call", "refused")) == refused  # asked once, then it reads call by call
    assert len(no_overrides.of("eth_call", "served")) >= 9 * len(asked)


def test_the_reader_is_placed_where_no_key_and_no_contract_is():
    derived = to_checksum_address(keccak(text="coopdao: code placed by a state override")[12:])
    assert derived.lower() == undeployed.PLACED_AT
    assert web3.eth.get_code(derived) == b"" and web3.eth.get_transaction_count(derived) == 0


def test_a_reverting_read_is_an_error_in_words_not_a_fallback(lively):
    with pytest.raises(Exception, match="CoopReader.resolutionEntries could not read") as caught:
        lively.resolution_entries([12345])
    assert not isinstance(caught.value, undeployed.OverridesRefused)


def test_word_by_word_decoding_equals_eth_abi_on_random_answers():
    from eth_abi import decode, encode

    rng = random.Random(7)
    reader = {i["name"]: i for i in artifacts.abi("CoopReader") if i.get("type") == "function"}
    samples = [
        reader["memberEntries"]["outputs"],
        reader["resolutionEntries"]["outputs"],
        [{"type": "int256"}, {"type": "bool"}, {"type": "address[]"}, {"type": "uint8"}],
        [{"type": "tuple", "components": [{"type": "uint32"}, {"type": "int8"}]}, {"type": "uint256[]"}],
        [{"type": "string"}, {"type": "uint256"}],  # not word by word: handed to eth_abi
    ]

    def value(param):
        kind = param["type"]
        if kind.endswith("[]"):
            return tuple(value({**param, "type": kind[:-2]}) for _ in range(rng.randrange(4)))
        if kind == "tuple":
            return tuple(value(c) for c in param["components"])
        if kind == "address":
            return "0x" + rng.randbytes(20).hex()
        if kind == "bool":
            return rng.random() < 0.5
        if kind == "string":
            return "ünïcode"
        bits = int(kind.lstrip("uint") or 256)
        if kind.startswith("uint"):
            return rng.randrange(2**bits)
        return rng.randrange(-(2 ** (bits - 1)), 2 ** (bits - 1))

    for outputs in samples:
        types = [artifacts.param_type(o) for o in outputs]
        for _ in range(20):
            raw = encode(types, [value(o) for o in outputs])
            assert undeployed.decode_outputs(outputs, raw) == tuple(decode(types, raw))
    with pytest.raises(Exception, match="fewer bytes"):
        undeployed.decode_outputs(samples[0], b"\0" * 31)


def test_word_by_word_calldata_equals_eth_abi(lively):
    from eth_abi import encode
    from eth_utils import function_signature_to_4byte_selector

    members = [a.address for a in accounts[:5]]
    args = (lively.deployment.membership, lively.deployment.votes, members)
    expected = function_signature_to_4byte_selector("memberEntries(address,address,address[])") + encode(
        ["address", "address", "address[]"], list(args)
    )
    assert undeployed._calldata("CoopReader", "memberEntries", args) == "0x" + expected.hex()
    ids = [0, 1, 2**256 - 1]
    expected = function_signature_to_4byte_selector("resolutionEntries(address,uint256[])") + encode(
        ["address", "uint256[]"], [lively.deployment.governor, ids]
    )
    assert undeployed._calldata("CoopReader", "resolutionEntries", (lively.deployment.governor, ids)) == (
        "0x" + expected.hex()
    )
    with pytest.raises(Exception, match="not an address"):
        undeployed._calldata("CoopReader", "memberEntries", (lively.deployment.membership, "0x1234", []))
    with pytest.raises(Exception, match="not a number one word holds"):
        undeployed._calldata("CoopReader", "resolutionEntries", (lively.deployment.governor, [2**256]))


def test_addresses_are_spelled_as_eip55_says():
    rng = random.Random(55)
    for _ in range(200):
        address = "0x" + rng.randbytes(20).hex()
        assert checksummed(address) == to_checksum_address(address)
        assert checksummed(address.upper().replace("0X", "0x")) == to_checksum_address(address)
