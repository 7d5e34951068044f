// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {FiscalCalendar} from "./FiscalCalendar.sol";
import {ResolutionKind} from "../governance/ResolutionKind.sol";
import {ICoopRegister} from "../interfaces/ICoopRegister.sol";
import {ICoopVotes} from "../interfaces/ICoopVotes.sol";

/**
 * @title CoopMembership
 * @dev The member list and the capital accounts of a cooperative (GenG §§7, 15, 30, 65, 68, 73, 76).
 *
 * Applicants pay for their shares into escrow with a hash of their signed application; the admitting body (anyone in
 * an open cooperative, the board, or the assembly through governance) admits or rejects them. Members buy more shares,
 * give notice, and after the fiscal-year end their exit is completed and the nominal value they paid in becomes a
 * refund claim, paid when funds allow and never lost. Exclusion by a resolution ends the vote at once and settles
 * capital like an exit. Every member holds one vote in the cooperative's {CoopVotes}, which this list grants and ends.
 *
 * Money: a payment counts only when its full amount arrived (a token that takes a fee or burns on transfer is
 * refused), and money leaves only by claims its owner pulls (a rejected applicant's escrow, a refund), or to the
 * treasury by resolution. Every function that moves value writes its state before it calls out, behind a re-entry
 * guard, so a payment token with transfer hooks cannot re-enter it.
 *
 * Deployed once as an implementation and used through an ERC-1967 proxy, so it is initialised, not constructed; only a
 * resolution moves the proxy to corrected code ({upgradeToAndCall}), keeping members, capital accounts and claims.
 */
