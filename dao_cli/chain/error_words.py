"""A sentence for every custom error in the ABIs the package ships, and for every panic code.

Each sentence says what happened and what to do, in the member's words. Its fields name the error's
arguments by position, with a format that puts them in human units: `{1:amount}` an amount in the
cooperative's currency, `{1:date}` a time, `{1:seconds}` a duration, `{0:proposal}` a proposal id, `{1:role}`
a timelock role. A test enumerates the ABIs and fails on an error without a sentence here.
"""

from __future__ import annotations

#: error name -> sentence (see the module docstring for the fields)
WORDS: dict[str, str] = {
    # ------------------------------------------------------------------ the member list (CoopMembership)
    "NotGovernance": "only a resolution of the assembly may do this ({0} is not the cooperative's timelock)",
    "NotAdmittingBody": (
        "{0} may not admit or reject applicants: the board does in board mode, else a resolution"
    ),
    "TooFewFounders": "a cooperative needs at least 3 founders (GenG §4), this statute names {0}",
    "DuplicateFounder": "{0} is named twice among the founders: name each founder once",
    "InvalidShareLimits": (
        "the share limits are not possible: at least 1 share, and a maximum ({1}) not below the minimum ({0})"
    ),
    "InvalidSharePrice": "the share price must be more than 0",
    "InvalidNoticePeriod": "the notice period is 3 to 60 months (GenG §65), not {0}",
    "InvalidAddress": "that address cannot be used here (the zero address, or the member itself)",
    "InvalidFiscalYearEnd": (
        "{0}-{1} is no day of the calendar: the fiscal year ends on a month (1-12) and a day of it"
    ),
    "CooperativeContract": "{0} is one of the cooperative's own contracts, which can never be a member",
    "AlreadyMember": "{0} is already a member: a member buys more shares with `coop member buy-shares`",
    "ApplicationPending": (
        "{0} already has a pending application: wait for the decision, or withdraw it first"
    ),
    "NoApplication": "{0} has no pending application",
    "NoReturnedEscrow": "{0} has no escrow of a rejected application to collect",
    "NotAMember": "{0} is not a member (never admitted, or already gone)",
    "NotActiveMember": "{0} is not an active member (not admitted, under notice, excluded or gone)",
    "NotLeaving": "{0} has neither given notice nor been excluded, so there is no exit to complete",
    "NoticeAlreadyGiven": "{0} has given notice already; the exit takes effect after {1:date}",
    "ShareCountOutOfRange": "{0} shares is outside the statute's limits of {1} to {2} per member",
    "WrongPayment": "the payment is {1:amount}, but this takes exactly {0:amount}",
    "PaymentShortfall": (
        "the payment token {0} delivered {2:amount} of {1:amount}: it takes a fee or burns on transfer, "
        "and this cooperative cannot take payments in it"
    ),
    "NothingDue": "{0} owes nothing on its shares",
    "ExitNotDue": "the exit of {0} takes effect only after {1:date}: complete it then",
    "NoRefundClaim": "{0} has no refund claim",
    "NoFunds": (
        "the cooperative has no funds to pay refunds right now; the claim stays recorded and is paid when"
        " funds arrive"
    ),
    "SharesNotTransferable": "the statute does not allow share transfers (a resolution can change that)",
    "NoTransferConsent": (
        "{1} has not agreed to take {2} share(s) carrying {3:amount} from {0} (GenG §76): the receiver "
        "agrees first with `coop member consent`"
    ),
    "ConsentExpired": "the receiver's agreement expired at {0:date}: ask for a new one",
    "InvalidConsentSignature": (
        "the agreement is not signed by {0}, or has been used already: ask for a new one"
    ),
    "DeclarationExpired": "the signed declaration expired at {0:date}: the member signs a new one",
    "InvalidApplicationSignature": (
        "the application is not signed by {0}, or has been used already: the applicant signs a new one"
    ),
    "InvalidNoticeSignature": (
        "the notice is not signed by {0}, or has been used already: the member signs a new one"
    ),
    "InsufficientFunds": (
        "{0:amount} is more than the {1:amount} that may go to the treasury (escrow and refund claims stay)"
    ),
    # ------------------------------------------------------------------ the votes (CoopVotes)
    "NotRegister": "only the member list grants and ends voting rights ({0} is not it)",
    "NoVotingRights": "{0} has no voting rights (not a member, or its rights have ended)",
    "AlreadyHasVotingRights": "{0} holds voting rights already",
    "ProxyLimitReached": "proxy {0} already carries {1} member(s), the most the statute allows (GenG §43(5))",
    "NotProxyOf": "{0} does not carry the vote of {1}",
    "FutureLookup": "votes at {0:date} are not known yet: the chain's clock reads {1:date}",
    "InvalidProxyLimit": "a proxy carries 1 or 2 members (GenG §43(5)), not {0}",
    "InvalidEndOfRights": "the voting rights of {0} cannot be set to end at {1:date}",
    # ------------------------------------------------------------------ the assembly (CoopGovernor)
    "ProposerNotMember": "{0} has no voting rights, and only members with voting rights may propose",
    "NoVote": (
        "{1} has no vote on this proposal: not a member with voting rights at its snapshot and now, or "
        "its vote is carried by a proxy"
    ),
    "AlreadyVoted": "{1} has already voted on this proposal, itself or through its proxy",
    "NotBallotBox": "only the cooperative's ballot box relays signed ballots in batches ({0} is not it)",
    # ------------------------------------------------------------------ the ballot box (BallotBox)
    "ForeignDomain": (
        "{0} does not sign ballots as a governor of this chain: the ballot box cannot check them"
    ),
    "GovernorAlreadyCastVote": "{0} has already voted on this proposal",
    "GovernorAlreadyQueuedProposal": (
        "proposal {0:proposal} is queued already: execute it after the timelock delay"
    ),
    "GovernorDisabledDeposit": "the governor takes no coin: pay into the treasury (`coop fund`)",
    "GovernorInsufficientProposerVotes": "{0} has {1} vote(s), fewer than the {2} needed to propose",
    "GovernorInvalidProposalLength": "the proposal's lists do not match: {0} targets, {1} calls, {2} values",
    "GovernorInvalidSignature": "the ballot is not signed by {0}, or has been used already: sign it again",
    "GovernorInvalidVoteParams": "this vote takes no extra parameters",
    "GovernorInvalidVoteType": "a vote is for, against or abstain",
    "GovernorInvalidVotingPeriod": "the voting period must be at least one second, not {0}",
    "GovernorNonexistentProposal": "there is no proposal {0:proposal} in this cooperative",
    "GovernorNotQueuedProposal": "proposal {0:proposal} is not queued: queue it after the vote has passed",
    "GovernorOnlyExecutor": "only the cooperative's timelock may do this, by resolution ({0} is not it)",
    "GovernorQueueNotImplemented": "this governor does not queue proposals",
    "GovernorRestrictedProposer": (
        "only the proposer named at the end of the description may create this proposal ({0} is not)"
    ),
    "GovernorUnableToCancel": (
        "{1} cannot cancel proposal {0:proposal}: only its proposer can, and only before voting opens"
    ),
    "GovernorUnexpectedProposalState": "proposal {0:proposal} is not in a state for this step",
    # ------------------------------------------------------------------ the treasury (CoopTimelock)
    "TimelockInsufficientDelay": (
        "a delay of {0:seconds} is shorter than the timelock's minimum of {1:seconds}"
    ),
    "TimelockInvalidOperationLength": (
        "the operation's lists do not match: {0} targets, {1} calls, {2} values"
    ),
    "TimelockUnauthorizedCaller": "only the timelock itself may do this ({0} is not it): by resolution",
    "TimelockUnexecutedPredecessor": "an operation this one depends on ({0}) has not been executed yet",
    "TimelockUnexpectedOperationState": (
        "the resolution is not ready in the timelock: it is not queued yet, its delay has not passed, or "
        "it was carried out already"
    ),
    "AccessControlBadConfirmation": "a role can only be renounced by its holder, naming itself",
    "AccessControlUnauthorizedAccount": (
        "{0} does not hold the {1:role} role: only the assembly acts on the treasury, by resolution"
    ),
    # ------------------------------------------------------------------ the token (CoopToken)
    "ExceededCap": "this would take the token supply to {0:token} over its cap of {1:token}",
    "OwnableUnauthorizedAccount": (
        "only a resolution of the cooperative may do this ({0} is not the timelock)"
    ),
    "OwnableInvalidOwner": "{0} cannot own the token",
    "ERC20InsufficientBalance": "{0} holds {1:token}, less than the {2:token} this needs",
    "ERC20InsufficientAllowance": (
        "{0} may spend {1:token} of the tokens, less than the {2:token} this needs: approve more first"
    ),
    "ERC20InvalidApprover": "{0} cannot approve a spender",
    "ERC20InvalidReceiver": "tokens cannot go to {0}",
    "ERC20InvalidSender": "tokens cannot come from {0}",
    "ERC20InvalidSpender": "{0} cannot be approved as a spender",
    "ERC2612ExpiredSignature": "the signed approval expired at {0:date}: sign a new one",
    "ERC2612InvalidSigner": "the approval is signed by {0}, not by the owner {1}",
    # ------------------------------------------------------------------ the factory and the votes' statute
    "InvalidQuorum": "the quorum is a share of the members from 1 to 100 percent, not {0}",
    "InvalidVotingPeriod": "the voting period must be at least one second",
    # ------------------------------------------------------------------ moving a contract to new code (UUPS)
    "ERC1967InvalidImplementation": (
        "{0} cannot be the contract's new code: it is not a contract that can be moved again"
    ),
    "ERC1967NonPayable": "a move to new code carries no coin",
    "UUPSUnauthorizedCallContext": (
        "this must be called on the cooperative's contract, not on the implementation behind it"
    ),
    "UUPSUnsupportedProxiableUUID": "the new code is for another kind of proxy: it cannot be moved to",
    "AddressEmptyCode": "there is no contract at {0}",
    # ------------------------------------------------------------------ OpenZeppelin's building blocks
    "FailedCall": (
        "a payment or call the resolution makes failed: the receiver refused it, or the treasury lacks "
        "the funds"
    ),
    "InsufficientBalance": "the contract holds {0:amount}, less than the {1:amount} this pays",
    "SafeERC20FailedOperation": "the token {0} refused the transfer (check the balance and the approval)",
    "ReentrancyGuardReentrantCall": (
        "a payment tried to call back into the member list while it was paying: refused"
    ),
    "InvalidAccountNonce": (
        "the signature was made for another nonce of {0} (now {1}): it was used already, or another was; "
        "sign again"
    ),
    "VotesExpiredSignature": "the signed proxy appointment expired at {0:date}: sign a new one",
    "ECDSAInvalidSignature": "the signature is not valid: sign again",
    "ECDSAInvalidSignatureLength": "the signature has {0} bytes, not 65: it is damaged or incomplete",
    "ECDSAInvalidSignatureS": (
        "the signature is malformed (a high s value): sign again with a standard wallet"
    ),
    "InvalidInitialization": "this contract is set up already, and can never be set up again",
    "NotInitializing": "this can only run while the contract is being set up",
    "CheckpointUnorderedInsertion": "the vote records can only be written in time order",
    "SafeCastOverflowedUintDowncast": "the number {1} is too large for this (more than {0} bits)",
    "InvalidShortString": "the name is too long for a signature domain",
    "StringTooLong": "the text {0!r} is too long",
}

#: panic code -> sentence (Solidity's Panic(uint256))
PANICS: dict[int, str] = {
    0x00: "the contract stopped (a generic panic): nothing was done",
    0x01: "the contract's own consistency check failed (an assert): nothing was done; please report it",
    0x11: (
        "a number would go below zero or overflow: more than is held or allowed (e.g. more shares than "
        "the member has); nothing was done"
    ),
    0x12: "the contract would divide by zero: nothing was done",
    0x21: "a value is outside its list of choices (e.g. an admission mode other than 0, 1 or 2)",
    0x22: "the contract's storage is damaged (a corrupt byte array); please report it",
    0x31: "the contract tried to take an item from an empty list; please report it",
    0x32: "an index is past the end of a list",
    0x41: "the contract would need too much memory (an input too large)",
    0x51: "the contract called an uninitialised function; please report it",
}
