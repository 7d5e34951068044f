// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {GovernorUpgradeable} from "@openzeppelin/contracts-upgradeable/governance/GovernorUpgradeable.sol";
import {GovernorSettingsUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorSettingsUpgradeable.sol";
import {GovernorVotesUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorVotesUpgradeable.sol";
import {GovernorTimelockControlUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorTimelockControlUpgradeable.sol";
import {TimelockControllerUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";
import {GovernorCountingByKind} from "./GovernorCountingByKind.sol";
import {ResolutionKind} from "./ResolutionKind.sol";
import {ResolutionRules} from "./ResolutionRules.sol";
import {BallotOutcome, IBallotCounter} from "../interfaces/IBallotCounter.sol";
import {ICoopVotes} from "../interfaces/ICoopVotes.sol";

/**
 * @title CoopGovernor
 * @dev The general assembly: an OpenZeppelin Governor over the member list's one-member-one-vote, with the timelock
 * as treasury and executor. Only members propose. Quorum is a statute fraction of the members with voting rights at
 * the snapshot, rounded up. The majority a resolution needs follows from what it calls: any call that changes a
 * statute parameter or the governance settings makes it a statute change (3/4), whatever the proposer claims; a
 * proposer may only ask for a stricter kind, in the description ({ResolutionRules-declaredKind}), so the kind is
 * bound to the proposal's id and cannot be stripped by front-running. Members' signed ballots also arrive in batches
 * from the ballot box ({countRelayedBallots}).
 *
 * The clock is the block timestamp, as on the member list, so voting delay and period are in seconds. The quorum and
 * its history are kept by the votes, which count the quorum base too ({ICoopVotes-quorum}); a statute change sets it
 * through the member list. Used through an ERC-1967 proxy: only a resolution moves it to corrected code
 * ({upgradeToAndCall}), keeping its proposals, ballots and settings.
 */
contract CoopGovernor is
    GovernorSettingsUpgradeable,
    GovernorCountingByKind,
    GovernorVotesUpgradeable,
    GovernorTimelockControlUpgradeable,
    UUPSUpgradeable,
    IBallotCounter
{
    /// @dev Only members with voting rights may propose.
    error ProposerNotMember(address proposer);
    /// @dev The account has no vote on this proposal: not a member at its snapshot, no rights now, or its vote is
    /// carried by a proxy.
    error NoVote(uint256 proposalId, address account);

    /// @dev Only the cooperative's ballot box relays signed ballots in batches.
    error NotBallotBox(address caller);

    /// @dev The ballot box whose batches of signed ballots this governor counts (shared by a factory's cooperatives).
    address private immutable _ballotBox;
    /// @dev The rules that say which majority a proposal needs (shared by a factory's cooperatives).
    ResolutionRules private immutable _rules;

    constructor(address ballotBox_, ResolutionRules rules_) {
        _ballotBox = ballotBox_;
        _rules = rules_;
        _disableInitializers();
    }

    /**
     * @notice Sets the assembly's name, its member list, its timelock and its settings.
     * @param votingDelay_ seconds from proposal to snapshot and start of voting
     * @param votingPeriod_ seconds voting stays open
     */
    function initialize(
        string calldata name_,
        ICoopVotes members_,
        TimelockControllerUpgradeable timelock_,
        uint48 votingDelay_,
        uint32 votingPeriod_
    ) external initializer {
        __Governor_init(name_);
        __GovernorSettings_init(votingDelay_, votingPeriod_, 0);
        __GovernorVotes_init(IVotes(address(members_)));
        __GovernorTimelockControl_init(timelock_);
    }

    /// @notice The votes that count: one per member of the cooperative's member list.
    function members() public view returns (ICoopVotes) {
        return ICoopVotes(address(token()));
    }

    /// @notice The clock proposals run on: the block timestamp, as on the member list.
    function clock() public view override(GovernorUpgradeable, GovernorVotesUpgradeable) returns (uint48) {
        return Time.timestamp();
    }

    /// @notice Machine-readable description of {clock} (ERC-6372).
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override(GovernorUpgradeable, GovernorVotesUpgradeable) returns (string memory) {
        return "mode=timestamp";
    }

    /// @notice Members needed to take part for a proposal with snapshot `timepoint`: the statute fraction, rounded up.
    function quorum(uint256 timepoint) public view override returns (uint256) {
        return members().quorum(timepoint);
    }

    /// @notice The statute's quorum now, in percent of the members with voting rights (as OpenZeppelin's
    /// GovernorVotesQuorumFraction reads it; a statute change sets it through the member list's `setQuorum`).
    function quorumNumerator() external view returns (uint256) {
        return members().quorumNumerator(clock());
    }

    /// @notice The statute's quorum, in percent, for a proposal with snapshot `timepoint`.
    function quorumNumerator(uint256 timepoint) external view returns (uint256) {
        return members().quorumNumerator(timepoint);
    }

    /// @notice The quorum is a percentage.
    function quorumDenominator() external pure returns (uint256) {
        return 100;
    }

    /**
     * @notice Proposes a resolution; only members with voting rights may. Its kind is the strictest of what its calls
     * need and what its description declares ({ResolutionRules-kindOf}).
     * @dev See {IGovernor-propose}. The declared kind is part of the description and so of the proposal id: nobody
     * can create the same proposal without it. Ending the description with OpenZeppelin's `#proposer=0x...` binds
     * the proposer too.
     */
    function propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description
    ) public override returns (uint256) {
        if (!members().hasVotingRights(_msgSender())) revert ProposerNotMember(_msgSender());
        return super.propose(targets, values, calldatas, description);
    }

    /**
     * @notice The stateless contracts this governor relies on, shared by every cooperative of its factory: the
     * ballot box whose batches of signed ballots it counts ({countRelayedBallots}), and the rules that fix the kind
     * of each proposal ({ResolutionRules-kindOf}).
     */
    function sharedContracts() external view returns (address ballotBox, ResolutionRules rules) {
        return (_ballotBox, _rules);
    }

    /// @dev The proposal's kind is the strictest of what its calls need and what its description declares
    /// ({ResolutionRules-kindOf}).
    function _propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        address proposer
    ) internal override returns (uint256 proposalId) {
        proposalId = super._propose(targets, values, calldatas, description, proposer);
        address register = members().register();
        _setProposalKind(proposalId, _rules.kindOf(address(this), timelock(), register, targets, calldatas, description));
    }

    /// @dev Counts a ballot: one read of the member list gives the weight at the snapshot and the ballot index.
    function _castVote(
        uint256 proposalId,
        address account,
        uint8 support,
        string memory reason,
        bytes memory params
    ) internal override returns (uint256) {
        _validateStateBitmap(proposalId, _encodeStateBitmap(ProposalState.Active));
        (uint256 weight, uint256 index) = members().ballot(account, proposalSnapshot(proposalId));
        if (weight == 0) revert NoVote(proposalId, account);
        if (!_countBallot(proposalId, index, support, weight)) revert AlreadyVoted(proposalId, account);
        if (params.length == 0) emit VoteCast(account, proposalId, support, weight, reason);
        else emit VoteCastWithParams(account, proposalId, support, weight, reason, params);
        _tallyUpdated(proposalId);
        return weight;
    }

    /**
     * @notice Counts a batch of ballots on `proposalId` from the ballot box, which checked their signatures: each as
     * {castVoteBySig} would, but a ballot that cannot count gets its outcome instead of reverting, so that the rest of
     * the batch counts. The proposal's state and snapshot are read once for the batch, every weight in one call to the
     * votes, and the tally is written once.
     */
    function countRelayedBallots(
        uint256 proposalId,
        address[] calldata voters,
        uint8[] calldata support,
        string[] calldata reasons
    ) external returns (BallotOutcome[] memory outcomes) {
        if (msg.sender != _ballotBox) revert NotBallotBox(msg.sender);
        uint256 n = voters.length;
        outcomes = new BallotOutcome[](n);
        if (state(proposalId) != ProposalState.Active) {
            for (uint256 i = 0; i < n; ++i) outcomes[i] = BallotOutcome.NotActive;
            return outcomes;
        }
        (uint256[] memory weights, uint256[] memory indexes) = members().ballots(voters, proposalSnapshot(proposalId));
        uint256[3] memory added = [uint256(0), 0, 0]; // against, for, abstain
        for (uint256 i = 0; i < n; ++i) {
            uint8 choice = support[i];
            if (choice > uint8(VoteType.Abstain)) outcomes[i] = BallotOutcome.InvalidSupport;
            else if (weights[i] == 0) outcomes[i] = BallotOutcome.NoVote;
            else if (!_markBallot(proposalId, indexes[i])) outcomes[i] = BallotOutcome.AlreadyVoted;
            else {
                added[choice] += weights[i];
                emit VoteCast(voters[i], proposalId, choice, weights[i], reasons[i]);
            }
        }
        if (added[0] + added[1] + added[2] != 0) {
            _addToTally(proposalId, added[0], added[1], added[2]);
            _tallyUpdated(proposalId);
        }
    }

    /// @dev What a ballot counts ({ICoopVotes-ballot}), so that {getVotes} shows front ends the weight a vote gets.
    function _getVotes(
        address account,
        uint256 timepoint,
        bytes memory
    ) internal view override(GovernorUpgradeable, GovernorVotesUpgradeable) returns (uint256 weight) {
        (weight, ) = members().ballot(account, timepoint);
    }

    function _voterIndex(address account) internal view override returns (uint256) {
        return members().voterIndex(account);
    }

    /// @dev Only a resolution, executed by the timelock, moves the governor to new code.
    function _authorizeUpgrade(address) internal override onlyGovernance {}

    // ---------------------------------------------------------------- required overrides

    function votingDelay() public view override(GovernorUpgradeable, GovernorSettingsUpgradeable) returns (uint256) {
        return super.votingDelay();
    }

    function votingPeriod() public view override(GovernorUpgradeable, GovernorSettingsUpgradeable) returns (uint256) {
        return super.votingPeriod();
    }

    function proposalThreshold()
        public
        view
        override(GovernorUpgradeable, GovernorSettingsUpgradeable)
        returns (uint256)
    {
        return super.proposalThreshold();
    }

    function state(
        uint256 proposalId
    ) public view override(GovernorUpgradeable, GovernorTimelockControlUpgradeable) returns (ProposalState) {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(
        uint256 proposalId
    ) public view override(GovernorUpgradeable, GovernorTimelockControlUpgradeable) returns (bool) {
        return super.proposalNeedsQueuing(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(GovernorUpgradeable, GovernorTimelockControlUpgradeable) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(GovernorUpgradeable, GovernorTimelockControlUpgradeable) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(GovernorUpgradeable, GovernorTimelockControlUpgradeable) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor()
        internal
        view
        override(GovernorUpgradeable, GovernorTimelockControlUpgradeable)
        returns (address)
    {
        return super._executor();
    }
}
