"""One team is one team: the same season from two providers gives one set of teams and matches."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from matchday.store.queries import list_teams
from matchday.store.schema import matches, teams
from matchday.store.team_merge import merge_teams
from tests.conftest import DATA, FDUK
from tests.ingest.helpers import load


def test_two_sources_one_season(engine: Engine) -> None:
    load(engine, "football-data-uk", FDUK / "E0" / "2024-25.csv")
    second = load(engine, "openfootball", DATA / "openfootball-football.json" / "2024-25" / "en.1.json")[0]
    assert second.new == 0  # every openfootball match is one already stored
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(matches)).scalar_one() == 380
        season_teams = [t for t in list_teams(conn) if t["country"] == "England" and len(t["external_ids"]) >= 2]
    assert len(season_teams) == 20
    united = next(t for t in season_teams if t["name"] == "Manchester United")
    assert united["external_ids"] == ["football-data-uk:England/Man United",
                                      "openfootball:England/Manchester United FC"]


def test_merge_fixes_a_wrong_split(engine: Engine) -> None:
    load(engine, "football-data-uk", FDUK / "E0" / "2024-25.csv")
    with engine.begin() as conn:  # simulate a split: give Brentford's away matches to a stray "Brentford B"
        brentford = conn.execute(select(teams.c.id).where(teams.c.name == "Brentford")).scalar_one()
        stray = conn.execute(teams.insert().returning(teams.c.id), {"name": "Brentford B", "country": "England"})
        stray_id = stray.scalar_one()
        conn.execute(matches.update().where(matches.c.away_team_id == brentford).values(away_team_id=stray_id))
    with engine.begin() as conn:
        result = merge_teams(conn, brentford, stray_id)
        remaining = conn.execute(select(func.count()).select_from(teams).where(teams.c.id == stray_id)).scalar_one()
        away = conn.execute(select(func.count()).select_from(matches)
                            .where(matches.c.away_team_id == brentford)).scalar_one()
    assert result["matches_moved"] == 19 and remaining == 0 and away == 19


def test_one_player_across_spellings_world_cup_2022_golden_boot(engine: Engine) -> None:
    # openfootball writes "Kylian Mbappé" for six of his World Cup 2022 goals and "Mbappé" for two (the final)
    from matchday.store.queries import find_competition_season
    from matchday.store.team_queries import top_scorers

    load(engine, "openfootball", DATA / "openfootball-worldcup.json" / "2022" / "worldcup.json")
    with engine.connect() as conn:
        _comp, _label, season_id = find_competition_season(conn, "fifa.world", "2022")
        scorers = top_scorers(conn, season_id, 3)
    assert [(s["name"], s["goals"]) for s in scorers[:2]] == [("Kylian Mbappé", 8), ("Lionel Messi", 7)]


def test_same_person_needs_one_surname_and_compatible_first_names() -> None:
    from matchday.domain.names import same_person

    assert same_person("mbappe", "kylian mbappe") and same_person("k mbappe", "kylian mbappe")
    assert not same_person("jack charlton", "bobby charlton") and not same_person("messi", "mbappe")
