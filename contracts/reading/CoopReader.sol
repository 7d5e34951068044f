// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {CoopMembership} from "../membership/CoopMembership.sol";
import {CoopVotes} from "../votes/CoopVotes.sol";
import {CoopGovernor} from "../governance/CoopGovernor.sol";
import {ResolutionKind} from "../governance/ResolutionKind.sol";

/**
 * @title CoopReader
 * @dev Many entries of a cooperative in one call, for the clients that show them: the member list's entries and the
 * resolutions' states and counts. It holds nothing and changes nothing. A client runs it inside `eth_call` with its
 * code placed at an unused address by a state override, so it needs no deployment and reads every cooperative, of
 * any version that has these views; a member list of 10,000 is read in a few dozen calls instead of 90,000.
 *
 * The caller chooses how many entries one call reads, and keeps each call within what its node lets a call spend.
 */
contract CoopReader {
    /// @dev A member's entry as the member list and the votes hold it, what `coop member show` prints, its fields
    /// side by side (as {CoopMembership-Member} and {CoopMembership-Application} have them, then the claims and the
    /// vote). The principals whose votes the member carries come apart from the entries, all in one list:
    /// `principals` is how many of that list's next addresses are this member's. (So every entry is one row of
    /// words, which a client reads a page of hundreds of at once.)
    struct MemberEntry {
        CoopMembership.Status status;
        uint256 shares;
        uint256 paid;
        uint256 joinedAt;
        uint256 exitAt;
        uint256 applicationShares;
        uint256 escrow;
        uint256 due;
        uint256 refundClaim;
        uint256 returnedEscrow;
        address proxy;
        uint256 votes;
        bool votingRights;
        uint256 principals;
    }

    /// @dev A resolution's state, kind and counts, what `coop proposals` lists.
    struct ResolutionEntry {
        IGovernor.ProposalState state;
        ResolutionKind kind;
        uint256 againstVotes;
        uint256 forVotes;
        uint256 abstainVotes;
    }

    /**
     * @notice The entries of `accounts` in the member list `membership` and its votes register `votes`, in the order
     * asked, and the principals of each in turn (`principals` of an entry says how many).
     */
    function memberEntries(
        CoopMembership membership,
        CoopVotes votes,
        address[] calldata accounts
    ) external view returns (MemberEntry[] memory entries, address[] memory principals) {
        entries = new MemberEntry[](accounts.length);
        address[][] memory each = new address[][](accounts.length);
        uint256 total = 0;
        for (uint256 i = 0; i < accounts.length; ++i) {
            address account = accounts[i];
            MemberEntry memory entry = entries[i];
            CoopMembership.Member memory member = membership.memberOf(account);
            (entry.status, entry.shares, entry.paid) = (member.status, member.shares, member.paid);
            (entry.joinedAt, entry.exitAt) = (member.joinedAt, member.exitAt);
            CoopMembership.Application memory application = membership.applicationOf(account);
            (entry.applicationShares, entry.escrow) = (application.shares, application.escrow);
            entry.due = membership.dueOf(account);
            entry.refundClaim = membership.refundClaimOf(account);
            entry.returnedEscrow = membership.returnedEscrowOf(account);
            entry.proxy = votes.delegates(account);
            entry.votes = votes.getVotes(account);
            entry.votingRights = votes.hasVotingRights(account);
            each[i] = votes.principalsOf(account);
            entry.principals = each[i].length;
            total += each[i].length;
        }
        principals = new address[](total);
        uint256 next = 0;
        for (uint256 i = 0; i < accounts.length; ++i) {
            for (uint256 j = 0; j < each[i].length; ++j) {
                principals[next++] = each[i][j];
            }
        }
    }

    /**
     * @notice The state, kind and counts of each of `proposalIds` on `governor`, in the order asked (a proposal the
     * governor does not know reverts the call, as its own views do).
     */
    function resolutionEntries(
        CoopGovernor governor,
        uint256[] calldata proposalIds
    ) external view returns (ResolutionEntry[] memory entries) {
        entries = new ResolutionEntry[](proposalIds.length);
        for (uint256 i = 0; i < proposalIds.length; ++i) {
            uint256 id = proposalIds[i];
            ResolutionEntry memory entry = entries[i];
            entry.state = governor.state(id);
            entry.kind = governor.proposalKind(id);
            (entry.againstVotes, entry.forVotes, entry.abstainVotes) = governor.proposalVotes(id);
        }
    }
}
