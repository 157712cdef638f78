"""The scaled-out stack as real processes: PostgreSQL, Redis, two API processes, two Celery workers, one beat.

The fake provider (a real HTTP server on 127.0.0.1 serving recorded API-Football payloads) stands in for the
internet. One scenario, in order, as an operator would live it: jobs run on schedule within the shared quota; a
live goal reaches WebSocket clients on both API processes; ``kill -9`` of the worker running a job; a Redis
restart; a PostgreSQL restart. The topology is the one ``deploy/compose.yaml`` describes.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import websockets
import yaml
from sqlalchemy import Engine, func, select

from matchday.settings import Settings
from matchday.store.engine import make_engine
from matchday.store.schema import job_runs, matches, raw_responses, teams
from matchday.workers.app import make_celery
from tests.collector.fake_provider import FakeProvider, Received, Reply
from tests.conftest import DATA
from tests.ports import free_port
from tests.postgres_server import PostgresServer, PostgresUnavailable
from tests.redis_server import RedisServer, RedisUnavailable

APIF = DATA / "api-samples" / "api-football"
LIVE_FIXTURE = 1036091  # Gornik Zabrze v Stal Mielec, in play in the live=all capture of 2024-05-11
DAILY_LIMIT, MINUTE_LIMIT = 50_000, 40  # a day large enough that live polls are paced by the minute limit


def _wait_until(check: Callable[[], object], timeout: float, what: str, every: float = 0.25) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


class LiveMatch:
    """The live=all / ids= answers: the captured in-play fixture, kicked off 33 minutes ago, with a score the test
    sets (the API-Football envelope as recorded)."""

    def __init__(self) -> None:
        capture = json.loads((APIF / "unwrapped" / "fixtures_live-all_2024-05-11.json").read_bytes())
        self.envelope = {k: v for k, v in capture.items() if k != "response"}
        self.fixture = next(f for f in capture["response"] if f["fixture"]["id"] == LIVE_FIXTURE)
        self.home = 0
        self.final = False  # full time: the next answer says FT (the first one stalls, so a worker can be killed)
        self.final_served = 0
        self.times: list[float] = []
        self._lock = threading.Lock()

    def reply(self, request: Received) -> Reply:
        with self._lock:
            self.times.append(time.monotonic())
            fixture = copy.deepcopy(self.fixture)
            kickoff = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=33)
            fixture["fixture"]["date"] = kickoff.isoformat()
            fixture["fixture"]["timestamp"] = int(kickoff.timestamp())
            fixture["goals"] = {"home": self.home, "away": 0}
            fixture["events"] = []
            stall = 0.0
            if self.final:
                fixture["fixture"]["status"] = {"long": "Match Finished", "short": "FT", "elapsed": 90}
                fixture["score"]["fulltime"] = {"home": self.home, "away": 0}
                self.final_served += 1
                stall = 4.0 if self.final_served == 1 else 0.0
            body = {**self.envelope, "parameters": request.query, "results": 1, "response": [fixture]}
        return Reply(body=json.dumps(body).encode(), stall_s=stall)


def _fixtures(live: LiveMatch) -> Callable[[Received], Reply]:
    season = Reply.file(APIF / "fixtures_league-78_season-2023_status-NS-PST.json")

    def reply(request: Received) -> Reply:
        live.times.append(time.monotonic()) if "league" in request.query else None
        return live.reply(request) if "live" in request.query or "ids" in request.query else season

    return reply


def _jobs(directory: Path) -> None:
    directory.mkdir()
    (directory / "providers.yaml").write_text(yaml.safe_dump(
        {"api-football": {"daily_limit": DAILY_LIMIT, "minute_limit": MINUTE_LIMIT}}))
    (directory / "stack.yaml").write_text(yaml.safe_dump({"defaults": {"provider": "api-football"}, "jobs": [
        {"job_id": "bundesliga-fixtures", "type": "incremental_daily", "priority": "MEDIUM", "endpoint": "fixtures",
         "params": {"league": 78, "season": 2023}, "interval": {"type": "interval", "seconds": 5}},
        {"job_id": "live", "type": "live_loop", "priority": "CRITICAL", "endpoint": "fixtures",
         "params": {"live": "all"}, "interval": {"type": "interval", "seconds": 1}, "live_interval_seconds": 1},
        # not scheduled: the kill -9 test sends it to the workers itself
        {"job_id": "slow-teams", "type": "backfill", "priority": "LOW", "endpoint": "teams", "enabled": False,
         "params": {"search": "Manchester"}},
    ]}, sort_keys=False))


class Stack:
    def __init__(self, tmp: Path, postgres: PostgresServer, redis_server: RedisServer, fake: FakeProvider) -> None:
        self.tmp, self.postgres, self.redis, self.fake = tmp, postgres, redis_server, fake
        self.env = {**os.environ, "MATCHDAY_DATABASE_URL": postgres.url(), "MATCHDAY_REDIS_URL": redis_server.url,
                    "MATCHDAY_JOBS_DIR": str(tmp / "jobs"), "MATCHDAY_API_FOOTBALL_BASE_URL": fake.url,
                    "MATCHDAY_API_FOOTBALL_KEY": "stack-test-key", "MATCHDAY_COLLECT_IN_SERVE": "false",
                    "MATCHDAY_JOB_LEASE_S": "5", "MATCHDAY_WORKER_VISIBILITY_TIMEOUT_S": "8",
                    "MATCHDAY_JOB_RETRY_S": "600", "MATCHDAY_HTTP_TIMEOUT_S": "15", "MATCHDAY_HTTP_BACKOFF_S": "0.05",
                    "MATCHDAY_HTTP_BACKOFF_MAX_S": "0.2", "MATCHDAY_LOG_LEVEL": "INFO"}
        self.processes: dict[str, subprocess.Popen] = {}
        self.api: list[str] = []

    def start(self, name: str, *args: str) -> subprocess.Popen:
        with (self.tmp / f"{name}.log").open("ab") as log:
            process = subprocess.Popen([sys.executable, "-m", "matchday.cli", *args], env=self.env, cwd=self.tmp,
                                       stdout=log, stderr=subprocess.STDOUT)
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")[-3000:]

    def up(self) -> None:
        init = subprocess.run([sys.executable, "-m", "matchday.cli", "init"], env=self.env, cwd=self.tmp,
                              capture_output=True, text=True, timeout=120, check=False)
        assert init.returncode == 0, init.stderr
        for n in (1, 2):
            port = free_port()
            self.start(f"api-{n}", "serve", "--host", "127.0.0.1", "--port", str(port))
            self.api.append(f"http://127.0.0.1:{port}")
        for n in (1, 2):
            self.start(f"worker-{n}", "worker", "--concurrency", "2", "--hostname", f"worker{n}@stack")
        for base in self.api:
            _wait_until(lambda b=base: _health(b), 90, f"{base}/health")
        self.start("beat", "beat", "--schedule", str(self.tmp / "beat-schedule"))

    def down(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _health(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, LiveMatch, Engine]]:
    try:
        postgres = PostgresServer()
        postgres.start()
    except PostgresUnavailable as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL cannot start here: {exc}")
    try:
        redis_server = RedisServer()
        redis_server.start()
    except RedisUnavailable as exc:
        postgres.stop()
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis cannot start here: {exc}")
    fake = FakeProvider(daily_limit=DAILY_LIMIT).start()
    live = LiveMatch()
    fake.script("/fixtures", _fixtures(live))
    fake.script("/teams", Reply.file(APIF / "teams_search-Manchester.json", stall_s=4.0),
                Reply.file(APIF / "teams_search-Manchester.json"))
    tmp = tmp_path_factory.mktemp("stack")
    _jobs(tmp / "jobs")
    running = Stack(tmp, postgres, redis_server, fake)
    engine = make_engine(postgres.url())
    try:
        running.up()
        yield running, live, engine
    finally:
        running.down()
        engine.dispose()
        fake.stop()
        redis_server.stop()
        postgres.stop()


def _runs(engine: Engine, job: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(job_runs.c.started_at, job_runs.c.status, job_runs.c.id)
                                               .where(job_runs.c.job == job).order_by(job_runs.c.started_at))]


def _run_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(job_runs)).scalar_one()


def test_jobs_run_on_schedule_once_each_within_the_shared_quota(stack) -> None:  # noqa: ANN001
    running, live, engine = stack
    _wait_until(lambda: len([r for r in _runs(engine, "bundesliga-fixtures") if r[1] == "ok"]) >= 4, 60,
                "four scheduled runs of bundesliga-fixtures", every=0.5)
    runs = [r for r in _runs(engine, "bundesliga-fixtures") if r[1] in ("ok", "running")]
    gaps = [(b[0] - a[0]).total_seconds() for a, b in zip(runs, runs[1:], strict=False)]
    # every 5 s, once: two workers never both run one tick (the lease), beat never sends one tick twice
    assert all(gap >= 2.5 for gap in gaps), gaps
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(matches)).scalar_one()
    assert stored >= 71  # the season's 71 not-yet-played fixtures, stored once however often they are fetched
    assert running.fake.over_quota == 0
    assert running.fake.daily_used <= DAILY_LIMIT
    # the minute limit is one budget for both workers (the quota lives in Redis)
    stamps = sorted(live.times)
    assert max(sum(1 for t in stamps if s <= t < s + 60) for s in stamps) <= MINUTE_LIMIT


async def _listen(base: str, received: list[dict], stop: asyncio.Event) -> None:
    url = base.replace("http://", "ws://") + "/ws"
    while not stop.is_set():
        try:
            async with websockets.connect(url, open_timeout=10) as ws:
                await ws.send(json.dumps({"action": "subscribe", "channels": ["live:all"]}))
                while not stop.is_set():
                    try:
                        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=0.5))
                    except TimeoutError:
                        continue
                    received.append(message)
        except (websockets.ConnectionClosed, OSError):
            received.append({"type": "connection_closed"})
            await asyncio.sleep(0.2)  # reconnect and resubscribe: the snapshot resynchronises


class Listeners:
    """One WebSocket client per API process, on live:all, reconnecting as the web pages do."""

    def __init__(self, bases: list[str]) -> None:
        self.received: list[list[dict]] = [[] for _ in bases]
        self.loop = asyncio.new_event_loop()
        self.stop = asyncio.Event()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self._all(bases),), daemon=True)
        self.thread.start()

    async def _all(self, bases: list[str]) -> None:
        await asyncio.gather(*(_listen(b, r, self.stop) for b, r in zip(bases, self.received, strict=True)))

    def goals(self, index: int) -> list[int]:
        return [m["data"]["score"]["home"] for m in self.received[index] if m.get("type") == "goal"]

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture(scope="module")
def listeners(stack) -> Iterator[Listeners]:  # noqa: ANN001
    running, _live, _engine = stack
    clients = Listeners(running.api)
    yield clients
    clients.close()


def test_a_live_goal_reaches_clients_of_both_api_processes(stack, listeners: Listeners) -> None:  # noqa: ANN001
    running, live, engine = stack
    _wait_until(lambda: all(any(m.get("type") == "snapshot" for m in r) for r in listeners.received), 30,
                "both clients subscribed")
    _wait_until(lambda: _runs(engine, "live"), 30, "the live loop's first poll")
    live.home = 1
    _wait_until(lambda: all(1 in listeners.goals(i) for i in (0, 1)), 30, "the goal on both API processes")


def test_kill_9_of_a_worker_mid_job_is_retried_by_the_other(stack) -> None:  # noqa: ANN001
    running, _live, engine = stack
    fake = running.fake
    # the backfill goes to the workers; its first answer stalls 4 s: kill the worker holding the job's lease
    celery = make_celery(Settings(redis_url=running.redis.url, database_url=running.postgres.url()))
    celery.send_task("matchday.run_job", ("slow-teams",), {"trigger": "manual"})
    celery.close()
    _wait_until(lambda: fake.requests_to("/teams") >= 1, 30, "the slow job's first request")
    from matchday.store.schema import job_definitions

    def owner() -> str | None:
        with engine.connect() as conn:
            return conn.execute(select(job_definitions.c.lease_owner)
                                .where(job_definitions.c.job_id == "slow-teams")).scalar()

    holder = _wait_until(owner, 10, "the lease owner")
    pid = int(str(holder).split(":")[1])
    victim = next(name for name, p in running.processes.items() if p.pid == pid)
    os.kill(pid, signal.SIGKILL)
    running.processes[victim].wait(timeout=10)
    survivor = "worker-2" if victim == "worker-1" else "worker-1"
    # the unacknowledged task comes back (visibility timeout), the dead run's lease expires, the survivor runs it
    _wait_until(lambda: any(r[1] == "ok" for r in _runs(engine, "slow-teams")), 60,
                f"slow-teams completed by {survivor}", every=0.5)
    assert fake.requests_to("/teams") == 2
    with engine.connect() as conn:
        names = list(conn.execute(select(teams.c.name)).scalars())
        archived = conn.execute(select(func.count()).select_from(raw_responses)
                                .where(raw_responses.c.endpoint == "teams")).scalar_one()
    assert len(names) == len(set(names))  # nothing written twice
    assert archived >= 1
    running.start(victim, "worker", "--concurrency", "2", "--hostname", f"{victim.replace('-', '')}b@stack")


def test_redis_restart_the_feed_resumes_and_clients_resync(stack, listeners: Listeners) -> None:  # noqa: ANN001
    running, live, _engine = stack
    running.redis.stop_process()
    time.sleep(2)
    running.redis.start()
    # each API process reconnects and tells its clients to resubscribe: their snapshot shows the current score
    _wait_until(lambda: all(any(m.get("type") == "reconnect" for m in r) for r in listeners.received), 30,
                "a reconnect request on both processes")
    live.home = 2
    _wait_until(lambda: all(2 in listeners.goals(i) for i in (0, 1)), 60,
                "the next goal on both processes after the Redis restart")


def test_postgres_restart_fails_cleanly_then_recovers(stack) -> None:  # noqa: ANN001
    running, _live, engine = stack
    for base in running.api:
        assert httpx.get(f"{base}/api/v1/leagues", timeout=10).status_code == 200  # cached from now on
    running.postgres.stop_server()
    try:
        for base in running.api:
            # what is cached is still served, and exact: no write can commit while the database is away
            cached = httpx.get(f"{base}/api/v1/leagues", timeout=20)
            assert cached.status_code == 200 and cached.headers["x-cache"] == "hit"
            started = time.monotonic()
            # an answer never asked for before needs the database
            answer = httpx.get(f"{base}/api/v1/matches", params={"status": "scheduled", "limit": 7}, timeout=20)
            assert time.monotonic() - started < 15  # no hang
            assert answer.status_code == 503, answer.text
            body = answer.json()
            assert set(body) == {"detail", "error_code", "timestamp", "path", "trace_id"}
            assert body["error_code"] == "DATABASE_UNAVAILABLE" and "Traceback" not in answer.text
    finally:
        running.postgres.start_server()
    for base in running.api:
        _wait_until(lambda b=base: httpx.get(f"{b}/api/v1/matches", params={"status": "scheduled"},
                                             timeout=10).status_code == 200, 30, f"{base} serving again")
    # any job: a scheduled one that the Redis restart before failed waits MATCHDAY_JOB_RETRY_S (600 s) to retry
    before = _run_count(engine)
    _wait_until(lambda: _run_count(engine) > before, 60, "jobs running again")
    for name in ("api-1", "api-2", "beat"):
        assert running.processes[name].poll() is None, running.log(name)


def test_a_final_whistle_scores_the_prediction_league_once_through_a_kill_9(stack) -> None:  # noqa: ANN001
    """The live match ends while the worker fetching its final whistle is killed (``kill -9``): the other worker's
    next poll stores the result, its change set is delivered once (a lease per subscriber, whichever process holds
    it: a worker or an API process), and the prediction league ends scored once, with the right points."""
    from matchday.accounts import users
    from matchday.accounts.schema import prediction_leagues, predictions
    from matchday.domain.prediction_scoring import rules_for
    from matchday.pools import leagues
    from matchday.store.schema import external_ids, job_definitions, seasons

    running, live, engine = stack
    live.home = 2  # whatever the tests before did: the score the predictions below are made on

    def stored_home() -> object:
        with engine.connect() as conn:
            return conn.execute(select(matches.c.home_goals).join(external_ids, (
                external_ids.c.internal_id == matches.c.id) & (external_ids.c.entity == "match"))
                .where(external_ids.c.external_id == str(LIVE_FIXTURE))).scalar() == 2

    _wait_until(stored_home, 30, "the live match at 2-0")
    with engine.begin() as conn:
        match = conn.execute(select(matches.c.id, matches.c.competition_id, seasons.c.label)
                             .join(seasons, seasons.c.id == matches.c.season_id)
                             .join(external_ids, (external_ids.c.internal_id == matches.c.id)
                                   & (external_ids.c.entity == "match"))
                             .where(external_ids.c.external_id == str(LIVE_FIXTURE))).one()
        owner = users.register(conn, "owner@example.org", "owner", "a long passphrase 1")
        member = users.register(conn, "member@example.org", "member", "a long passphrase 1")
        league_id = leagues.create(conn, owner, "stack", match.competition_id, match.label, rules_for("kicktipp"),
                                   "private")
        invite = conn.execute(select(prediction_leagues.c.invite_code)
                              .where(prediction_leagues.c.id == league_id)).scalar_one()
        leagues.join(conn, member, invite)
        final_home = live.home
        conn.execute(predictions.insert(), [  # exact for the owner (4), the right difference for the member (3)
            {"prediction_league_id": league_id, "user_id": owner.id, "match_id": match.id, "round_number": 32,
             "home_goals": final_home, "away_goals": 0},
            {"prediction_league_id": league_id, "user_id": member.id, "match_id": match.id, "round_number": 32,
             "home_goals": final_home + 1, "away_goals": 1}])

    def holder() -> str | None:
        with engine.connect() as conn:
            return conn.execute(select(job_definitions.c.lease_owner)
                                .where(job_definitions.c.job_id == "live")).scalar()

    for name in ("worker-1", "worker-2"):  # a worker the Redis restart took down (kombu can crash on reconnect)
        if running.processes[name].poll() is not None:  # comes back, as a supervisor would bring it back
            running.start(name, "worker", "--concurrency", "2", "--hostname", f"{name.replace('-', '')}r@stack")
    logged = {name: (running.tmp / f"{name}.log").stat().st_size for name in running.processes}
    live.final = True
    _wait_until(lambda: live.final_served >= 1, 30, "the final whistle's first (stalled) answer", every=0.05)
    pid = int(str(_wait_until(holder, 5, "the live job's lease holder", every=0.05)).split(":")[1])
    victim = next(name for name, p in running.processes.items() if p.pid == pid)
    os.kill(pid, signal.SIGKILL)  # mid-fetch of the final whistle: nothing of that poll was committed
    running.processes[victim].wait(timeout=10)

    def scored() -> tuple | None:
        with engine.connect() as conn:
            status = conn.execute(select(prediction_leagues.c.participants_scores_status)
                                  .where(prediction_leagues.c.id == league_id)).scalar_one()
            points = dict(conn.execute(select(predictions.c.user_id, predictions.c.points)
                                       .where(predictions.c.prediction_league_id == league_id)).all())
        return (status, points) if status == "up-to-date" and None not in points.values() else None

    # the killed worker may have held the league's scoring lease (pools.sync.LEASE, 2 min) or a subscriber's
    # cursor lease (30 s) with its other task slot: a dead holder's lease runs out, then the sweep or the next
    # delivery scores the league
    try:
        status, points = _wait_until(scored, 150, "the prediction league scored after the final whistle", every=0.5)
    except AssertionError as exc:
        with engine.connect() as conn:
            league = conn.execute(select(prediction_leagues.c.participants_scores_status,
                                         prediction_leagues.c.sync_lease_until)
                                  .where(prediction_leagues.c.id == league_id)).one()
            final = conn.execute(select(matches.c.status, matches.c.home_goals)
                                 .where(matches.c.id == match.id)).one()
        logs = {name: running.log(name)[-1500:] for name in running.processes}
        raise AssertionError(f"{exc}; league {tuple(league)}, match {tuple(final)}, killed {victim}; logs {logs}") \
            from exc
    assert points == {owner.id: 4, member.id: 3}
    logs = "".join((running.tmp / f"{name}.log").read_bytes()[size:].decode(errors="replace")
                   for name, size in logged.items())
    runs = [line for line in logs.splitlines() if "prediction league scored" in line
            and f"prediction_league_id={league_id} " in line + " "]
    assert len(runs) == 1, runs  # once for the deployment: one process delivered the change set
    running.start(victim, "worker", "--concurrency", "2", "--hostname", f"{victim.replace('-', '')}c@stack")
