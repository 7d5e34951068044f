"""coopdao: run a cooperative (Genossenschaft) on Ethereum.

The package is a library first: chain access, statutes, deployment and the cooperative's operations live in
small modules here, and the `coop` command, the brownie scripts and the demo all call them. Heavy modules
(web3) are imported inside the modules that need them, never here, so that `import dao_cli` stays instant.
"""

__version__ = "0.1.0"
