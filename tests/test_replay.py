"""The replay's record of proxies, on random histories: who carried whose vote at any time must be what a
plain pass over every appointment made by then says, whatever order the questions come in (the replay
keeps the record after each n appointments and continues from the nearest one, so that a history with an
appointment between every ten ballots is not replayed once per ballot)."""

from __future__ import annotations

import random

from dao_cli.books.replay import Books
from dao_cli.coop.deploy import Deployment

ZERO = "0x" + "0" * 40


def plain_principals(appointments, proxy, timepoint):
    """The reference: one pass over the appointments made by `timepoint`."""
    carried, current = {}, {}
    for time, principal, chosen, epoch in appointments:
        if time > timepoint:
            break
        before = current.pop(principal, None)
        if before is not None:
            carried[before] = [p for p in carried[before] if p[0] != principal]
        if chosen is not None:
            current[principal] = chosen
            carried.setdefault(chosen, []).append((principal, epoch))
    return carried.get(proxy, [])


def test_who_carried_whose_vote_is_what_a_plain_pass_says_in_any_order_of_questions():
    rng = random.Random(2026)
    deployment = Deployment(1, 0, *(f"0x{i:040x}" for i in range(1, 6)))
    members = [f"0x{i:040x}" for i in range(100, 140)]
    for _ in range(5):
        books = Books(deployment)
        time = 1000
        asked = []
        for step in range(600):
            time += rng.choice((0, 0, 1, 7))  # several appointments may share a block's time
            principal = rng.choice(members)
            choice = rng.choice([*members[:6], principal, ZERO])  # a few proxies; back to oneself; ended
            event = {
                "event": "DelegateChanged",
                "time": time,
                "block": step,
                "tx": "0x",
                "args": {"delegator": principal, "fromDelegate": ZERO, "toDelegate": choice},
            }
            if choice == principal:
                event["args"]["fromDelegate"] = rng.choice(members[:6])
            books.apply(event)
            if rng.random() < 0.3:  # a ballot asks at a snapshot in the past, or at this very time
                asked.append((rng.choice(members[:6]), rng.randint(900, time)))
                proxy, timepoint = asked[-1]
                assert books.principals(proxy, timepoint) == plain_principals(
                    books.proxies_at, proxy, timepoint
                )
        rng.shuffle(asked)
        for proxy, timepoint in asked:  # asked again, out of order, after every appointment
            assert books.principals(proxy, timepoint) == plain_principals(books.proxies_at, proxy, timepoint)
        assert any(books.principals(p, time) for p in members[:6])  # the histories did appoint proxies
