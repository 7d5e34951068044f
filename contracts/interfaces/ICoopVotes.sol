// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {ResolutionKind} from "../governance/ResolutionKind.sol";

/**
 * @dev What the cooperative's governor reads from the member list beyond {IERC5805}: a ballot's weight and the
 * member's permanent index in one call, current voting rights, and which calls are statute changes.
 */
interface ICoopVotes is IERC5805 {
    /// @notice Weight of `account`'s ballot for a proposal with snapshot `timepoint`: its votes then, counting only
    /// members with voting rights now; and its permanent index.
    function ballot(address account, uint256 timepoint) external view returns (uint256 weight, uint256 index);

    /// @notice The permanent index of `account` (0 if never admitted).
    function voterIndex(address account) external view returns (uint256);

    /// @notice Whether `account` has voting rights now.
    function hasVotingRights(address account) external view returns (bool);

    /// @notice The kind of resolution a call to `selector` on the member list needs.
    function resolutionKindOf(bytes4 selector) external pure returns (ResolutionKind);
}
