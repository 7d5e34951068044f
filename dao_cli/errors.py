"""Errors the library raises for things a user can get wrong or that can go wrong on a chain.

Each carries a one-line message meant for a person; the command line prints it without a traceback, and
exits with the error's `exit_code`.
"""


class CoopError(Exception):
    """Base class: a problem the user can act on, described in one line."""

    #: what the command line exits with: 1, except where a script must tell the outcome apart
    exit_code = 1


class StatuteError(CoopError):
    """The statute file is malformed or sets a value the law or the contracts do not allow."""


class TransactionFailed(CoopError):
    """A transaction reverted or could not be sent; the message says why in words."""


class NodeUnresponsive(CoopError):
    """The node took the connection but did not answer in time (or dropped it), for a request that may be
    asked again: nothing depends on whether it arrived."""


class AnswerLost(CoopError):
    """A request that changes something (a transaction, a clock move) reached the node, or may have, but its
    answer never came back: it may have taken effect, so it must be looked up, never sent again blindly."""

    def __init__(self, message: str, method: str) -> None:
        super().__init__(message)
        self.method = method


class OutcomeUnknown(CoopError):
    """A transaction was sent and may still be mined, but its outcome is not known yet (its answer was lost,
    it waits in the mempool, or the node stopped answering). Its own exit code, 3, so that a script does not
    take it for a failure and send it again."""

    exit_code = 3
