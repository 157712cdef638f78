"""football-data.co.uk parser on the real files: every layout and quirk in the shared data."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from matchday.domain.records import MatchStatus, Side
from matchday.errors import UnreadableFile
from matchday.sources.football_data_uk.parser import parse_csv
from tests.conftest import FDUK

ALL_FILES = sorted(FDUK.rglob("*.csv"))


def _parse(relative: str):
    path = FDUK / relative
    return parse_csv(path.read_bytes(), str(path))


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(FDUK)))
def test_every_shared_file_parses_without_losing_a_row(path) -> None:
    result = parse_csv(path.read_bytes(), str(path))
    assert len(result.matches) == result.rows_read > 0
    assert not [p for p in result.problems if not p.reason.startswith("value ignored")]
    assert all(m.season and m.home.name and m.away.name for m in result.matches)


def test_1993_94_short_rows_and_padding() -> None:
    result = _parse("E0/1993-94.csv")
    assert len(result.matches) == 462  # 22 clubs; the blank ",,,," padding rows are not matches
    first = result.matches[0]
    assert (first.home.name, first.away.name, first.home_goals, first.away_goals) == ("Arsenal", "Coventry", 0, 3)
    assert first.match_date == date(1993, 8, 14) and first.season == "1993-94" and first.home_goals_ht is None


def test_latin1_file_and_referee_names() -> None:
    result = _parse("E0/2004-05.csv")  # not valid UTF-8: a Latin-1 no-break space before some referees
    assert result.matches[0].referee == "U Rennie"


def test_ragged_rows_keep_their_odds() -> None:
    result = _parse("E0/2003-04.csv")  # 45 rows carry more fields than the header
    assert len(result.matches) == 380
    assert all(any(q.bookmaker == "bet365" for q in m.odds) for m in result.matches)


def test_bom_time_and_kickoff_in_utc() -> None:
    first = _parse("E0/2024-25.csv").matches[0]
    assert (first.home.name, first.away.name) == ("Man United", "Fulham")
    assert first.kickoff_utc == datetime(2024, 8, 16, 19, 0)  # 20:00 UK summer time
    assert first.referee == "R Jones" and first.status is MatchStatus.FINISHED
    home = next(s for s in first.stats if s.side is Side.HOME)
    assert (home.shots, home.shots_on_target, home.corners, home.fouls, home.yellow_cards) == (14, 5, 7, 12, 2)


def test_all_odds_including_closing() -> None:
    quotes = {(q.bookmaker, q.market, q.closing): q for q in _parse("E0/2024-25.csv").matches[0].odds}
    assert quotes[("bet365", "1x2", False)].price_home == 1.6
    assert quotes[("bet365", "1x2", True)].price_home == 1.67
    assert quotes[("pinnacle", "over_under", True)].line == 2.5
    assert quotes[("betfair", "1x2", False)].price_draw == 4.33  # "BFD" here is Betfair's draw ...
    later = {q.bookmaker for q in _parse("snapshots/E0_2025-26_as-of-2025-12-21.csv").matches[0].odds}
    assert "betfred" in later  # ... and "BFDH" in 2025-26 is Betfred's home price
    handicap = quotes[("market_average", "asian_handicap", False)]
    assert handicap.line == -1 and handicap.price_home == 2.03


def test_extra_league_layout_and_header_typo() -> None:
    result = _parse("extra-leagues/USA.csv")
    first = result.matches[0]
    assert (first.competition.code, first.season, first.home.name) == ("usa.1", "2012", "Colorado Rapids")
    # "B36CA" in the header is Bet365's closing away price
    with_b365 = next(m for m in result.matches if any(q.bookmaker == "bet365" for q in m.odds))
    closing = next(q for q in with_b365.odds if q.bookmaker == "bet365")
    # CF Montreal v DC United, 17/08/2025: B365CH, B365CD, B36CA = 2.05, 3.6, 3.4
    assert (with_b365.home.name, with_b365.away.name) == ("CF Montreal", "DC United")
    assert (closing.closing, closing.price_home, closing.price_draw, closing.price_away) == (True, 2.05, 3.6, 3.4)


def test_both_date_formats() -> None:
    assert _parse("E0/2002-03.csv").matches[0].match_date.year == 2002  # dd/mm/yyyy in this one file
    assert _parse("E1/2017-18.csv").matches[0].match_date.year == 2017  # dd/mm/yy


def test_bad_rows_are_reported_with_line_and_field() -> None:
    text = (FDUK / "E0" / "2011-12.csv").read_bytes().replace(b"E0,13/08/11,Blackburn", b"XX,13/08/11,Blackburn")
    result = parse_csv(text, "E0-2011-12.csv")
    assert len(result.matches) == 379
    problem = result.problems[0]
    assert (problem.line, problem.field) == (2, "Div") and "unknown division code" in problem.reason
    assert problem.raw.startswith("XX,13/08/11,Blackburn")


def test_unreadable_files() -> None:
    with pytest.raises(UnreadableFile, match="missing columns"):
        parse_csv(b"a,b,c\n1,2,3\n", "x.csv")
    with pytest.raises(UnreadableFile, match="empty file"):
        parse_csv(b"", "empty.csv")
    with pytest.raises(UnreadableFile, match="binary"):
        parse_csv(b"\x00\x01\x02PK", "zip.csv")
