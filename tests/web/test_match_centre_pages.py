"""The match centre in a real Chromium: shot map, xG race, line-ups on a pitch, player figures, the player page,
players in search, crests on tables and match rows; at phone width and in dark mode."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.conftest import build_match_centre_store
from tests.web.conftest import ARTIFACTS, start_server


@pytest.fixture(scope="module")
def centre_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("match-centre-web") / "web.db"
    build_match_centre_store(path).dispose()
    process, base = start_server(path)
    yield base
    process.terminate()
    process.wait(timeout=20)


def _match(base: str, league: str, day: str) -> int:
    items = httpx.get(f"{base}/api/v1/matches", params={"league_id": league, "date": day}).json()["items"]
    return next(m["id"] for m in items if m["home"]["name"] in ("Crystal Palace", "Atletico Madrid",
                                                              "St. Louis CITY SC"))


def _shot(tab, name: str) -> None:  # noqa: ANN001 - a playwright page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_shot_map_and_xg_race(page, centre_url: str) -> None:
    match_id = _match(centre_url, "eng.1", "2021-03-03")
    shots = httpx.get(f"{centre_url}/api/v1/matches/{match_id}/shots").json()
    page.goto(f"{centre_url}/matches/{match_id}")
    shot_map = page.locator("svg.shot-map")
    assert shot_map.is_visible()
    assert shot_map.locator("g.shot.home").count() == shots["home"]["shots"] == 8
    assert shot_map.locator("g.shot.away").count() == shots["away"]["shots"] == 11
    assert shot_map.locator("g.shot.goal").count() == 0  # 0-0
    biggest = max(shots["shots"], key=lambda s: s["xg"])
    radii = {float(r) for r in shot_map.locator("g.shot circle").evaluate_all(
        "els => els.map(e => e.getAttribute('r'))")}
    assert len(radii) > 5  # sized by xG
    titles = shot_map.locator("g.shot title").all_text_contents()
    assert any(biggest["player"]["name"] in t and f"{biggest['xg']:.2f} xG" in t for t in titles)
    race = page.locator("svg.xg-race")
    assert race.locator("g.race.home polyline").count() == 1 and race.locator("g.race.away polyline").count() == 1
    assert f"{shots['home']['xg']:.2f} xG" in page.locator(".shot-totals").inner_text()
    xg_row = page.locator('.stat[data-stat="expected_goals"]')
    assert "0.74" in xg_row.inner_text() and "understat" in xg_row.inner_text()
    assert "football-data-uk" in page.locator('.stat[data-stat="shots"]').inner_text()


def test_lineups_on_a_pitch_with_ratings_and_substitutions(page, centre_url: str) -> None:
    match_id = _match(centre_url, "uefa.cl", "2024-03-13")
    page.goto(f"{centre_url}/matches/{match_id}")
    pitch = page.locator("svg.lineup-pitch")
    assert pitch.is_visible()
    assert pitch.locator("g.player.home").count() == 11 and pitch.locator("g.player.away").count() == 11
    assert pitch.locator("g.player .rating").count() == 22
    assert pitch.locator("g.player.subbed-off").count() == 12  # six substitutions a side
    assert page.locator('[data-role="formation"]').all_text_contents() == ["3-5-2", "3-5-2"]
    assert "coach D. Simeone" in page.locator(".formations").inner_text()
    oblak = pitch.locator("g.player.home", has_text="Oblak")
    assert "rating 8.0" in oblak.locator("title").text_content()
    assert page.locator(".lineup.bench .sub-on").count() == 12
    assert page.locator('.stat[data-stat="possession"]').inner_text().startswith("47%")
    assert page.locator('.stat[data-stat="blocked_shots"]').is_visible()
    assert page.locator("table.player-stats tbody tr").count() > 40
    crest = page.locator(".scoreboard img.crest").first
    assert crest.get_attribute("src") == "https://media.api-sports.io/football/teams/530.png"
    page.locator('.lineup a', has_text="A. Griezmann").first.click()
    page.wait_for_url("**/players/*")
    assert page.locator("h2").first.inner_text().startswith("A. Griezmann")


def test_lineup_without_grid_falls_back_to_the_list(page, centre_url: str) -> None:
    items = httpx.get(f"{centre_url}/api/v1/matches", params={"league_id": "usa.1"}).json()["items"]
    match_id = items[0]["id"]
    page.goto(f"{centre_url}/matches/{match_id}")
    assert page.locator("svg.lineup-pitch").count() == 0
    assert page.locator(".lineup li").count() > 22
    assert page.locator('.stat[data-stat="tackles"]').is_visible()


def test_player_page(page, centre_url: str) -> None:
    [player] = httpx.get(f"{centre_url}/api/v1/players", params={"search": "Bruno Fernandes"}).json()["items"]
    page.goto(f"{centre_url}/players/{player['id']}")
    row = page.locator('table.player-seasons tr[data-league="eng.1"]')
    cells = row.locator("td").all_text_contents()
    assert cells[:3] == ["1", "1", "90"]  # appearances, starts, minutes
    assert page.locator(".player-match .match-row").count() == 1
    assert "Crystal Palace" in page.locator(".player-match").inner_text()
    assert page.goto(f"{centre_url}/players/999999").status == 404


def test_search_finds_players_by_any_name(page, centre_url: str) -> None:
    page.goto(f"{centre_url}/search?q=Jan+Oblak")
    links = page.locator('[data-role="players"] a')
    assert links.all_text_contents() == ["J. Oblak"]


def test_crests_on_tables_and_match_rows(page, centre_url: str) -> None:
    page.goto(f"{centre_url}/leagues/eng.1?season=2020-21")
    crests = page.locator("table.standings img.crest").evaluate_all("els => els.map(e => e.getAttribute('src'))")
    assert "https://crests.football-data.org/66.png" in crests
    assert page.locator(".match-row img.crest").count() > 0
    united = httpx.get(f"{centre_url}/api/v1/teams", params={"search": "Manchester United"}).json()["items"]
    team_id = next(t["id"] for t in united if t["crest_url"] == "https://crests.football-data.org/66.png")
    page.goto(f"{centre_url}/teams/{team_id}")
    facts = page.locator(".team-facts").inner_text()
    assert "founded 1878" in facts and "Old Trafford" in facts
    feed = page.locator('a[data-role="calendar"]').get_attribute("href")
    assert feed == f"/calendar/team/{team_id}.ics"
    assert httpx.get(centre_url + feed).headers["content-type"].startswith("text/calendar")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_match_centre_at_phone_width(browser, centre_url: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  color_scheme=scheme)
    tab = context.new_page()
    af = _match(centre_url, "uefa.cl", "2024-03-13")
    understat = _match(centre_url, "eng.1", "2021-03-03")
    [player] = httpx.get(f"{centre_url}/api/v1/players", params={"search": "Griezmann"}).json()["items"]
    for path in (f"/matches/{af}", f"/matches/{understat}", f"/players/{player['id']}"):
        tab.goto(centre_url + path)
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(15, 20, 27)" if scheme == "dark" else "rgb(244, 246, 249)")
    tab.goto(f"{centre_url}/matches/{understat}")
    assert tab.locator("svg.shot-map").is_visible()
    label = tab.locator("svg.shot-map .side-label").first
    colour = label.evaluate("e => getComputedStyle(e).fill")
    assert colour == ("rgb(230, 235, 242)" if scheme == "dark" else "rgb(23, 32, 42)")  # readable on the card
    _shot(tab, f"match_centre_phone_{scheme}")
    tab.goto(f"{centre_url}/matches/{af}")
    _shot(tab, f"lineup_pitch_phone_{scheme}")
    context.close()


def test_pages_are_server_rendered(centre_url: str) -> None:
    """The SVG is in the HTML as served (no script draws it)."""
    match_id = _match(centre_url, "eng.1", "2021-03-03")
    html = httpx.get(f"{centre_url}/matches/{match_id}").text
    assert html.count('<g class="shot ') == 19 and "xg-race" in html


def test_match_centre_in_german(browser, centre_url: str) -> None:  # noqa: ANN001
    """The charts' labels and the figures in German notation (web/i18n.py): a browser asking for German."""
    context = browser.new_context(locale="de-DE", extra_http_headers={"Accept-Language": "de-DE,de;q=0.9"})
    tab = context.new_page()
    tab.goto(f"{centre_url}/matches/{_match(centre_url, 'uefa.cl', '2024-03-13')}")
    oblak = tab.locator("svg.lineup-pitch g.player.home", has_text="Oblak")
    assert "Note 8,0" in oblak.locator("title").text_content()
    assert tab.locator("svg.lineup-pitch").get_attribute("aria-label").startswith("Aufstellungen auf dem Platz")
    assert tab.locator('.stat[data-stat="possession"]').inner_text().startswith("47\u00a0%")
    assert tab.locator("#lineups-h").inner_text() == "Aufstellungen"
    tab.goto(f"{centre_url}/matches/{_match(centre_url, 'eng.1', '2021-03-03')}")
    assert tab.locator("svg.shot-map").get_attribute("aria-label").startswith("Schusskarte: ")
    assert "0,74" in tab.locator('.stat[data-stat="expected_goals"]').inner_text()
    assert tab.locator("#stats-h").inner_text() == "Statistik"
    context.close()
