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
 * proxy, who carries at most {maxPrincipals} principals. Votes, the principals carried and the number of members with
 * voting rights are checkpointed by timestamp, so a governor reads them at a proposal's snapshot.
 *
 * A ballot ({ballot}) counts the votes at the snapshot, less the units of principals whose rights have ended since:
 * an excluded or exited member loses the vote at once (GenG §68), also where a proxy casts it.
 *
 * Gas: the current value, the principals' permanent indices and the time they were set live in the member's record
 * (one storage slot, written once at admission); only superseded records go into an OpenZeppelin {Checkpoints}
 * trace. A ballot at a snapshot taken after the last change costs a single storage read, whatever the number of
 * members, plus two for each principal the voter carries.
 *
 * The inheriting contract decides who gains and loses voting rights by calling {_grantVotingRights} and
 * {_revokeVotingRights}.
 */
abstract contract MemberVotes is IERC5805, EIP712, Nonces {
    using Checkpoints for Checkpoints.Trace208;

    /**
     * @dev A voter's current record. `index` is a permanent number (from 1) a governor uses to mark ballots, and the
     * record names principals by it. `firstPrincipal` was appointed before `secondPrincipal`. `listed` is the
     * position (from 1) in the list of proxies that carry two principals.
     */
    struct Voter {
        uint16 votes;
        uint48 since;
        uint32 index;
        bool hasRights;
        uint32 firstPrincipal;
        uint32 secondPrincipal;
        uint32 listed;
    }

    bytes32 private constant DELEGATION_TYPEHASH =
        keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)");

    mapping(address account => Voter) private _voters;
    mapping(address account => address) private _proxies;
    mapping(uint256 index => address) private _accounts; // written when a member first appoints a proxy
    mapping(address account => Checkpoints.Trace208) private _pastRecords; // votes and principals, packed
    address[] private _fullProxies; // proxies carrying two principals, released if the limit drops to one

    // One storage slot, which an admission writes once (uint32 is room for every member a chain could hold).
    uint48 private _supplySince;
    uint32 private _supply;
    uint32 private _lastIndex;
    uint8 private _maxPrincipals;
    Checkpoints.Trace208 private _pastSupply;

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

    /**
     * @notice Votes `account` held at `timepoint`, which must be in the past.
     * @dev The record as it was then; what a ballot counts is {ballot}.
     */
    function getPastVotes(address account, uint256 timepoint) public view virtual returns (uint256) {
        (uint256 votes, , ) = _recordAt(account, _voters[account], _checkPast(timepoint));
        return votes;
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
     * @dev The votes at the snapshot, but only of members who have voting rights now: an excluded member loses the
     * vote at once, even on proposals whose snapshot precedes the exclusion, and also where its proxy casts it.
     * Appointments count as they stood at the snapshot, so a principal whose proxy has lost its rights since votes
     * itself only on proposals with a later snapshot, as after revoking the proxy.
     */
    function ballot(address account, uint256 timepoint) external view returns (uint256 weight, uint256 index) {
        Voter storage voter = _voters[account];
        index = voter.index;
        if (!voter.hasRights) return (0, index);
        (uint256 votes, uint256 first, uint256 second) = _recordAt(account, voter, _checkPast(timepoint));
        weight = votes;
        if (first != 0 && !_voters[_accounts[first]].hasRights) --weight;
        if (second != 0 && !_voters[_accounts[second]].hasRights) --weight;
    }

    /// @notice The permanent index of `account` (0 if never admitted).
    function voterIndex(address account) external view returns (uint256) {
        return _voters[account].index;
    }

    /// @notice The members whose votes `proxy` carries now, in the order they appointed it.
    function principalsOf(address proxy) external view returns (address[] memory principals) {
        Voter storage voter = _voters[proxy];
        uint256 count = voter.secondPrincipal != 0 ? 2 : voter.firstPrincipal != 0 ? 1 : 0;
        principals = new address[](count);
        if (count > 0) principals[0] = _accounts[voter.firstPrincipal];
        if (count > 1) principals[1] = _accounts[voter.secondPrincipal];
    }

    /// @notice The most principals one proxy may carry (statute; GenG §43(5): at most 2).
    function maxPrincipals() public view returns (uint256) {
        return _maxPrincipals;
    }

    // ---------------------------------------------------------------- internal

    /**
     * @dev Sets the proxy limit. Lowering it to one ends the later appointment of every proxy carrying two: that
     * principal's unit goes back to it. This loops over those proxies, so a cooperative with very many of them may
     * need its members to revoke some appointments before the statute change can be executed.
     */
    function _setMaxPrincipals(uint256 limit) internal {
        if (limit == 0 || limit > 2) revert InvalidProxyLimit(limit);
        _maxPrincipals = uint8(limit);
        emit ProxyLimitSet(limit);
        if (limit == 1) {
            while (_fullProxies.length != 0) {
                address proxy = _fullProxies[_fullProxies.length - 1];
                _returnUnit(proxy, _accounts[_voters[proxy].secondPrincipal]);
            }
        }
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
        while (voter.firstPrincipal != 0) {
            _returnUnit(account, _accounts[voter.secondPrincipal != 0 ? voter.secondPrincipal : voter.firstPrincipal]);
        }
    }

    function _appointProxy(address principal, address proxy) private {
        Voter storage p = _voters[principal];
        if (!p.hasRights) revert NoVotingRights(principal);
        Voter storage t = _voters[proxy];
        if (!t.hasRights) revert NoVotingRights(proxy);
        address current = delegates(principal);
        if (current == proxy) return;
        if (current != principal) _dropPrincipal(current, principal);
        if (proxy != principal) {
            if (_principalCount(t) >= _maxPrincipals) revert ProxyLimitReached(proxy, _maxPrincipals);
            _proxies[principal] = proxy;
            if (_accounts[p.index] == address(0)) _accounts[p.index] = principal;
            _touch(proxy, t);
            if (t.firstPrincipal == 0) {
                t.firstPrincipal = p.index;
            } else {
                t.secondPrincipal = p.index;
                _fullProxies.push(proxy);
                t.listed = uint32(_fullProxies.length);
            }
        }
        _subtractVotes(current, 1);
        _addVotes(proxy, 1);
        emit DelegateChanged(principal, current, proxy);
    }

    /// @dev Ends `principal`'s appointment of `proxy` and hands the unit back to the principal.
    function _returnUnit(address proxy, address principal) private {
        _dropPrincipal(proxy, principal);
        _subtractVotes(proxy, 1);
        _addVotes(principal, 1);
        emit DelegateChanged(principal, proxy, principal);
    }

    /// @dev Removes `principal` from the ones `proxy` carries, keeping the order of appointment.
    function _dropPrincipal(address proxy, address principal) private {
        Voter storage t = _voters[proxy];
        uint32 index = _voters[principal].index;
        _touch(proxy, t);
        if (t.firstPrincipal == index) t.firstPrincipal = t.secondPrincipal;
        if (t.secondPrincipal != 0) {
            t.secondPrincipal = 0;
            _unlist(t);
        }
        delete _proxies[principal];
    }

    /// @dev Takes a proxy that no longer carries two principals off the list (swap with the last, then pop).
    function _unlist(Voter storage t) private {
        uint256 position = t.listed;
        address last = _fullProxies[_fullProxies.length - 1];
        _fullProxies[position - 1] = last;
        _voters[last].listed = uint32(position);
        _fullProxies.pop();
        t.listed = 0;
    }

    function _principalCount(Voter storage voter) private view returns (uint256) {
        return (voter.firstPrincipal != 0 ? 1 : 0) + (voter.secondPrincipal != 0 ? 1 : 0);
    }

    function _addVotes(address account, uint256 amount) private {
        Voter storage voter = _voters[account];
        uint256 old = voter.votes;
        _touch(account, voter);
        voter.votes = SafeCast.toUint16(old + amount);
        emit DelegateVotesChanged(account, old, old + amount);
    }

    function _subtractVotes(address account, uint256 amount) private {
        Voter storage voter = _voters[account];
        uint256 old = voter.votes;
        _touch(account, voter);
        voter.votes = SafeCast.toUint16(old - amount);
        emit DelegateVotesChanged(account, old, old - amount);
    }

    /// @dev Before a record changes: keeps the superseded one in the trace, unless it was set at this same time.
    function _touch(address account, Voter storage voter) private {
        uint48 now_ = clock();
        if (voter.since == now_) return;
        if (voter.since != 0) {
            _pastRecords[account].push(voter.since, _pack(voter.votes, voter.firstPrincipal, voter.secondPrincipal));
        }
        voter.since = now_;
    }

    /// @dev `account`'s votes and principals' indices at `key`.
    function _recordAt(
        address account,
        Voter storage voter,
        uint48 key
    ) private view returns (uint256 votes, uint256 first, uint256 second) {
        if (key >= voter.since) return (voter.votes, voter.firstPrincipal, voter.secondPrincipal);
        uint256 packed = _pastRecords[account].upperLookupRecent(key);
        return (uint16(packed), uint32(packed >> 16), uint32(packed >> 48));
    }

    function _pack(uint256 votes, uint256 first, uint256 second) private pure returns (uint208) {
        return uint208(votes | (first << 16) | (second << 48));
    }

    function _setSupply(uint256 value) private {
        uint48 now_ = clock();
        if (_supplySince != now_) {
            if (_supplySince != 0) _pastSupply.push(_supplySince, _supply);
            _supplySince = now_;
        }
        _supply = SafeCast.toUint32(value);
    }

    function _checkPast(uint256 timepoint) private view returns (uint48) {
        uint48 now_ = clock();
        if (timepoint >= now_) revert FutureLookup(timepoint, now_);
        return uint48(timepoint);
    }
}
