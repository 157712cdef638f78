"""The load path: results that a `matchday load` finishes or corrects rescore the prediction leagues of their
season (the MatchChange list of each loaded unit), with no server running."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert, select

from matchday.accounts import users
from matchday.accounts.schema import prediction_leagues, predictions
from matchday.accounts.store import upgrade_users
from matchday.domain.prediction_scoring import rules_for
from matchday.pools import football, leagues, sync
from matchday.runtime import publish_from_cli
from matchday.settings import get_settings
from tests.accounts.conftest import football_store
from tests.ingest.helpers import load


def test_a_load_that_finishes_matches_scores_their_prediction_leagues(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    engine = football_store(tmp_path / "football.db")
    monkeypatch.setenv("MATCHDAY_DATABASE_URL", str(engine.url))
    get_settings.cache_clear()
    upgrade_users(engine)
    load(engine, "simulator", teams="4", seed="3", season="2026-27", played_until="2026-08-01T00:00:00")
    with engine.connect() as conn:
        comp = football.competition(conn, "sim.1").id
        first_round = [r["info"] for r in football.season_matches(conn, comp, "2026-27", 1)]
    assert first_round and all(m.status == "scheduled" for m in first_round)
    with engine.begin() as conn:
        owner = users.register(conn, "o@example.org", "owner", "a long passphrase 1")
        league_id = leagues.create(conn, owner, "load", comp, "2026-27", rules_for("kicktipp"), "private")
        conn.execute(insert(predictions), [{"prediction_league_id": league_id, "user_id": owner.id,
                                            "match_id": m.id, "round_number": 1, "home_goals": 1, "away_goals": 1}
                                           for m in first_round])
    try:
        load(engine, "simulator", teams="4", seed="3", season="2026-27", played_until="2026-09-01T00:00:00")
        with engine.connect() as conn:  # stored and not yet scored: the stored status lags, the one served does not
            league = conn.execute(prediction_leagues.select()).mappings().one()
            assert league["participants_scores_status"] == "up-to-date"
            assert sync.scores_status(conn, conn, league) == "outdata"
        publish_from_cli(engine, get_settings())
    finally:
        get_settings.cache_clear()
    with engine.connect() as conn:
        status = conn.execute(select(prediction_leagues.c.participants_scores_status)).scalar()
        scored = conn.execute(select(predictions.c.points)).scalars().all()
        results = {m.id: (m.home_goals, m.away_goals) for m in
                   (football.match_info(conn, m.id) for m in first_round)}
    assert status == "up-to-date"
    with engine.connect() as conn:
        assert sync.scores_status(conn, conn, conn.execute(prediction_leagues.select()).mappings().one()) == status
    expected = [4 if h == a == 1 else 2 if h == a else 0 for h, a in results.values()]
    assert sorted(scored) == sorted(expected)
    engine.dispose()
