"""The web UI in a real browser against a real server: pages render, agree with the API, and adapt."""

from __future__ import annotations

import httpx

from matchday.services.tables import league_table
from matchday.store.engine import make_engine


def _row_ids(page, heading: str, keep_order: bool = False) -> list[int]:
    """The match ids of the rows in the section labelled by ``heading``."""
    ids = page.locator(f'section[aria-labelledby="{heading}"] a.match-row').evaluate_all(
        "rows => rows.map(row => Number(row.dataset.matchId))")
    return ids if keep_order else sorted(ids)


def test_home_page(page, base_url: str) -> None:
    page.goto(base_url + "/")
    assert page.locator("h2#live-h").inner_text().strip() == "Live now"
    # whatever day the suite runs on, the page agrees with the API about the server's today (read off the page)
    day = page.locator("h2#today-h time").get_attribute("datetime")
    todays = httpx.get(f"{base_url}/api/v1/matches", params={"date": day, "limit": 200}).json()["items"]
    assert _row_ids(page, "today-h") == sorted(m["id"] for m in todays)
    # latest results: twelve finished matches of that day or earlier, newest first
    recent = [httpx.get(f"{base_url}/api/v1/matches/{i}").json() for i in _row_ids(page, "recent-h", keep_order=True)]
    assert len(recent) == 12 and all(m["status"] == "finished" and m["match_date"] <= day for m in recent)
    dates = [m["match_date"] for m in recent]
    assert dates == sorted(dates, reverse=True)
    assert page.locator(".quick-links a.pill").count() >= 3


def test_league_table_equals_the_computed_table(page, base_url: str, web_store) -> None:
    page.goto(base_url + "/leagues/eng.1?season=2011-12")
    rows = page.locator("table.standings tbody tr")
    assert rows.count() == 20
    shown = [(int(r.locator("td.pos").inner_text().split()[0]), r.locator("td.team a").inner_text(),
              int(r.locator("td.pts").inner_text()), r.locator(".chip").evaluate_all(
                  "chips => chips.map(chip => chip.textContent).join('')")) for r in rows.all()]
    engine = make_engine(f"sqlite:///{web_store}")
    with engine.connect() as conn:
        computed = [(r["position"], r["team_name"], r["points"], r["form"])
                    for r in league_table(conn, "eng.1", "2011-12").rows]
    engine.dispose()
    assert shown == computed
    assert page.locator("tr.zone-title").count() == 1 and page.locator("tr.zone-relegation").count() == 3
    tiebreak = page.locator("table.standings tbody tr").first.locator(".tiebreak")
    assert "goal difference" in tiebreak.get_attribute("title")
    assert shown[0][3] == "WWWWW"  # Manchester City won their last five: the chips are the real form


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
    assert "referee R Jones" in page.locator(".scoreboard").inner_text()  # football-data.co.uk's Referee column
    assert page.locator(".stat").count() >= 6 and page.locator("table.odds tbody tr").count() > 5
    assert page.locator(".odds .prob").first.inner_text().endswith("%")


def test_team_page_and_search(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#q", "Manchester United")
    page.press("#q", "Enter")
    page.locator("a", has_text="Manchester United").first.click()
    assert page.locator("h2").first.inner_text().startswith("Manchester United")
    assert page.locator("table.record tbody tr").count() == 3
    # recent results: the team's ten latest finished matches, newest first
    team_id = int(page.url.rstrip("/").split("/")[-1])
    finished = httpx.get(f"{base_url}/api/v1/matches", params={"team_id": team_id, "status": "finished",
                                                               "limit": 200}).json()["items"]
    newest = sorted(finished, key=lambda m: (m["match_date"], m["kickoff_utc"] or ""), reverse=True)[:10]
    assert _row_ids(page, "recent-h", keep_order=True) == [m["id"] for m in newest]


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
