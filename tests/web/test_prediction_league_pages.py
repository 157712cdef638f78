"""Two people in real browsers on a running demo: sign up, create a prediction league, join it by its invite
link, predict, watch the form lock at kick-off without a reload, and the leaderboard move live until it is
scored after full time."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from playwright.sync_api import expect

from tests.web.conftest import ARTIFACTS, start_server

PASSWORD = "a long demo passphrase"


def _sign_up(tab, base: str, name: str) -> None:  # noqa: ANN001 - a Playwright page
    tab.goto(f"{base}/register")
    tab.fill('input[name="email"]', f"{name}@example.org")
    tab.fill('input[name="username"]', name)
    tab.fill('input[name="password"]', PASSWORD)
    tab.click('form.stack button[type="submit"]')
    tab.wait_for_url(f"{base}/prediction-leagues")
    assert tab.locator('[data-role="me"]').inner_text() == name


def _predict(tab, home: int, away: int) -> None:  # noqa: ANN001
    rows = tab.locator(".match-row.prediction")
    rows.first.wait_for()
    for index in range(rows.count()):
        row = rows.nth(index)
        row.locator('[data-role="home"]').fill(str(home))
        row.locator('[data-role="away"]').fill(str(away))
        row.locator('[data-role="save"]').click()
        row.locator('[data-role="lock"]', has_text=f"saved {home}:{away}").wait_for()


_TOKENS: dict[str, dict[str, str]] = {}


def _api_token(base: str, name: str) -> dict[str, str]:
    """Bearer headers for the API (signed in once: logins are rate-limited)."""
    if name in _TOKENS:
        return _TOKENS[name]
    tokens = httpx.post(f"{base}/api/v1/auth/login", data={"username": name, "password": PASSWORD}).json()
    _TOKENS[name] = {"Authorization": f"Bearer {tokens['access_token']}"}
    return _TOKENS[name]


def test_sign_up_join_predict_lock_at_kickoff_and_live_leaderboard(browser, tmp_path: Path) -> None:  # noqa: ANN001
    process, base = start_server(tmp_path / "pools-demo.db", None, "demo", "--speed", "900", "--seed", "5",
                                 "--teams", "4", "--kickoff-in", "20", "--match-days", "1")
    started = time.monotonic()
    alice_ctx, bob_ctx = browser.new_context(timezone_id="Europe/Berlin"), browser.new_context()
    try:
        alice, bob = alice_ctx.new_page(), bob_ctx.new_page()
        _sign_up(alice, base, "alice")
        assert httpx.get(f"{base}/api/v1/auth/me", headers=_api_token(base, "alice")).json()["timezone"] == \
            "Europe/Berlin"  # the browser's time zone, taken at sign-up
        alice.fill('form[data-role="create"] input[name="name"]', "Demo office")
        alice.click('form[data-role="create"] button[type="submit"]')
        alice.wait_for_url(f"{base}/prediction-leagues/*")
        league_id = alice.url.rsplit("/", 1)[1].split("?")[0]
        invite_link = alice.locator('[data-role="invite-link"]').inner_text()
        _sign_up(bob, base, "bob")
        bob.goto(invite_link)
        bob.click('form[data-api] button[type="submit"]')
        bob.wait_for_url(f"{base}/prediction-leagues/{league_id}")
        _predict(alice, 0, 0)
        _predict(bob, 3, 0)
        assert time.monotonic() - started < 20, "too slow: the matches kicked off before everyone predicted"
        assert alice.locator('[data-role="save"]').first.is_enabled()
        # kick-off: every row locks in place, no reload
        # (locator waits: the page's CSP forbids the eval that wait_for_function needs)
        expect(alice.locator('.match-row.prediction:not([data-locked="true"])')).to_have_count(0, timeout=60_000)
        assert not alice.locator('[data-role="save"]').first.is_enabled()
        fixtures = httpx.get(f"{base}/api/v1/prediction-leagues/{league_id}/fixtures",
                             headers=_api_token(base, "bob")).json()
        live = [f for f in fixtures if f["status"] in ("live", "halftime")]
        assert live
        refused = httpx.put(f"{base}/api/v1/prediction-leagues/{league_id}/predictions/{live[0]['match_id']}",
                            headers=_api_token(base, "bob"), json={"home": 1, "away": 1})
        assert refused.status_code == 409 and refused.json()["error_code"] == "PREDICTION_LOCKED"
        # the live leaderboard: provisional points pushed while the matches are played
        alice.locator('[data-role="live-flag"]').wait_for(state="visible", timeout=60_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        alice.screenshot(path=str(ARTIFACTS / "prediction_league_live.png"), full_page=True)
        # full time: scored, up to date, the page showing the stored points
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            detail = httpx.get(f"{base}/api/v1/prediction-leagues/{league_id}", headers=_api_token(base, "alice"))
            board = httpx.get(f"{base}/api/v1/prediction-leagues/{league_id}/leaderboard",
                              headers=_api_token(base, "alice")).json()
            if (detail.json()["participants_scores_status"] == "up-to-date" and detail.json()["scores_updated_at"]
                    and not board["live"]):
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the prediction league was not scored after full time")
        alice.locator('[data-role="live-flag"]').wait_for(state="hidden", timeout=30_000)
        rows = alice.locator('[data-role="leaderboard"] tbody tr')
        shown: list[list[str]] = []
        for _ in range(60):  # the page converges on the stored points (a result corrected after the whistle too)
            board = httpx.get(f"{base}/api/v1/prediction-leagues/{league_id}/leaderboard",
                              headers=_api_token(base, "alice")).json()
            expected = [[str(r["rank"]), r["username"], str(r["points"])] for r in board["items"]]
            shown = [text.split("\t")[:3] for text in rows.all_inner_texts()]
            if shown == expected:
                break
            time.sleep(0.5)
        assert shown == expected, f"leaderboard shown {shown}, stored {expected}"
        assert alice.locator('[data-role="scores-status"]').inner_text() == "up-to-date"
        # her season chart, after a reload: one bar per scored round, her rank after it
        alice.reload()
        mine = next(r for r in board["items"] if r["username"] == "alice")
        season = alice.locator('[data-role="my-season"]')
        assert season.locator("svg.season-chart g.round-bar").count() >= 1
        assert f"{mine['points']} points, rank {mine['rank']} of 2" in season.inner_text()
        alice.screenshot(path=str(ARTIFACTS / "prediction_league_final.png"), full_page=True)
    finally:
        alice_ctx.close()
        bob_ctx.close()
        process.terminate()
        process.wait(timeout=20)
