"""The cooperative token, and who holds power after creation: governance through the timelock, nobody else."""

import brownie
from brownie import ZERO_ADDRESS, accounts, web3
from conftest import ETHER, resolve, reverts


def test_token_carries_statute_name_and_no_votes(coop):
    assert coop.token.name() == "Solar Taler"
    assert coop.token.symbol() == "SOL"
    assert coop.token.totalSupply() == 0
    assert not hasattr(coop.token, "getVotes")


def test_tokens_are_minted_and_burned_only_by_resolution(coop, founders):
    with reverts("OwnableUnauthorizedAccount"):
        coop.token.mint(founders[0], ETHER, {"from": founders[0]})
    resolve(
        coop,
        [
            (coop.token, "mint", (founders[0], 100 * ETHER)),
            (coop.token, "mint", (coop.timelock, 50 * ETHER)),
        ],
        "Issue Solar Taler",
        founders,
    )
    assert coop.token.balanceOf(founders[0]) == 100 * ETHER
    with reverts("OwnableUnauthorizedAccount"):
        coop.token.burn(ETHER, {"from": founders[0]})
    resolve(coop, [(coop.token, "burn", (20 * ETHER,))], "Burn from the treasury", founders)
    assert coop.token.totalSupply() == 130 * ETHER
    # members spend the token freely
    coop.token.transfer(founders[1], 10 * ETHER, {"from": founders[0]})
    assert coop.token.balanceOf(founders[1]) == 10 * ETHER


def test_token_cap(make_coop, founders):
    coop = make_coop(token={"cap": "1000"})
    assert coop.token.cap() == 1000 * ETHER
    resolve(coop, [(coop.token, "mint", (founders[0], 1000 * ETHER))], "Mint to the cap", founders)
    with reverts("ExceededCap"):
        resolve(coop, [(coop.token, "mint", (founders[0], 1))], "Mint over the cap", founders)


def test_token_permit(coop, founders):
    from eth_account import Account
    from eth_account.messages import encode_typed_data

    owner = Account.from_key(web3.keccak(text="coopdao permit owner").hex())
    spender = founders[1]
    deadline = 2**40
    domain = {
        "name": "Solar Taler",
        "version": "1",
        "chainId": web3.eth.chain_id,
        "verifyingContract": coop.token.address,
    }
    types = {
        "Permit": [
            {"name": "owner", "type": "address"},
            {"name": "spender", "type": "address"},
            {"name": "value", "type": "uint256"},
            {"name": "nonce", "type": "uint256"},
            {"name": "deadline", "type": "uint256"},
        ]
    }
    message = {
        "owner": owner.address,
        "spender": spender.address,
        "value": 5,
        "nonce": 0,
        "deadline": deadline,
    }
    sig = Account.sign_message(encode_typed_data(domain, types, message), owner.key)
    coop.token.permit(owner.address, spender, 5, deadline, sig.v, sig.r, sig.s, {"from": founders[2]})
    assert coop.token.allowance(owner.address, spender) == 5


def test_no_admin_key_is_left(coop, deployer, founders, board, factory):
    timelock = coop.timelock
    everyone = [
        deployer,
        factory,
        board,
        *founders,
        coop.governor.address,
        coop.membership.address,
        coop.votes.address,
    ]
    for role_name in ("DEFAULT_ADMIN_ROLE", "PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"):
        role = getattr(timelock, role_name)()
        holders = [a for a in everyone if timelock.hasRole(role, a)]
        if role_name == "DEFAULT_ADMIN_ROLE":
            assert holders == []
            assert timelock.hasRole(role, timelock.address)
        else:
            assert holders == [coop.governor.address]
        assert not timelock.hasRole(role, ZERO_ADDRESS)
    assert coop.token.owner() == timelock.address
    assert coop.membership.governance() == timelock.address
    assert coop.governor.timelock() == timelock.address
    assert coop.governor.token() == coop.votes.address
    assert coop.votes.register() == coop.membership.address
    assert coop.membership.votes() == coop.votes.address
    # nothing can be initialised again, neither the proxies nor the implementations
    factory_contract = brownie.CoopFactory.at(factory)
    terms = coop.membership.terms()
    own = (deployer, deployer, deployer, deployer)
    fresh = [deployer, board, accounts[5]]
    attempts = {
        "token": lambda c: c.initialize("X", "X", 0, deployer, {"from": deployer}),
        "governor": lambda c: c.initialize("X", deployer, deployer, 1, 1, {"from": deployer}),
        "timelock": lambda c: c.initialize(1, [deployer], [deployer], deployer, {"from": deployer}),
        "votes": lambda c: c.initialize(deployer, 2, 10, {"from": deployer}),
        "membership": lambda c: c.initialize(terms, own, deployer, fresh, {"from": deployer}),
    }
    containers = {
        "token": brownie.CoopToken,
        "governor": brownie.CoopGovernor,
        "timelock": brownie.CoopTimelock,
        "votes": brownie.CoopVotes,
        "membership": brownie.CoopMembership,
    }
    for role, attempt in attempts.items():
        proxy = containers[role].at(getattr(coop, role).address)
        implementation = containers[role].at(getattr(factory_contract, f"{role}Implementation")())
        for contract in (proxy, implementation):
            with reverts("InvalidInitialization"):
                attempt(contract)


def test_board_is_appointed_and_removed_by_the_assembly(coop, founders, board):
    resolve(coop, [(coop.membership, "setBoard", (founders[0],))], "New board", founders)
    assert coop.membership.board() == founders[0]
    applicant = accounts[4]
    coop.membership.submitApplication(1, b"\x00" * 32, {"from": applicant, "value": ETHER})
    with reverts("NotAdmittingBody"):
        coop.membership.admit(applicant, {"from": board})
    coop.membership.admit(applicant, {"from": founders[0]})


def test_assembly_admission(make_coop, founders):
    coop = make_coop(admission="assembly", board=None)
    applicant = accounts[4]
    coop.membership.submitApplication(1, b"\x00" * 32, {"from": applicant, "value": ETHER})
    with reverts("NotAdmittingBody"):
        coop.membership.admit(applicant, {"from": founders[0]})
    resolve(coop, [(coop.membership, "admit", (applicant,))], "Admit applicant", founders)
    assert coop.votes.getVotes(applicant) == 1
