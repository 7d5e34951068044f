// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ResolutionKind, isStricter} from "./ResolutionKind.sol";
import {ICoopRegister} from "../interfaces/ICoopRegister.sol";

/**
 * @title ResolutionRules
 * @dev Which majority a proposed resolution needs, by the law and the statute: the strictest of what its calls need
 * and what its proposer declares. Stateless and shared: one instance serves every cooperative of a factory, whose
 * governors ask it when a proposal is made. A new kind of resolution (the annual accounts, say) is a rule here.
 */
contract ResolutionRules {
    /// @dev `upgradeToAndCall(address,bytes)`: moves one of the cooperative's contracts to new code.
    bytes4 private constant UPGRADE = 0x4f1ef286;
    /// @dev `transferOwnership(address)`: hands a contract the cooperative owns (its token) to another account, which
    /// could then move it to new code.
    bytes4 private constant TRANSFER_OWNERSHIP = 0xf2fde38b;

    /**
     * @notice The kind of a proposal to `governor` (with its `timelock` and member list `register`) with these calls
     * and this description: the strictest of {derivedKind} and {declaredKind}.
     */
    function kindOf(
        address governor,
        address timelock,
        address register,
        address[] calldata targets,
        bytes[] calldata calldatas,
        string calldata description
    ) external view returns (ResolutionKind kind) {
        kind = derivedKind(governor, timelock, register, targets, calldatas);
        ResolutionKind declared = declaredKind(description);
        if (isStricter(declared, kind)) kind = declared;
    }

    /**
     * @notice The kind of resolution these calls need at least: a call to the governor or the timelock (the
     * governance settings, the treasury's rules) is a statute change, and so is a move of any contract to new code
     * or a hand-over of a contract the cooperative owns, whatever its target; a call to the member list needs what
     * the member list says for its function; any other call is ordinary.
     */
    function derivedKind(
        address governor,
        address timelock,
        address register,
        address[] calldata targets,
        bytes[] calldata calldatas
    ) public view returns (ResolutionKind kind) {
        kind = ResolutionKind.Ordinary;
        for (uint256 i = 0; i < targets.length; ++i) {
            ResolutionKind callKind = ResolutionKind.Ordinary;
            bytes4 selector = calldatas[i].length >= 4 ? bytes4(calldatas[i]) : bytes4(0);
            if (
                targets[i] == governor ||
                targets[i] == timelock ||
                selector == UPGRADE ||
                selector == TRANSFER_OWNERSHIP
            ) {
                callKind = ResolutionKind.StatuteChange;
            } else if (targets[i] == register && calldatas[i].length >= 4) {
                callKind = ICoopRegister(register).resolutionKindOf(selector);
            }
            if (isStricter(callKind, kind)) kind = callKind;
        }
    }

    /**
     * @notice The kind a proposer declares in `description`: a last line `#kind=new-duties`, `#kind=dissolution` or
     * `#kind=statute-change` (before a `#proposer=0x...` suffix, if any). It only ever raises the majority, and as
     * part of the description it is part of the proposal's id: nobody can create the same proposal without it.
     */
    function declaredKind(string calldata description) public pure returns (ResolutionKind) {
        bytes calldata text = bytes(description);
        uint256 end = text.length;
        if (_endsWith(text, end, "#proposer=0x", 40)) end -= 52;
        if (_endsWith(text, end, "#kind=new-duties", 0)) return ResolutionKind.NewDuties;
        if (_endsWith(text, end, "#kind=dissolution", 0)) return ResolutionKind.Dissolution;
        if (_endsWith(text, end, "#kind=statute-change", 0)) return ResolutionKind.StatuteChange;
        return ResolutionKind.Ordinary;
    }

    /// @dev Whether `text[:end]` ends with `marker` followed by `tail` more bytes.
    function _endsWith(bytes calldata text, uint256 end, bytes memory marker, uint256 tail) private pure returns (bool) {
        uint256 length = marker.length + tail;
        if (end < length) return false;
        return keccak256(text[end - length:end - tail]) == keccak256(marker);
    }
}
