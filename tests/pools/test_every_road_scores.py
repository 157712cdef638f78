"""Results from any road re-score a prediction league (DESIGN §13): two members predict three fixtures before
kick-off; after kick-off the results arrive through a collector job (`matchday jobs run`), through `matchday
reparse` of an archived answer the parser once refused, through a live-loop job, and through the embedded scheduler
inside the server; each time the leaderboard has the right points and says `up-to-date`.

A real local HTTP server stands in for API-Football, serving the recorded Bundesliga fixtures answer
(``fixtures_league-78_season-2023_status-NS-PST.json``) moved to the test's day, first as scheduled, then finished
with the scores below. Embedded (SQLite); the Celery stack's road is in ``tests/scaleout/test_stack.py``.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from matchday.accounts import users
from matchday.accounts.schema import prediction_leagues, predictions
from matchday.domain.prediction_scoring import rules_for
from matchday.pools import leagues
from matchday.server import create_server
from matchday.store.engine import make_engine
from matchday.store.schema import matches, seasons
from tests.collector.conftest import APIF, collector_settings, write_jobs
from tests.collector.fake_provider import FakeProvider, Received, Reply
from tests.conftest import REPO

SAMPLE = json.loads((APIF / "fixtures_league-78_season-2023_status-NS-PST.json").read_bytes())
FIXTURES = SAMPLE["response"][:3]
SCORES = [(0, 2), (1, 1), (3, 0)]
# kicktipp (exact 4, difference 3, tendency 2; a draw scores 2 or 4)
TIPS = {"owner": [(0, 2), (2, 2), (1, 0)], "member": [(1, 3), (0, 0), (0, 1)]}
EXPECTED = {"owner": 4 + 2 + 2, "member": 3 + 2 + 0}
DAILY = {"job_id": "bl-daily", "provider": "api-football", "type": "incremental_daily", "priority": "HIGH",
         "endpoint": "fixtures", "params": {"league": 78, "season": 2023},
         "interval": {"type": "interval", "seconds": 0.2}}
LIVE = {"job_id": "bl-live", "provider": "api-football", "type": "live_loop", "priority": "CRITICAL",
        "endpoint": "fixtures", "params": {"live": "all"}, "interval": {"type": "interval", "seconds": 0.2},
        "discovery_seconds": 0.1}


def answer(kickoff: datetime, final: bool) -> bytes:
    """The recorded answer's first three fixtures at ``kickoff``: not started, or finished with SCORES."""
    doc = copy.deepcopy(SAMPLE)
    doc["response"] = copy.deepcopy(FIXTURES)
    for fixture, (home, away) in zip(doc["response"], SCORES, strict=True):
        fixture["fixture"]["date"] = kickoff.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        fixture["fixture"]["timestamp"] = int(kickoff.replace(tzinfo=UTC).timestamp())
        if final:
            fixture["fixture"]["status"] = {"long": "Match Finished", "short": "FT", "elapsed": 90}
            fixture["goals"] = {"home": home, "away": away}
            fixture["score"]["fulltime"] = {"home": home, "away": away}
    doc["results"] = len(doc["response"])
    return json.dumps(doc).encode()


class Provider:
    """The stand-in serves the fixtures as scheduled until ``finish()``."""

    def __init__(self, fake: FakeProvider) -> None:
        self.kickoff = (datetime.now(UTC) + timedelta(hours=2)).replace(tzinfo=None, microsecond=0)
        self.final = False
        fake.script("/fixtures", self.reply)

    def reply(self, _request: Received) -> Reply:
        return Reply(200, answer(self.kickoff, self.final))

    def finish(self) -> None:
        self.final = True


