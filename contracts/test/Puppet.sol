// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @title Puppet (test only)
 * @dev A contract account that its owner steers: it makes the calls the owner gives it, in one transaction, as a
 * member, applicant or voter that is a contract does (a multisig, a company, another cooperative). Attack tests use
 * it, and the attackers built on it, for members whose own code runs in the middle of the cooperative's
 * transactions, and for several steps in one transaction (a flash loan's join, vote and leave). Like a smart wallet,
 * it answers ERC-1271 for a signature its owner made, as signed (65 bytes).
 */
contract Puppet is IERC1271 {
    /// @notice The account that steers this contract.
    address public immutable owner;

    /// @dev Only the owner steers the puppet.
    error NotOwner(address caller);
    /// @dev The calls' targets, values and data differ in number.
    error CallsMismatch();

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    /// @notice Creates the puppet for the caller; coin sent along is its to spend.
    constructor() payable {
        owner = msg.sender;
    }

    /**
     * @notice Calls `targets[i]` with `calldatas[i]` and `values[i]` coin, in order, in this transaction; the first
     * call that fails reverts everything with its own error.
     */
    function act(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas
    ) external payable onlyOwner {
        if (targets.length != values.length || targets.length != calldatas.length) revert CallsMismatch();
        for (uint256 i = 0; i < targets.length; ++i) {
            Address.functionCallWithValue(targets[i], calldatas[i], values[i]);
        }
    }

    /// @notice Whether the owner signed `hash` with `signature` (65 bytes; the 64-byte compact form is not accepted).
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(hash, signature);
        return err == ECDSA.RecoverError.NoError && signer == owner ? this.isValidSignature.selector : bytes4(0);
    }

    /// @notice Takes coin: returned escrow, a refund.
    receive() external payable virtual {}
}
