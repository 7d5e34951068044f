// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/**
 * @title CallbackRelay (test only)
 * @dev A contract a resolution calls as if paying it (empty call data), which calls back into the cooperative with a
 * call fixed at deployment: a statute change, or any power of the timelock, dressed up as an ordinary resolution. Its
 * call's error bubbles up, so the resolution fails with it.
 */
contract CallbackRelay {
    /// @notice The contract called back.
    address public immutable target;
    /// @notice The call made on it.
    bytes public data;

    /// @notice Calls `target_` with `data_` whenever this contract is paid or called with empty data.
    constructor(address target_, bytes memory data_) {
        target = target_;
        data = data_;
    }

    /// @notice Calls back into the target, whoever pays.
    receive() external payable {
        Address.functionCall(target, data);
    }
}
