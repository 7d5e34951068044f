// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";

/// @dev What became of a signed ballot in the ballot box.
enum BallotOutcome {
    Counted,
    BadSignature,
    NotActive,
    InvalidSupport,
    NoVote,
    AlreadyVoted
}

/// @dev What the ballot box asks of a governor: its EIP-712 domain, and to count a ballot whose signature it checked.
interface IBallotCounter is IERC5267 {
    /// @notice Counts `voter`'s ballot, signed and checked by the ballot box (callable by the box only), or says why
    /// it cannot count.
    function countRelayedBallot(
        uint256 proposalId,
        address voter,
        uint8 support,
        string calldata reason
    ) external returns (BallotOutcome);
}
