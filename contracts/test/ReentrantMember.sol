// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ITokenHooks} from "./HookToken.sol";
import {Puppet} from "./Puppet.sol";

/**
 * @title ReentrantMember (test only)
 * @dev A member or applicant contract that calls the cooperative again in the middle of a payment: through the
 * payment token's hooks ({HookToken}: `tokensToSend` while it pays, `tokensReceived` when it is paid) or when it
 * receives coin. The owner arms one call; the next hook or coin receipt makes it, once, and records whether it went
 * through and what it returned (the error, if it was refused). It does not revert, so the outer transaction goes on
 * and a test reads the books afterwards.
 */
contract ReentrantMember is Puppet, ITokenHooks {
    address private _target;
    uint256 private _value;
    bytes private _data;

    /// @notice Whether a call waits for the next hook or coin receipt.
    bool public armed;
    /// @notice Whether the armed call was made.
    bool public attempted;
    /// @notice Whether the armed call went through.
    bool public succeeded;
    /// @notice What the armed call returned: its return data, or its error.
    bytes public result;

    /// @notice Creates the attacker for the caller; coin sent along is its to spend.
    constructor() payable {}

    /// @notice Has the next hook or coin receipt call `target` with `data` and `value` coin.
    function arm(address target, uint256 value, bytes calldata data) external onlyOwner {
        _target = target;
        _value = value;
        _data = data;
        armed = true;
    }

    /// @notice The payment token's hook while this contract pays: the moment to call back.
    function tokensToSend(address, address, address, uint256) external {
        _callBack();
    }

    /// @notice The payment token's hook when this contract is paid: the moment to call back.
    function tokensReceived(address, address, address, uint256) external {
        _callBack();
    }

    /// @notice Coin paid to this contract: the moment to call back.
    receive() external payable override {
        _callBack();
    }

    function _callBack() private {
        if (!armed) return;
        armed = false;
        attempted = true;
        (succeeded, result) = _target.call{value: _value}(_data);
    }
}
