"""Competition formats reproduce their published tables, position by position.

Published tables, as looked up (each figure also checked against the data: points and goals add up):
- Scottish Premier League 2010-11 and 2011-12 (split after 33 rounds, 6 + 6; Rangers -10 in February 2012 for
  entering administration): Wikipedia "2010–11 Scottish Premier League" and "2011–12 Scottish Premier League",
  League table.
- Scottish Premiership 2019-20 (curtailed, ranked by points per game): Wikipedia "2019–20 Scottish
  Premiership", League table (Pld, Pts, PPG columns).
- Ligue 1 2019-20 (stopped after 28 rounds, ranked by points per game): Wikipedia "2019–20 Ligue 1",
  League table; ligue1.com final standings.
- Eredivisie 2019-20 (declared void by the KNVB, April 2020): Wikipedia "2019–20 Eredivisie".
- Belgian First Division A 2019-20 (stopped after 29 rounds, the table as it stood declared final):
  Wikipedia "2019–20 Belgian First Division A", League table.
- Belgian Pro League 2023-24 (30 rounds, then Champions', Europe and relegation play-offs with points halved,
  rounded up): Wikipedia "2023–24 Belgian Pro League", Regular season and Play-offs tables.
- Austrian Bundesliga 2019-20 and 2021-22 (22 rounds, then championship and qualifying groups of six with the
  points halved, rounded down; LASK -4 in 2019-20): weltfussball.de "Bundesliga 2019/2020" / "2021/2022"
  Meistergruppe and Qualifikationsgruppe tables; Wikipedia "2019–20 Austrian Football Bundesliga".
- EFL Championship 2024-25 (play-offs in the same file; Sheffield United -2): Wikipedia "2024–25 EFL
  Championship", League table and Play-offs (final: Sheffield United 1-2 Sunderland, 24 May 2025).
- EFL Championship 2019-20 (Wigan Athletic -12, relegated by it) and 2018-19 (Birmingham City -9, 17th):
  Wikipedia "2019–20 EFL Championship" and "2018–19 EFL Championship", League table.
- National League 2017-18 (play-offs in englandplayoffs.csv; final Boreham Wood 1-2 Tranmere Rovers, 12 May
  2018): Wikipedia "2017–18 National League", League table and Play-offs.
- Major League Soccer 2019 (overall and per conference; Supporters' Shield LAFC, 72 points): Wikipedia "2019
  Major League Soccer season", Standings (Eastern, Western Conference, Overall).
- Serie A 2024-25 after matchday 12 (10 November 2024: four teams on 25 points, two of whose pairs had met
  only once, ordered by goal difference): legaseriea.it "Classifica" after giornata 12; Wikipedia "2024–25
  Serie A", Positions by round.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from matchday.services.tables import league_table
from tests.conftest import DATA, FDUK
from tests.ingest.helpers import load

OF = DATA / "openfootball-football.json"
RAW = DATA / "engsoccerdata" / "data-raw"

# (team, played, goals for, goals against, points)
SPL_2010_11 = [
    ("Rangers", 38, 88, 29, 93), ("Celtic", 38, 85, 22, 92), ("Hearts", 38, 53, 45, 63),
    ("Dundee United", 38, 55, 50, 61), ("Kilmarnock", 38, 53, 55, 49), ("Motherwell", 38, 40, 60, 46),
    ("Inverness", 38, 52, 44, 53), ("St Johnstone", 38, 23, 43, 44), ("Aberdeen", 38, 39, 59, 38),
    ("Hibernian", 38, 39, 61, 37), ("St Mirren", 38, 33, 57, 33), ("Hamilton", 38, 24, 59, 26),
]
SPL_2011_12 = [
    ("Celtic", 38, 84, 21, 93), ("Rangers", 38, 77, 28, 73), ("Motherwell", 38, 49, 44, 62),
    ("Dundee United", 38, 62, 50, 59), ("Hearts", 38, 45, 43, 52), ("St Johnstone", 38, 43, 50, 50),
    ("Kilmarnock", 38, 44, 61, 47), ("St Mirren", 38, 39, 51, 43), ("Aberdeen", 38, 36, 44, 41),
    ("Inverness", 38, 42, 60, 39), ("Hibernian", 38, 40, 67, 33), ("Dunfermline", 38, 40, 82, 25),
]
PREMIERSHIP_2019_20 = [  # ... and points per game
    ("Celtic", 30, 89, 19, 80, 2.667), ("Rangers", 29, 64, 19, 67, 2.31), ("Motherwell", 30, 41, 38, 46, 1.533),
    ("Aberdeen", 30, 40, 36, 45, 1.5), ("Livingston", 30, 41, 39, 39, 1.3), ("St Johnstone", 29, 28, 46, 36, 1.241),
    ("Hibernian", 30, 42, 49, 37, 1.233), ("Kilmarnock", 30, 31, 41, 33, 1.1), ("St Mirren", 30, 24, 41, 29, 0.967),
    ("Ross County", 30, 29, 60, 29, 0.967), ("Hamilton", 30, 30, 50, 27, 0.9), ("Heart", 30, 31, 52, 23, 0.767),
]
LIGUE_1_2019_20 = [
    ("Paris", 27, 75, 24, 68), ("Marseille", 28, 41, 29, 56), ("Rennais", 28, 38, 24, 50), ("Lille", 28, 35, 27, 49),
    ("Reims", 28, 26, 21, 41), ("Nice", 28, 41, 38, 41), ("Lyon", 28, 42, 27, 40), ("Montpellier", 28, 35, 34, 40),
    ("Monaco", 28, 44, 44, 40), ("Strasbourg", 27, 32, 32, 38), ("Angers", 28, 28, 33, 39),
    ("Bordeaux", 28, 40, 34, 37), ("Nantes", 28, 28, 31, 37), ("Brest", 28, 34, 37, 34), ("Metz", 28, 27, 35, 34),
    ("Dijon", 28, 27, 37, 30), ("tienne", 28, 29, 45, 30), ("Nimes", 28, 29, 44, 27), ("Amiens", 28, 31, 50, 23),
    ("Toulouse", 28, 22, 58, 13),
]
MLS_2019_EAST = ["New York City", "Atlanta", "Philadelphia", "Toronto", "DC United", "New York Red Bulls",
                 "New England", "Chicago", "Montreal", "Columbus", "Orlando", "Cincinnati"]
MLS_2019_WEST = ["Los Angeles FC", "Seattle", "Real Salt Lake", "Minnesota", "Galaxy", "Portland", "Dallas",
                 "San Jose", "Colorado", "Houston", "Kansas City", "Vancouver"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from matchday.ingest.seed import seed_reference_data
    from matchday.store.engine import make_engine
    from matchday.store.migrate import upgrade

    eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('formats') / 'm.db'}")
    upgrade(eng)
    seed_reference_data(eng)
    load(eng, "football-data-uk", FDUK / "SC0", FDUK / "E1" / "2019-20.csv", FDUK / "E1" / "2018-19.csv",
         FDUK / "I1" / "2024-25.csv",
         FDUK / "extra-leagues" / "USA.csv")
    # Belgium 2019-20 from engsoccerdata only: the two sources name its clubs differently (Club Brugge KV)
    load(eng, "openfootball", OF / "2019-20" / "sco.1.json", OF / "2019-20" / "at.1.json",
         OF / "2021-22" / "at.1.json", OF / "2024-25" / "en.2.json")
    load(eng, "engsoccerdata", RAW / "englandplayoffs.csv")
    _load_seasons(eng, {"belgium.csv.gz": {"2019-20", "2023-24"}, "holland.csv.gz": {"2019-20"},
                        "france.csv.gz": {"2019-20"}, "england5.csv.gz": {"2017-18"}})
    return eng


def _load_seasons(eng: Engine, wanted: dict[str, set[str]]) -> None:
    """Load only some seasons of the big engsoccerdata files (the real files, parsed whole, written in part)."""
    from matchday.ingest.pipeline import UnitSummary, read_contents, write_parsed
    from matchday.sources.base import get_source
    from matchday.store.runs import start_run

    plugin = get_source("engsoccerdata")
    for unit in plugin.plan([RAW / name for name in wanted], {}):
        parsed = plugin.parse(unit, read_contents(unit))
        parsed.matches = [m for m in parsed.matches if m.season in wanted[unit.location.rsplit("/", 1)[-1]]]
        with eng.begin() as conn:
            run_id = start_run(conn, plugin.name, unit.location)
        write_parsed(eng, plugin.name, run_id, unit.location, parsed, UnitSummary(unit.location))


def _table(store: Engine, league: str, season: str, **options):
    with store.connect() as conn:
        return league_table(conn, league, season, **options)


def _assert_rows(rows: list[dict], expected: list[tuple]) -> None:
    assert len(rows) == len(expected)
    for row, (team, played, scored, conceded, points, *ppg) in zip(rows, expected, strict=True):
        assert team in row["team_name"], f"position {row['position']}: {row['team_name']} instead of {team}"
        assert (row["played"], row["goals_for"], row["goals_against"], row["points"]) == (
            played, scored, conceded, points), row
        if ppg:
            assert row["points_per_game"] == ppg[0], row


def test_scottish_split_confines_each_half_2010_11(store: Engine) -> None:
    rows = _table(store, "sco.1", "2010-11").rows
    _assert_rows(rows, SPL_2010_11)
    assert [r["split"] for r in rows] == ["top_six"] * 6 + ["bottom_six"] * 6
    # Inverness finished 7th with 53 points, more than 5th and 6th: the split decided, not the points
    assert rows[5]["decided_by"] == "split" and rows[6]["points"] > rows[4]["points"]
    assert rows[0]["zone"] == "title" and rows[-1]["zone"] == "relegation"


def test_scottish_split_with_a_deduction_2011_12(store: Engine) -> None:
    rows = _table(store, "sco.1", "2011-12").rows
    _assert_rows(rows, SPL_2011_12)
    assert rows[1]["points_deducted"] == 10


def test_a_table_before_the_split_is_a_plain_table(store: Engine) -> None:
    # the split began on 23 April 2011; on the 22nd the table is one table of twelve, without halves
    before = _table(store, "sco.1", "2010-11", as_of=date(2011, 4, 22)).rows
    assert all(r["split"] is None for r in before) and {r["played"] for r in before} <= {32, 33}
    after = _table(store, "sco.1", "2010-11", as_of=date(2011, 4, 24)).rows
    assert [r["split"] for r in after] == ["top_six"] * 6 + ["bottom_six"] * 6
    # ... and a postponed first-phase match played after the split (2011-05-04) still counts as the first phase
    assert all(r["played"] == 38 for r in _table(store, "sco.1", "2010-11").rows)


def test_curtailed_season_ranked_by_points_per_game_scotland_2019_20(store: Engine) -> None:
    table = _table(store, "sco.1", "2019-20")
    assert (table.status, table.ranking) == ("curtailed", "points_per_game") and "points per game" in table.note
    _assert_rows(table.rows, PREMIERSHIP_2019_20)
    assert table.rows[4]["decided_by"] == "points_per_game"  # Livingston 1.30 above St Johnstone 1.24, 39 v 36
    assert table.rows[8]["decided_by"] == "goal_difference"  # St Mirren over Ross County, both 0.967
    assert table.rows[-1]["zone"] == "relegation" and table.rows[-2]["zone"] is None  # no play-off that year


def test_curtailed_season_ranked_by_points_per_game_ligue_1_2019_20(store: Engine) -> None:
    table = _table(store, "fra.1", "2019-20")
    assert table.ranking == "points_per_game" and table.matches_counted == 279
    _assert_rows(table.rows, LIGUE_1_2019_20)
    # Strasbourg (38 points from 27) above Angers (39 from 28); Reims over Nice on goal difference
    assert table.rows[9]["points_per_game"] > table.rows[10]["points_per_game"]
    assert table.rows[4]["decided_by"] == "goal_difference"
    assert [r["zone"] for r in table.rows[-3:]] == [None, "relegation", "relegation"]


def test_void_season_shows_no_champion_and_no_relegation_eredivisie_2019_20(store: Engine) -> None:
    table = _table(store, "ned.1", "2019-20")
    assert table.status == "void" and "void" in table.note
    assert all(r["zone"] is None for r in table.rows)
    assert [(r["points"], r["played"]) for r in table.rows[:2]] == [(56, 25), (56, 25)]
    assert "Ajax" in table.rows[0]["team_name"] and "Alkmaar" in table.rows[1]["team_name"]


def test_curtailed_season_as_it_stood_belgium_2019_20(store: Engine) -> None:
    table = _table(store, "bel.1", "2019-20")
    assert table.status == "curtailed" and table.ranking == "points"
    rows = table.rows  # openfootball's file and engsoccerdata's rows of the same season, merged
    assert len(rows) == 16 and table.matches_counted == 232
    assert "Brugge" in rows[0]["team_name"] and (rows[0]["points"], rows[0]["played"]) == (70, 29)
    assert [r["points"] for r in rows[1:5]] == [55, 54, 53, 49]
    assert "Waasland" in rows[-1]["team_name"] and rows[-1]["points"] == 20
    assert [r["zone"] for r in rows].count("relegation") == 0  # the league grew to 18 instead


def test_belgian_play_offs_with_halved_points_2023_24(store: Engine) -> None:
    rows = _table(store, "bel.1", "2023-24").rows
    assert [r["split"] for r in rows] == ["champions_playoff"] * 6 + ["europe_playoff"] * 6 + [
        "relegation_playoff"] * 4
    assert [(r["team_name"], r["points"]) for r in rows[:3]] == [
        ("Club Brugge", 50), ("Royal Union Saint-Gilloise", 49), ("Anderlecht", 46)]
    assert rows[0]["zone"] == "title"
    # Gent won the Europe play-off with more points than 4th-6th; the Europe play-off winner's match against
    # Genk for a European place (2 June 2024) is no table match: everyone played 40 (Standard v Westerlo 39)
    assert rows[6]["team_name"] == "Gent" and rows[6]["points"] > rows[3]["points"]
    assert {r["played"] for r in rows[:10]} == {40}
    # Kortrijk and Molenbeek level on 19: Molenbeek's half point was a gift of rounding up, so Kortrijk 14th
    assert [(r["team_name"], r["points"], r["zone"]) for r in rows[12:]] == [
        ("Charleroi", 31, None), ("Kortrijk", 19, "relegation_playoff"), ("Molenbeek", 19, "relegation"),
        ("Eupen", 16, "relegation")]
    assert rows[13]["decided_by"] == "halved_points_remainder"


def test_austrian_groups_with_halved_points(store: Engine) -> None:
    rows = _table(store, "aut.1", "2021-22").rows
    assert [r["team_name"] for r in rows] == [
        "RB Salzburg", "Sturm Graz", "Austria Wien", "Wolfsberger AC", "Rapid Wien", "SK Austria Klagenfurt",
        "WSG Tirol", "LASK", "SV Ried", "SCR Altach", "TSV Hartberg", "FC Admira Wacker"]
    assert rows[0]["zone"] == "title" and rows[-1]["zone"] == "relegation"
    # Ried, Altach and Hartberg all on 22: Hartberg's halved points were exact, the other two lost a half
    assert [r["points"] for r in rows[8:11]] == [22, 22, 22] and rows[9]["decided_by"] == "halved_points_remainder"
    earlier = _table(store, "aut.1", "2019-20").rows
    assert [r["team_name"] for r in earlier[:4]] == ["RB Salzburg", "Rapid Wien", "Wolfsberger AC", "LASK"]
    assert earlier[3]["points_deducted"] == 4 and earlier[0]["points"] == 50
    # Austria Wien won the qualifying group with 34, more than 5th (27) and 6th (19)
    assert earlier[6]["team_name"] == "Austria Wien" and earlier[6]["points"] == 34 and earlier[6]["split"] == (
        "qualifying")
    assert all(r["played"] == 32 for r in earlier)  # the July 2019 Europa League play-off is not counted


def test_play_off_winner_promoted_championship_2024_25(store: Engine) -> None:
    rows = _table(store, "eng.2", "2024-25").rows
    expected = [("Leeds United", 100, "promotion"), ("Burnley", 100, "promotion"),
                ("Sheffield United", 90, "playoffs"), ("Sunderland", 76, "promoted_playoffs"),
                ("Coventry City", 69, "playoffs"), ("Bristol City", 68, "playoffs")]
    for row, (team, points, zone) in zip(rows, expected, strict=False):
        assert team in row["team_name"] and (row["points"], row["zone"]) == (points, zone), row
    assert rows[0]["decided_by"] == "goal_difference" and rows[2]["points_deducted"] == 2
    assert all(r["played"] == 46 for r in rows)  # the five play-off matches are their own stage
    before_final = _table(store, "eng.2", "2024-25", as_of=date(2025, 5, 23)).rows
    assert before_final[3]["zone"] == "playoffs"
    assert all(team in row["team_name"] for row, team in zip(rows[-3:], ["Luton", "Plymouth", "Cardiff"],
                                                             strict=True))


def test_wigan_relegated_by_its_deduction_2019_20(store: Engine) -> None:
    rows = _table(store, "eng.2", "2019-20").rows
    assert [(r["team_name"], r["points"], r["zone"]) for r in rows[-4:]] == [
        ("Barnsley", 49, None), ("Charlton", 48, "relegation"), ("Wigan Athletic", 47, "relegation"),
        ("Hull", 45, "relegation")]
    assert rows[-2]["points_deducted"] == 12
    earlier = _table(store, "eng.2", "2018-19").rows
    birmingham = next(r for r in earlier if r["team_name"] == "Birmingham City")
    assert (birmingham["position"], birmingham["points"], birmingham["points_deducted"]) == (17, 52, 9)
    before = _table(store, "eng.2", "2018-19", as_of=date(2019, 3, 21)).rows  # the sanction took effect on 22 March
    assert next(r for r in before if r["team_name"] == "Birmingham City")["points_deducted"] == 0


def test_play_off_winner_from_another_file_national_league_2017_18(store: Engine) -> None:
    rows = _table(store, "eng.5", "2017-18").rows
    assert (rows[0]["team_name"], rows[0]["zone"]) == ("Macclesfield", "promotion")
    assert (rows[1]["team_name"], rows[1]["zone"]) == ("Tranmere Rovers", "promoted_playoffs")
    # the clubs in englandplayoffs.csv's 2017-18 conference play-offs (it holds the semi-finals and the final,
    # not the two eliminators) all finished in positions 2 to 7
    from sqlalchemy import select

    from matchday.store.schema import matches, teams

    with store.connect() as conn:
        ids = {t for row in conn.execute(select(matches.c.home_team_id, matches.c.away_team_id, matches.c.attributes)
                                         .where(matches.c.match_date.between(date(2018, 5, 1), date(2018, 5, 31))))
               if (row.attributes or {}).get("division") == "conference" for t in row[:2]}
        names = {conn.execute(select(teams.c.name).where(teams.c.id == t)).scalar() for t in ids}
    assert names == {"Tranmere Rovers", "Ebbsfleet United", "Sutton United", "Boreham Wood"}
    assert names <= {r["team_name"] for r in rows[1:7]} and {r["zone"] for r in rows[2:7]} == {"playoffs"}
    assert [r["team_name"] for r in rows[-4:]] == ["Woking", "Torquay United", "Chester", "Guiseley"]


def test_conferences_overall_and_within_mls_2019(store: Engine) -> None:
    table = _table(store, "usa.1", "2019")
    rows = table.rows
    assert table.matches_counted == 408  # 24 teams × 34 / 2: the 13 MLS Cup play-off matches are not counted
    assert (rows[0]["team_name"], rows[0]["points"], rows[0]["conference"]) == ("Los Angeles FC", 72, "West")
    east = sorted((r for r in rows if r["conference"] == "East"), key=lambda r: r["conference_position"])
    west = sorted((r for r in rows if r["conference"] == "West"), key=lambda r: r["conference_position"])
    for conference, expected in ((east, MLS_2019_EAST), (west, MLS_2019_WEST)):
        assert len(conference) == 12
        for row, team in zip(conference, expected, strict=True):
            assert team in row["team_name"], (row["team_name"], team)
    assert [r["points"] for r in east[:3]] == [64, 58, 55] and east[-1]["points"] == 24
    # Real Salt Lake above Minnesota on 53 points: more wins (16 to 15), MLS's first tie-breaker
    assert west[2]["decided_by"] == "wins"


def test_head_to_head_waits_for_all_meetings_serie_a_mid_season(store: Engine) -> None:
    rows = _table(store, "ita.1", "2024-25", as_of=date(2024, 11, 10)).rows
    assert [(r["team_name"], r["points"], r["goals_for"], r["goals_against"]) for r in rows[:6]] == [
        ("SSC Napoli", 26, 19, 9), ("Atalanta BC", 25, 31, 15), ("ACF Fiorentina", 25, 25, 10),
        ("Internazionale Milano", 25, 26, 14), ("SS Lazio", 25, 25, 14), ("Juventus", 24, 21, 7)]
    # Inter had beaten Atalanta 4-0 in their only meeting: head-to-head would put Inter second; not yet
    assert [r["decided_by"] for r in rows[1:4]] == ["goal_difference"] * 3


def test_the_api_table_says_how_the_season_was_decided(store: Engine) -> None:
    from fastapi.testclient import TestClient

    from matchday.server import create_server
    from matchday.settings import Settings

    app = create_server(Settings(database_url=str(store.url)), store)
    with TestClient(app) as client:
        def table(league: str, **params: str) -> dict:
            response = client.get(f"/api/v1/leagues/{league}/table", params=params)
            assert response.status_code == 200, response.text
            return response.json()

        curtailed = table("sco.1", season="2019-20")
        assert (curtailed["status"], curtailed["ranking"]) == ("curtailed", "points_per_game")
        assert curtailed["standings"][0]["points_per_game"] == 2.667
        void = table("ned.1", season="2019-20")
        assert void["status"] == "void" and {r["zone"] for r in void["standings"]} == {None}
        split = table("sco.1", season="2010-11")["standings"]
        assert (split[6]["split"], split[6]["position"], split[6]["points"]) == ("bottom_six", 7, 53)
        east = table("usa.1", season="2019", conference="East")
        assert east["conference"] == "East" and [r["position"] for r in east["standings"]] == list(range(1, 13))
        assert "New York City" in east["standings"][0]["team_name"]
        overall = table("usa.1", season="2019")["standings"]
        assert len(overall) == 24 and overall[1]["conference_position"] == 1
        assert table("usa.1", season="2019", conference="North")["standings"] == []


def test_the_league_page_shows_the_parts_and_the_season_note(store: Engine) -> None:
    from fastapi.testclient import TestClient

    from matchday.server import create_server
    from matchday.settings import Settings

    app = create_server(Settings(database_url=str(store.url)), store)
    with TestClient(app) as client:
        split = client.get("/leagues/sco.1", params={"season": "2010-11"}).text
        void = client.get("/leagues/ned.1", params={"season": "2019-20"}).text
    assert 'data-group="top_six"' in split and 'data-group="bottom_six"' in split
    assert "because of the split" in split
    assert "Season void:" in void and "declared the season void" in void
