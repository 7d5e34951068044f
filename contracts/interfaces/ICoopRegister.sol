// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ResolutionKind} from "../governance/ResolutionKind.sol";

/// @dev What the cooperative's governor and votes read from the member list.
interface ICoopRegister {
    /// @notice The kind of resolution a call to `selector` on the member list needs.
    function resolutionKindOf(bytes4 selector) external pure returns (ResolutionKind);

    /// @notice The cooperative's governance, the timelock that executes resolutions: the only account that may move
    /// the member list or the votes to new code.
    function governance() external view returns (address);
}
