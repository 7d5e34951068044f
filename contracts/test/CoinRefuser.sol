// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Puppet} from "./Puppet.sol";

/**
 * @title CoinRefuser (test only)
 * @dev An applicant contract that refuses coin while its owner wants it to: a receiver that would block any payment
 * pushed to it, and with it the transaction that pushes it (a rejection, a batch of rejections).
 */
contract CoinRefuser is Puppet {
    /// @notice Whether coin sent to this contract is refused.
    bool public refusing = true;

    /// @dev Coin was sent while refusing.
    error CoinRefused(uint256 amount);

    /// @notice Creates the applicant for the caller; coin sent along pays its application.
    constructor() payable {}

    /// @notice Refuses coin from now on (`on`), or takes it.
    function setRefusing(bool on) external onlyOwner {
        refusing = on;
    }

    /// @notice Refuses coin while {refusing}.
    receive() external payable override {
        if (refusing) revert CoinRefused(msg.value);
    }
}
