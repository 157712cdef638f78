"""engsoccerdata and international_results parsers on the real files."""

from __future__ import annotations

import gzip

from matchday.domain.records import EventType, Finish, Side
from matchday.sources.engsoccerdata.parser import parse_deductions, parse_matches
from matchday.sources.international_results.parser import parse_former_names, parse_results
from tests.conftest import DATA

RAW = DATA / "engsoccerdata" / "data-raw"
INTL = DATA / "international_results"


def _gz(path) -> bytes:
    return gzip.decompress(path.read_bytes())


def test_engsoccerdata_league_file() -> None:
    result = parse_matches(_gz(RAW / "germany.csv.gz"), "germany.csv.gz", "germany")
    assert len(result.matches) == 38918 and not result.problems
    assert {m.competition.code for m in result.matches} == {"ger.1", "ger.2"}
    first = result.matches[0]
    assert (first.season, first.home.name, first.away.name, first.home_goals) == ("1963-64", "Werder Bremen",
                                                                                  "Borussia Dortmund", 3)


def test_engsoccerdata_undated_rows_are_kept_and_bad_rows_reported() -> None:
    tier5 = parse_matches(_gz(RAW / "england5.csv.gz"), "england5.csv.gz", "england5")
    assert len(tier5.matches) == 22473 and sum(m.match_date is None for m in tier5.matches) == 9034
    damaged = (RAW / "englandplayoffs.csv").read_bytes().splitlines()[:2] + [
        b'"2019-13-40",2018,"AFC Fylde","Harrogate Town","3-1",3,1,"conference","q","initial",5,5,NA,NA,NA,NA,"1",NA']
    bad = parse_matches(b"\n".join(damaged), "excerpt.csv", "englandplayoffs")
    assert len(bad.matches) == 1 and bad.problems[0].field == "Date" and "2019-13-40" in bad.problems[0].raw


def test_engsoccerdata_r_day_numbers_are_dates() -> None:
    # englandplayoffs.csv gives recent seasons' dates as R day numbers (days since 1970-01-01)
    playoffs = parse_matches((RAW / "englandplayoffs.csv").read_bytes(), "englandplayoffs.csv", "englandplayoffs")
    assert not playoffs.problems and len(playoffs.matches) == 764
    fylde = next(m for m in playoffs.matches if m.source_line == 498)  # "18017",2018,"AFC Fylde","Harrogate Town"
    assert (str(fylde.match_date), fylde.season, fylde.attributes["division"]) == ("2019-05-01", "2018-19",
                                                                                  "conference")
    # the 2018 National League play-off final, Tranmere Rovers 2-1 Boreham Wood at Wembley, 12 May 2018
    final = next(m for m in playoffs.matches if m.season == "2017-18" and m.round == "f"
                 and m.attributes.get("division") == "conference")
    assert (str(final.match_date), final.away.name, final.away_goals) == ("2018-05-12", "Tranmere Rovers", 2)


def test_engsoccerdata_walkovers_are_awarded_and_byes_are_no_matches() -> None:
    cup = parse_matches(_gz(RAW / "facup.csv.gz"), "facup.csv.gz", "facup")
    assert not cup.problems and cup.rows_read == 17080
    # 163 byes and 5 ties neither team played are no matches; every other row is stored
    assert cup.not_matches == {"bye": 163, "not played": 2, "both disqualified": 3}
    assert len(cup.matches) == 17080 - 168
    awarded = [m for m in cup.matches if m.status == "awarded"]
    assert len(awarded) == 113 + 18  # walkovers + one team disqualified
    first = awarded[0]  # 1871-72 first round: Reigate Priory withdrew, Royal Engineers through
    assert (first.home.name, first.away.name, first.home_goals, first.attributes["awarded_to"]) == (
        "Royal Engineers", "Reigate Priory", None, "home")
    void = [m for m in cup.matches if m.attributes.get("nonmatch") == "Match void"]
    assert len(void) == 42 and all(m.status == "cancelled" for m in void)


def test_engsoccerdata_cup_extra_time_and_penalties() -> None:
    mls = parse_matches(_gz(RAW / "mls.csv.gz"), "mls.csv.gz", "mls").matches
    shootout = next(m for m in mls if m.home_penalties is not None)
    assert shootout.finish is Finish.PENALTIES and shootout.stage == "conf_semi" and shootout.season == "1996"


def test_engsoccerdata_deductions() -> None:
    records, problems = parse_deductions((RAW / "deductions.csv").read_bytes(), "deductions.csv")
    assert not problems and len(records) == 45
    portsmouth = next(r for r in records if r.team.name == "Portsmouth" and r.season == "2009-10")
    assert (portsmouth.competition_code, portsmouth.points) == ("eng.1", 9)


def test_international_results_with_scorers_and_shootouts() -> None:
    result = parse_results(_gz(INTL / "results.csv.gz"), "results.csv.gz", _gz(INTL / "goalscorers.csv.gz"),
                           (INTL / "shootouts.csv").read_bytes())
    assert len(result.matches) == 49520 and not result.problems
    final = next(m for m in result.matches if str(m.match_date) == "2022-12-18" and m.home.name == "Argentina")
    assert final.competition.code == "fifa.world" and final.finish is Finish.PENALTIES
    assert final.attributes["shootout_winner"] == "Argentina" and final.neutral
    assert [(e.minute, e.side) for e in final.events] == [(23, Side.HOME), (36, Side.HOME), (80, Side.AWAY),
                                                           (81, Side.AWAY), (109, Side.HOME), (118, Side.AWAY)]
    assert final.events[0].type is EventType.PENALTY_GOAL and final.events[0].player_name == "Lionel Messi"
    assert sum(len(m.events) for m in result.matches) == 47914


def test_former_names() -> None:
    pairs = parse_former_names((INTL / "former_names.csv").read_bytes(), "former_names.csv")
    assert ("Benin", "Dahomey") in pairs and len(pairs) == 36
