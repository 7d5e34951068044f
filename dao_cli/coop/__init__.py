"""A cooperative's operations: deploying one from its statute, and what its members, board and assembly do
(applications, votes, signed ballots and declarations, proposals from templates), built on the chain layer
below."""
