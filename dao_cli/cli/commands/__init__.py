"""The click commands, one module per group of abilities. Each module exports `COMMANDS`, the click commands
it adds to the root group, and imports heavy modules (web3) only inside the command functions.
"""