contract CoopMembership is Initializable, UUPSUpgradeable, ReentrancyGuardUpgradeable, EIP712, Nonces, ICoopRegister {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    enum AdmissionMode {
        Open,
        Board,
        Assembly
    }

    enum Status {
        None,
        Active,
        Leaving,
        Excluded,
        Exited
    }

    /// @dev The statute's membership terms.
    struct Terms {
        address paymentToken; // address(0): the chain's native coin
        uint96 sharePrice; // nominal value of one share
        uint32 minShares;
        uint32 maxShares;
        AdmissionMode admission;
        uint16 noticeMonths; // 3 to 60 (GenG §65)
        uint8 fiscalYearEndMonth;
        uint8 fiscalYearEndDay;
        bool sharesTransferable; // GenG §76
    }

    /// @dev The cooperative's other contracts: none of them may ever be a member.
    struct Contracts {
        address votes;
        address governance; // the timelock: treasury and executor of resolutions
        address governor;
        address token;
    }

    struct Member {
        Status status;
        uint32 shares;
        uint96 paid; // paid-in nominal value (Geschäftsguthaben)
        uint48 joinedAt;
        uint48 exitAt; // effective date of exit or exclusion, once notice is given or exclusion decided
    }

    struct Application {
        uint32 shares;
        uint96 escrow;
    }

    /// @dev A receiver's agreement to take `shares` shares carrying `value` paid-in capital from one member.
    struct Consent {
        uint32 shares;
        uint96 value;
    }

    uint256 public constant MIN_FOUNDERS = 3;
    uint256 public constant MIN_NOTICE_MONTHS = 3;
    uint256 public constant MAX_NOTICE_MONTHS = 60;
    bytes32 private constant SHARE_TRANSFER_TYPEHASH =
        keccak256("ShareTransfer(address from,address to,uint256 shares,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 private constant NOTICE_TYPEHASH = keccak256("Notice(address member,uint256 nonce,uint256 deadline)");
    bytes32 private constant APPLICATION_TYPEHASH =
        keccak256("Application(address applicant,uint256 shares,bytes32 applicationHash,uint256 nonce,uint256 deadline)");

    Terms private _terms;
    address private _governance;
    address private _board;
    ICoopVotes private _votes;
    address private _governor;
    address private _token;

    mapping(address account => Member) private _members;
    mapping(address applicant => Application) private _applications;
    mapping(address applicant => uint256) private _returnedEscrow;
    mapping(address account => uint256) private _refundClaims;
    mapping(address to => mapping(address from => Consent)) private _consents;

    uint32 private _memberCount;
    uint64 private _totalShares;
    uint128 private _totalPaid;
    uint128 private _escrowTotal; // pending applications and rejected applicants' escrow not yet collected
    uint128 private _claimsTotal;

    event TermsSet(Terms terms);
    event Applied(address indexed applicant, uint256 shares, uint256 escrow, bytes32 applicationHash);
    event ApplicationWithdrawn(address indexed applicant, uint256 escrow);
    event Admitted(address indexed member, uint256 shares, uint256 paid, address indexed by);
    event Rejected(address indexed applicant, uint256 escrow, address indexed by);
    event EscrowCollected(address indexed applicant, uint256 amount);
    event SharesBought(address indexed member, uint256 shares, uint256 amount);
    event CapitalPaidIn(address indexed member, uint256 amount);
    event TransferConsented(address indexed from, address indexed to, uint256 shares, uint256 value);
    event SharesTransferred(address indexed from, address indexed to, uint256 shares, uint256 value);
    event NoticeGiven(address indexed member, uint256 exitAt);
    event Excluded(address indexed member, uint256 exitAt);
    event Exited(address indexed member, uint256 shares, uint256 refundClaim);
    event RefundPaid(address indexed member, uint256 amount, uint256 remainingClaim);
    event CapitalMovedToTreasury(address indexed treasury, uint256 amount);
    event FundsReceived(address indexed from, uint256 amount);
    event StatuteChanged(string parameter, uint256 value);
    event BoardChanged(address indexed board);

    error NotGovernance(address caller);
    error NotAdmittingBody(address caller);
    error TooFewFounders(uint256 count);
    error DuplicateFounder(address founder);
    error InvalidShareLimits(uint256 minShares, uint256 maxShares);
    error InvalidSharePrice();
    error InvalidNoticePeriod(uint256 months);
    error InvalidAddress();
    error CooperativeContract(address account);
    error AlreadyMember(address account);
    error ApplicationPending(address applicant);
    error NoApplication(address applicant);
    error NoReturnedEscrow(address applicant);
    error NotAMember(address account);
    error NotActiveMember(address account);
    error NotLeaving(address member);
    error NoticeAlreadyGiven(address member, uint256 exitAt);
    error ShareCountOutOfRange(uint256 shares, uint256 minShares, uint256 maxShares);
    error WrongPayment(uint256 expected, uint256 received);
    error PaymentShortfall(address token, uint256 expected, uint256 received);
    error NothingDue(address member);
    error ExitNotDue(address member, uint256 exitAt);
    error NoRefundClaim(address account);
    error NoFunds(uint256 available);
    error SharesNotTransferable();
    error NoTransferConsent(address from, address to, uint256 shares, uint256 value);
    error ConsentExpired(uint256 deadline);
    error InvalidConsentSignature(address to);
    error DeclarationExpired(uint256 deadline);
    error InvalidNoticeSignature(address member);
    error InvalidApplicationSignature(address applicant);
    error InsufficientFunds(uint256 requested, uint256 available);

    modifier onlyGovernance() {
        if (msg.sender != _governance) revert NotGovernance(msg.sender);
        _;
    }

    constructor() EIP712("CoopMembership", "1") {
        _disableInitializers();
    }

    /**
     * @notice Sets up the cooperative's member list with its statute terms and founders (at least three, GenG §4).
     * @dev Founders are members from the start with the minimum number of shares subscribed; they pay in with
     * {payIn}. `coop_.governance` is the timelock that executes resolutions; `board_` admits members in board mode.
     * The votes contract must already be bound to this list.
     */
    function initialize(
        Terms calldata terms_,
        Contracts calldata coop_,
        address board_,
        address[] calldata founders
    ) external initializer {
        if (coop_.governance == address(0) || coop_.votes == address(0)) revert InvalidAddress();
        __ReentrancyGuard_init();
        _checkTerms(terms_);
        _terms = terms_;
        _governance = coop_.governance;
        _votes = ICoopVotes(coop_.votes);
        _governor = coop_.governor;
        _token = coop_.token;
        _board = board_;
        emit TermsSet(terms_);
        emit BoardChanged(board_);
        if (founders.length < MIN_FOUNDERS) revert TooFewFounders(founders.length);
        for (uint256 i = 0; i < founders.length; ++i) {
            address founder = founders[i];
            if (founder == address(0)) revert InvalidAddress();
            _checkNotOwnContract(founder);
            if (_members[founder].status != Status.None) revert DuplicateFounder(founder);
            _admit(founder, terms_.minShares, 0);
        }
    }

    // ---------------------------------------------------------------- admission (GenG §15)

    /**
     * @notice Applies for membership with `shares` shares, paying their nominal value into escrow.
     * @dev In an open cooperative the applicant is admitted at once. `applicationHash` is the hash of the signed
     * written application kept off-chain (personal data stays off the chain).
     */
    function submitApplication(uint256 shares, bytes32 applicationHash) external payable nonReentrant {
        _submitApplication(msg.sender, shares, applicationHash);
    }

    /**
     * @notice Submits `applicant`'s application, declared in text form (GenG §15(1)) as an EIP-712 signature
     * (`Application`, with `applicant`'s current {nonces} and a `deadline`): anyone may relay it, and the relayer
     * pays the shares' nominal value and the gas. The escrow is the applicant's: a withdrawal or a rejection returns
     * it to the applicant, an admission makes it the applicant's paid-in capital. A contract applicant signs by
     * ERC-1271. A signature serves once.
     */
    function submitApplicationBySig(
        address applicant,
        uint256 shares,
        bytes32 applicationHash,
        uint256 deadline,
        bytes calldata signature
    ) external payable nonReentrant {
        if (block.timestamp > deadline) revert DeclarationExpired(deadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(APPLICATION_TYPEHASH, applicant, shares, applicationHash, _useNonce(applicant), deadline)
            )
        );
        if (!SignatureChecker.isValidSignatureNow(applicant, digest, signature)) {
            revert InvalidApplicationSignature(applicant);
        }
        _submitApplication(applicant, shares, applicationHash);
    }

    /// @dev `applicant`'s application for `shares` shares; the caller pays their nominal value (admitted at once in
    /// an open cooperative, else held in escrow for the applicant).
    function _submitApplication(address applicant, uint256 shares, bytes32 applicationHash) private {
        _checkNotOwnContract(applicant);
        Status status = _members[applicant].status;
        if (status != Status.None && status != Status.Exited) revert AlreadyMember(applicant);
        if (_applications[applicant].shares != 0) revert ApplicationPending(applicant);
        Terms memory t = _terms;
        if (shares < t.minShares || shares > t.maxShares) {
            revert ShareCountOutOfRange(shares, t.minShares, t.maxShares);
        }
        uint256 amount = shares * t.sharePrice;
        emit Applied(applicant, shares, amount, applicationHash);
        if (t.admission == AdmissionMode.Open) {
            _admit(applicant, shares, amount);
        } else {
            _applications[applicant] = Application(shares.toUint32(), amount.toUint96());
            _escrowTotal += amount.toUint128();
        }
        _collect(t.paymentToken, amount);
    }

    /// @notice Withdraws the caller's pending application and pays the escrow back to the caller.
    function withdrawApplication() external nonReentrant {
        uint256 escrow = _closeApplication(msg.sender);
        _escrowTotal -= uint128(escrow);
        emit ApplicationWithdrawn(msg.sender, escrow);
        _pay(msg.sender, escrow);
    }

    /// @notice Admits `applicant` (board in board mode, or a resolution); the escrow becomes paid-in capital.
    function admit(address applicant) external {
        _checkAdmittingBody();
        Application memory a = _applications[applicant];
        uint256 escrow = _closeApplication(applicant);
        _escrowTotal -= uint128(escrow);
        _admit(applicant, a.shares, escrow);
    }

    /**
     * @notice Rejects `applicant`. The escrow stays held for the applicant, who collects it with {collectEscrow}: a
     * receiver that refuses payment cannot block its own rejection, nor anybody else's.
     */
    function reject(address applicant) external {
        _checkAdmittingBody();
        uint256 escrow = _closeApplication(applicant);
        _returnedEscrow[applicant] += escrow;
        emit Rejected(applicant, escrow, msg.sender);
    }

    /// @notice Pays the caller the escrow of its rejected applications.
    function collectEscrow() external nonReentrant {
        uint256 amount = _returnedEscrow[msg.sender];
        if (amount == 0) revert NoReturnedEscrow(msg.sender);
        delete _returnedEscrow[msg.sender];
        _escrowTotal -= uint128(amount);
        emit EscrowCollected(msg.sender, amount);
        _pay(msg.sender, amount);
    }

    // ---------------------------------------------------------------- capital

    /// @notice Subscribes and pays for `shares` more shares, up to the statute's maximum.
    function buyShares(uint256 shares) external payable nonReentrant {
        Member storage m = _activeMember(msg.sender);
        uint256 total = m.shares + shares;
        Terms memory t = _terms;
        if (shares == 0 || total > t.maxShares) revert ShareCountOutOfRange(total, t.minShares, t.maxShares);
        uint256 amount = shares * t.sharePrice;
        m.shares = total.toUint32();
        m.paid += amount.toUint96();
        _totalShares += uint64(shares);
        _totalPaid += amount.toUint128();
        emit SharesBought(msg.sender, shares, amount);
        _collect(t.paymentToken, amount);
    }

    /// @notice Pays in what the caller still owes on subscribed shares (founders subscribe at creation).
    function payIn() external payable nonReentrant {
        Member storage m = _activeMember(msg.sender);
        uint256 amount = _due(m);
        if (amount == 0) revert NothingDue(msg.sender);
        m.paid += amount.toUint96();
        _totalPaid += amount.toUint128();
        emit CapitalPaidIn(msg.sender, amount);
        _collect(_terms.paymentToken, amount);
    }

    /**
     * @notice Agrees, as the receiver, to take `shares` shares carrying `value` paid-in capital from member `from`
     * (GenG §76: transfer by written agreement). Zero shares withdraws the agreement.
     */
    function consentToTransfer(address from, uint256 shares, uint256 value) external {
        _activeMember(msg.sender);
        _consents[msg.sender][from] = Consent(shares.toUint32(), value.toUint96());
        emit TransferConsented(from, msg.sender, shares, value);
    }

    /**
     * @notice Transfers `shares` shares and their paid-in value to member `to`, who has agreed with
     * {consentToTransfer} to exactly these shares and this value ({transferValue}), if the statute allows transfers.
     * @dev Both sides stay within the statute's share limits; paid-in value moves in proportion to the shares.
     */
    function transferShares(address to, uint256 shares) external {
        if (!_terms.sharesTransferable) revert SharesNotTransferable();
        uint256 value = transferValue(msg.sender, shares);
        Consent memory c = _consents[to][msg.sender];
        if (c.shares == 0 || c.shares != shares || c.value != value) {
            revert NoTransferConsent(msg.sender, to, shares, value);
        }
        delete _consents[to][msg.sender];
        _transferShares(msg.sender, to, shares, value);
    }

    /**
     * @notice Transfers `shares` shares to member `to` with `to`'s EIP-712 signed agreement (`ShareTransfer`, with
     * `to`'s current {nonces} and a `deadline`), so the receiver need not send a transaction. A contract member
     * agrees by ERC-1271.
     */
    function transferSharesWithConsent(
        address to,
        uint256 shares,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (!_terms.sharesTransferable) revert SharesNotTransferable();
        if (block.timestamp > deadline) revert ConsentExpired(deadline);
        uint256 value = transferValue(msg.sender, shares);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(SHARE_TRANSFER_TYPEHASH, msg.sender, to, shares, value, _useNonce(to), deadline))
        );
        if (!SignatureChecker.isValidSignatureNow(to, digest, signature)) revert InvalidConsentSignature(to);
        _transferShares(msg.sender, to, shares, value);
    }

    // ---------------------------------------------------------------- leaving (GenG §§65, 68, 73)

    /// @notice Gives notice; the exit takes effect at the first fiscal-year end after the notice period, and the vote
    /// ends with it.
    function giveNotice() external {
        _giveNotice(msg.sender);
    }

    /**
     * @notice Gives `member`'s notice, declared in text form (GenG §65(2)) as an EIP-712 signature (`Notice`, with
     * `member`'s current {nonces} and a `deadline`): anyone may relay it and pay the gas. A contract member signs by
     * ERC-1271. A signature serves once.
     */
    function giveNoticeBySig(address member, uint256 deadline, bytes calldata signature) external {
        if (block.timestamp > deadline) revert DeclarationExpired(deadline);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(NOTICE_TYPEHASH, member, _useNonce(member), deadline)));
        if (!SignatureChecker.isValidSignatureNow(member, digest, signature)) revert InvalidNoticeSignature(member);
        _giveNotice(member);
    }

    /// @dev The notice of `member`: its exit date from the statute's notice period and fiscal year, and its vote ends
    /// then by itself.
    function _giveNotice(address member) private {
        Member storage m = _members[member];
        if (m.status == Status.Leaving) revert NoticeAlreadyGiven(member, m.exitAt);
        if (m.status != Status.Active) revert NotActiveMember(member);
        Terms memory t = _terms;
        uint256 exitAt = FiscalCalendar.exitDate(
            block.timestamp,
            t.noticeMonths,
            t.fiscalYearEndMonth,
            t.fiscalYearEndDay
        );
        m.status = Status.Leaving;
        m.exitAt = exitAt.toUint48();
        _votes.endVotingRightsAt(member, exitAt);
        emit NoticeGiven(member, exitAt);
    }

    /**
     * @notice Excludes `member` by resolution (GenG §68): the vote ends at once, capital is settled like an exit at
     * the end of the current fiscal year, or at the exit a notice has already made due if that comes first.
     */
    function exclude(address member) external onlyGovernance {
        Member storage m = _members[member];
        if (m.status != Status.Active && m.status != Status.Leaving) revert NotAMember(member);
        Terms storage t = _terms;
        uint256 exitAt = FiscalCalendar.exitDate(block.timestamp, 0, t.fiscalYearEndMonth, t.fiscalYearEndDay);
        if (m.status == Status.Leaving && m.exitAt < exitAt) exitAt = m.exitAt;
        m.status = Status.Excluded;
        m.exitAt = exitAt.toUint48();
        _votes.revokeVotingRights(member);
        emit Excluded(member, exitAt);
    }

    /**
     * @notice Completes the exit of `member` once its effective date has passed; anyone may call it. The member's
     * paid-in nominal value becomes a refund claim.
     */
    function completeExit(address member) external {
        Member storage m = _members[member];
        if (m.status == Status.Active) revert NotLeaving(member);
        if (m.status != Status.Leaving && m.status != Status.Excluded) revert NotAMember(member);
        if (block.timestamp <= m.exitAt) revert ExitNotDue(member, m.exitAt);
        uint256 shares = m.shares;
        uint256 paid = m.paid;
        m.status = Status.Exited;
        m.shares = 0;
        m.paid = 0;
        _memberCount -= 1;
        _totalShares -= uint64(shares);
        _totalPaid -= uint128(paid);
        _refundClaims[member] += paid;
        _claimsTotal += uint128(paid);
        _votes.revokeVotingRights(member);
        emit Exited(member, shares, paid);
    }

    /// @notice Pays the caller's refund claim as far as funds allow; the rest stays a recorded claim.
    function claimRefund() external nonReentrant {
        uint256 claim = _refundClaims[msg.sender];
        if (claim == 0) revert NoRefundClaim(msg.sender);
        uint256 funds = availableFunds();
        if (funds == 0) revert NoFunds(0);
        uint256 amount = claim < funds ? claim : funds;
        _refundClaims[msg.sender] = claim - amount;
        _claimsTotal -= uint128(amount);
        emit RefundPaid(msg.sender, amount, claim - amount);
        _pay(msg.sender, amount);
    }

    // ---------------------------------------------------------------- governance

    /**
     * @notice Moves paid-in capital to the treasury, by resolution: never an applicant's escrow, nor what former
     * members are owed as refund claims.
     */
    function moveCapitalToTreasury(uint256 amount) external onlyGovernance nonReentrant {
        uint256 funds = freeFunds();
        if (amount == 0 || amount > funds) revert InsufficientFunds(amount, funds);
        emit CapitalMovedToTreasury(_governance, amount);
        _pay(_governance, amount);
    }

    /**
     * @notice Statute change: the nominal value of one share (GenG §7). It is the value of every share, so after a
     * raise members owe the difference on the shares they hold ({dueOf}, paid with {payIn}); a cut refunds nothing
     * before exit, when the refund is what the member paid in.
     */
    function setSharePrice(uint256 price) external onlyGovernance {
        if (price == 0) revert InvalidSharePrice();
        _terms.sharePrice = price.toUint96();
        emit StatuteChanged("sharePrice", price);
    }

    /// @notice Statute change: the minimum and maximum number of shares per member.
    function setShareLimits(uint256 minShares, uint256 maxShares) external onlyGovernance {
        if (minShares == 0 || maxShares < minShares) revert InvalidShareLimits(minShares, maxShares);
        _terms.minShares = minShares.toUint32();
        _terms.maxShares = maxShares.toUint32();
        emit StatuteChanged("minShares", minShares);
        emit StatuteChanged("maxShares", maxShares);
    }

    /// @notice Statute change: the notice period in months (3 to 60, GenG §65).
    function setNoticePeriod(uint256 months) external onlyGovernance {
        _checkNotice(months);
        _terms.noticeMonths = uint16(months);
        emit StatuteChanged("noticeMonths", months);
    }

    /// @notice Statute change: how applicants are admitted (0 open, 1 board, 2 assembly).
    function setAdmissionMode(AdmissionMode mode) external onlyGovernance {
        _terms.admission = mode;
        emit StatuteChanged("admission", uint256(mode));
    }

    /// @notice Statute change: the last day of the fiscal year.
    function setFiscalYearEnd(uint256 month, uint256 day) external onlyGovernance {
        FiscalCalendar.checkFiscalYearEnd(month, day);
        _terms.fiscalYearEndMonth = uint8(month);
        _terms.fiscalYearEndDay = uint8(day);
        emit StatuteChanged("fiscalYearEndMonth", month);
        emit StatuteChanged("fiscalYearEndDay", day);
    }

    /// @notice Statute change: whether members may transfer shares to each other.
    function setSharesTransferable(bool allowed) external onlyGovernance {
        _terms.sharesTransferable = allowed;
        emit StatuteChanged("sharesTransferable", allowed ? 1 : 0);
    }

    /**
     * @notice Statute change: how many principals one proxy may carry (1 or 2). Lowering it ends every appointment
     * beyond the new limit at once, at the same cost however many members and proxies there are.
     */
    function setMaxPrincipals(uint256 limit) external onlyGovernance {
        _votes.setMaxPrincipals(limit);
        emit StatuteChanged("maxPrincipals", limit);
    }

    /**
     * @notice Statute change: the quorum, the share of the members with voting rights at a proposal's snapshot who
     * must cast a ballot (1 to 100 percent). Proposals whose snapshot is earlier keep their quorum.
     */
    function setQuorum(uint256 percent) external onlyGovernance {
        _votes.setQuorum(percent);
        emit StatuteChanged("quorumPercent", percent);
    }

    /// @notice Appoints the board that admits members in board mode (address(0): none).
    function setBoard(address board_) external onlyGovernance {
        _board = board_;
        emit BoardChanged(board_);
    }

    /**
     * @notice The kind of resolution a call to `selector` on this contract needs. Statute parameters change only by
     * a statute-change majority; the governor reads this instead of taking the proposer's word.
     */
    function resolutionKindOf(bytes4 selector) external pure returns (ResolutionKind) {
        if (
            selector == this.setSharePrice.selector ||
            selector == this.setShareLimits.selector ||
            selector == this.setNoticePeriod.selector ||
            selector == this.setAdmissionMode.selector ||
            selector == this.setFiscalYearEnd.selector ||
            selector == this.setSharesTransferable.selector ||
            selector == this.setMaxPrincipals.selector ||
            selector == this.setQuorum.selector
        ) return ResolutionKind.StatuteChange;
        return ResolutionKind.Ordinary;
    }

    /// @dev Only a resolution (the timelock) moves the member list to new code; {ResolutionRules} makes any such call
    /// a statute change.
    function _authorizeUpgrade(address) internal view override onlyGovernance {}

    /// @notice Accepts native coin, e.g. from the treasury to pay refund claims (native-coin cooperatives only).
    receive() external payable {
        if (_terms.paymentToken != address(0)) revert WrongPayment(0, msg.value);
        emit FundsReceived(msg.sender, msg.value);
    }

    // ---------------------------------------------------------------- views

    /// @notice The statute's membership terms.
    function terms() external view returns (Terms memory) {
        return _terms;
    }

    /// @notice The timelock that executes the cooperative's resolutions.
    function governance() external view returns (address) {
        return _governance;
    }

    /// @notice The cooperative's votes, which this list grants and ends.
    function votes() external view returns (address) {
        return address(_votes);
    }

    /// @notice The board that admits members in board mode.
    function board() external view returns (address) {
        return _board;
    }

    /// @notice `account`'s entry in the member list.
    function memberOf(address account) external view returns (Member memory) {
        return _members[account];
    }

    /// @notice `applicant`'s pending application.
    function applicationOf(address applicant) external view returns (Application memory) {
        return _applications[applicant];
    }

    /// @notice Escrow of `applicant`'s rejected applications, held for it to collect.
    function returnedEscrowOf(address applicant) external view returns (uint256) {
        return _returnedEscrow[applicant];
    }

    /// @notice What member `to` has agreed to take from member `from` ({consentToTransfer}).
    function consentOf(address from, address to) external view returns (Consent memory) {
        return _consents[to][from];
    }

    /// @notice The paid-in value that moves with `shares` of `from`'s shares: its paid-in capital in proportion.
    function transferValue(address from, uint256 shares) public view returns (uint256) {
        Member storage m = _members[from];
        return m.shares == 0 ? 0 : (uint256(m.paid) * shares) / m.shares;
    }

    /// @notice What `member` still owes on its subscribed shares.
    function dueOf(address member) external view returns (uint256) {
        return _due(_members[member]);
    }

    /// @notice `account`'s open refund claim.
    function refundClaimOf(address account) external view returns (uint256) {
        return _refundClaims[account];
    }

    /// @notice Members not yet exited (including those under notice or excluded until settlement).
    function memberCount() external view returns (uint256) {
        return _memberCount;
    }

    /// @notice Total shares of current members.
    function totalShares() external view returns (uint256) {
        return _totalShares;
    }

    /// @notice Total paid-in capital of current members.
    function totalPaidIn() external view returns (uint256) {
        return _totalPaid;
    }

    /// @notice Applicants' payments held in escrow, rejected applicants' not yet collected included.
    function escrowTotal() external view returns (uint256) {
        return _escrowTotal;
    }

    /// @notice Refund claims of former members not yet paid.
    function claimsTotal() external view returns (uint256) {
        return _claimsTotal;
    }

    /// @notice Funds held beyond applicants' escrow: what refunds can use.
    function availableFunds() public view returns (uint256) {
        uint256 balance = _balance();
        return balance > _escrowTotal ? balance - _escrowTotal : 0;
    }

    /// @notice Funds held beyond applicants' escrow and open refund claims: what governance may move to the treasury.
    function freeFunds() public view returns (uint256) {
        uint256 funds = availableFunds();
        return funds > _claimsTotal ? funds - _claimsTotal : 0;
    }

    // ---------------------------------------------------------------- internal

    function _admit(address account, uint256 shares, uint256 paid) private {
        Member storage m = _members[account];
        m.status = Status.Active;
        m.shares = shares.toUint32();
        m.paid = paid.toUint96();
        m.joinedAt = uint48(block.timestamp);
        m.exitAt = 0;
        _memberCount += 1;
        _totalShares += uint64(shares);
        _totalPaid += paid.toUint128();
        _votes.grantVotingRights(account);
        emit Admitted(account, shares, paid, msg.sender);
    }

    function _transferShares(address from, address to, uint256 shares, uint256 value) private {
        Member storage giver = _activeMember(from);
        Member storage receiver = _activeMember(to);
        if (to == from) revert InvalidAddress();
        uint256 left = giver.shares - shares; // reverts if more than held
        uint256 received = receiver.shares + shares;
        Terms memory t = _terms;
        if (shares == 0 || left < t.minShares) revert ShareCountOutOfRange(left, t.minShares, t.maxShares);
        if (received > t.maxShares) revert ShareCountOutOfRange(received, t.minShares, t.maxShares);
        giver.shares = left.toUint32();
        giver.paid -= value.toUint96();
        receiver.shares = received.toUint32();
        receiver.paid += value.toUint96();
        emit SharesTransferred(from, to, shares, value);
    }

    /// @dev Closes `applicant`'s pending application; the caller decides where its escrow goes.
    function _closeApplication(address applicant) private returns (uint256 escrow) {
        escrow = _applications[applicant].escrow;
        if (_applications[applicant].shares == 0) revert NoApplication(applicant);
        delete _applications[applicant];
    }

    function _checkAdmittingBody() private view {
        if (msg.sender == _governance) return;
        if (_terms.admission == AdmissionMode.Board && msg.sender == _board) return;
        revert NotAdmittingBody(msg.sender);
    }

    /// @dev The cooperative's own contracts never join it: a resolution could otherwise give itself votes.
    function _checkNotOwnContract(address account) private view {
        if (
            account == address(this) ||
            account == _governance ||
            account == address(_votes) ||
            account == _governor ||
            account == _token
        ) revert CooperativeContract(account);
    }

    function _activeMember(address account) private view returns (Member storage m) {
        m = _members[account];
        if (m.status != Status.Active) revert NotActiveMember(account);
    }

    function _due(Member storage m) private view returns (uint256) {
        uint256 subscribed = uint256(m.shares) * _terms.sharePrice;
        return subscribed > m.paid ? subscribed - m.paid : 0;
    }

    /**
     * @dev Takes `amount` from the caller, after the state is written. In a token cooperative the amount counts only
     * if it arrived in full: what the balance gained is measured, so a fee or a burn on transfer is refused.
     */
    function _collect(address token, uint256 amount) private {
        if (token == address(0)) {
            if (msg.value != amount) revert WrongPayment(amount, msg.value);
            return;
        }
        if (msg.value != 0) revert WrongPayment(0, msg.value);
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 balance = IERC20(token).balanceOf(address(this));
        uint256 received = balance > before ? balance - before : 0;
        if (received < amount) revert PaymentShortfall(token, amount, received);
    }

    function _pay(address to, uint256 amount) private {
        address token = _terms.paymentToken;
        if (token == address(0)) Address.sendValue(payable(to), amount);
        else IERC20(token).safeTransfer(to, amount);
    }

    function _balance() private view returns (uint256) {
        address token = _terms.paymentToken;
        return token == address(0) ? address(this).balance : IERC20(token).balanceOf(address(this));
    }

    function _checkTerms(Terms calldata t) private pure {
        if (t.sharePrice == 0) revert InvalidSharePrice();
        if (t.minShares == 0 || t.maxShares < t.minShares) revert InvalidShareLimits(t.minShares, t.maxShares);
        _checkNotice(t.noticeMonths);
        FiscalCalendar.checkFiscalYearEnd(t.fiscalYearEndMonth, t.fiscalYearEndDay);
    }

    function _checkNotice(uint256 months) private pure {
        if (months < MIN_NOTICE_MONTHS || months > MAX_NOTICE_MONTHS) revert InvalidNoticePeriod(months);
    }
}