def matchday(tmp_path: Path, fake: FakeProvider, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'matchday.db'}",
                   "MATCHDAY_JOBS_DIR": str(tmp_path / "jobs"), "MATCHDAY_API_FOOTBALL_BASE_URL": fake.url,
                   "MATCHDAY_API_FOOTBALL_KEY": "secret-test-key", "MATCHDAY_QUOTA_WAIT_MAX_S": "0", **env}
    done = subprocess.run([sys.executable, "-m", "matchday.cli", *args], capture_output=True, text=True,
                          env=environment, cwd=REPO, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def predict(engine: Engine) -> int:
    """Two members, a kicktipp prediction league on the three stored fixtures, their tips; the league's id."""
    with engine.begin() as conn:
        rows = conn.execute(select(matches.c.id, matches.c.competition_id, seasons.c.label, matches.c.status)
                            .join(seasons, seasons.c.id == matches.c.season_id).order_by(matches.c.id)).all()
        assert [r.status for r in rows] == ["scheduled"] * 3
        people = {name: users.register(conn, f"{name}@example.org", name, "a long passphrase 1")
                  for name in TIPS}
        league_id = leagues.create(conn, people["owner"], "road", rows[0].competition_id, rows[0].label,
                                   rules_for("kicktipp"), "private")
        invite = conn.execute(select(prediction_leagues.c.invite_code)
                              .where(prediction_leagues.c.id == league_id)).scalar_one()
        leagues.join(conn, people["member"], invite)
        conn.execute(insert(predictions), [
            {"prediction_league_id": league_id, "user_id": people[name].id, "match_id": row.id, "round_number": 27,
             "home_goals": home, "away_goals": away}
            for name, tips in TIPS.items() for row, (home, away) in zip(rows, tips, strict=True)])
    return league_id


def standings(engine: Engine, league_id: int) -> tuple[str, dict[str, int]]:
    with engine.connect() as conn:
        status = conn.execute(select(prediction_leagues.c.participants_scores_status)
                              .where(prediction_leagues.c.id == league_id)).scalar_one()
        points: dict[str, int] = {}
        for user_id, got in conn.execute(select(predictions.c.user_id, predictions.c.points)
                                         .where(predictions.c.prediction_league_id == league_id)):
            name = users.get(conn, user_id).username
            points[name] = points.get(name, 0) + (got or 0)
    return status, points


def test_a_collector_job_scores_the_league(tmp_path: Path, fake: FakeProvider) -> None:
    provider = Provider(fake)
    write_jobs(tmp_path / "jobs", [DAILY])
    matchday(tmp_path, fake, "jobs", "run", "bl-daily")  # the fixtures, before kick-off
    engine = make_engine(f"sqlite:///{tmp_path / 'matchday.db'}")
    try:
        league_id = predict(engine)
        provider.finish()
        matchday(tmp_path, fake, "jobs", "run", "bl-daily")  # the results: the CLI delivers its change set
        assert standings(engine, league_id) == ("up-to-date", EXPECTED)
    finally:
        engine.dispose()


def test_a_reparse_scores_the_league(tmp_path: Path, fake: FakeProvider) -> None:
    provider = Provider(fake)
    write_jobs(tmp_path / "jobs", [DAILY])
    matchday(tmp_path, fake, "jobs", "run", "bl-daily")
    engine = make_engine(f"sqlite:///{tmp_path / 'matchday.db'}")
    try:
        league_id = predict(engine)
        provider.finish()
        # the results arrive, but a parser bug refuses them: archived as failed, nothing stored
        with_bug = ("import sys\nimport matchday.sources.api_football as connector\n"
                    "def refuse(*args):\n    raise ValueError('parser bug')\n"
                    "connector.parse_fixtures = refuse\nfrom matchday.cli import app\n"
                    "sys.argv = ['matchday', 'jobs', 'run', 'bl-daily']\napp()\n")
        done = subprocess.run([sys.executable, "-c", with_bug],
                              capture_output=True, text=True, cwd=REPO, timeout=120, check=False,
                              env={**os.environ, "MATCHDAY_DATABASE_URL": str(engine.url),
                                   "MATCHDAY_JOBS_DIR": str(tmp_path / "jobs"),
                                   "MATCHDAY_API_FOOTBALL_BASE_URL": fake.url,
                                   "MATCHDAY_API_FOOTBALL_KEY": "secret-test-key"})
        assert done.returncode == 1 and "parser bug" in done.stdout + done.stderr
        assert standings(engine, league_id) == ("up-to-date", {"owner": 0, "member": 0})
        requests = len(fake.received)
        matchday(tmp_path, fake, "reparse")  # the fixed parser, from the archive
        assert len(fake.received) == requests, "reparse asks the provider nothing"
        assert standings(engine, league_id) == ("up-to-date", EXPECTED)
    finally:
        engine.dispose()


def test_a_live_loop_scores_the_league(tmp_path: Path, fake: FakeProvider) -> None:
    provider = Provider(fake)
    write_jobs(tmp_path / "jobs", [DAILY, LIVE])
    matchday(tmp_path, fake, "jobs", "run", "bl-daily")
    engine = make_engine(f"sqlite:///{tmp_path / 'matchday.db'}")
    try:
        league_id = predict(engine)
        provider.finish()
        matchday(tmp_path, fake, "jobs", "run", "bl-live")  # live=all: the final whistles
        assert any(r.query.get("live") == "all" for r in fake.received)
        assert standings(engine, league_id) == ("up-to-date", EXPECTED)
    finally:
        engine.dispose()


def test_the_server_s_own_scheduler_scores_the_league(tmp_path: Path, fake: FakeProvider) -> None:
    provider = Provider(fake)
    settings = collector_settings(tmp_path, fake, scheduler_tick_s=0.05, outbox_poll_s=60.0)
    write_jobs(settings.jobs_dir, [DAILY])
    matchday(tmp_path, fake, "jobs", "run", "bl-daily")
    engine = make_engine(str(settings.database_url))
    try:
        league_id = predict(engine)
        with TestClient(create_server(settings, engine)):
            provider.finish()  # the embedded scheduler runs the job again within a tick
            deadline = time.monotonic() + 30
            while standings(engine, league_id) != ("up-to-date", EXPECTED):
                assert time.monotonic() < deadline, f"not scored: {standings(engine, league_id)}"
                time.sleep(0.1)
    finally:
        engine.dispose()


@pytest.fixture
def fake():  # noqa: ANN201
    server = FakeProvider().start()
    yield server
    server.stop()
