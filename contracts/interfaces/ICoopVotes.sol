// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";

/**
 * @dev The cooperative's votes beyond {IERC5805}: what its governor reads (a ballot's weight and the member's
 * permanent index in one call, current voting rights, the member list, the quorum) and what its member list calls
 * (granting and ending voting rights, the statute's proxy limit and quorum).
 */
interface ICoopVotes is IERC5805 {
    /// @notice Weight of `account`'s ballot for a proposal with snapshot `timepoint`: its votes then, counting only
    /// members with voting rights both then and now; and its permanent index.
    function ballot(address account, uint256 timepoint) external view returns (uint256 weight, uint256 index);

    /// @notice {ballot} for each of `accounts` at one snapshot, in one call: a batch of ballots on one proposal.
    function ballots(
        address[] calldata accounts,
        uint256 timepoint
    ) external view returns (uint256[] memory weights, uint256[] memory indexes);

    /// @notice The permanent index of `account` (0 if never admitted).
    function voterIndex(address account) external view returns (uint256);

    /// @notice Whether `account` has voting rights now.
    function hasVotingRights(address account) external view returns (bool);

    /// @notice The member list that grants and ends voting rights.
    function register() external view returns (address);

    /// @notice Gives a newly admitted member its vote (member list only).
    function grantVotingRights(address account) external;

    /// @notice Fixes the last second of `account`'s voting rights, the exit date its notice set (member list only).
    function endVotingRightsAt(address account, uint256 lastSecond) external;

    /// @notice Ends `account`'s voting rights now, if they have not ended already (member list only).
    function revokeVotingRights(address account) external;

    /// @notice Sets the statute's proxy limit, 1 or 2 principals (member list only, by resolution).
    function setMaxPrincipals(uint256 limit) external;

    /// @notice Sets the statute's quorum, 1 to 100 percent, for proposals with a snapshot from now on (member list
    /// only, by resolution).
    function setQuorum(uint256 percent) external;

    /// @notice Members who must cast a ballot on a proposal with snapshot `timepoint`: the statute's quorum then, of
    /// the members with voting rights then, rounded up.
    function quorum(uint256 timepoint) external view returns (uint256);

    /// @notice The statute's quorum, in percent, for a proposal with snapshot `timepoint`.
    function quorumNumerator(uint256 timepoint) external view returns (uint256);
}
