// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/**
 * @title MemberVotes
 * @dev One member, one vote (GenG §43(3)), as an {IERC5805} vote source for an OpenZeppelin Governor.
 *
 * Every member with voting rights holds exactly one voting unit from the moment of admission, with no
 * self-delegation step. A member may appoint another member as proxy (GenG §43(5)): the unit then counts for the
 * proxy, who carries at most {maxPrincipals} principals. Votes and the number of members with voting rights are
 * checkpointed by timestamp, so a governor reads them at a proposal's snapshot.
 *
 * Gas: the current value and the time it was set live in the member's record (one storage slot, written once at
 * admission); only superseded values go into an OpenZeppelin {Checkpoints} trace. Reading the votes at a snapshot
 * taken after the last change costs a single storage read, whatever the number of members.
 *
 * The inheriting contract decides who gains and loses voting rights by calling {_grantVotingRights} and
 * {_revokeVotingRights}.
 */
abstract contract MemberVotes is IERC5805, EIP712, Nonces {
    using Checkpoints for Checkpoints.Trace208;

    /// @dev A voter's current record. `index` is a permanent number (from 1) a governor uses to mark ballots.
    struct Voter {
        uint16 votes;
        uint48 since;
        uint32 index;
        bool hasRights;
    }

    bytes32 private constant DELEGATION_TYPEHASH =
        keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)");

    mapping(address account => Voter) private _voters;
    mapping(address account => address) private _proxies;
    mapping(address proxy => address[]) private _principals;
    mapping(address account => Checkpoints.Trace208) private _pastVotes;

    uint48 private _supplySince;
    uint208 private _supply;
    Checkpoints.Trace208 private _pastSupply;

    uint32 private _lastIndex;
    uint8 private _maxPrincipals;

    /// @dev The account has no voting rights (not a member, or its rights have ended).
    error NoVotingRights(address account);
    /// @dev The proxy already carries the most principals the statute allows.
    error ProxyLimitReached(address proxy, uint256 limit);
    /// @dev A lookup asked for a timepoint that is not yet in the past.
    error FutureLookup(uint256 timepoint, uint48 clock);
    /// @dev The statute's proxy limit is out of range: at least 1 (proxies cannot be excluded), at most 2.
    error InvalidProxyLimit(uint256 limit);

    /// @dev Emitted when the statute's proxy limit changes.
    event ProxyLimitSet(uint256 limit);

    constructor() EIP712("CoopMembership", "1") {}

    // ---------------------------------------------------------------- ERC-6372

    /// @notice The clock votes are checkpointed on: the block timestamp.
    function clock() public view virtual returns (uint48) {
        return Time.timestamp();
    }

    /// @notice Machine-readable description of {clock} (ERC-6372).
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public view virtual returns (string memory) {
        return "mode=timestamp";
    }

    // ---------------------------------------------------------------- IVotes

    /// @notice Votes `account` holds now: its own unit (unless given to a proxy) plus its principals'.
    function getVotes(address account) public view virtual returns (uint256) {
        return _voters[account].votes;
    }

    /// @notice Votes `account` held at `timepoint`, which must be in the past.
    function getPastVotes(address account, uint256 timepoint) public view virtual returns (uint256) {
        uint48 key = _checkPast(timepoint);
        Voter storage voter = _voters[account];
        if (key >= voter.since) return voter.votes;
        return _pastVotes[account].upperLookupRecent(key);
    }

    /// @notice Number of members with voting rights at `timepoint`, which must be in the past.
    function getPastTotalSupply(uint256 timepoint) public view virtual returns (uint256) {
        uint48 key = _checkPast(timepoint);
        if (key >= _supplySince) return _supply;
        return _pastSupply.upperLookupRecent(key);
    }

    /// @notice Number of members with voting rights now.
    function votingMembers() public view returns (uint256) {
        return _supply;
    }

    /// @notice The member whose vote `account`'s unit counts for: its proxy, or itself.
    function delegates(address account) public view virtual returns (address) {
        if (!_voters[account].hasRights) return address(0);
        address proxy = _proxies[account];
        return proxy == address(0) ? account : proxy;
    }

    /**
     * @notice Appoints `delegatee` as the caller's proxy; naming oneself revokes the proxy.
     * @dev Both must be members with voting rights, and the proxy must carry fewer than {maxPrincipals} principals.
     */
    function delegate(address delegatee) public virtual {
        _appointProxy(msg.sender, delegatee);
    }

    /// @notice Appoints a proxy with the member's EIP-712 signature, so a relayer can pay the gas.
    function delegateBySig(
        address delegatee,
        uint256 nonce,
        uint256 expiry,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) public virtual {
        if (block.timestamp > expiry) revert VotesExpiredSignature(expiry);
        address signer = ECDSA.recover(
            _hashTypedDataV4(keccak256(abi.encode(DELEGATION_TYPEHASH, delegatee, nonce, expiry))),
            v,
            r,
            s
        );
        _useCheckedNonce(signer, nonce);
        _appointProxy(signer, delegatee);
    }

    // ---------------------------------------------------------------- cooperative views

    /// @notice Whether `account` has voting rights now (an admitted member not excluded and not yet exited).
    function hasVotingRights(address account) public view returns (bool) {
        return _voters[account].hasRights;
    }

    /**
     * @notice The weight a governor counts for `account`'s ballot on a proposal with snapshot `timepoint`, and the
     * member's permanent index for marking the ballot.
     * @dev Weight is zero when the account has no voting rights now: an excluded member loses the vote at once,
     * even on proposals whose snapshot precedes the exclusion.
     */
    function ballot(address account, uint256 timepoint) external view returns (uint256 weight, uint256 index) {
        Voter storage voter = _voters[account];
        index = voter.index;
        if (!voter.hasRights) return (0, index);
        weight = getPastVotes(account, timepoint);
    }

    /// @notice The permanent index of `account` (0 if never admitted).
    function voterIndex(address account) external view returns (uint256) {
        return _voters[account].index;
    }

    /// @notice The members whose votes `proxy` carries now.
    function principalsOf(address proxy) external view returns (address[] memory) {
        return _principals[proxy];
    }

    /// @notice The most principals one proxy may carry (statute; GenG §43(5): at most 2).
    function maxPrincipals() public view returns (uint256) {
        return _maxPrincipals;
    }

    // ---------------------------------------------------------------- internal

    function _setMaxPrincipals(uint256 limit) internal {
        if (limit == 0 || limit > 2) revert InvalidProxyLimit(limit);
        _maxPrincipals = uint8(limit);
        emit ProxyLimitSet(limit);
    }

    /// @dev Gives `account` its vote. It must not hold rights already.
    function _grantVotingRights(address account) internal {
        Voter storage voter = _voters[account];
        voter.hasRights = true;
        if (voter.index == 0) voter.index = ++_lastIndex;
        _addVotes(account, 1);
        _setSupply(_supply + 1);
        emit DelegateChanged(account, address(0), account);
    }

    /**
     * @dev Ends `account`'s voting rights at once: its unit leaves whoever carried it, and its principals get their
     * own units back (a proxy must be a member).
     */
    function _revokeVotingRights(address account) internal {
        Voter storage voter = _voters[account];
        if (!voter.hasRights) return;
        address carrier = delegates(account);
        voter.hasRights = false;
        if (carrier != account) _dropPrincipal(carrier, account);
        _subtractVotes(carrier, 1);
        _setSupply(_supply - 1);
        emit DelegateChanged(account, carrier, address(0));
        _releasePrincipals(account);
    }

    function _appointProxy(address principal, address proxy) private {
        Voter storage p = _voters[principal];
        if (!p.hasRights) revert NoVotingRights(principal);
        if (!_voters[proxy].hasRights) revert NoVotingRights(proxy);
        address current = delegates(principal);
        if (current == proxy) return;
        if (current != principal) _dropPrincipal(current, principal);
        if (proxy != principal) {
            if (_principals[proxy].length >= _maxPrincipals) revert ProxyLimitReached(proxy, _maxPrincipals);
            _proxies[principal] = proxy;
            _principals[proxy].push(principal);
        }
        _subtractVotes(current, 1);
        _addVotes(proxy, 1);
        emit DelegateChanged(principal, current, proxy);
    }

    /// @dev Hands each principal of `proxy` its unit back (a proxy must be a member).
    function _releasePrincipals(address proxy) private {
        address[] storage principals = _principals[proxy];
        while (principals.length != 0) {
            address principal = principals[principals.length - 1];
            principals.pop();
            delete _proxies[principal];
            _subtractVotes(proxy, 1);
            _addVotes(principal, 1);
            emit DelegateChanged(principal, proxy, principal);
        }
    }

    /// @dev Removes `principal` from the list `proxy` carries.
    function _dropPrincipal(address proxy, address principal) private {
        address[] storage principals = _principals[proxy];
        uint256 last = principals.length - 1;
        for (uint256 i = 0; i < last; ++i) {
            if (principals[i] == principal) {
                principals[i] = principals[last];
                break;
            }
        }
        principals.pop();
        delete _proxies[principal];
    }

    function _addVotes(address account, uint256 amount) private {
        Voter storage voter = _voters[account];
        uint256 old = voter.votes;
        _recordVotes(account, voter, old + amount);
        emit DelegateVotesChanged(account, old, old + amount);
    }

    function _subtractVotes(address account, uint256 amount) private {
        Voter storage voter = _voters[account];
        uint256 old = voter.votes;
        _recordVotes(account, voter, old - amount);
        emit DelegateVotesChanged(account, old, old - amount);
    }

    function _recordVotes(address account, Voter storage voter, uint256 value) private {
        uint48 now_ = clock();
        if (voter.since != now_) {
            if (voter.since != 0) _pastVotes[account].push(voter.since, voter.votes);
            voter.since = now_;
        }
        voter.votes = SafeCast.toUint16(value);
    }

    function _setSupply(uint256 value) private {
        uint48 now_ = clock();
        if (_supplySince != now_) {
            if (_supplySince != 0) _pastSupply.push(_supplySince, _supply);
            _supplySince = now_;
        }
        _supply = SafeCast.toUint208(value);
    }

    function _checkPast(uint256 timepoint) private view returns (uint48) {
        uint48 now_ = clock();
        if (timepoint >= now_) revert FutureLookup(timepoint, now_);
        return uint48(timepoint);
    }
}
