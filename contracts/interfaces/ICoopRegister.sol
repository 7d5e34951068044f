// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ResolutionKind} from "../governance/ResolutionKind.sol";

/// @dev What the cooperative's governor reads from the member list.
interface ICoopRegister {
    /// @notice The kind of resolution a call to `selector` on the member list needs.
    function resolutionKindOf(bytes4 selector) external pure returns (ResolutionKind);
}
