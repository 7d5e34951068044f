"""coopdao: run a cooperative (Genossenschaft) on Ethereum.

The package is a library first, in four layers, each importing only those below it: `chain` (talking to a
chain), `coop` (the cooperative's operations), `books` (the auditor's books) and `cli` (the `coop` command,
a thin layer over the rest); `errors` and `paths` serve them all. The brownie scripts and the demo call the
same library. Heavy modules
(web3) are imported inside the modules that need them, never here, so that `import dao_cli` stays instant.
"""

__version__ = "0.1.0"
