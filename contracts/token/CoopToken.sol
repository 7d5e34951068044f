// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {ERC20PermitUpgradeable} from
    "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";

/**
 * @title CoopToken
 * @dev The cooperative's own currency: ERC-20 with EIP-2612 permit, minted and burned only by governance (its owner,
 * the timelock), with an optional cap. It carries no voting weight: votes come from membership alone. Used through an
 * ERC-1967 proxy that only its owner, by resolution, moves to corrected code ({upgradeToAndCall}).
 */
contract CoopToken is ERC20PermitUpgradeable, OwnableUpgradeable, UUPSUpgradeable {
    uint256 private _cap;

    /// @dev Minting would take the supply over the cap.
    error ExceededCap(uint256 supply, uint256 cap);

    /// @dev Emitted once, with the cap fixed by the statute (0: no cap).
    event CapSet(uint256 cap);

    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the token's name, symbol, cap (0 for none) and owner (the cooperative's timelock).
    function initialize(
        string calldata name_,
        string calldata symbol_,
        uint256 cap_,
        address owner_
    ) external initializer {
        __ERC20_init(name_, symbol_);
        __ERC20Permit_init(name_);
        __Ownable_init(owner_);
        _cap = cap_;
        emit CapSet(cap_);
    }

    /// @notice The most tokens that may exist (0: no cap).
    function cap() external view returns (uint256) {
        return _cap;
    }

    /// @notice Creates `amount` tokens for `to`, by resolution.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /// @notice Destroys `amount` of the treasury's own tokens, by resolution.
    function burn(uint256 amount) external onlyOwner {
        _burn(msg.sender, amount);
    }

    /// @dev Only governance (the timelock) moves the token to new code.
    function _authorizeUpgrade(address) internal view override onlyOwner {}

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from == address(0) && _cap != 0 && totalSupply() > _cap) revert ExceededCap(totalSupply(), _cap);
    }
}
