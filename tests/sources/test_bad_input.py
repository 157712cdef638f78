"""Damaged inputs quarantine the damaged rows, name line and field, and keep every good row (issue #8 §5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matchday.domain import validation
from matchday.errors import UnreadableFile
from matchday.sources.csvtext import InputLimits, input_limits
from matchday.sources.engsoccerdata.parser import parse_matches
from matchday.sources.football_data_uk.parser import parse_csv
from matchday.sources.international_results.parser import parse_results
from matchday.sources.openfootball.parser import parse_json
from tests.conftest import FDUK

REGRESSIONS = Path(__file__).resolve().parent.parent / "regressions"
E0_2011 = FDUK / "E0" / "2011-12.csv"


def _by_line(problems) -> dict[int, list]:  # noqa: ANN001 - RowProblems
    found: dict[int, list] = {}
    for problem in problems:
        found.setdefault(problem.line, []).append(problem)
    return found


def test_a_20_digit_score_quarantines_its_row_only() -> None:
    result = parse_csv((REGRESSIONS / "score_20_digits" / "E0-2011-12.csv").read_bytes(), "E0.csv")
    assert result.rows_read == 5 and len(result.matches) == 4
    [problem] = result.problems
    assert (problem.line, problem.field) == (4, "FTHG")
    assert "12345678901234567890" in problem.reason and "plausible" in problem.reason


def test_values_that_cannot_be_football_are_quarantined() -> None:
    result = parse_csv((REGRESSIONS / "impossible_values" / "E0-2011-12.csv").read_bytes(), "E0.csv")
    problems = _by_line(result.problems)
    assert problems[3][0].field == "FTHG" and "negative" in problems[3][0].reason  # -1 goals
    assert problems[4][0].field == "FTHG" and "'true'" in problems[4][0].reason  # true as a goal count
    assert problems[6][0].field == "HomeTeam" and "control characters" in problems[6][0].reason  # Man\x01City
    # the row with impossible prices keeps its result; each bad price is ignored and reported
    assert {p.field for p in problems[5]} == {"B365H", "B365D", "B365A"}
    assert all(p.reason.startswith("value ignored") for p in problems[5])
    kept = {(m.home.name, m.away.name): m for m in result.matches}
    assert set(kept) == {("Blackburn", "Wolves"), ("Newcastle", "Arsenal"), ("Wigan", "Norwich")}
    newcastle = kept[("Newcastle", "Arsenal")]
    assert not [q for q in newcastle.odds if q.bookmaker == "Bet365" and q.market == "1x2" and not q.closing]
    assert all(1.0 < price < 1000 for q in newcastle.odds
               for price in (q.price_home, q.price_draw, q.price_away) if price is not None)


@pytest.mark.parametrize(("text", "accepted"), [
    ("0", 0), ("7", 7), ("3.0", 3), ("-1", None), ("true", None), (True, None), ("1e30", None),
    ("12345678901234567890", None), ("nan", None), ("inf", None), ("251", None), (2.5, None),
])
def test_goal_counts(text: object, accepted: int | None) -> None:
    if accepted is None:
        with pytest.raises(validation.InvalidValue):
            validation.goals(text)
    else:
        assert validation.goals(text) == accepted


@pytest.mark.parametrize("price", [float("inf"), float("-inf"), float("nan"), -2.0, 0.5, 1.0, True, 1e9])
def test_prices_that_are_not_decimal_odds(price: float) -> None:
    with pytest.raises(validation.InvalidValue):
        validation.odds(price)


def test_names_long_or_with_control_characters() -> None:
    assert validation.name("  Brighton & Hove Albion ") == "Brighton & Hove Albion"
    assert validation.name("Atlético Madrid") == "Atlético Madrid"
    for bad in ("x" * 100_000, "Arse\x00nal", "Tab\tbed", "", "   ", 12):
        with pytest.raises(validation.InvalidValue):
            validation.name(bad)


def test_a_100000_character_team_name_is_quarantined_in_every_csv_parser() -> None:
    long_name = "A" * 100_000
    lines = E0_2011.read_text().splitlines()
    lines[2] = lines[2].replace("Fulham", long_name)
    with input_limits(InputLimits(max_line_chars=200_000)):
        fd = parse_csv("\n".join(lines).encode(), "E0.csv")
        esd = parse_matches(('"Date","Season","home","visitor","FT","hgoal","vgoal","tier","division"\n'
                             '"1963-08-24",1963,"Werder Bremen","Borussia Dortmund","3-2",3,2,1,"1"\n'
                             f'"1963-08-24",1963,"{long_name}","1. FC Koln","0-2",0,2,1,"1"\n').encode(),
                            "germany.csv", "germany")
        intl = parse_results(("date,home_team,away_team,home_score,away_score,tournament,city,country,neutral\n"
                              "1872-11-30,Scotland,England,0,0,Friendly,Glasgow,Scotland,FALSE\n"
                              f"1873-03-08,England,{long_name},4,2,Friendly,London,England,FALSE\n").encode(),
                             "results.csv")
    assert [(p.line, p.field) for p in fd.problems] == [(3, "HomeTeam")] and len(fd.matches) == fd.rows_read - 1
    assert [(p.line, p.field) for p in esd.problems] == [(3, "home")] and len(esd.matches) == 1
    assert [(p.line, p.field) for p in intl.problems] == [(3, "away_team")] and len(intl.matches) == 1
    assert all("has 100000 characters (at most 100)" in p.reason for p in fd.problems + esd.problems + intl.problems)


def test_an_unterminated_quote_quarantines_its_row_and_keeps_the_rest() -> None:
    data = (REGRESSIONS / "unterminated_quote" / "E0-2011-12.csv").read_bytes()
    result = parse_csv(data, "E0.csv")
    assert result.rows_read == 19
    assert len(result.matches) == 18
    [problem] = result.problems
    assert problem.line == 4 and "unterminated quote" in problem.reason and "Liverpool" in problem.raw


def test_one_over_long_line_rejects_that_row_not_the_file() -> None:
    lines = E0_2011.read_bytes().splitlines()
    lines[5] = lines[5] + b"," + b"9" * 20_000_000  # one 20 MB line
    result = parse_csv(b"\n".join(lines[:40]), "E0.csv")
    assert len(result.matches) == 38 and result.rows_read == 39
    [problem] = result.problems
    assert problem.line == 6 and "longer than the limit" in problem.reason and len(problem.raw) <= 2000


OPENFOOTBALL_CASES = {  # match number in the regression file -> (field, what the reason says)
    2: ("score.ft", "str '0'"),  # a goal given as a string
    3: ("round", "int 5"),  # a round as a number
    4: ("status", "['postponed']"),  # a status as a list
    5: ("time", "2000"),  # a time as a number
    6: ("goals1", "str"),  # goals as a string
    7: ("goals1[1]", "'Salah'"),  # a goal as a string
}


def test_openfootball_wrong_types_name_file_match_and_field() -> None:
    path = REGRESSIONS / "openfootball_wrong_types" / "2024-25" / "en.1.json"
    result = parse_json(path.read_bytes(), str(path), "en.1", "2024-25")
    assert result.rows_read == 8 and len(result.matches) == 2
    found = {p.line: p for p in result.problems}
    assert set(found) == set(OPENFOOTBALL_CASES)
    for number, (field, shown) in OPENFOOTBALL_CASES.items():
        assert found[number].field == field
        assert found[number].reason.startswith(f"match {number}:") and shown in found[number].reason
        assert json.loads(found[number].raw)["date"]  # the raw match, as it was, for the person fixing it


def test_openfootball_matches_that_are_not_a_list() -> None:
    path = REGRESSIONS / "openfootball_matches_not_a_list" / "2024-25" / "en.1.json"
    with pytest.raises(UnreadableFile, match="'matches' must be a list, got int") as caught:
        parse_json(path.read_bytes(), str(path), "en.1", "2024-25")
    assert str(path) in str(caught.value)


def test_openfootball_other_shapes_never_raise_outside_the_project_errors() -> None:
    for doc in ({"name": "x", "rounds": 3}, {"name": "x", "rounds": [1, {"name": 2, "matches": []}]},
                {"name": "x", "matches": [1, None, "m", []]}, [1, 2], "[" * 100_000):
        data = doc.encode() if isinstance(doc, str) else json.dumps(doc).encode()
        try:
            result = parse_json(data, "en.1.json", "en.1", "2024-25")
        except UnreadableFile:
            continue
        assert not result.matches and result.problems
