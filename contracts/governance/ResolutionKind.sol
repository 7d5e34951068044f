// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev The kinds of resolution a cooperative takes, each with the majority of votes cast it needs (abstentions are
 * not votes cast, GenG §43(2)):
 * - Ordinary: more for than against;
 * - StatuteChange: three quarters (GenG §16(2)), also for the governance settings;
 * - NewDuties: nine tenths (GenG §16(3)), new duties to use the cooperative's services;
 * - Dissolution: three quarters (GenG §78).
 * The zero value is left unused so that a recorded kind is never mistaken for "no proposal".
 */
enum ResolutionKind {
    None,
    Ordinary,
    StatuteChange,
    NewDuties,
    Dissolution
}

/// @dev The share of votes cast (for + against) that must be for `kind`, as a fraction `numerator / denominator`; an
/// ordinary resolution needs strictly more than half.
function requiredMajority(ResolutionKind kind) pure returns (uint256 numerator, uint256 denominator) {
    if (kind == ResolutionKind.NewDuties) return (9, 10);
    if (kind == ResolutionKind.StatuteChange || kind == ResolutionKind.Dissolution) return (3, 4);
    return (1, 2);
}

/// @dev Whether `a` needs a larger majority than `b`.
function isStricter(ResolutionKind a, ResolutionKind b) pure returns (bool) {
    (uint256 na, uint256 da) = requiredMajority(a);
    (uint256 nb, uint256 db) = requiredMajority(b);
    return na * db > nb * da;
}
