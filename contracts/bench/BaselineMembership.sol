// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Votes} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721Votes.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/**
 * @title BaselineMembership (benchmark only)
 * @dev The strongest common alternative to coopdao's member list, for `make bench`: stock OpenZeppelin 5.3.0, one
 * ERC721Votes token per member, minted by the owner (the timelock after set-up), each member delegating to itself.
 */
contract BaselineMembership is ERC721, EIP712, ERC721Votes, Ownable {
    uint256 private _nextId;

    constructor(address owner_) ERC721("Baseline Membership", "MBR") EIP712("Baseline Membership", "1") Ownable(owner_) {}

    /// @notice Gives `to` a membership token.
    function mint(address to) external onlyOwner {
        _safeMint(to, ++_nextId);
    }

    function _update(address to, uint256 tokenId, address auth) internal override(ERC721, ERC721Votes) returns (address) {
        return super._update(to, tokenId, auth);
    }

    function _increaseBalance(address account, uint128 amount) internal override(ERC721, ERC721Votes) {
        super._increaseBalance(account, amount);
    }
}
