"""The contracts' enumerations in the words the toolkit shows: proposal states, resolution kinds, ballot
choices, member statuses and admission modes.

Each tuple is indexed by the value the contract returns (its Solidity enum), so their order is the
contracts' order. They sit below everything else, chain-level modules (reverts) and the cooperative's
operations alike, so that neither has to import the other to name a state.
"""

from __future__ import annotations

#: IGovernor.ProposalState
PROPOSAL_STATES = (
    "pending",
    "active",
    "canceled",
    "defeated",
    "succeeded",
    "queued",
    "expired",
    "executed",
)
#: GovernorCountingSimple's VoteType, by name
SUPPORT = {"against": 0, "for": 1, "abstain": 2}
#: ResolutionKind
KINDS = ("none", "ordinary", "statute-change", "new-duties", "dissolution")
#: CoopMembership.Status
MEMBER_STATUS = ("none", "active", "leaving", "excluded", "exited")
#: CoopMembership.AdmissionMode
ADMISSION = ("open", "board", "assembly")
