"""Every error a member can meet is a sentence: each custom error of every ABI the package ships (the
project's and OpenZeppelin's) and every panic code, with amounts, dates and durations in human units."""

import re

import pytest
from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector

from dao_cli.chain import artifacts
from dao_cli.chain.error_words import PANICS, WORDS
from dao_cli.chain.reverts import Units, explain

#: a time the sentences must show as a date, never as a number
WHEN = 1830297599  # 2027-12-31 23:59:59 UTC


def shipped_errors():
    """{name: ABI item} of every custom error in the shipped artifacts."""
    errors = {}
    for contract in artifacts.CONTRACTS:
        for item in artifacts.abi(contract):
            if item.get("type") == "error":
                errors.setdefault(item["name"], item)
    return errors


def sample(kind):
    """An argument of ABI type `kind` for an example revert."""
    if kind == "address":
        return "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    if kind.startswith("uint") or kind.startswith("int"):
        bits = int(kind.removeprefix("u").removeprefix("int") or 256)
        return WHEN if bits >= 48 else 7
    if kind.startswith("bytes"):
        return b"\x01" * (int(kind[5:]) if kind[5:] else 4)
    if kind == "string":
        return "some text"
    if kind == "bool":
        return True
    raise AssertionError(f"no sample for {kind}")


def revert_data(item):
    types = [artifacts.param_type(i) for i in item["inputs"]]
    selector = function_signature_to_4byte_selector(f"{item['name']}({','.join(types)})")
    return "0x" + (selector + encode(types, [sample(t) for t in types])).hex()


def test_every_shipped_error_has_a_sentence_and_no_other():
    errors = shipped_errors()
    assert len(errors) > 80, "the ABIs were not read"
    missing = sorted(set(errors) - set(WORDS))
    assert not missing, f"errors without words: {missing}"
    stale = sorted(set(WORDS) - set(errors))
    assert not stale, f"words for errors no shipped contract has: {stale}"


@pytest.mark.parametrize("name", sorted(shipped_errors()))
def test_each_error_reads_as_words(name):
    item = shipped_errors()[name]
    text = explain(revert_data(item), Units(currency=("ETH", 18), token=("SOLT", 18)))
    assert name not in text, text
    assert str(WHEN) not in text or ":date}" not in WORDS[name], f"a raw timestamp: {text}"
    if ":date}" in WORDS[name]:
        assert "2027-12-31 23:59Z" in text, text
    if ":amount}" in WORDS[name] or ":token}" in WORDS[name]:
        assert re.search(r"\d ETH|\d SOLT", text), text
    assert text == text.strip() and "\n" not in text and "{" not in text, text


def test_every_panic_code_reads_as_words():
    for code in (0x00, 0x01, 0x11, 0x12, 0x21, 0x22, 0x31, 0x32, 0x41, 0x51):
        data = "0x4e487b71" + encode(["uint256"], [code]).hex()
        text = explain(data)
        assert text == PANICS[code] and "panic" not in text.replace("a generic panic", ""), text


def test_amounts_follow_the_cooperative_s_currency():
    item = shipped_errors()["WrongPayment"]
    types = [artifacts.param_type(i) for i in item["inputs"]]
    selector = function_signature_to_4byte_selector(f"WrongPayment({','.join(types)})")
    data = "0x" + (selector + encode(types, [10**18, 5 * 10**17])).hex()
    assert explain(data) == "the payment is 0.5 ETH, but this takes exactly 1 ETH"
    in_token = explain(data, Units(currency=("FEUR", 6)))
    assert in_token == "the payment is 500000000000 FEUR, but this takes exactly 1000000000000 FEUR"
