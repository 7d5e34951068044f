// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev What an account that registers with {HookToken} is called with, around every transfer it takes part in.
interface ITokenHooks {
    /// @dev Called on the sender before the balances move (ERC-777 `tokensToSend`).
    function tokensToSend(address operator, address from, address to, uint256 amount) external;

    /// @dev Called on the receiver after the balances moved (ERC-777 `tokensReceived`, ERC-1363).
    function tokensReceived(address operator, address from, address to, uint256 amount) external;
}

/**
 * @title HookToken (test only)
 * @dev An ERC-20 that calls back the accounts taking part in a transfer, as ERC-777 and ERC-1363 tokens do: a
 * payment token with hooks, through which a payer or a receiver runs code in the middle of a payment. Accounts
 * register themselves (as with the ERC-1820 registry); anyone may mint, it is a test token.
 */
contract HookToken is ERC20 {
    mapping(address account => bool) public registered;

    constructor() ERC20("Hook Token", "HOOK") {}

    /// @notice Mints `amount` for `to` (test token: anyone may).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Has the caller called back around its transfers (`on`), or no longer.
    function registerHooks(bool on) external {
        registered[msg.sender] = on;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && registered[from]) ITokenHooks(from).tokensToSend(msg.sender, from, to, value);
        super._update(from, to, value);
        if (to != address(0) && registered[to]) ITokenHooks(to).tokensReceived(msg.sender, from, to, value);
    }
}
