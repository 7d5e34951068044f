"""Statute files: safe defaults, and a clear one-line reason for every value the law does not allow."""

import pytest
import yaml

from dao_cli.coop.statute import load_statute, parse_statute, statute_template
from dao_cli.errors import StatuteError

FOUNDERS = [
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
]


def base(**changes):
    data = {"name": "Test eG", "founders": list(FOUNDERS), "board": FOUNDERS[0], "shares": {"price": "0.5"}}
    data.update(changes)
    return data


def test_defaults_follow_the_law():
    s = parse_statute(base())
    assert s.notice_months == 3
    assert s.fiscal_year_end == (12, 31)
    assert s.max_proxy_principals == 2
    assert s.share_price == 5 * 10**17
    assert (s.min_shares, s.max_shares) == (1, 100)
    assert s.voting_period == 7 * 86400
    assert s.admission == "board"
    assert s.token_name == "Test eG"


def test_statute_template_is_valid(tmp_path):
    path = tmp_path / "statute.yaml"
    path.write_text(statute_template("Solarpark Nord eG", FOUNDERS))
    s = load_statute(path)
    assert s.name == "Solarpark Nord eG"
    assert s.board == FOUNDERS[0]
    assert s.timelock_delay == 2 * 86400
    statute, founders = s.factory_args()
    assert founders == FOUNDERS
    assert statute[1][1] == 5 * 10**17


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"founders": FOUNDERS[:2]}, "at least 3 founders"),
        ({"founders": [*FOUNDERS[:2], FOUNDERS[0]]}, "listed twice"),
        ({"founders": [*FOUNDERS[:2], "0x1234"]}, "not an Ethereum address"),
        ({"founders": [*FOUNDERS[:2], FOUNDERS[2].replace("F", "f", 1)]}, "wrong checksum"),
        ({"notice_months": 2}, "at least 3 months"),
        ({"notice_months": 61}, "at most 5 years"),
        ({"shares": {"price": "0"}}, "more than 0"),
        ({"shares": {"price": "abc"}}, "expected a number"),
        ({"shares": {"price": "0.1234567890123456789"}}, "more than 18 decimal places"),
        ({"shares": {"price": "1", "min": 5, "max": 2}}, "below shares.min"),
        ({"shares": {}}, "shares.price is missing"),
        ({"admission": "lottery"}, "expected one of open, board, assembly"),
        ({"board": None}, "needs a board address"),
        ({"proxy_principals": 3}, "1 or 2 members"),
        ({"voting": {"quorum_percent": 0}}, "expected 1 to 100"),
        ({"voting": {"period": "0 days"}}, "must stay open"),
        ({"voting": {"delay": "soon"}}, "expected a duration"),
        ({"fiscal_year_end": "02-30"}, "not a day of the year"),
        ({"fiscal_year_end": "December"}, "expected MM-DD"),
        ({"colour": "green"}, "unknown statute setting: colour"),
        ({"name": ""}, "name: expected a non-empty text"),
    ],
)
def test_bad_values_are_refused_with_a_reason(changes, message):
    with pytest.raises(StatuteError, match=message) as info:
        parse_statute(base(**changes))
    assert "\n" not in str(info.value)


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(StatuteError, match="cannot read statute"):
        load_statute(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n")
    with pytest.raises(StatuteError, match="not valid YAML"):
        load_statute(broken)
    listed = tmp_path / "list.yaml"
    listed.write_text(yaml.safe_dump([1, 2]))
    with pytest.raises(StatuteError, match="mapping"):
        load_statute(listed)
