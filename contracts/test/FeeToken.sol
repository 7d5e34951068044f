// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title FeeToken (test only)
 * @dev An ERC-20 that burns `feePercent` of every transfer, so the receiver gets less than was sent: the
 * fee-on-transfer and deflationary tokens a cooperative must refuse as payment. Anyone may mint.
 */
contract FeeToken is ERC20 {
    uint256 public immutable feePercent;

    constructor(uint256 feePercent_) ERC20("Fee Token", "FEE") {
        feePercent = feePercent_;
    }

    /// @notice Mints `amount` for `to` (test token: anyone may).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = (value * feePercent) / 100;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
