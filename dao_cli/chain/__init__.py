"""Talking to a chain: the connection and the embedded node, networks, sending and its outbox, keystores,
the compiled contracts, calls and events, the contracts' errors in words, and units. Knows nothing of a
cooperative's operations, the auditor's books or the command line above it."""
