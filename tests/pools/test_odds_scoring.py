"""The odds preset on a real season: football-data.co.uk's Premier League 2019-20 CSV (its Pinnacle closing odds
PSCH/PSCD/PSCA) loaded through the pipeline, a prediction league scored by the scoring job in SQL, on SQLite and
PostgreSQL. The first matchday, as the CSV gives it:

- 09/08/2019 Liverpool 4-1 Norwich, Pinnacle closing 1.14 / 10.43 / 19.63
- 10/08/2019 West Ham 0-5 Man City, 11.11 / 6.68 / 1.27
- 10/08/2019 Bournemouth 1-1 Sheffield United, 1.98 / 3.67 / 4.06
- 10/08/2019 Burnley 3-0 Southampton, 2.71 / 3.19 / 2.90
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, insert, select

from matchday.accounts import users
from matchday.accounts.schema import match_results, prediction_scores, predictions
from matchday.accounts.store import upgrade_users
from matchday.domain.prediction_scoring import rules_for
from matchday.ingest.seed import seed_reference_data
from matchday.pools import leagues, sync
from matchday.store.schema import matches, teams
from tests.conftest import FDUK
from tests.ingest.helpers import load

TIPS = {  # (home, away, date) → (olga's tip, mike's tip)
    ("Liverpool", "Norwich", date(2019, 8, 9)): ((2, 0), (4, 1)),
    ("West Ham United", "Manchester City", date(2019, 8, 10)): ((0, 2), (1, 1)),
    ("Bournemouth", "Sheffield United", date(2019, 8, 10)): ((0, 0), (2, 1)),
    ("Burnley", "Southampton", date(2019, 8, 10)): ((1, 2), (3, 0)),
}


def _match_ids(engine: Engine) -> dict[tuple[str, str, date], int]:
    home, away = teams.alias("h"), teams.alias("a")
    with engine.connect() as conn:
        rows = conn.execute(select(matches.c.id, home.c.name, away.c.name, matches.c.match_date)
                            .join(home, home.c.id == matches.c.home_team_id)
                            .join(away, away.c.id == matches.c.away_team_id)
                            .where(matches.c.match_date.in_([date(2019, 8, 9), date(2019, 8, 10)])))
        return {(h, a, d): m for m, h, a, d in rows}


def test_odds_preset_scores_the_premier_league_opening_day_from_pinnacle_closing_odds(engine: Engine) -> None:
    seed_reference_data(engine)
    upgrade_users(engine)
    load(engine, "football-data-uk", FDUK / "E0" / "2019-20.csv")
    found = _match_ids(engine)
    ids = {key: found[key] for key in TIPS}
    with engine.begin() as conn:
        olga = users.register(conn, "olga@example.org", "olga", "correct horse battery staple")
        mike = users.register(conn, "mike@example.org", "mike", "correct horse battery staple")
        competition_id = conn.execute(select(matches.c.competition_id).where(
            matches.c.id == ids[next(iter(TIPS))])).scalar()
        league_id = leagues.create(conn, olga, "Odds", competition_id, "2019-20", rules_for("odds"), "private")
        now = users.utcnow()
        conn.execute(insert(predictions), [
            {"prediction_league_id": league_id, "match_id": ids[key], "user_id": user.id, "round_number": 1,
             "home_goals": tip[0], "away_goals": tip[1], "joker": False, "created_at": now, "updated_at": now}
            for key, pair in TIPS.items() for user, tip in zip((olga, mike), pair, strict=True)])
    results = sync.results_changed(engine, engine, list(ids.values()))
    assert [r.prediction_league_id for r in results] == [league_id]
    with engine.connect() as conn:
        odds = {m: (h, d, a) for m, h, d, a in conn.execute(select(
            match_results.c.match_id, match_results.c.odds_home, match_results.c.odds_draw,
            match_results.c.odds_away).where(match_results.c.match_id.in_(list(ids.values()))))}
        points = {(u, m): (p, o) for u, m, p, o in conn.execute(select(
            predictions.c.user_id, predictions.c.match_id, predictions.c.points, predictions.c.outcome))}
        totals = dict(conn.execute(select(prediction_scores.c.user_id, prediction_scores.c.points)
                                   .where(prediction_scores.c.round_number == 1)).all())
    liverpool, west_ham, bournemouth, burnley = (ids[key] for key in TIPS)
    assert odds[liverpool] == (114, 1043, 1963)  # PSCH/PSCD/PSCA copied in hundredths
    assert odds[west_ham] == (1111, 668, 127)
    assert odds[bournemouth] == (198, 367, 406)
    assert odds[burnley] == (271, 319, 290)
    assert points[(olga.id, liverpool)] == (11, "tendency")  # 10 × 1.14 = 11.4 → 11
    assert points[(mike.id, liverpool)] == (11, "exact")  # exact earns the same: only the tendency counts
    assert points[(olga.id, west_ham)] == (13, "tendency")  # the away win at 1.27: 12.7 → 13
    assert points[(mike.id, west_ham)] == (0, "miss")
    assert points[(olga.id, bournemouth)] == (37, "difference")  # the draw at 3.67: 36.7 → 37
    assert points[(olga.id, burnley)] == (0, "miss")  # an away tip on a home win
    assert points[(mike.id, burnley)] == (27, "exact")  # 10 × 2.71 = 27.1 → 27
    assert totals == {olga.id: 11 + 13 + 37, mike.id: 11 + 27}
