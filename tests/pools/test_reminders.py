"""Prediction reminders end to end: a real `create_server` app whose own embedded scheduler sends them through a
real SMTP server on localhost (aiosmtpd). Once per member and round (a claim row: a second run, a restarted
process or four concurrent runs send nothing again), only to members who lack a prediction, have reminders on
and a confirmed address; a failed send is retried; the Celery beat task sends through SMTP the same way."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from matchday.accounts.mail import Mailer
from matchday.accounts.schema import reminder_claims
from matchday.accounts.users import utcnow
from matchday.ingest.job_config import JobRegistry
from matchday.pools.reminder_channels import EmailChannel, Recipient, Reminder
from matchday.pools.reminders import send_due
from matchday.runtime import Reminders
from matchday.settings import Settings
from matchday.workers.app import beat_schedule
from tests.accounts.conftest import bearer, football_store, login, make_client, register
from tests.pools.conftest import SEASON, season_records, write
from tests.smtp_server import SmtpServer

NAMES = ("olga", "mike", "otto", "nina", "paul")
BASE = "https://football.example"


def _verify(client: TestClient, smtp: SmtpServer, name: str) -> None:
    link = smtp.inbox.wait_for(f"{name}@example.org")[0].link("/verify-email")
    token = parse_qs(urlsplit(link).query)["token"][0]
    assert client.post("/api/v1/auth/verify-email", json={"token": token}).status_code == 204


def _reminders(smtp: SmtpServer, name: str) -> list:
    return [m for m in smtp.inbox.to(f"{name}@example.org") if "round" in m.subject]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpServer):  # noqa: ANN201 - (client, league, ids)
    engine = football_store(tmp_path_factory.mktemp("reminders") / "football.db")
    ids = write(engine, *season_records())
    with make_client(engine, reminder_check_s=0.2, public_url="https://football.example",
                     **smtp_server.settings()) as client:
        h = {}
        for name in NAMES:
            register(client, name)
            h[name] = bearer(login(client, name))
            if name != "nina":  # nina never confirms her address
                _verify(client, smtp_server, name)
        # reminders off while the members predict, so the server's scheduler has nothing to send yet
        league = client.post("/api/v1/prediction-leagues", headers=h["olga"], json={
            "name": "Office", "competition": "test.1", "season": SEASON, "reminder_minutes": 0}).json()
        for name in NAMES[1:]:
            client.post("/api/v1/prediction-leagues/join", headers=h[name], json={"invite_code": league["invite_code"]})
        base = f"/api/v1/prediction-leagues/{league['id']}"
        for name, indexes in (("olga", (2, 3)), ("mike", (2,))):  # round 2: matches 2 and 3
            for index in indexes:
                assert client.put(f"{base}/predictions/{ids[index]}", headers=h[name],
                                  json={"home": 1, "away": 0}).status_code == 201
        assert client.patch("/api/v1/users/me", headers=h["otto"], json={"reminders_enabled": False}).json()[
            "reminders_enabled"] is False
        # round 2 starts in a day: 25 hours ahead reminds now
        patched = client.patch(base, headers=h["olga"], json={"reminder_minutes": 1500})
        assert patched.status_code == 200 and patched.json()["reminder_minutes"] == 1500
        assert client.patch(base, headers=h["mike"], json={"reminder_minutes": 5}).status_code == 403  # owner only
        yield client, league, engine


def test_the_servers_scheduler_reminds_who_lacks_a_prediction_once(office, smtp_server: SmtpServer) -> None:
    client, league, engine = office
    for name in ("mike", "paul"):
        smtp_server.inbox.wait_for(f"{name}@example.org", 2)  # the verification, then the reminder
    mike, paul = _reminders(smtp_server, "mike"), _reminders(smtp_server, "paul")
    assert len(mike) == 1 and len(paul) == 1
    assert mike[0].subject.startswith("Office: round 2 starts ")
    assert "1 of its 2 matches have no prediction" in mike[0].text
    assert "2 of its 2 matches" in paul[0].text
    assert mike[0].link("/prediction-leagues/") == f"https://football.example/prediction-leagues/{league['id']}?round=2"
    assert "https://football.example/profile" in mike[0].text
    # olga predicted everything, otto opted out, nina's address is not confirmed
    assert [_reminders(smtp_server, n) for n in ("olga", "otto", "nina")] == [[], [], []]
    claims = _settled(engine)
    assert sorted((c.round_number, c.channel, c.status, c.attempts) for c in claims) == [(2, "email", "sent", 1)] * 2
    # a restarted process (a new Reminders) and four concurrent runs find everything claimed
    restarted = Reminders(client.app.state.accounts.engine, engine, client.app.state.settings)
    sent: list[int] = []
    runs = [threading.Thread(target=lambda: sent.append(restarted.send_once())) for _ in range(4)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert sent == [0, 0, 0, 0] and restarted.send_once() == 0
    assert len(_reminders(smtp_server, "mike")) == 1


def _settled(engine) -> list:  # noqa: ANN001
    """The claims, once the server's run that sent the emails has recorded them (it records after sending)."""
    for _ in range(300):
        with engine.connect() as conn:
            claims = conn.execute(select(reminder_claims.c.user_id, reminder_claims.c.round_number,
                                         reminder_claims.c.channel, reminder_claims.c.status,
                                         reminder_claims.c.attempts)).all()
        if claims and all(c.status != "claimed" for c in claims):
            return claims
        time.sleep(0.1)
    return claims


