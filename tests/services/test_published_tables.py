"""Computed final tables equal the published ones, position by position and point by point.

Published tables, as looked up (sources named per season):
- Premier League 2011-12, 2009-10, 2023-24: Wikipedia, "20xx–yy Premier League", League table section.
- Premier League 1996-97, bottom five (Middlesbrough relegated by its 3-point deduction): Wikipedia
  "1996–97 FA Premier League", League table.
- Bundesliga 1968-69 (2 points for a win, ties broken by goal quotient): VereinsWiki / de.wikipedia
  "Fußball-Bundesliga 1968/69", Abschlusstabelle (Tore and Quote columns).
- La Liga 2006-07 (Real Madrid champions over Barcelona on head-to-head, both 76 points):
  ja.wikipedia "リーガ・エスパニョーラ2006-2007" 順位 and Wikipedia "2006–07 La Liga".
- 2. Bundesliga 1975-76, played in two groups of 20 (Nord, Süd): Wikipedia "1975–76 2. Bundesliga" League table
  (Nord) and footballfacts.ru "Чемпионат Германии 1975/76 (Север)"; de.wikipedia "2. Fußball-Bundesliga
  1975/76" for the group winners (Tennis Borussia Berlin, 1. FC Saarbrücken) and runners-up.
- 2. Bundesliga 2010-11 (zones of the 3-point era since 2008-09; 1860 München -2 and Arminia Bielefeld -3 by
  the DFL): Wikipedia "2010–11 2. Fußball-Bundesliga" League table; de.wikipedia "2. Fußball-Bundesliga
  2010/11" Abschlusstabelle (Hertha BSC and FC Augsburg promoted, VfL Bochum lost the play-off to
  Borussia Mönchengladbach, VfL Osnabrück lost theirs to Dynamo Dresden).
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from matchday.services.tables import league_table
from tests.conftest import DATA, FDUK
from tests.ingest.helpers import load

# (team, points, goals for, goals against)
EPL_2011_12 = [
    ("Manchester City", 89, 93, 29), ("Manchester United", 89, 89, 33), ("Arsenal", 70, 74, 49),
    ("Tottenham", 69, 66, 41),
    ("Newcastle", 65, 56, 51), ("Chelsea", 64, 65, 46), ("Everton", 56, 50, 40), ("Liverpool", 52, 47, 40),
    ("Fulham", 52, 48, 51), ("West Brom", 47, 45, 52), ("Swansea", 47, 44, 51), ("Norwich", 47, 52, 66),
    ("Sunderland", 45, 45, 46), ("Stoke", 45, 36, 53), ("Wigan", 43, 42, 62), ("Aston Villa", 38, 37, 53),
    ("Queens Park Rangers", 37, 43, 66), ("Bolton", 36, 46, 77), ("Blackburn", 31, 48, 78),
    ("Wolverhampton", 25, 40, 82),
]
EPL_2009_10 = [
    ("Chelsea", 86, 103, 32), ("Manchester United", 85, 86, 28), ("Arsenal", 75, 83, 41), ("Tottenham", 70, 67, 41),
    ("Manchester City", 67, 73, 45), ("Aston Villa", 64, 52, 39), ("Liverpool", 63, 61, 35), ("Everton", 61, 60, 49),
    ("Birmingham", 50, 38, 47), ("Blackburn", 50, 41, 55), ("Stoke", 47, 34, 48), ("Fulham", 46, 39, 46),
    ("Sunderland", 44, 48, 56), ("Bolton", 39, 42, 67), ("Wolverhampton", 38, 32, 56), ("Wigan", 36, 37, 79),
    ("West Ham", 35, 47, 66), ("Burnley", 30, 42, 82), ("Hull", 30, 34, 75), ("Portsmouth", 19, 34, 66),
]
EPL_2023_24 = [
    ("Manchester City", 91, 96, 34), ("Arsenal", 89, 91, 29), ("Liverpool", 82, 86, 41), ("Aston Villa", 68, 76, 61),
    ("Tottenham", 66, 74, 61), ("Chelsea", 63, 77, 63), ("Newcastle", 60, 85, 62), ("Manchester United", 60, 57, 58),
    ("West Ham", 52, 60, 74), ("Crystal Palace", 49, 57, 58), ("Brighton", 48, 55, 62), ("Bournemouth", 48, 54, 67),
    ("Fulham", 47, 55, 61), ("Wolverhampton", 46, 50, 65), ("Everton", 40, 40, 51), ("Brentford", 39, 56, 65),
    ("Nottingham Forest", 32, 49, 67), ("Luton", 26, 52, 85), ("Burnley", 24, 41, 78),
    ("Sheffield United", 16, 35, 104),
]
BUNDESLIGA_1968_69 = [
    ("Bayern", 46, 61, 31), ("Aachen", 38, 57, 51), ("Mönchengladbach", 37, 61, 46), ("Braunschweig", 37, 46, 43),
    ("Stuttgart", 36, 60, 54), ("Hamburger", 36, 55, 55), ("Schalke", 35, 45, 40), ("Frankfurt", 34, 46, 43),
    ("Bremen", 34, 59, 59), ("1860", 34, 44, 59), ("Hannover", 32, 47, 45), ("Duisburg", 32, 33, 37),
    ("Köln", 32, 47, 56), ("Hertha", 32, 31, 39), ("Kaiserslautern", 30, 45, 47), ("Dortmund", 30, 49, 54),
    ("Nürnberg", 29, 45, 55), ("Offenbach", 28, 42, 59),
]
BUNDESLIGA_2_NORD_1975_76 = [
    ("Tennis Borussia Berlin", 54, 86, 43), ("Borussia Dortmund", 52, 93, 37), ("Preussen Munster", 49, 65, 42),
    ("Fortuna Koln", 45, 74, 49), ("Wuppertaler SV", 45, 76, 53), ("VfL Osnabruck", 45, 61, 47),
    ("Schwarz-Weiss Essen", 44, 63, 52), ("Wattenscheid", 43, 71, 58), ("Arminia Bielefeld", 42, 49, 46),
    ("Westfalia Herne", 40, 60, 57), ("Gottingen", 37, 63, 54), ("Alemannia Aachen", 36, 45, 53),
    ("Union Solingen", 36, 45, 56), ("St. Pauli", 34, 70, 82), ("Leverkusen", 32, 46, 61),
    ("Wacker 04 Berlin", 31, 51, 82), ("Mulheim", 30, 54, 76), ("SpVgg Erkenschwick", 29, 45, 69),
    ("DJK Gutersloh", 28, 52, 70), ("Spandauer SV", 8, 33, 115),
]
LA_LIGA_2006_07_TOP = [
    ("Real Madrid", 76, 66, 40), ("Barcelona", 76, 78, 33), ("Sevilla", 71, 64, 35), ("Valencia", 66, 57, 42),
    ("Villarreal", 62, 48, 44), ("Zaragoza", 60, 55, 43), ("Atl", 60, 46, 39), ("Recreativo", 54, 54, 52),
    ("Getafe", 52, 39, 33), ("Santander", 50, 42, 48), ("Espanyol", 49, 46, 53), ("Mallorca", 49, 41, 47),
]


def _assert_table(rows: list[dict], expected: list[tuple[str, int, int, int]]) -> None:
    for row, (team, points, scored, conceded) in zip(rows, expected, strict=False):
        assert team in row["team_name"], f"position {row['position']}: {row['team_name']} instead of {team}"
        assert (row["points"], row["goals_for"], row["goals_against"]) == (points, scored, conceded), row


@pytest.mark.parametrize(("season", "expected"), [("2011-12", EPL_2011_12), ("2009-10", EPL_2009_10),
                                                  ("2023-24", EPL_2023_24)])
def test_premier_league_tables(sqlite_engine: Engine, season: str, expected: list) -> None:
    load(sqlite_engine, "football-data-uk", FDUK / "E0" / f"{season}.csv")
    with sqlite_engine.connect() as conn:
        table = league_table(conn, "eng.1", season)
    assert len(table.rows) == 20
    _assert_table(table.rows, expected)


def test_title_decided_on_goal_difference_2011_12(sqlite_engine: Engine) -> None:
    load(sqlite_engine, "football-data-uk", FDUK / "E0" / "2011-12.csv")
    with sqlite_engine.connect() as conn:
        rows = league_table(conn, "E0", "2011-12").rows
    assert rows[0]["decided_by"] == "goal_difference" and rows[0]["goal_difference"] == 64


def test_deductions_are_a_dated_ledger(sqlite_engine: Engine) -> None:
    load(sqlite_engine, "football-data-uk", FDUK / "E0" / "2023-24.csv")
    with sqlite_engine.connect() as conn:
        final = {r["team_name"]: r for r in league_table(conn, "eng.1", "2023-24").rows}
        from datetime import date

        december = {r["team_name"]: r for r in league_table(conn, "eng.1", "2023-24", as_of=date(2023, 12, 1)).rows}
    assert final["Everton"]["points_deducted"] == 8 and final["Nottingham Forest"]["points_deducted"] == 4
    assert december["Everton"]["points_deducted"] == 10  # before the appeal gave four back
    assert december["Nottingham Forest"]["points_deducted"] == 0


@pytest.fixture(scope="module")
def engsoccer_store(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from matchday.ingest.seed import seed_reference_data
    from matchday.store.engine import make_engine
    from matchday.store.migrate import upgrade

    eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('esd') / 'm.db'}")
    upgrade(eng)
    seed_reference_data(eng)
    raw = DATA / "engsoccerdata" / "data-raw"
    load(eng, "engsoccerdata", raw / "germany.csv.gz", raw / "germany2.csv.gz", raw / "spain.csv.gz")
    return eng


def test_two_points_era_and_goal_quotient_bundesliga_1968_69(engsoccer_store: Engine) -> None:
    with engsoccer_store.connect() as conn:
        rows = league_table(conn, "ger.1", "1968-69").rows
    _assert_table(rows, BUNDESLIGA_1968_69)
    # Köln above Hertha on goal quotient (47:56 = 0.84 > 31:39 = 0.79) though Hertha's difference is better
    assert rows[12]["decided_by"] == "goal_average"


def test_head_to_head_la_liga_2006_07(engsoccer_store: Engine) -> None:
    with engsoccer_store.connect() as conn:
        rows = league_table(conn, "esp.1", "2006-07").rows
    _assert_table(rows, LA_LIGA_2006_07_TOP)
    assert rows[0]["decided_by"] == "head_to_head_points"  # won 2-0, drew 3-3: Madrid despite GD 26 vs 45


def test_a_season_played_in_two_groups_ranks_each_group_apart_2_bundesliga_1975_76(engsoccer_store: Engine) -> None:
    with engsoccer_store.connect() as conn:
        rows = league_table(conn, "ger.2", "1975-76").rows
    nord = [r for r in rows if r["group"] == "North"]
    sued = [r for r in rows if r["group"] == "South"]
    assert len(nord) == len(sued) == 20 and len(rows) == 40
    _assert_table(nord, BUNDESLIGA_2_NORD_1975_76)
    assert [r["position"] for r in nord] == list(range(1, 21))
    assert nord[3]["decided_by"] == "goal_difference"  # Fortuna Köln over Wuppertal on 45 points
    _assert_table(sued, [("Saarbrucken", 57, 66, 28), ("Nürnberg", 54, 78, 42)])


def test_middlesbrough_relegated_by_a_deduction_1996_97(sqlite_engine: Engine) -> None:
    load(sqlite_engine, "football-data-uk", FDUK / "E0" / "1996-97.csv")
    with sqlite_engine.connect() as conn:
        rows = league_table(conn, "eng.1", "1996-97").rows
    _assert_table(rows[15:], [("Southampton", 41, 50, 56), ("Coventry", 41, 38, 54), ("Sunderland", 40, 35, 53),
                              ("Middlesbrough", 39, 51, 60), ("Nott", 34, 31, 59)])
    assert rows[18]["points_deducted"] == 3 and rows[18]["zone"] == "relegation"


def test_the_league_page_shows_each_group_with_its_own_chart(engsoccer_store: Engine) -> None:
    from fastapi.testclient import TestClient

    from matchday.server import create_server
    from matchday.settings import Settings

    app = create_server(Settings(database_url=str(engsoccer_store.url)), engsoccer_store)
    with TestClient(app) as client:
        page = client.get("/leagues/ger.2", params={"season": "1975-76"}).text
    assert page.count('class="group-head"') == 2
    assert "Position through the season · North" in page and "Position through the season · South" in page


def test_second_tier_zones_and_deductions_2_bundesliga_2010_11(engsoccer_store: Engine) -> None:
    with engsoccer_store.connect() as conn:
        rows = league_table(conn, "ger.2", "2010-11").rows
    _assert_table(rows[:3], [("Hertha", 74, 69, 28), ("Augsburg", 65, 58, 27), ("Bochum", 65, 49, 35)])
    assert [r["zone"] for r in rows[:4]] == ["promotion", "promotion", "promotion_playoff", None]
    assert [(r["team_name"], r["zone"]) for r in rows[-3:]] == [
        ("VfL Osnabruck", "relegation_playoff"), ("Rot-Weiss Oberhausen", "relegation"),
        ("Arminia Bielefeld", "relegation")]
    bielefeld, munich = rows[-1], next(r for r in rows if "1860" in r["team_name"])
    assert (bielefeld["points"], bielefeld["points_deducted"]) == (17, 3)
    assert (munich["position"], munich["points"], munich["points_deducted"]) == (9, 50, 2)
