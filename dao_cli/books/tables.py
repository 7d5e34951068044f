"""The audit's tables: which rows and columns the CSV files, the report page and `coop audit --format`
show for members, capital, minutes, votes, treasury flows, token events, history and findings.

One definition for all three outputs, so a column added here appears in every one of them alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from .tabular import Column

CSV_TABLES = ("members", "capital", "minutes", "votes", "treasury", "token", "history", "findings")


@dataclass(frozen=True)
class Table:
    rows: list[dict]
    columns: list[Column]


def audit_tables(audit: dict) -> dict[str, Table]:
    """The audit's tables (rows and columns) by name, as the CSV files and `--format` outputs show them."""
    return {
        "members": Table(audit.get("members", []), member_columns(audit)),
        "capital": Table(audit.get("capital", {}).get("accounts", []), capital_columns(audit)),
        "minutes": Table(audit.get("minutes", []), minutes_columns()),
        "votes": Table(vote_rows(audit), vote_columns()),
        "treasury": Table(audit.get("treasury", {}).get("flows", []), treasury_columns(audit)),
        "token": Table(audit.get("token_events", []), token_columns(audit)),
        "history": Table(audit.get("history", []), history_columns()),
        "findings": Table(audit.get("findings", []), findings_columns()),
    }


def currency(audit: dict) -> tuple[str, int]:
    currency = audit.get("currency") or {}
    return currency.get("symbol", "ETH"), currency.get("decimals", 18)


def token(audit: dict) -> tuple[str, int]:
    token = audit.get("token") or {}
    return token.get("symbol", "token"), token.get("decimals", 18)


def member_columns(audit: dict) -> list[Column]:
    symbol, decimals = currency(audit)
    return [
        Column("address", "member", "address"),
        Column("status", "status"),
        Column("shares", "shares", "int"),
        Column("paid", f"paid ({symbol})", "amount", decimals),
        Column("joined_at", "joined", "date"),
        Column("notice_at", "notice", "date"),
        Column("exit_at", "exit", "date"),
        Column("proxy", "proxy", "address"),
        Column("refund_claim", f"refund claim ({symbol})", "amount", decimals),
    ]


def capital_columns(audit: dict) -> list[Column]:
    symbol, decimals = currency(audit)
    return [
        Column("address", "member", "address"),
        Column("subscribed", f"subscribed ({symbol})", "amount", decimals),
        Column("paid", f"paid ({symbol})", "amount", decimals),
        Column("refunded", f"refunded ({symbol})", "amount", decimals),
        Column("open_claim", f"open claim ({symbol})", "amount", decimals),
    ]


def minutes_columns() -> list[Column]:
    return [
        Column("number", "no.", "int"),
        Column("id", "proposal id"),
        Column("title", "title"),
        Column("kind", "kind"),
        Column("required_majority", "majority"),
        Column("quorum", "quorum", "int"),
        Column("eligible", "eligible", "int"),
        Column("for", "for", "int"),
        Column("against", "against", "int"),
        Column("abstain", "abstain", "int"),
        Column("state", "outcome"),
        Column("proposed_at", "proposed", "time"),
        Column("deadline", "voting closes", "time"),
        Column("executed_tx", "execution tx", "hash"),
    ]


def vote_rows(audit: dict) -> list[dict]:
    """Every ballot, with the number and id of its resolution."""
    return [
        {"resolution": minute.get("number"), "proposal_id": minute.get("id"), **vote}
        for minute in audit.get("minutes", [])
        for vote in minute.get("votes", [])
    ]


def vote_columns() -> list[Column]:
    return [
        Column("resolution", "resolution", "int"),
        Column("proposal_id", "proposal id"),
        Column("voter", "voter", "address"),
        Column("support", "vote"),
        Column("weight", "votes", "int"),
        Column("principals", "for members (proxy)", "list"),
        Column("reason", "reason"),
        Column("tx", "tx", "hash"),
    ]


def treasury_columns(audit: dict) -> list[Column]:
    symbol, currency_decimals = currency(audit)
    _, token_decimals = token(audit)

    def decimals(row: dict) -> int:
        return currency_decimals if row.get("asset") == symbol else token_decimals

    return [
        Column("block", "block", "int"),
        Column("time", "time", "time"),
        Column("tx", "tx", "hash"),
        Column("direction", "direction"),
        Column("asset", "asset"),
        Column("amount", "amount", "amount", decimals),
        Column("counterparty", "counterparty", "address"),
        Column("resolution", "resolution", "int"),
    ]


def token_columns(audit: dict) -> list[Column]:
    symbol, decimals = token(audit)
    return [
        Column("block", "block", "int"),
        Column("time", "time", "time"),
        Column("tx", "tx", "hash"),
        Column("kind", "kind"),
        Column("amount", f"amount ({symbol})", "amount", decimals),
        Column("account", "account", "address"),
        Column("resolution", "resolution", "int"),
    ]


def history_columns() -> list[Column]:
    return [
        Column("block", "block", "int"),
        Column("time", "time", "time"),
        Column("tx", "tx", "hash"),
        Column("actor", "actor", "address"),
        Column("contract", "contract"),
        Column("event", "event"),
        Column("args", "arguments", "json"),
    ]


def findings_columns() -> list[Column]:
    return [Column("check", "check"), Column("ok", "passed", "bool"), Column("message", "message")]
