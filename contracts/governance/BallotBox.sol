// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {BallotOutcome, IBallotCounter} from "../interfaces/IBallotCounter.sol";

/**
 * @title BallotBox
 * @dev The assembly's ballot box: a relayer submits many members' signed ballots on one proposal in one transaction
 * and pays for all of them, so members without coin for gas vote all the same. A ballot is the one a governor's
 * `castVoteBySig` takes (OpenZeppelin's EIP-712 `Ballot`, or `ExtendedBallot` with a reason and no params, in the
 * governor's domain), so wallets and `coop vote --sign-only` sign it as they always have; its signature may come in
 * the 65-byte form or the 64-byte compact form of EIP-2098, and a voter that is a contract answers for its own
 * signature (ERC-1271). The box checks every signature and hands the batch to the governor in one call, which
 * counts each ballot that can count with the governor's standard `VoteCast`; one that cannot count is skipped with
 * its reason in {BallotSkipped}, and the rest of the batch still counts.
 *
 * A signature counts at most once: it names its proposal, its domain names the chain and the governor, and a member
 * votes once on a proposal. The nonce a ballot was signed with is therefore neither checked nor used up here (that
 * would cost a storage write per ballot and protect nothing more). Stateless and shared: one box serves every
 * cooperative of a factory, and each governor counts ballots from its own box only.
 */
contract BallotBox {
    /// @dev OpenZeppelin Governor's ballot types (EIP-712).
    bytes32 private constant BALLOT_TYPEHASH =
        keccak256("Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)");
    bytes32 private constant EXTENDED_BALLOT_TYPEHASH =
        keccak256(
            "ExtendedBallot(uint256 proposalId,uint8 support,address voter,uint256 nonce,string reason,bytes params)"
        );
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    /// @dev A member's signed ballot on the batch's proposal, as `coop vote --sign-only` prints it.
    struct SignedBallot {
        address voter;
        uint8 support;
        uint256 nonce;
        string reason;
        bytes signature;
    }

    /// @dev Emitted for a ballot that did not count, and why.
    event BallotSkipped(
        address indexed governor,
        uint256 indexed proposalId,
        address indexed voter,
        BallotOutcome reason
    );

    /// @dev The governor's EIP-712 domain is not its own on this chain: its ballots cannot be checked.
    error ForeignDomain(address governor);

    /**
     * @notice Counts every ballot in `ballots` on `proposalId` for `governor` that can count, each for its signer,
     * and skips the others with a {BallotSkipped} event; the sender pays the gas.
     * @return counted how many of the ballots counted
     */
    function castVotesBySig(
        IBallotCounter governor,
        uint256 proposalId,
        SignedBallot[] calldata ballots
    ) external returns (uint256 counted) {
        bytes32 domain = _domainOf(governor);
        uint256 n = ballots.length;
        // a ballot whose signature is not its voter's goes to the governor as no one's (the zero address has no vote)
        address[] memory voters = new address[](n);
        uint8[] memory support = new uint8[](n);
        string[] memory reasons = new string[](n);
        for (uint256 i = 0; i < n; ++i) {
            SignedBallot calldata b = ballots[i];
            if (_signedBy(b, MessageHashUtils.toTypedDataHash(domain, _ballotHash(proposalId, b)))) {
                voters[i] = b.voter;
                support[i] = b.support;
                reasons[i] = b.reason;
            }
        }
        BallotOutcome[] memory outcomes = governor.countRelayedBallots(proposalId, voters, support, reasons);
        for (uint256 i = 0; i < n; ++i) {
            BallotOutcome outcome = voters[i] == address(0) ? BallotOutcome.BadSignature : outcomes[i];
            if (outcome == BallotOutcome.Counted) ++counted;
            else emit BallotSkipped(address(governor), proposalId, ballots[i].voter, outcome);
        }
    }

    /// @dev The domain separator the governor signs ballots in, built from its EIP-5267 description, which must name
    /// the governor itself on this chain.
    function _domainOf(IBallotCounter governor) private view returns (bytes32) {
        (, string memory name, string memory version, uint256 chainId, address verifyingContract, , ) = governor
            .eip712Domain();
        if (chainId != block.chainid || verifyingContract != address(governor)) revert ForeignDomain(address(governor));
        return
            keccak256(
                abi.encode(DOMAIN_TYPEHASH, keccak256(bytes(name)), keccak256(bytes(version)), chainId, verifyingContract)
            );
    }

    /// @dev The EIP-712 struct hash of `castVoteBySig` (no reason) or `castVoteWithReasonAndParamsBySig` (a reason,
    /// no params).
    function _ballotHash(uint256 proposalId, SignedBallot calldata b) private pure returns (bytes32) {
        if (bytes(b.reason).length == 0) {
            return keccak256(abi.encode(BALLOT_TYPEHASH, proposalId, b.support, b.voter, b.nonce));
        }
        return
            keccak256(
                abi.encode(
                    EXTENDED_BALLOT_TYPEHASH,
                    proposalId,
                    b.support,
                    b.voter,
                    b.nonce,
                    keccak256(bytes(b.reason)),
                    keccak256("")
                )
            );
    }

    /// @dev Whether the voter signed `digest`: an ECDSA signature by its key (65 bytes, or 64 in EIP-2098's compact
    /// form), or else its contract's ERC-1271 answer. The key is tried first, which spares the code look-up of every
    /// voter.
    function _signedBy(SignedBallot calldata b, bytes32 digest) private view returns (bool) {
        bytes calldata signature = b.signature;
        address recovered;
        ECDSA.RecoverError err = ECDSA.RecoverError.InvalidSignatureLength;
        if (signature.length == 64) {
            (recovered, err, ) = ECDSA.tryRecover(digest, bytes32(signature[0:32]), bytes32(signature[32:64]));
        } else if (signature.length == 65) {
            (recovered, err, ) = ECDSA.tryRecover(digest, signature);
        }
        if (err == ECDSA.RecoverError.NoError && recovered == b.voter) return true;
        return b.voter.code.length != 0 && SignatureChecker.isValidERC1271SignatureNow(b.voter, digest, signature);
    }
}
