"""Web Push end to end: a match day of the followed team (kick-off, a goal, a red card, full time) written through
the live path reaches each subscribed browser through the push service stand-in: every POST carries a VAPID token
the stand-in verifies with the server's public key (signature, ``aud``, ``exp``), and its body decrypts, with the
browser's private key and auth secret, to the notification the page would show. Each user gets only the kinds
they chose; a subscription the push service has expired (410) is deleted; two processes publishing at once push
each event once (the subscriber's lease)."""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from matchday.accounts.schema import push_subscriptions
from matchday.ingest.live import ingest_snapshots
from matchday.ingest.publish import Publisher
from matchday.runtime import push_sender, subscribers
from matchday.server import create_server
from matchday.settings import Settings
from tests.notify.conftest import MATCH_DAY, TITLES, sign_up, subscribe, team_id
from tests.notify.push_service import Browser, PushService


def _settings(engine: Engine, tmp_path: Path) -> Settings:
    return Settings(database_url=str(engine.url), vapid_key_file=tmp_path / "keys" / "vapid.pem",
                    vapid_subject="mailto:ops@matchday.example", outbox_poll_s=0.2)


def test_a_match_day_reaches_each_browser_by_web_push(store, tmp_path: Path) -> None:
    engine, record = store
    settings = _settings(engine, tmp_path)
    with PushService() as service, TestClient(create_server(settings, engine)) as client:
        public_key = client.get("/api/v1/push/public-key").json()["public_key"]
        assert public_key and (tmp_path / "keys" / "vapid.pem").stat().st_mode & 0o077 == 0  # owner-only
        assert public_key not in (tmp_path / "keys" / "vapid.pem").read_text()  # the file is the private key
        fan = Browser(service.endpoint("fan"))
        goals_only = Browser(service.endpoint("goals-only"))
        expired = Browser(service.endpoint("expired"))
        service.gone.add("/push/expired")
        arsenal = team_id(engine, "Arsenal")
        subscribe(client, sign_up(client, "fan", arsenal), fan.to_json())
        subscribe(client, sign_up(client, "goalsonly", team_id(engine, "Chelsea"), ["goal"]), goals_only.to_json())
        subscribe(client, sign_up(client, "lapsed", arsenal), expired.to_json())
        settings_page = client.get("/api/v1/users/notifications", headers=sign_up(client, "nobody", arsenal))
        assert settings_page.json()["push_public_key"] == public_key
        for step in MATCH_DAY:  # the live poll path, as a source's snapshots arrive; the server's publisher pushes
            ingest_snapshots(engine, "simulator", [step(record)])
        received = service.wait_for(5)
        assert service.refused == []
    assert len(received) == 5, [r.path for r in received]
    for push in received:
        assert push.vapid_key == public_key and push.claims["aud"] == service.origin
        assert push.claims["sub"] == "mailto:ops@matchday.example" and int(push.headers["ttl"]) == 900
    to_fan = [fan.decrypt(r) for r in received if r.path == "/push/fan"]
    assert [(n["kind"], n["title"]) for n in to_fan] == [(kind, TITLES[kind]) for kind in TITLES]
    assert to_fan[1]["body"] == "Scored by Bukayo Saka (Arsenal)" and to_fan[1]["url"].startswith("/matches/")
    assert to_fan[2]["body"] == "Reece James is sent off (Arsenal – Chelsea)"
    assert len({n["tag"] for n in to_fan}) == 4
    to_goals_only = [goals_only.decrypt(r) for r in received if r.path == "/push/goals-only"]
    assert [n["title"] for n in to_goals_only] == ["Goal: Arsenal 1–0 Chelsea, 23'"]
    with engine.connect() as conn:  # the push service said 410 for "lapsed": the subscription is gone
        endpoints = set(conn.execute(select(push_subscriptions.c.endpoint)).scalars())
    assert endpoints == {fan.endpoint, goals_only.endpoint}


def test_two_processes_push_each_event_once(store, tmp_path: Path) -> None:
    """Two publishers (say a Celery worker and the CLI) deliver the same feed at once: one push per event."""
    engine, record = store
    settings = _settings(engine, tmp_path)
    with PushService() as service:
        with TestClient(create_server(settings, engine)) as client:  # makes the key pair; the user subscribes
            fan = Browser(service.endpoint("fan"))
            subscribe(client, sign_up(client, "fan", team_id(engine, "Arsenal")), fan.to_json())
        for step in MATCH_DAY:
            ingest_snapshots(engine, "simulator", [step(record)])
        publishers = [Publisher(engine, subscribers(engine, engine, None, push_sender(engine, settings)))
                      for _ in range(2)]
        threads = [threading.Thread(target=p.publish_once) for p in publishers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for publisher in publishers:  # whatever the first pass left (a lease held by the other) is delivered now
            publisher.publish_once()
        received = service.wait_for(4, timeout_s=5)
    assert [fan.decrypt(r)["title"] for r in received] == list(TITLES.values())
