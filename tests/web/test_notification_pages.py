"""Notifications in a real Chromium on a running server: the profile page's notification settings (phone width,
light and dark), and a followed team's match day written through the live path (``ingest_snapshots``, from
another process: the server reads its outbox) showing up as browser notifications on an open page.

What the notification test proves: the page asks for permission only on the button's click, subscribes to its
user's private channel, and calls the browser's ``Notification`` with the server's text for each event kind the
user kept (red cards were switched off on the profile page). ``window.Notification`` is wrapped by an init script
that records each call and then calls the real one: headless Chromium draws no notification to look at. It also
shows the service worker registered from ``/sw.js`` with the site's whole scope. Headless Chromium has no push
service to subscribe with (the page says so), so the same user's Web Push goes to the push service stand-in
(``tests/notify/push_service.py``, which checks its VAPID token), where the test decrypts it as a browser would and
hands the plain payload to this Chromium's service worker through DevTools (``ServiceWorker.deliverPushMessage``):
the service worker shows each with the page's title and tag (``getNotifications()``), so a browser that gets both
shows one. The hop from a vendor's push service into the browser is DevTools', not a real one's."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from matchday.accounts.store import upgrade_users
from matchday.ingest.live import ingest_snapshots
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.schema import matches
from tests.notify.conftest import MATCH_DAY, TITLES, fixture, now, team_id
from tests.notify.push_service import Browser, PushService
from tests.web.conftest import ARTIFACTS, start_server

PASSWORD = "a long enough passphrase"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
RECORD_NOTIFICATIONS = """(() => {
  const Real = window.Notification;
  if (!Real) return;
  window.__notifications = [];
  function Recorded(title, options) {
    window.__notifications.push({ title: title, body: options && options.body, tag: options && options.tag });
    try { return new Real(title, options); } catch (e) { return {}; }
  }
  Recorded.requestPermission = function () { return Real.requestPermission.apply(Real, arguments); };
  Object.defineProperty(Recorded, "permission", { get: function () { return Real.permission; } });
  window.Notification = Recorded;
})();"""


SHOWN_BY_WORKER = """navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list =>
  list.map(n => ({ title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url })))"""


def record_id(engine) -> int:  # noqa: ANN001 - an Engine
    with engine.connect() as conn:
        return conn.execute(select(matches.c.id)).scalar_one()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("notify-web")
    database = folder / "notify.db"
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    upgrade_users(engine)
    engine.dispose()
    process, base = start_server(database, {"MATCHDAY_VAPID_KEY_FILE": str(folder / "vapid.pem"),
                                            "MATCHDAY_OUTBOX_POLL_S": "0.2", "MATCHDAY_COLLECT_IN_SERVE": "false"})
    yield base, database
    process.terminate()
    process.wait(timeout=20)


def _sign_up(tab, base: str, name: str) -> None:  # noqa: ANN001 - a Playwright page
    tab.goto(f"{base}/register")
    tab.fill('input[name="email"]', f"{name}@example.org")
    tab.fill('input[name="username"]', name)
    tab.fill('input[name="password"]', PASSWORD)
    tab.click('form.stack button[type="submit"]')
    tab.wait_for_url(f"{base}/prediction-leagues")


def _bearer(base: str, name: str) -> dict[str, str]:
    tokens = httpx.post(f"{base}/api/v1/auth/login", data={"username": name, "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_notification_settings_at_phone_width(browser, server: tuple[str, Path], scheme: str) -> None:
    base, _database = server
    context = browser.new_context(**PHONE, color_scheme=scheme)
    try:
        tab = context.new_page()
        _sign_up(tab, base, f"phone{scheme}")
        tab.goto(f"{base}/profile")
        section = tab.locator('[data-role="notifications"]')
        expect(section).to_be_visible()
        boxes = section.locator('input[name="kinds"]')
        assert boxes.count() == 4 and all(boxes.nth(i).is_checked() for i in range(4))  # every kind by default
        button = section.locator('[data-role="notify-enable"]')
        expect(button).to_be_visible()  # not asked yet: the browser's prompt waits for this button
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
        background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        card = section.evaluate("el => getComputedStyle(el).color")
        assert background == ("rgb(15, 20, 27)" if scheme == "dark" else "rgb(244, 246, 249)")
        assert card == ("rgb(230, 235, 242)" if scheme == "dark" else "rgb(23, 32, 42)")
        section.locator('input[value="goal"]').uncheck()
        section.locator('button[type="submit"]').click()
        expect(tab.locator('[data-role="notifications"] .notice')).to_have_text("Notifications saved.")
        assert not tab.locator('[data-role="notifications"] input[value="goal"]').is_checked()
        kinds = httpx.get(f"{base}/api/v1/users/notifications", headers=_bearer(base, f"phone{scheme}")).json()
        assert kinds["kinds"] == ["kickoff", "red_card", "final_score"] and kinds["push_public_key"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"notification_settings_phone_{scheme}.png"), full_page=True)
    finally:
        context.close()


def test_a_goal_of_a_followed_team_is_a_notification_on_an_open_page(browser, server: tuple[str, Path]) -> None:
    base, database = server
    engine = make_engine(f"sqlite:///{database}")
    record = fixture(now() + timedelta(minutes=5))
    ingest_snapshots(engine, "simulator", [record])
    context = browser.new_context(**PHONE, color_scheme="dark")
    context.add_init_script(RECORD_NOTIFICATIONS)
    service = PushService().__enter__()
    try:
        tab = context.new_page()
        _sign_up(tab, base, "fan")
        headers = _bearer(base, "fan")
        assert httpx.post(f"{base}/api/v1/users/favorites", headers=headers,
                          json={"entity_type": "team", "entity_id": team_id(engine, "Arsenal")}).status_code == 201
        tab.goto(f"{base}/profile")
        tab.locator('[data-role="notifications"] input[value="red_card"]').uncheck()
        tab.locator('[data-role="notifications"] button[type="submit"]').click()
        expect(tab.locator('[data-role="notifications"] .notice')).to_have_text("Notifications saved.")
        assert tab.evaluate("Notification.permission") == "default"  # nothing was asked on load
        # the page offers the button once it has read the settings (CI once granted before that read returned: the
        # page then rightly saw permission granted and never showed it)
        expect(tab.locator('[data-role="notify-enable"]')).to_be_visible(timeout=30_000)
        context.grant_permissions(["notifications"], origin=base)  # the person's answer to the prompt
        tab.locator('[data-role="notify-enable"]').click()  # the gesture that asks
        expect(tab.locator("body[data-notify=listening]")).to_have_count(1, timeout=15_000)
        expect(tab.locator('[data-role="notify-status"]')).to_contain_text("Notifications are on", timeout=15_000)
        expect(tab.locator("body[data-service-worker]")).to_have_count(1, timeout=15_000)
        assert tab.evaluate("document.body.dataset.serviceWorker") == f"{base}/"
        assert httpx.get(f"{base}/sw.js").headers["content-type"].startswith("text/javascript")
        stand_in = Browser(service.endpoint("fan"))  # where this user's Web Push goes (see the docstring)
        assert httpx.post(f"{base}/api/v1/users/push-subscriptions", headers=headers,
                          json=stand_in.to_json()).status_code == 201
        for step in MATCH_DAY:  # another process's writes through the live path; the server reads its outbox
            ingest_snapshots(engine, "simulator", [step(record)])
        wanted = [TITLES[k] for k in ("kickoff", "goal", "final_score")]
        deadline = time.monotonic() + 30
        shown: list[dict] = []
        while time.monotonic() < deadline:
            shown = tab.evaluate("window.__notifications")
            if len(shown) >= len(wanted):
                break
            tab.wait_for_timeout(200)
        assert [n["title"] for n in shown] == wanted  # no red card: switched off
        assert shown[1]["body"] == "Scored by Bukayo Saka (Arsenal)"
        pushed = [stand_in.decrypt(r) for r in service.wait_for(len(wanted))]
        assert [p["title"] for p in pushed] == wanted and service.refused == []
        devtools = context.new_cdp_session(tab)
        registrations: list[dict] = []
        devtools.on("ServiceWorker.workerRegistrationUpdated",
                    lambda event: registrations.extend(event["registrations"]))
        devtools.send("ServiceWorker.enable")
        tab.wait_for_timeout(300)
        registration = next(r["registrationId"] for r in registrations if r["scopeURL"] == f"{base}/")
        by_worker: list[dict] = []
        for payload in pushed:  # one at a time, each shown before the next arrives
            for _attempt in range(3):  # DevTools' delivery is fire-and-forget: a busy machine can lose one
                devtools.send("ServiceWorker.deliverPushMessage", {"origin": base, "registrationId": registration,
                                                                   "data": json.dumps(payload)})
                for _ in range(25):
                    by_worker = tab.evaluate(SHOWN_BY_WORKER)
                    if payload["tag"] in {n["tag"] for n in by_worker}:
                        break
                    tab.wait_for_timeout(200)
                else:
                    continue
                break
        assert sorted((n["title"], n["tag"]) for n in by_worker) == sorted((n["title"], n["tag"]) for n in shown)
        assert {n["url"] for n in by_worker} == {f"/matches/{record_id(engine)}"}
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "notifications_on_phone_dark.png"), full_page=True)
    finally:
        context.close()
        service.__exit__()
        engine.dispose()
