"""The pages' own scripts under the pages' own CSP: every picker works (with and without JavaScript), no page logs
a console error or asks for anything that is missing, and nothing is loaded from outside this server."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

PASSWORD = "a long enough passphrase"


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_season_picker_shows_the_chosen_season(page, base_url: str) -> None:  # noqa: ANN001
    page.goto(base_url + "/leagues/eng.1?season=2024-25")
    assert not page.locator('form[data-autosubmit] [data-role="show"]').first.is_visible()  # JavaScript does it
    with page.expect_navigation():
        page.select_option('select[name="season"]', "2011-12")
    assert _query(page.url)["season"] == ["2011-12"]
    assert page.locator("table.standings").get_attribute("data-season") == "2011-12"
    assert "Manchester City" in page.locator("table.standings tbody tr").first.inner_text()  # champions of 2011-12


def test_round_picker_shows_the_chosen_round(page, base_url: str) -> None:  # noqa: ANN001
    page.goto(base_url + "/leagues/eng.1?season=2024-25")
    with page.expect_navigation():
        page.select_option('select[name="round"]', "3")
    assert _query(page.url) == {"season": ["2024-25"], "round": ["3"]}
    assert page.locator("#round-h").inner_text() == "Round 3"
    assert page.locator('select[name="round"]').input_value() == "3"
    assert page.locator("#round-h").locator("xpath=ancestor::section").locator("a.match-row").count() == 10


def test_fixtures_date_and_league_filters(page, base_url: str) -> None:  # noqa: ANN001
    page.goto(base_url + "/fixtures?date=2011-08-13")
    with page.expect_navigation():
        page.fill('input[name="date"]', "2022-12-18")
    assert _query(page.url)["date"] == ["2022-12-18"]
    assert page.locator("h2 time").get_attribute("datetime") == "2022-12-18"
    assert page.locator("a.match-row").count() == 1  # the World Cup final
    with page.expect_navigation():
        page.select_option('select[name="league"]', "eng.1")
    assert _query(page.url) == {"date": ["2022-12-18"], "league": ["eng.1"]}
    assert page.locator('select[name="league"]').input_value() == "eng.1"
    assert page.locator("a.match-row").count() == 0 and page.locator("p.empty").is_visible()
    with page.expect_navigation():
        page.select_option('select[name="league"]', "fifa.world")
    assert _query(page.url) == {"date": ["2022-12-18"], "league": ["fifa.world"]}
    assert page.locator("a.match-row").count() == 1
    heads = page.locator("h3.league-head")
    assert heads.count() == 1 and "world cup" in heads.inner_text().lower()


def test_without_javascript_the_show_button_applies_the_pickers(browser, base_url: str) -> None:  # noqa: ANN001
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(base_url + "/leagues/eng.1?season=2011-12")
        show = tab.locator('form:has(select[name="season"]) [data-role="show"]')
        assert show.is_visible()
        tab.select_option('select[name="season"]', "2024-25")
        show.click()
        tab.wait_for_url("**season=2024-25")
        assert tab.locator("table.standings").get_attribute("data-season") == "2024-25"
        round_show = tab.locator('form:has(select[name="round"]) [data-role="show"]')
        tab.select_option('select[name="round"]', "5")
        round_show.click()
        tab.wait_for_url("**round=5")
        assert tab.locator("#round-h").inner_text() == "Round 5"
        tab.goto(base_url + "/fixtures?date=2011-08-13")
        tab.fill('input[name="date"]', "2022-12-18")
        tab.click('[data-role="show"]')
        tab.wait_for_url("**date=2022-12-18*")
        assert tab.locator("a.match-row").count() == 1
    finally:
        context.close()


def test_favicon_is_served(base_url: str) -> None:
    response = httpx.get(base_url + "/favicon.ico")
    assert response.status_code == 200 and response.headers["content-type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.fixture
def watched(browser, base_url: str) -> Iterator:  # noqa: ANN001
    """A page that records console errors, uncaught exceptions, failed or 4xx/5xx loads and any request that
    leaves this server (refused, as on a machine without internet)."""
    context = browser.new_context()
    tab = context.new_page()
    problems: list[str] = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url)
                  else (problems.append(f"outside request: {route.request.url}"), route.abort()))
    tab.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    tab.on("pageerror", lambda error: problems.append(f"exception: {error}"))
    tab.on("requestfailed", lambda request: problems.append(f"failed: {request.url} {request.failure}"))
    tab.on("response", lambda response: response.status >= 400 and problems.append(
        f"{response.status}: {response.url}"))
    tab.problems = problems
    yield tab
    context.close()


def _every_page(base_url: str) -> list[str]:
    final = httpx.get(f"{base_url}/api/v1/matches", params={"date": "2022-12-18"}).json()["items"][0]
    return ["/", "/fixtures", "/fixtures?date=2011-08-13", "/leagues", "/leagues/eng.1?season=2011-12",
            "/leagues/eng.1?season=2011-12&round=3", f"/teams/{final['home']['id']}", f"/matches/{final['id']}",
            "/search?q=united", "/login", "/register", "/prediction-leagues", "/forgot-password", "/reset-password",
            "/verify-email"]


def test_no_page_logs_a_console_error(watched, base_url: str) -> None:  # noqa: ANN001
    for path in _every_page(base_url):
        watched.goto(base_url + path)
        watched.wait_for_load_state("networkidle")
        assert not watched.problems, (path, watched.problems)
    # signed in: the account pages and the prediction leagues
    watched.goto(base_url + "/register")
    watched.fill('input[name="email"]', "console@example.org")
    watched.fill('input[name="username"]', "console")
    watched.fill('input[name="password"]', PASSWORD)
    watched.click('form.stack button[type="submit"]')
    watched.wait_for_url(f"{base_url}/prediction-leagues")
    # the landing page's own requests finish before the next address (leaving mid-fetch aborts it, as it should)
    watched.wait_for_load_state("networkidle")
    for path in ("/prediction-leagues", "/profile", "/", "/leagues/eng.1?season=2024-25"):
        watched.goto(base_url + path)
        watched.wait_for_load_state("networkidle")
        assert not watched.problems, (path, watched.problems)
    watched.goto(base_url + "/prediction-leagues")  # a prediction league's page and its invite link
    watched.fill('form[data-role="create"] input[name="name"]', "Console office")
    watched.click('form[data-role="create"] button[type="submit"]')
    watched.wait_for_url(f"{base_url}/prediction-leagues/*")
    watched.wait_for_load_state("networkidle")
    invite = watched.locator('[data-role="invite-link"]').inner_text()
    watched.goto(invite)
    watched.wait_for_load_state("networkidle")
    assert not watched.problems, watched.problems


def test_the_not_found_page_loads_nothing_missing(watched, base_url: str) -> None:  # noqa: ANN001
    response = watched.goto(base_url + "/teams/999999")
    assert response.status == 404
    watched.wait_for_load_state("networkidle")
    # the page itself is the one 404 (Chromium logs it as a console error); nothing else fails
    assert [p for p in watched.problems if "/teams/999999" not in p and "404 (Not Found)" not in p] == []


def test_api_docs_render_offline(watched, base_url: str) -> None:  # noqa: ANN001
    watched.goto(base_url + "/docs")
    watched.locator(".swagger-ui .opblock").first.wait_for()
    assert watched.locator(".swagger-ui .opblock").count() > 20
    assert "matchday" in watched.locator(".swagger-ui .title").inner_text()
    watched.goto(base_url + "/redoc")
    watched.locator("redoc h1, [role=main] h1").first.wait_for()
    assert "matchday" in watched.locator("h1").first.inner_text()
    assert watched.get_by_text("/api/v1/matches").count() > 0
    assert not watched.problems, watched.problems
