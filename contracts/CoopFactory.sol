// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {TimelockControllerUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";
import {CoopMembership} from "./membership/CoopMembership.sol";
import {CoopVotes} from "./votes/CoopVotes.sol";
import {CoopToken} from "./token/CoopToken.sol";
import {CoopGovernor} from "./governance/CoopGovernor.sol";
import {CoopTimelock} from "./governance/CoopTimelock.sol";
import {ICoopVotes} from "./interfaces/ICoopVotes.sol";

/**
 * @title CoopFactory
 * @dev Creates a whole cooperative in one transaction from its statute: member list, votes, token, governor (the
 * general assembly) and timelock (treasury and executor), as ERC-1967 proxies of audited implementations. Every power is
 * handed to the timelock, and the founders are members from the start. Neither the factory nor the caller keeps any
 * power: only the cooperative's own resolutions move its contracts to corrected code.
 */
contract CoopFactory {
    /// @dev The statute: everything a founder decides at creation.
    struct Statute {
        string name;
        CoopMembership.Terms terms;
        uint8 maxPrincipals; // proxies: principals one member may represent (GenG §43(5): at most 2)
        address board; // admits members in board mode; address(0): none
        uint48 votingDelay; // seconds
        uint32 votingPeriod; // seconds
        uint8 quorumPercent;
        uint32 timelockDelay; // seconds
        string tokenName;
        string tokenSymbol;
        uint256 tokenCap; // 0: no cap
    }

    /// @dev The contracts that make up one cooperative.
    struct Cooperative {
        address membership;
        address votes;
        address token;
        address governor;
        address timelock;
    }

    address public immutable membershipImplementation;
    address public immutable votesImplementation;
    address public immutable tokenImplementation;
    address public immutable governorImplementation;
    address public immutable timelockImplementation;

    /// @dev Emitted with every address of a new cooperative.
    event CooperativeCreated(
        address indexed creator,
        string name,
        address membership,
        address votes,
        address token,
        address governor,
        address timelock
    );

    /// @dev The voting period must be at least one second.
    error InvalidVotingPeriod();

    constructor(address membership_, address votes_, address token_, address governor_, address timelock_) {
        membershipImplementation = membership_;
        votesImplementation = votes_;
        tokenImplementation = token_;
        governorImplementation = governor_;
        timelockImplementation = timelock_;
    }

    /**
     * @notice Creates a cooperative from `statute` with `founders` (three or more) as its first members.
     * @return coop the addresses of its member list, votes, token, governor and timelock
     */
    function createCooperative(
        Statute calldata statute,
        address[] calldata founders
    ) external returns (Cooperative memory coop) {
        if (statute.votingPeriod == 0) revert InvalidVotingPeriod();
        coop.membership = address(new ERC1967Proxy(membershipImplementation, ""));
        coop.votes = address(new ERC1967Proxy(votesImplementation, ""));
        coop.token = address(new ERC1967Proxy(tokenImplementation, ""));
        coop.governor = address(new ERC1967Proxy(governorImplementation, ""));
        coop.timelock = address(new ERC1967Proxy(timelockImplementation, ""));

        address[] memory governor = new address[](1);
        governor[0] = coop.governor;
        CoopTimelock(payable(coop.timelock)).initialize(statute.timelockDelay, governor, governor, address(0));
        CoopVotes(coop.votes).initialize(coop.membership, statute.maxPrincipals, statute.quorumPercent);
        CoopMembership(payable(coop.membership)).initialize(
            statute.terms,
            CoopMembership.Contracts(coop.votes, coop.timelock, coop.governor, coop.token),
            statute.board,
            founders
        );
        CoopToken(coop.token).initialize(statute.tokenName, statute.tokenSymbol, statute.tokenCap, coop.timelock);
        CoopGovernor(payable(coop.governor)).initialize(
            statute.name,
            ICoopVotes(coop.votes),
            TimelockControllerUpgradeable(payable(coop.timelock)),
            statute.votingDelay,
            statute.votingPeriod
        );
        emit CooperativeCreated(
            msg.sender,
            statute.name,
            coop.membership,
            coop.votes,
            coop.token,
            coop.governor,
            coop.timelock
        );
    }
}
