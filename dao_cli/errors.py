"""Errors the library raises for things a user can get wrong or that can go wrong on a chain.

Each carries a one-line message meant for a person; the command line prints it without a traceback.
"""


class CoopError(Exception):
    """Base class: a problem the user can act on, described in one line."""


class StatuteError(CoopError):
    """The statute file is malformed or sets a value the law or the contracts do not allow."""


class TransactionFailed(CoopError):
    """A transaction reverted or could not be sent; the message says why in words."""
