"""The web UI in a real browser against a real server: pages render, agree with the API, and adapt."""

from __future__ import annotations

import httpx

from matchday.services.tables import league_table
from matchday.store.engine import make_engine


def test_home_page(page, base_url: str) -> None:
    page.goto(base_url + "/")
    assert page.locator("h2#live-h").inner_text().strip() == "Live now"
    assert page.locator("h2#today-h").is_visible()
    # the simulated season has matches today (2026-11-22 is a Sunday of its schedule) or shows latest results
    assert page.locator("a.match-row").count() > 0
    assert page.locator(".quick-links a.pill").count() >= 3


def test_league_table_equals_the_computed_table(page, base_url: str, web_store) -> None:
    page.goto(base_url + "/leagues/eng.1?season=2011-12")
    rows = page.locator("table.standings tbody tr")
    assert rows.count() == 20
    shown = [(int(r.locator("td.pos").inner_text().split()[0]), r.locator("td.team a").inner_text(),
              int(r.locator("td.pts").inner_text())) for r in rows.all()]
    engine = make_engine(f"sqlite:///{web_store}")
    with engine.connect() as conn:
        computed = [(r["position"], r["team_name"], r["points"]) for r in league_table(conn, "eng.1", "2011-12").rows]
    engine.dispose()
    assert shown == computed
    assert page.locator("tr.zone-title").count() == 1 and page.locator("tr.zone-relegation").count() == 3
    tiebreak = page.locator("table.standings tbody tr").first.locator(".tiebreak")
    assert "goal difference" in tiebreak.get_attribute("title")
    assert page.locator(".chip.W").count() > 0


def test_position_chart_renders(page, base_url: str) -> None:
    page.goto(base_url + "/leagues/eng.1?season=2011-12")
    chart = page.locator("svg.chart")
    assert chart.is_visible()
    assert chart.locator("polyline").count() == 20
    assert chart.bounding_box()["height"] > 200


def test_match_page(page, base_url: str) -> None:
    match_id = httpx.get(f"{base_url}/api/v1/matches", params={"date": "2022-12-18"}).json()["items"][0]["id"]
    page.goto(f"{base_url}/matches/{match_id}")
    assert page.locator(".big-score").inner_text().replace(" ", "") == "3–3"
    assert page.locator(".timeline .event").count() == 6
    assert "Lionel Messi" in page.locator(".timeline").inner_text()
    assert "pens 4–2" in page.locator(".scoreboard").inner_text()
    fulham = httpx.get(f"{base_url}/api/v1/matches", params={"date": "2024-08-16"}).json()["items"][0]["id"]
    page.goto(f"{base_url}/matches/{fulham}")
    assert page.locator(".stat").count() >= 6 and page.locator("table.odds tbody tr").count() > 5
    assert page.locator(".odds .prob").first.inner_text().endswith("%")


def test_team_page_and_search(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#q", "Manchester United")
    page.press("#q", "Enter")
    page.locator("a", has_text="Manchester United").first.click()
    assert page.locator("h2").first.inner_text().startswith("Manchester United")
    assert page.locator("table.record tbody tr").count() == 3
    assert page.locator("#recent-h").is_visible() and page.locator(".match-row").count() > 0


def test_fixtures_by_date(page, base_url: str) -> None:
    page.goto(base_url + "/fixtures?date=2011-08-13")
    assert page.locator("a.match-row").count() == 6
    page.locator("a[aria-label='Next day']").click()
    assert "2011-08-14" in page.url and page.locator("a.match-row").count() == 2


def test_dark_mode(browser, base_url: str) -> None:
    context = browser.new_context(color_scheme="dark")
    tab = context.new_page()
    tab.goto(base_url + "/leagues/eng.1?season=2011-12")
    dark_bg = tab.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark_bg == "rgb(15, 20, 27)"
    tab.locator(".theme-toggle").click()  # the switch overrides the system preference, and remembers it
    assert tab.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(244, 246, 249)"
    tab.reload()
    assert tab.evaluate("document.documentElement.dataset.theme") == "light"
    from tests.web.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.locator(".theme-toggle").click()
    tab.screenshot(path=str(ARTIFACTS / "dark_mode.png"), full_page=True)
    context.close()


def test_phone_viewport(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    for path in ("/", "/leagues/eng.1?season=2011-12", "/fixtures?date=2011-08-13"):
        tab.goto(base_url + path)
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    assert not tab.locator("table.standings th.wide").first.is_visible()  # GF/GA/form fold away on phones
    from tests.web.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "phone_fixtures.png"), full_page=True)
    context.close()
