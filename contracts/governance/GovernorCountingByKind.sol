// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {GovernorUpgradeable} from "@openzeppelin/contracts-upgradeable/governance/GovernorUpgradeable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ResolutionKind, requiredMajority as majorityOf} from "./ResolutionKind.sol";

/**
 * @title GovernorCountingByKind
 * @dev Counting for a cooperative's resolutions: for, against and abstain as in GovernorCountingSimple (so front ends
 * read {proposalVotes} as usual), but the majority a proposal needs depends on its {ResolutionKind}, and quorum counts
 * every ballot cast (participation), abstentions included.
 *
 * Ballots are marked in a bitmap by the member's permanent index, and the three counts and the kind share one storage
 * slot: a later voter pays two warm-ish storage writes instead of a fresh slot per voter.
 */
abstract contract GovernorCountingByKind is GovernorUpgradeable {
    enum VoteType {
        Against,
        For,
        Abstain
    }

    struct Tally {
        uint64 againstVotes;
        uint64 forVotes;
        uint64 abstainVotes;
        ResolutionKind kind;
    }

    mapping(uint256 proposalId => Tally) private _tallies;
    mapping(uint256 proposalId => mapping(uint256 word => uint256)) private _ballots;

    /// @dev Emitted when a proposal's kind (and so its required majority) is fixed.
    event ProposalKindSet(uint256 indexed proposalId, ResolutionKind kind);

    /// @dev The account has already voted on this proposal (itself or through its proxy).
    error AlreadyVoted(uint256 proposalId, address account);

    /// @notice See {IGovernor-COUNTING_MODE}.
    // solhint-disable-next-line func-name-mixedcase
    function COUNTING_MODE() public pure virtual override returns (string memory) {
        return "support=bravo&quorum=for,against,abstain";
    }

    /// @notice See {IGovernor-hasVoted}.
    function hasVoted(uint256 proposalId, address account) public view virtual override returns (bool) {
        uint256 index = _voterIndex(account);
        return index != 0 && _ballots[proposalId][index >> 8] & (1 << (index & 0xff)) != 0;
    }

    /// @notice Ballots cast on `proposalId`, in GovernorCountingSimple's order.
    function proposalVotes(
        uint256 proposalId
    ) public view virtual returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes) {
        Tally storage t = _tallies[proposalId];
        return (t.againstVotes, t.forVotes, t.abstainVotes);
    }

    /// @notice The kind of resolution `proposalId` is, which fixes the majority it needs.
    function proposalKind(uint256 proposalId) public view returns (ResolutionKind) {
        return _tallies[proposalId].kind;
    }

    /// @notice The share of votes cast (for + against) that must be for, as a fraction `numerator / denominator`;
    /// an ordinary resolution needs strictly more than half.
    function requiredMajority(ResolutionKind kind) public pure returns (uint256 numerator, uint256 denominator) {
        return majorityOf(kind);
    }

    /// @dev The permanent ballot index of `account` (0: none).
    function _voterIndex(address account) internal view virtual returns (uint256);

    /// @dev Fixes `kind` for a new proposal, or raises it to a stricter kind.
    function _setProposalKind(uint256 proposalId, ResolutionKind kind) internal {
        _tallies[proposalId].kind = kind;
        emit ProposalKindSet(proposalId, kind);
    }

    /// @dev Quorum: every ballot counts towards participation.
    function _quorumReached(uint256 proposalId) internal view virtual override returns (bool) {
        Tally storage t = _tallies[proposalId];
        return quorum(proposalSnapshot(proposalId)) <= uint256(t.forVotes) + t.againstVotes + t.abstainVotes;
    }

    /// @dev Majority of votes cast by kind; abstentions are not votes cast (GenG §43(2)).
    function _voteSucceeded(uint256 proposalId) internal view virtual override returns (bool) {
        Tally storage t = _tallies[proposalId];
        uint256 forVotes = t.forVotes;
        uint256 againstVotes = t.againstVotes;
        if (forVotes == 0) return false;
        (uint256 numerator, uint256 denominator) = requiredMajority(t.kind);
        if (numerator * 2 == denominator) return forVotes > againstVotes;
        return forVotes * (denominator - numerator) >= againstVotes * numerator;
    }

    /// @dev See {Governor-_countVote}: marks the ballot of `account` and adds `weight` to the chosen count.
    function _countVote(
        uint256 proposalId,
        address account,
        uint8 support,
        uint256 weight,
        bytes memory
    ) internal virtual override returns (uint256) {
        if (!_countBallot(proposalId, _voterIndex(account), support, weight)) revert AlreadyVoted(proposalId, account);
        return weight;
    }

    /// @dev Marks the ballot of the voter with `index` and counts `weight` for `support` (a valid choice); false,
    /// and nothing counted, if that voter has voted already.
    function _countBallot(uint256 proposalId, uint256 index, uint8 support, uint256 weight) internal returns (bool) {
        if (!_markBallot(proposalId, index)) return false;
        if (support == uint8(VoteType.Against)) _addToTally(proposalId, weight, 0, 0);
        else if (support == uint8(VoteType.For)) _addToTally(proposalId, 0, weight, 0);
        else if (support == uint8(VoteType.Abstain)) _addToTally(proposalId, 0, 0, weight);
        else revert GovernorInvalidVoteType();
        return true;
    }

    /// @dev Marks the ballot of the voter with `index` on `proposalId`; false, and nothing marked, if that voter has
    /// voted already.
    function _markBallot(uint256 proposalId, uint256 index) internal returns (bool) {
        mapping(uint256 => uint256) storage ballots = _ballots[proposalId];
        uint256 bit = 1 << (index & 0xff);
        uint256 word = ballots[index >> 8];
        if (word & bit != 0) return false;
        ballots[index >> 8] = word | bit;
        return true;
    }

    /// @dev Adds ballots to the tally, writing only the counts that change (they share one slot with the kind).
    function _addToTally(uint256 proposalId, uint256 against, uint256 for_, uint256 abstain) internal {
        Tally storage t = _tallies[proposalId];
        if (against != 0) t.againstVotes += SafeCast.toUint64(against);
        if (for_ != 0) t.forVotes += SafeCast.toUint64(for_);
        if (abstain != 0) t.abstainVotes += SafeCast.toUint64(abstain);
    }
}
