"""The VAPID key pair (made once, owner-only, never shown), what the subscription API refuses, what is never pushed
(old news, a user's switched-off kinds), and the pushes other code makes (``push_to_user``; prediction reminders by
push)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from matchday.accounts.schema import push_subscriptions
from matchday.ingest.live import ingest_snapshots
from matchday.ingest.publish import Publisher
from matchday.notify import vapid
from matchday.notify.push import PushSender
from matchday.notify.reminders import PushReminders
from matchday.pools.reminder_channels import Recipient, Reminder
from matchday.runtime import push_sender, subscribers
from matchday.server import create_server
from matchday.settings import Settings
from matchday.store.schema import feed_events
from tests.conftest import REPO
from tests.notify.conftest import MATCH_DAY, sign_up, subscribe, team_id
from tests.notify.push_service import Browser, PushService


def test_the_key_pair_is_made_once_owner_only_and_never_printed(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "vapid.pem"
    made: list[tuple[vapid.VapidKeys, bool]] = []
    threads = [threading.Thread(target=lambda: made.append(vapid.load_or_create(path))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(created for _keys, created in made) == 1  # four processes starting at once keep one key
    assert len({keys.public_key for keys, _created in made}) == 1
    assert path.stat().st_mode & 0o777 == 0o600 and os.listdir(path.parent) == ["vapid.pem"]
    keys = vapid.load(path)
    assert keys is not None and keys.public_key == made[0][0].public_key and "PRIVATE" not in repr(keys)
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "MATCHDAY_VAPID_KEY_FILE": str(path), "PYTHONPATH": str(REPO / "src")}
    shown = subprocess.run([sys.executable, "-m", "matchday.cli", "push-keys"], capture_output=True, text=True,
                           env=env, cwd=tmp_path, check=True, timeout=120)
    assert shown.stdout.strip().splitlines()[-1] == keys.public_key  # the public key, and nothing of the private
    assert "PRIVATE" not in shown.stdout + shown.stderr and path.read_text().splitlines()[1] not in shown.stdout


def test_a_file_that_is_no_p256_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vapid.pem"
    path.write_text("not a key")
    with pytest.raises(vapid.VapidKeyError, match="no PEM private key"):
        vapid.load(path)
    assert vapid.load(tmp_path / "absent.pem") is None


def test_the_subscription_api_refuses_what_is_no_push_service(store, tmp_path: Path) -> None:
    engine, _record = store
    settings = Settings(database_url=str(engine.url), vapid_key_file=tmp_path / "v.pem", environment="production",
                        secret_key="s" * 40)
    with TestClient(create_server(settings, engine), base_url="https://testserver") as client:
        headers = sign_up(client, "fan", team_id(engine, "Arsenal"))
        good = Browser("https://push.example.org/fan").to_json()
        for endpoint in ("http://push.example.org/x", "file:///etc/passwd", "https://user:pw@push.example.org/x",
                         "https://127.0.0.1/x", "https://10.1.2.3/push", "https://[::1]/x", "https://localhost/x",
                         "https://metadata.internal/x", "https://169.254.169.254/latest"):  # never into our network
            answer = client.post("/api/v1/users/push-subscriptions", json={**good, "endpoint": endpoint},
                                 headers=headers)
            assert answer.status_code == 400 and answer.json()["error_code"] == "BAD_REQUEST", endpoint
        short = {**good, "keys": {**good["keys"], "auth": "A" * 16}}  # 12 bytes, not 16
        assert client.post("/api/v1/users/push-subscriptions", json=short, headers=headers).status_code == 400
        assert client.put("/api/v1/users/notifications", json={"kinds": ["corner"]}, headers=headers
                          ).status_code == 422
        first = subscribe(client, headers, good)
        assert subscribe(client, headers, good) == first  # the same browser again: one subscription
        assert client.delete(f"/api/v1/users/push-subscriptions/{first}", headers=headers).status_code == 204
        assert client.delete(f"/api/v1/users/push-subscriptions/{first}", headers=headers).status_code == 404


def _publisher(engine: Engine, settings: Settings) -> Publisher:
    return Publisher(engine, subscribers(engine, engine, None, push_sender(engine, settings)))


def test_old_news_and_switched_off_kinds_are_not_pushed(store, tmp_path: Path) -> None:
    engine, record = store
    settings = Settings(database_url=str(engine.url), vapid_key_file=tmp_path / "v.pem")
    vapid.load_or_create(settings.vapid_key_file)
    with PushService() as service, TestClient(create_server(settings, engine)) as client:
        fan, quiet = Browser(service.endpoint("fan")), Browser(service.endpoint("quiet"))
        subscribe(client, sign_up(client, "fan", team_id(engine, "Arsenal")), fan.to_json())
        subscribe(client, sign_up(client, "quiet", team_id(engine, "Arsenal"), []), quiet.to_json())
    ingest_snapshots(engine, "simulator", [MATCH_DAY[0](record)])  # the kick-off, an hour ago (a worker was down)
    with engine.begin() as conn:
        for row_id, created_at in conn.execute(select(feed_events.c.id, feed_events.c.created_at)).all():
            conn.execute(update(feed_events).where(feed_events.c.id == row_id)
                         .values(created_at=created_at - timedelta(hours=1)))
    ingest_snapshots(engine, "simulator", [MATCH_DAY[1](record)])  # the goal, now
    with PushService() as service:
        fan.endpoint = service.endpoint("fan")
        with engine.begin() as conn:
            conn.execute(update(push_subscriptions).where(push_subscriptions.c.endpoint.like("%/push/fan"))
                         .values(endpoint=fan.endpoint))
        _publisher(engine, settings).publish_once()
        received = service.wait_for(1, timeout_s=5)
    assert [fan.decrypt(r)["kind"] for r in received] == ["goal"]  # no stale kick-off; nothing to "quiet"


def test_reminders_and_other_code_push_to_a_user_and_404_forgets_the_browser(store, tmp_path: Path) -> None:
    engine, _record = store
    settings = Settings(database_url=str(engine.url), vapid_key_file=tmp_path / "v.pem")
    keys, _ = vapid.load_or_create(settings.vapid_key_file)
    with PushService() as service, TestClient(create_server(settings, engine)) as client:
        headers = sign_up(client, "member", team_id(engine, "Chelsea"))
        phone, old_laptop = Browser(service.endpoint("phone")), Browser(service.endpoint("laptop"))
        subscribe(client, headers, phone.to_json())
        subscribe(client, headers, old_laptop.to_json())
        me = client.get("/api/v1/auth/me", headers=headers).json()
        service.gone.add("/push/laptop")
        strict = PushSender(engine, keys, settings.vapid_subject)  # production: no push into our own network
        refused = strict.push_to_user(me["id"], {"title": "t", "body": "b", "url": "/"})
        strict.close()
        assert (refused.sent, refused.failed) == (0, 2)  # the stand-in on 127.0.0.1 gets nothing (checked below)
        sender = PushSender(engine, keys, settings.vapid_subject, allow_private=True)  # the stand-in is local
        member = Recipient(me["id"], "member", me["email"], False, "Europe/London", "en")
        stranger = Recipient(me["id"] + 1, "stranger", "s@example.org", True, "UTC", "en")
        reminder = Reminder(7, "Office", 2, datetime(2026, 12, 12, 15, 0), missing=2, matches=3,
                            url="https://football.example/prediction-leagues/7?round=2",
                            profile_url="https://football.example/profile")
        channel = PushReminders(sender)
        assert channel.accepts(member) and not channel.accepts(stranger)  # a browser subscribed, or nothing to reach
        channel.send(member, reminder)
        with pytest.raises(RuntimeError):  # nobody took it: the reminder job records a failure and retries
            channel.send(stranger, reminder)
        notice = {"title": "Round 2 starts in 2 hours", "body": "You have not predicted it yet.",
                  "url": "/prediction-leagues/1"}
        result = sender.push_to_user(me["id"], notice)
        sender.close()
        received = service.wait_for(2, timeout_s=5)
    assert [phone.decrypt(r) for r in received] == [
        {"title": "Office: round 2 starts Sat 12 Dec 15:00 GMT",
         "body": "2 of its 3 matches have no prediction of yours yet.", "url": "/prediction-leagues/7?round=2",
         "tag": "reminder:7:2"}, notice]
    assert (result.sent, result.expired) == (1, 0)  # the laptop was forgotten on the first 410
    with engine.connect() as conn:
        assert list(conn.execute(select(push_subscriptions.c.endpoint)).scalars()) == [phone.endpoint]
