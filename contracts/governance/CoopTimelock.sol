// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {TimelockControllerUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";

/**
 * @title CoopTimelock
 * @dev The cooperative's treasury and the executor of its resolutions: OpenZeppelin's TimelockController, used
 * through an ERC-1967 proxy. The implementation itself can never be initialised, so nobody can take it over. Coin it
 * receives is recorded in an event, so the treasury's books come from events alone, without historical chain state.
 * Only the timelock itself, executing a resolution, moves it to corrected code ({upgradeToAndCall}).
 */
contract CoopTimelock is TimelockControllerUpgradeable, UUPSUpgradeable {
    /// @dev Only the timelock itself, executing a resolution, may move the treasury to new code.
    error NotGovernance(address caller);

    /// @dev Emitted when the treasury receives the chain's coin.
    event FundsReceived(address indexed from, uint256 amount);

    constructor() {
        _disableInitializers();
    }

    /// @notice Accepts coin for the treasury (a donation, a surplus, a grant); only a resolution spends it.
    receive() external payable override {
        emit FundsReceived(msg.sender, msg.value);
    }

    /// @dev A move to new code is an operation of the timelock itself, as any change of its rules is.
    function _authorizeUpgrade(address) internal view override {
        if (msg.sender != address(this)) revert NotGovernance(msg.sender);
    }
}
