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