class _Flaky:
    """A channel (the protocol a push channel implements) that fails its first send."""

    name = "flaky"

    def __init__(self) -> None:
        self.delivered: list[tuple[int, int]] = []
        self.failures = 1

    def accepts(self, user: Recipient) -> bool:
        return True

    def send(self, user: Recipient, reminder: Reminder) -> None:
        if self.failures:
            self.failures -= 1
            raise OSError("connection refused")
        self.delivered.append((user.user_id, reminder.round_number))


def test_concurrent_runs_send_each_reminder_once_and_a_failure_is_retried(office) -> None:  # noqa: ANN001
    client, league, engine = office
    users = client.app.state.accounts.engine
    flaky = _Flaky()
    # mike, nina and paul lack predictions (this channel takes unconfirmed addresses; otto opted out); the first
    # send fails
    assert send_due(users, engine, [flaky], 1440, BASE) == 2
    assert len(flaky.delivered) == 2
    counts: list[int] = []
    runs = [threading.Thread(target=lambda: counts.append(send_due(users, engine, [flaky], 1440, BASE)))
            for _ in range(4)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert sum(counts) == 1  # the failed one, retried once by whichever run claimed it
    assert len(flaky.delivered) == len(set(flaky.delivered)) == 3  # each member once, all for round 2
    assert {r for _u, r in flaky.delivered} == {2}
    assert send_due(users, engine, [flaky], 1440, BASE) == 0


def test_a_round_already_started_or_too_far_ahead_reminds_nobody(office) -> None:  # noqa: ANN001
    client, _league, engine = office
    users = client.app.state.accounts.engine
    flaky = _Flaky()
    flaky.failures, flaky.name = 0, "fresh"  # a channel with no claims yet: only the clock decides
    assert send_due(users, engine, [flaky], 1440, BASE, now=utcnow() + timedelta(days=1, minutes=1)) == 0
    assert send_due(users, engine, [flaky], 1440, BASE, now=utcnow() - timedelta(days=2)) == 0  # reminder time not yet
    assert flaky.delivered == []
    assert send_due(users, engine, [flaky], 1440, BASE) == 3  # and now it is due: mike, nina, paul


def test_the_email_channel_needs_a_server_and_a_confirmed_address() -> None:
    user = Recipient(1, "a", "a@example.org", True, "Europe/Berlin", "de")
    assert EmailChannel(Mailer(None, 25, None, None, "m <m@x>", "none", 5)).accepts(user) is False
    assert EmailChannel(Mailer("127.0.0.1", 25, None, None, "m <m@x>", "none", 5)).accepts(user) is True
    unconfirmed = Recipient(1, "a", "a@example.org", False, "UTC", "en")
    assert EmailChannel(Mailer("127.0.0.1", 25, None, None, "m <m@x>", "none", 5)).accepts(unconfirmed) is False


def test_celery_beat_runs_the_reminders_on_their_own_schedule() -> None:
    entry = beat_schedule(JobRegistry(), Settings(reminder_check_s=120))["reminders"]
    assert entry["task"] == "matchday.reminders" and entry["schedule"].run_every == timedelta(seconds=120)


def test_the_celery_task_sends_through_smtp_once(engine, smtp_server: SmtpServer,  # noqa: ANN001
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The beat task as workers run it (their engines and settings; no server scheduler beside them), four at
    once, on SQLite and PostgreSQL: one email."""
    from types import SimpleNamespace

    from matchday.accounts import users as accounts
    from matchday.accounts.store import upgrade_users
    from matchday.domain.prediction_scoring import rules_for
    from matchday.pools import football, leagues
    from matchday.workers import tasks

    upgrade_users(engine)
    write(engine, *season_records())
    with engine.begin() as conn:
        owner = accounts.register(conn, f"celia@{engine.dialect.name}.example.org", "celia",
                                  "correct horse battery staple")
        accounts.mark_verified(conn, owner.id, owner.email)
        competition = football.competition(conn, "test.1")
        leagues.create(conn, owner, "Beat", competition.id, SEASON, rules_for("kicktipp"), "private", 1500)
    settings = Settings(database_url=str(engine.url), public_url="https://beat.example", **smtp_server.settings())
    monkeypatch.setattr(tasks, "worker_collector", lambda: SimpleNamespace(engine=engine, settings=settings))
    monkeypatch.setattr(tasks, "_users_engine", lambda: engine)
    results: list[dict] = []
    # the task's body (``run``): Celery's call wrapper keeps a per-task request stack that threads would share
    workers = [threading.Thread(target=lambda: results.append(tasks.reminders.run())) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(r["reminders_sent"] for r in results) == [0, 0, 0, 1]
    [mail] = smtp_server.inbox.wait_for(f"celia@{engine.dialect.name}.example.org")
    assert mail.subject.startswith("Beat: round 2 starts") and "https://beat.example/prediction-leagues/" in mail.text
    assert tasks.reminders() == {"reminders_sent": 0}  # the next beat tick: claimed and sent already
