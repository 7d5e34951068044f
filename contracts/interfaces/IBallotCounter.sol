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

/// @dev What the ballot box asks of a governor: its EIP-712 domain, and to count a batch of ballots whose signatures
/// it checked.
interface IBallotCounter is IERC5267 {
    /**
     * @notice Counts the ballots of `voters` on `proposalId`, each signed and checked by the ballot box (callable by the
     * box only), in one call: `support[i]` and `reasons[i]` are `voters[i]`'s. A ballot that cannot count is not
     * counted, and its outcome says why.
     * @return outcomes what became of each ballot, in the order given
     */
    function countRelayedBallots(
        uint256 proposalId,
        address[] calldata voters,
        uint8[] calldata support,
        string[] calldata reasons
    ) external returns (BallotOutcome[] memory outcomes);
}
