// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {CoopMembership} from "../membership/CoopMembership.sol";

/**
 * @title CrowdMember (test only)
 * @dev One member of a {ProxyCrowd}: a contract that applies for one share when it is created (an open cooperative
 * admits it at once) and appoints the proxy its crowd names.
 */
contract CrowdMember {
    address private immutable _crowd;

    /// @dev Only the crowd that created the member steers it.
    error NotCrowd(address caller);

    /// @notice Joins the open cooperative of `membership` with one share, paid with the coin sent along.
    constructor(CoopMembership membership) payable {
        _crowd = msg.sender;
        membership.submitApplication{value: msg.value}(1, bytes32(0));
    }

    /// @notice Appoints `proxy` in `votes` (the crowd only).
    function appoint(IVotes votes, address proxy) external {
        if (msg.sender != _crowd) revert NotCrowd(msg.sender);
        votes.delegate(proxy);
    }
}

/**
 * @title ProxyCrowd (test only)
 * @dev Floods an open cooperative (paid in the chain's coin) with proxies that carry two principals each, three new
 * contract members per proxy, many in one transaction: the attack on a proxy-limit change that loops over such
 * proxies, whose cost then grows with them until the resolution no longer fits in a block.
 */
contract ProxyCrowd {
    address[] private _proxies;

    /// @notice Adds `count` proxies, each with two principals, to the cooperative; the coin sent pays their shares.
    function grow(CoopMembership membership, IVotes votes, uint256 count) external payable {
        uint256 price = msg.value / (3 * count);
        for (uint256 i = 0; i < count; ++i) {
            CrowdMember proxy = new CrowdMember{value: price}(membership);
            CrowdMember first = new CrowdMember{value: price}(membership);
            CrowdMember second = new CrowdMember{value: price}(membership);
            first.appoint(votes, address(proxy));
            second.appoint(votes, address(proxy));
            _proxies.push(address(proxy));
        }
    }

    /// @notice The proxies the crowd created, in order.
    function proxies() external view returns (address[] memory) {
        return _proxies;
    }
}
