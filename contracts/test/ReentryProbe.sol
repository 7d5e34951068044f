// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {CoopMembership} from "../membership/CoopMembership.sol";
import {ICoopVotes} from "../interfaces/ICoopVotes.sol";
import {HookToken, ITokenHooks} from "./HookToken.sol";

/**
 * @title ReentryProbe (test only)
 * @notice A member of a cooperative that pays in a {HookToken}, run by its owner, and an attacker in the middle of
 * every payment the member list takes from it or makes to it.
 * @dev The owner acts as this member through {forward}. The token calls back {tokensToSend} before the member's
 * payment moves and {tokensReceived} after a payment to it moved; each time the member list is the operator, the
 * probe (1) calls the list's and the votes' views, which must all answer; (2) records the books it reads, so that a
 * test can check that the list had written its state before it took or made the payment; (3) tries to re-enter every
 * value-moving function of the list, which must all refuse, and by the re-entry guard. It counts what happened
 * instead of reverting, so that the payment itself goes on and a test sees the counts.
 */
contract ReentryProbe is ITokenHooks {
    /// @dev The member list's books as a view call returned them in the middle of a payment.
    struct Reading {
        uint256 escrowTotal;
        uint256 totalPaidIn;
        uint256 claimsTotal;
        uint256 availableFunds;
        uint256 freeFunds;
        uint256 balance; // the list's token balance
        uint256 incoming; // the payment on its way to the list (not yet moved), or 0 for a payment out of it
    }

    /// @notice The account whose calls this member sends.
    address public immutable owner;
    /// @notice The member list it belongs to and attacks.
    CoopMembership public immutable membership;
    /// @notice The cooperative's votes, whose views it calls mid-payment.
    ICoopVotes public immutable votes;
    /// @notice The payment token that calls it back.
    HookToken public immutable token;

    /// @notice Callbacks in the middle of a payment of the member list.
    uint256 public callbacks;
    /// @notice Re-entry attempts into the member list.
    uint256 public reentries;
    /// @notice Re-entries the member list accepted (must stay 0).
    uint256 public reentered;
    /// @notice Re-entries the member list refused with anything but the re-entry guard's error (must stay 0).
    uint256 public unguarded;
    /// @notice View calls that reverted in the middle of a payment (must stay 0).
    uint256 public viewFailures;
    /// @notice The books as read during the last callback.
    Reading public last;

    bool private _probing;

    error NotOwner(address caller);

    /// @dev Deployed by its owner; registers with the token for callbacks and lets the list take payments.
    constructor(CoopMembership membership_, HookToken token_) {
        owner = msg.sender;
        membership = membership_;
        votes = ICoopVotes(membership_.votes());
        token = token_;
        token_.registerHooks(true);
        token_.approve(address(membership_), type(uint256).max);
    }

    /// @notice Sends `data` to `target` with the value sent along, as this member; its revert is passed on.
    function forward(address target, bytes calldata data) external payable returns (bytes memory) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        return Address.functionCallWithValue(target, data, msg.value);
    }

    /// @inheritdoc ITokenHooks
    function tokensToSend(address operator, address, address, uint256 amount) external {
        _probe(operator, amount);
    }

    /// @inheritdoc ITokenHooks
    function tokensReceived(address operator, address, address, uint256) external {
        _probe(operator, 0);
    }

    /// @dev Acts only when the token calls back about a payment of the member list, and not within its own acts.
    function _probe(address operator, uint256 incoming) private {
        if (msg.sender != address(token) || operator != address(membership) || _probing) return;
        _probing = true;
        callbacks += 1;
        _readViews(incoming);
        _reenter(abi.encodeCall(CoopMembership.submitApplication, (1, bytes32(0))));
        _reenter(abi.encodeCall(CoopMembership.withdrawApplication, ()));
        _reenter(abi.encodeCall(CoopMembership.collectEscrow, ()));
        _reenter(abi.encodeCall(CoopMembership.buyShares, (1)));
        _reenter(abi.encodeCall(CoopMembership.payIn, ()));
        _reenter(abi.encodeCall(CoopMembership.claimRefund, ()));
        _probing = false;
    }

    function _readViews(uint256 incoming) private {
        address ms = address(membership);
        address v = address(votes);
        address self = address(this);
        Reading memory r;
        r.escrowTotal = _view(ms, abi.encodeCall(CoopMembership.escrowTotal, ()));
        r.totalPaidIn = _view(ms, abi.encodeCall(CoopMembership.totalPaidIn, ()));
        r.claimsTotal = _view(ms, abi.encodeCall(CoopMembership.claimsTotal, ()));
        r.availableFunds = _view(ms, abi.encodeCall(CoopMembership.availableFunds, ()));
        r.freeFunds = _view(ms, abi.encodeCall(CoopMembership.freeFunds, ()));
        r.balance = token.balanceOf(ms);
        r.incoming = incoming;
        last = r;
        _view(ms, abi.encodeCall(CoopMembership.terms, ()));
        _view(ms, abi.encodeCall(CoopMembership.memberOf, (self)));
        _view(ms, abi.encodeCall(CoopMembership.applicationOf, (self)));
        _view(ms, abi.encodeCall(CoopMembership.returnedEscrowOf, (self)));
        _view(ms, abi.encodeCall(CoopMembership.refundClaimOf, (self)));
        _view(ms, abi.encodeCall(CoopMembership.dueOf, (self)));
        _view(ms, abi.encodeCall(CoopMembership.transferValue, (self, 1)));
        _view(ms, abi.encodeCall(CoopMembership.memberCount, ()));
        _view(ms, abi.encodeCall(CoopMembership.totalShares, ()));
        _view(v, abi.encodeCall(IVotes.getVotes, (self)));
        _view(v, abi.encodeCall(IVotes.delegates, (self)));
        _view(v, abi.encodeCall(ICoopVotes.hasVotingRights, (self)));
        _view(v, abi.encodeCall(IVotes.getPastTotalSupply, (block.timestamp - 1)));
        _view(v, abi.encodeCall(ICoopVotes.ballot, (self, block.timestamp - 1)));
    }

    /// @dev The first word a view returns; a revert (or no answer) is counted.
    function _view(address target, bytes memory call) private returns (uint256) {
        (bool ok, bytes memory result) = target.staticcall(call);
        if (!ok || result.length < 32) {
            viewFailures += 1;
            return 0;
        }
        return abi.decode(result, (uint256));
    }

    /// @dev Calls the member list again from within its payment, and counts how it answered.
    function _reenter(bytes memory call) private {
        reentries += 1;
        (bool ok, bytes memory reason) = address(membership).call(call);
        if (ok) reentered += 1;
        else if (reason.length < 4 || bytes4(reason) != ReentrancyGuardUpgradeable.ReentrancyGuardReentrantCall.selector)
            unguarded += 1;
    }
}
