// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockControllerUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";

/**
 * @title CoopTimelock
 * @dev The cooperative's treasury and the executor of its resolutions: OpenZeppelin's TimelockController, used
 * through clones. The implementation itself can never be initialised, so nobody can take it over.
 */
contract CoopTimelock is TimelockControllerUpgradeable {
    constructor() {
        _disableInitializers();
    }
}
