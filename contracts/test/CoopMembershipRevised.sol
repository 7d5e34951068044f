// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CoopMembership} from "../membership/CoopMembership.sol";

/**
 * @dev Test double: a corrected member list as a later release would ship it, the same storage layout with one more
 * function, so that tests can move a live cooperative to it and see the new code take effect.
 */
contract CoopMembershipRevised is CoopMembership {
    /// @notice Which revision of the member list this is.
    function revision() external pure returns (uint256) {
        return 2;
    }
}
