// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockControllerUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";

/**
 * @title CoopTimelock
 * @dev The cooperative's treasury and the executor of its resolutions: OpenZeppelin's TimelockController, used
 * through clones. The implementation itself can never be initialised, so nobody can take it over. Coin it receives is
 * recorded in an event, so the treasury's books come from events alone, without historical chain state.
 */
contract CoopTimelock is TimelockControllerUpgradeable {
    /// @dev Emitted when the treasury receives the chain's coin.
    event FundsReceived(address indexed from, uint256 amount);

    constructor() {
        _disableInitializers();
    }

    /// @notice Accepts coin for the treasury (a donation, a surplus, a grant); only a resolution spends it.
    receive() external payable override {
        emit FundsReceived(msg.sender, msg.value);
    }
}
