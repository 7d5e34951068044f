// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";

/// @dev Test only: a contract that poses as a governor to the ballot box, naming a real governor's EIP-712 domain as
/// its own, so that ballots signed for the real one would seem to be for it.
contract LyingGovernor {
    IERC5267 private immutable _real;
    uint256 public counted;

    constructor(IERC5267 real_) {
        _real = real_;
    }

    function eip712Domain()
        external
        view
        returns (bytes1, string memory, string memory, uint256, address, bytes32, uint256[] memory)
    {
        return _real.eip712Domain();
    }

    function countRelayedBallots(
        uint256,
        address[] calldata voters,
        uint8[] calldata,
        string[] calldata
    ) external returns (uint8[] memory outcomes) {
        counted += voters.length;
        outcomes = new uint8[](voters.length);
    }
}
