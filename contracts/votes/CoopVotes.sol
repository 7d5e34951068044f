// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {ICoopRegister} from "../interfaces/ICoopRegister.sol";
import {ICoopVotes} from "../interfaces/ICoopVotes.sol";
import {ScheduledEnds} from "./ScheduledEnds.sol";

/**
 * @title CoopVotes
 * @dev One member, one vote (GenG §43(3)), as the {IERC5805} vote source of the cooperative's governor. The member
 * list ({register}) grants and ends voting rights; members appoint proxies here.
 *
 * Every member with voting rights holds one voting unit from admission on, with no self-delegation step. A member may
 * appoint another member as proxy (GenG §43(5)), who carries at most {maxPrincipals} principals. Each member's record
 * (its rights, its proxy, its principals) is checkpointed by timestamp, so a ballot counts the votes as they stood at
 * a proposal's snapshot.
 *
 * Rights end in three ways, none of which needs a transaction at the time it takes effect:
 * - at once, by exclusion (GenG §68): the member's unit leaves its proxy and its principals get theirs back;
 * - by themselves at the exit date a notice fixed (GenG §65): the record keeps that date, so from then on the member
 *   neither votes nor counts in the quorum base, and its principals vote themselves on proposals whose snapshot
 *   comes later;
 * - when the member list completes the exit, which only tidies the records.
 * A ballot counts only members with voting rights both at the snapshot and now. Lowering the proxy limit ends, at
 * once, every appointment beyond it: such a principal votes itself from the next snapshot on, whether or not anybody
 * touches the proxy's record. No operation loops over members or proxies.
 *
 * The votes also keep the statute's quorum, a percentage of the members with voting rights at a snapshot, with its
 * history, so that the governor reads the quorum base and the quorum in one call. Used through an ERC-1967 proxy:
 * only a resolution (the member list's governance, the timelock) moves it to corrected code ({upgradeToAndCall}).
 */
