"""`./scripts/run.sh` as a newcomer meets it: `matchday quickstart` offline (a simulated season), then
`matchday demo` with its defaults. One simulated competition, not two alike; the first match day minutes away
(time to sign up and predict, said in the banner) and a second one after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from matchday.domain.seasons import season_for_date
from matchday.ingest.seed import seed_reference_data
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from tests.ingest.helpers import load
from tests.web.conftest import start_server


def test_the_demo_plays_the_simulated_league_after_a_window_and_twice(tmp_path: Path) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    season = season_for_date(now.date(), calendar_year=False)
    database = tmp_path / "run.db"
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    seed_reference_data(engine)  # what quickstart does offline: the season simulated up to now
    load(engine, "simulator", league="sim.1", season=season, teams="6", seed="1", played_until=now.isoformat())
    engine.dispose()
    process, base = start_server(database, None, "demo", "--teams", "6")
    try:
        leagues = httpx.get(f"{base}/api/v1/leagues", params={"limit": 100}).json()["items"]
        simulated = [lg for lg in leagues if lg["country"] == "Simulation"]
        assert [lg["code"] for lg in simulated] == ["sim.1"]  # one simulated competition
        fixtures = httpx.get(f"{base}/api/v1/leagues/sim.1/fixtures", params={"season": season, "limit": 100}).json()
        assert fixtures["total"] == 6 * 5  # the whole season: each pair twice, played and to play
        upcoming = sorted((m for m in fixtures["items"] if m["status"] == "scheduled"),
                          key=lambda m: m["kickoff_utc"])
        kickoffs = sorted({m["kickoff_utc"] for m in upcoming})
        first, second = (datetime.fromisoformat(k.removesuffix("Z")).replace(tzinfo=None) for k in kickoffs[:2])
        # simulated time, 30x: the first kick-off 180 real seconds away, the second after a match and another window
        assert timedelta(minutes=80) <= first - now <= timedelta(minutes=95)
        assert timedelta(minutes=180) <= second - first <= timedelta(minutes=215)
        assert sum(m["kickoff_utc"] == kickoffs[0] for m in upcoming) == 3 == \
            sum(m["kickoff_utc"] == kickoffs[1] for m in upcoming)
        team = upcoming[0]["home"]["id"]
        results = httpx.get(f"{base}/api/v1/teams/{team}/fixtures", params={"limit": 100}).json()["items"]
        assert len({(m["match_date"], m["home"]["id"], m["away"]["id"]) for m in results}) == len(results) == 10
        banner = next(tmp_path.glob("server-*.log")).read_text()
        assert "match day 1 kicks off in 3 minutes" in banner and "sign up" in banner
        assert "match day 2 kicks off 3 minutes after match day 1 ends" in banner
    finally:
        process.terminate()
        process.wait(timeout=20)
