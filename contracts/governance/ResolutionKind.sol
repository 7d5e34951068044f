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