contract CoopVotes is Initializable, UUPSUpgradeable, ICoopVotes, EIP712, Nonces {
    using Checkpoints for Checkpoints.Trace208;
    using ScheduledEnds for ScheduledEnds.Schedule;

    /**
     * @dev A member's current record (one storage slot). `index` is a permanent number (from 1) that a governor marks
     * ballots with, and records name proxies and principals by it. `first` was appointed before `second`;
     * `secondEpoch` is the proxy limit's epoch when `second` was appointed. `rightsEnd` is the last second with
     * voting rights once a notice has fixed it (0: none). `member` turns false when the rights end at once.
     */
    struct Voter {
        uint48 since;
        uint48 rightsEnd;
        uint32 index;
        uint32 proxy;
        uint32 first;
        uint32 second;
        uint16 secondEpoch;
        bool member;
    }

    /// @dev A record at one time: the current one, or a superseded one from the checkpoints.
    struct Record {
        bool member;
        uint48 rightsEnd;
        uint32 proxy;
        uint32 first;
        uint32 second;
        uint16 secondEpoch;
    }

    bytes32 private constant DELEGATION_TYPEHASH =
        keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)");

    address private _register;
    mapping(address account => Voter) private _voters;
    mapping(uint256 index => address) private _accounts; // written when a member is first in an appointment
    mapping(address account => Checkpoints.Trace208) private _pastRecords;

    // One storage slot: an admission writes it once; the limit's fields are read only for proxies' ballots.
    uint48 private _supplySince;
    uint32 private _supply; // members granted rights and not excluded; rights ended by time are subtracted on read
    uint32 private _lastIndex;
    uint8 private _maxPrincipals;
    uint16 private _epoch; // how often the proxy limit was lowered: appointments of an older epoch beyond it ended
    uint48 private _limitSince;

    Checkpoints.Trace208 private _pastSupply;
    Checkpoints.Trace208 private _pastLimits; // limit | epoch << 8
    ScheduledEnds.Schedule private _ends;
    Checkpoints.Trace208 private _pastQuorum; // the quorum in percent, by the time it took effect

    /// @dev Only the member list may grant and end voting rights.
    error NotRegister(address caller);
    /// @dev The account has no voting rights (not a member, or its rights have ended).
    error NoVotingRights(address account);
    /// @dev The account holds voting rights already.
    error AlreadyHasVotingRights(address account);
    /// @dev The proxy already carries the most principals the statute allows.
    error ProxyLimitReached(address proxy, uint256 limit);
    /// @dev `proxy` does not carry `principal`'s vote.
    error NotProxyOf(address proxy, address principal);
    /// @dev A lookup asked for a timepoint that is not yet in the past.
    error FutureLookup(uint256 timepoint, uint48 clock);
    /// @dev The statute's proxy limit is out of range: at least 1 (proxies cannot be excluded), at most 2.
    error InvalidProxyLimit(uint256 limit);
    /// @dev The rights of `account` cannot be set to end at `timepoint` (not in the future, or already set to end).
    error InvalidEndOfRights(address account, uint256 timepoint);

    /// @dev The quorum must be a share of the members between 1 and 100 percent.
    error InvalidQuorum(uint256 percent);
    /// @dev Only a resolution, executed by the member list's governance, may move the votes to new code.
    error NotGovernance(address caller);

    /// @dev Emitted when the statute's quorum changes (as OpenZeppelin's GovernorVotesQuorumFraction does).
    event QuorumNumeratorUpdated(uint256 oldQuorumNumerator, uint256 newQuorumNumerator);
    /// @dev Emitted when the statute's proxy limit changes.
    event ProxyLimitSet(uint256 limit);
    /// @dev Emitted when a notice fixes the last second of `account`'s voting rights.
    event VotingRightsEndSet(address indexed account, uint256 lastSecond);

    modifier onlyRegister() {
        if (msg.sender != _register) revert NotRegister(msg.sender);
        _;
    }

    constructor() EIP712("CoopVotes", "1") {
        _disableInitializers();
    }

    /**
     * @notice Binds the votes to their member list (`register_`) and sets the statute's proxy limit and quorum.
     * @param quorumPercent share of the members with voting rights at a snapshot who must cast a ballot
     */
    function initialize(address register_, uint256 maxPrincipals_, uint256 quorumPercent) external initializer {
        _register = register_;
        _setMaxPrincipals(maxPrincipals_);
        _setQuorum(quorumPercent);
    }

    // ---------------------------------------------------------------- ERC-6372

    /// @notice The clock votes are checkpointed on: the block timestamp.
    function clock() public view returns (uint48) {
        return Time.timestamp();
    }

    /// @notice Machine-readable description of {clock} (ERC-6372).
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure returns (string memory) {
        return "mode=timestamp";
    }

    // ---------------------------------------------------------------- IVotes

    /// @notice Votes `account` carries now: its own unit (unless a proxy carries it) plus its principals'.
    function getVotes(address account) external view returns (uint256) {
        return _weight(account, clock(), false);
    }

    /// @notice Votes `account` carried at `timepoint`, which must be in the past (what a ballot then counted).
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256) {
        return _weight(account, _checkPast(timepoint), false);
    }

    /// @notice Number of members with voting rights at `timepoint`, which must be in the past: the quorum base.
    function getPastTotalSupply(uint256 timepoint) public view returns (uint256) {
        uint48 key = _checkPast(timepoint);
        uint256 supply = key >= _supplySince ? _supply : _pastSupply.upperLookupRecent(key);
        return supply - _ends.endedBy(key);
    }

    /// @notice The member whose vote `account`'s unit counts for now: its proxy, or itself (none without rights).
    function delegates(address account) public view returns (address) {
        Voter storage voter = _voters[account];
        if (!_holdsRightsNow(voter)) return address(0);
        if (voter.proxy == 0) return account;
        uint48 now_ = clock();
        (uint256 limit, uint256 epoch) = _limitAt(now_);
        return _unitReturned(voter.index, voter.proxy, now_, limit, epoch) ? account : _accounts[voter.proxy];
    }

    /**
     * @notice Appoints `delegatee` as the caller's proxy; naming oneself revokes the proxy.
     * @dev Both must have voting rights, and the proxy must carry fewer than {maxPrincipals} principals.
     */
    function delegate(address delegatee) external {
        _appointProxy(msg.sender, delegatee);
    }

    /// @notice Appoints a proxy with the member's EIP-712 signature, so that a relayer pays the gas.
    function delegateBySig(address delegatee, uint256 nonce, uint256 expiry, uint8 v, bytes32 r, bytes32 s) external {
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

    // ---------------------------------------------------------------- proxies

    /**
     * @notice Resigns as `principal`'s proxy: a proxy may decline or give up an appointment it never asked for. The
     * principal's vote is its own again from the next snapshot on.
     */
    function resignAsProxy(address principal) external {
        Voter storage voter = _voters[principal];
        if (voter.proxy == 0 || voter.proxy != _voters[msg.sender].index) revert NotProxyOf(msg.sender, principal);
        _leaveProxy(principal, voter);
    }

    // ---------------------------------------------------------------- the member list's calls

    /// @inheritdoc ICoopVotes
    function grantVotingRights(address account) external onlyRegister {
        Voter storage voter = _voters[account];
        if (voter.member) revert AlreadyHasVotingRights(account);
        _touch(account, voter);
        voter.member = true;
        voter.rightsEnd = 0;
        if (voter.index == 0) voter.index = ++_lastIndex;
        _setSupply(_supply + 1);
        emit DelegateChanged(account, address(0), account);
        emit DelegateVotesChanged(account, 0, 1);
    }

    /// @inheritdoc ICoopVotes
    function endVotingRightsAt(address account, uint256 lastSecond) external onlyRegister {
        Voter storage voter = _voters[account];
        uint48 now_ = clock();
        if (!_holdsRightsNow(voter) || voter.rightsEnd != 0 || lastSecond <= now_) {
            revert InvalidEndOfRights(account, lastSecond);
        }
        uint48 date = SafeCast.toUint48(lastSecond);
        _ends.fold(now_);
        _ends.add(date);
        _touch(account, voter);
        voter.rightsEnd = date;
        emit VotingRightsEndSet(account, lastSecond);
    }

    /// @inheritdoc ICoopVotes
    function revokeVotingRights(address account) external onlyRegister {
        Voter storage voter = _voters[account];
        if (!voter.member) return;
        uint48 now_ = clock();
        _ends.fold(now_);
        // Rights that ended by themselves left the quorum base at their date already.
        if (voter.rightsEnd == 0 || voter.rightsEnd >= now_) {
            if (voter.rightsEnd != 0) _ends.remove(voter.rightsEnd);
            _setSupply(_supply - 1);
        }
        address carrier = voter.proxy == 0 ? account : _accounts[voter.proxy];
        if (voter.proxy != 0) _leaveProxy(account, voter);
        while (voter.first != 0) _release(account, voter.second != 0 ? voter.second : voter.first);
        _touch(account, voter);
        voter.member = false;
        emit DelegateChanged(account, carrier, address(0));
        emit DelegateVotesChanged(account, 1, 0);
    }

    /// @inheritdoc ICoopVotes
    function setMaxPrincipals(uint256 limit) external onlyRegister {
        _setMaxPrincipals(limit);
    }

    /// @inheritdoc ICoopVotes
    function setQuorum(uint256 percent) external onlyRegister {
        _setQuorum(percent);
    }

    // ---------------------------------------------------------------- cooperative views

    /// @inheritdoc ICoopVotes
    function register() external view returns (address) {
        return _register;
    }

    /// @inheritdoc ICoopVotes
    function hasVotingRights(address account) external view returns (bool) {
        return _holdsRightsNow(_voters[account]);
    }

    /// @notice Number of members with voting rights now.
    function votingMembers() external view returns (uint256) {
        return _supply - _ends.endedBy(clock());
    }

    /**
     * @inheritdoc ICoopVotes
     * @dev The votes at the snapshot, counting only members with voting rights both then and now: an excluded member
     * loses the vote at once, even on proposals whose snapshot precedes the exclusion, also where its proxy casts it.
     * Appointments count as they stood at the snapshot, so a principal whose proxy has lost its rights since votes
     * itself only on proposals with a later snapshot, as after revoking the proxy.
     */
    function ballot(address account, uint256 timepoint) external view returns (uint256 weight, uint256 index) {
        index = _voters[account].index;
        weight = _weight(account, _checkPast(timepoint), true);
    }

    /// @inheritdoc ICoopVotes
    function ballots(
        address[] calldata accounts,
        uint256 timepoint
    ) external view returns (uint256[] memory weights, uint256[] memory indexes) {
        uint48 t = _checkPast(timepoint);
        uint256 n = accounts.length;
        weights = new uint256[](n);
        indexes = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            indexes[i] = _voters[accounts[i]].index;
            weights[i] = _weight(accounts[i], t, true);
        }
    }

    /// @inheritdoc ICoopVotes
    function voterIndex(address account) external view returns (uint256) {
        return _voters[account].index;
    }

    /// @notice The members whose votes `proxy` carries now, in the order they appointed it (none once its own
    /// rights have ended).
    function principalsOf(address proxy) external view returns (address[] memory principals) {
        Voter storage voter = _voters[proxy];
        if (!_holdsRightsNow(voter)) return principals; // a proxy without rights carries nobody's vote
        uint48 now_ = clock();
        (uint256 limit, uint256 epoch) = _limitAt(now_);
        address first = voter.first != 0 && _principalCounts(voter.first, now_, false) ? _accounts[voter.first] : address(0);
        address second = voter.second != 0 && limit > 1 && voter.secondEpoch == epoch &&
            _principalCounts(voter.second, now_, false)
            ? _accounts[voter.second]
            : address(0);
        principals = new address[]((first != address(0) ? 1 : 0) + (second != address(0) ? 1 : 0));
        if (first != address(0)) principals[0] = first;
        if (second != address(0)) principals[principals.length - 1] = second;
    }

    /// @inheritdoc ICoopVotes
    function quorum(uint256 timepoint) external view returns (uint256) {
        return Math.mulDiv(getPastTotalSupply(timepoint), quorumNumerator(timepoint), 100, Math.Rounding.Ceil);
    }

    /// @notice The statute's quorum now, in percent.
    function quorumNumerator() external view returns (uint256) {
        return _pastQuorum.latest();
    }

    /// @inheritdoc ICoopVotes
    function quorumNumerator(uint256 timepoint) public view returns (uint256) {
        return _pastQuorum.upperLookupRecent(SafeCast.toUint48(timepoint));
    }

    /// @notice The most principals one proxy may carry (statute; GenG §43(5): at most 2).
    function maxPrincipals() external view returns (uint256) {
        return _maxPrincipals;
    }

    // ---------------------------------------------------------------- internal: weights

    /// @dev What `account`'s ballot counts at snapshot `t`; with `rightsNow`, only members with voting rights now.
    function _weight(address account, uint48 t, bool rightsNow) private view returns (uint256 weight) {
        Voter storage voter = _voters[account];
        Voter memory v = voter; // the common ballot, a member without proxy since before `t`, reads this slot only
        if (rightsNow && !(v.member && (v.rightsEnd == 0 || clock() <= v.rightsEnd))) return 0;
        if (t >= v.since && v.proxy == 0 && v.first == 0) return v.member && (v.rightsEnd == 0 || t <= v.rightsEnd) ? 1 : 0;
        Record memory r = _recordAt(account, voter, t);
        if (!_holds(r, t)) return 0;
        if (r.proxy == 0 && r.first == 0) return 1;
        (uint256 limit, uint256 epoch) = _limitAt(t);
        if (r.proxy == 0 || _unitReturned(voter.index, r.proxy, t, limit, epoch)) weight = 1;
        if (r.first != 0 && _principalCounts(r.first, t, rightsNow)) ++weight;
        if (r.second != 0 && limit > 1 && r.secondEpoch == epoch && _principalCounts(r.second, t, rightsNow)) {
            ++weight;
        }
    }

    /**
     * @dev Whether the unit of the member with `index`, carried by the proxy with `proxyIndex` at `t`, counts for the
     * member itself: the proxy had no voting rights at `t`, or the appointment was one beyond the limit at `t`.
     */
    function _unitReturned(
        uint256 index,
        uint32 proxyIndex,
        uint48 t,
        uint256 limit,
        uint256 epoch
    ) private view returns (bool) {
        address proxy = _accounts[proxyIndex];
        Record memory p = _recordAt(proxy, _voters[proxy], t);
        if (!_holds(p, t)) return true;
        return p.second == index && (limit < 2 || p.secondEpoch != epoch);
    }

    /// @dev Whether the principal with `index` had voting rights at `t` (and, with `rightsNow`, has them now).
    function _principalCounts(uint32 index, uint48 t, bool rightsNow) private view returns (bool) {
        address account = _accounts[index];
        Voter storage voter = _voters[account];
        if (rightsNow && !_holdsRightsNow(voter)) return false;
        return _holds(_recordAt(account, voter, t), t);
    }

    function _holdsRightsNow(Voter storage voter) private view returns (bool) {
        return voter.member && (voter.rightsEnd == 0 || clock() <= voter.rightsEnd);
    }

    function _holds(Record memory r, uint48 t) private pure returns (bool) {
        return r.member && (r.rightsEnd == 0 || t <= r.rightsEnd);
    }

    function _recordAt(address account, Voter storage voter, uint48 t) private view returns (Record memory r) {
        if (t >= voter.since) {
            return Record(voter.member, voter.rightsEnd, voter.proxy, voter.first, voter.second, voter.secondEpoch);
        }
        uint256 packed = _pastRecords[account].upperLookupRecent(t);
        r.member = packed & 1 != 0;
        r.rightsEnd = uint48(packed >> 1);
        r.proxy = uint32(packed >> 49);
        r.first = uint32(packed >> 81);
        r.second = uint32(packed >> 113);
        r.secondEpoch = uint16(packed >> 145);
    }

    /// @dev The proxy limit and its epoch at `t`.
    function _limitAt(uint48 t) private view returns (uint256 limit, uint256 epoch) {
        if (t >= _limitSince) return (_maxPrincipals, _epoch);
        uint256 packed = _pastLimits.upperLookupRecent(t);
        return (uint8(packed), packed >> 8);
    }

    // ---------------------------------------------------------------- internal: changes

    function _appointProxy(address principal, address proxy) private {
        Voter storage p = _voters[principal];
        if (!_holdsRightsNow(p)) revert NoVotingRights(principal);
        if (proxy == principal) {
            if (p.proxy != 0) _leaveProxy(principal, p);
            return;
        }
        Voter storage t = _voters[proxy];
        if (!_holdsRightsNow(t)) revert NoVotingRights(proxy);
        if (p.proxy != 0) {
            if (p.proxy == t.index && delegates(principal) == proxy) return;
            _leaveProxy(principal, p);
        }
        _tidy(proxy, t);
        uint256 carried = (t.first != 0 ? 1 : 0) + (t.second != 0 ? 1 : 0);
        if (carried >= _maxPrincipals) revert ProxyLimitReached(proxy, _maxPrincipals);
        if (_accounts[p.index] == address(0)) _accounts[p.index] = principal;
        if (_accounts[t.index] == address(0)) _accounts[t.index] = proxy;
        uint256 before = _units(t);
        _touch(proxy, t);
        if (t.first == 0) {
            t.first = p.index;
        } else {
            t.second = p.index;
            t.secondEpoch = _epoch;
        }
        uint256 own = _units(p);
        _touch(principal, p);
        p.proxy = t.index;
        emit DelegateChanged(principal, principal, proxy);
        emit DelegateVotesChanged(principal, own, own - 1);
        emit DelegateVotesChanged(proxy, before, before + 1);
    }

    /// @dev Ends the appointments of `proxy` that no longer count: principals without voting rights now, and a
    /// second principal beyond the statute's limit.
    function _tidy(address proxy, Voter storage t) private {
        if (t.second != 0 && (!_secondAllowedNow(t) || !_holdsRightsNow(_voters[_accounts[t.second]]))) {
            _release(proxy, t.second);
        }
        if (t.first != 0 && !_holdsRightsNow(_voters[_accounts[t.first]])) _release(proxy, t.first);
    }

    /// @dev `principal` leaves the proxy that carries its unit; the unit is its own again.
    function _leaveProxy(address principal, Voter storage p) private {
        _release(_accounts[p.proxy], p.index);
    }

    /// @dev Ends the appointment of `proxy` by the principal with `index`: the unit goes back to the principal.
    function _release(address proxy, uint32 index) private {
        Voter storage t = _voters[proxy];
        uint256 before = _units(t);
        _touch(proxy, t);
        if (t.first == index) {
            uint32 second = t.second;
            bool keep = second != 0 && _secondAllowedNow(t);
            t.first = 0;
            t.second = 0;
            t.secondEpoch = 0;
            if (keep) t.first = second;
            else if (second != 0) _returnUnit(proxy, second);
        } else if (t.second == index) {
            t.second = 0;
            t.secondEpoch = 0;
        }
        _returnUnit(proxy, index);
        emit DelegateVotesChanged(proxy, before, _units(t));
    }

    /// @dev The principal with `index` no longer names `proxy`.
    function _returnUnit(address proxy, uint32 index) private {
        address principal = _accounts[index];
        Voter storage p = _voters[principal];
        uint256 before = _units(p);
        _touch(principal, p);
        p.proxy = 0;
        emit DelegateChanged(principal, proxy, principal);
        emit DelegateVotesChanged(principal, before, _units(p));
    }

    function _secondAllowedNow(Voter storage t) private view returns (bool) {
        return _maxPrincipals > 1 && t.secondEpoch == _epoch;
    }

    /// @dev The units a record holds (the figure of the IVotes events): its own, unless a proxy carries it, and its
    /// principals'. What a ballot counts also depends on time ({_weight}).
    function _units(Voter storage voter) private view returns (uint256) {
        return
            (voter.member && voter.proxy == 0 ? 1 : 0) + (voter.first != 0 ? 1 : 0) + (voter.second != 0 ? 1 : 0);
    }

    /// @dev Before a record changes: keeps the superseded one in the checkpoints, unless it was set this same second.
    function _touch(address account, Voter storage voter) private {
        uint48 now_ = clock();
        if (voter.since == now_) return;
        if (voter.since != 0) _pastRecords[account].push(voter.since, _pack(voter));
        voter.since = now_;
    }

    function _pack(Voter storage v) private view returns (uint208) {
        return
            uint208(
                (v.member ? 1 : 0) |
                    (uint256(v.rightsEnd) << 1) |
                    (uint256(v.proxy) << 49) |
                    (uint256(v.first) << 81) |
                    (uint256(v.second) << 113) |
                    (uint256(v.secondEpoch) << 145)
            );
    }

    function _setSupply(uint256 value) private {
        uint48 now_ = clock();
        if (_supplySince != now_) {
            if (_supplySince != 0) _pastSupply.push(_supplySince, _supply);
            _supplySince = now_;
        }
        _supply = SafeCast.toUint32(value);
    }

    /// @dev Sets the proxy limit. Lowering it starts a new epoch: every appointment beyond the new limit ends at once,
    /// read from the epoch when ballots are counted, so the change costs the same however many proxies there are.
    function _setMaxPrincipals(uint256 limit) private {
        if (limit == 0 || limit > 2) revert InvalidProxyLimit(limit);
        uint48 now_ = clock();
        if (_limitSince != now_) {
            if (_limitSince != 0) _pastLimits.push(_limitSince, uint208(_maxPrincipals) | (uint208(_epoch) << 8));
            _limitSince = now_;
        }
        if (limit < _maxPrincipals) _epoch = SafeCast.toUint16(uint256(_epoch) + 1);
        _maxPrincipals = uint8(limit);
        emit ProxyLimitSet(limit);
    }

    /// @dev Sets the quorum for proposals whose snapshot is now or later; earlier ones keep theirs.
    function _setQuorum(uint256 percent) private {
        if (percent == 0 || percent > 100) revert InvalidQuorum(percent);
        (uint256 old, ) = _pastQuorum.push(clock(), uint208(percent));
        emit QuorumNumeratorUpdated(old, percent);
    }

    /// @dev Only the member list's governance (the timelock, executing a statute-change resolution) moves the votes
    /// to new code; the member list says who its governance is.
    function _authorizeUpgrade(address) internal view override {
        if (msg.sender != ICoopRegister(_register).governance()) revert NotGovernance(msg.sender);
    }

    function _checkPast(uint256 timepoint) private view returns (uint48) {
        uint48 now_ = clock();
        if (timepoint >= now_) revert FutureLookup(timepoint, now_);
        return uint48(timepoint);
    }
}
