"""The pages in German in a real browser: by the browser's Accept-Language, by the language picker (a cookie), and
by a signed-in user's stored language; headings translated, dates and numbers in German notation, the scripts'
own texts translated, at phone width and in dark mode, with no console error."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.web.test_prediction_league_pages import PASSWORD

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
GERMAN = {"locale": "de-DE", "extra_http_headers": {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}}


def _watch(tab) -> list[str]:  # noqa: ANN001 - a Playwright page
    problems: list[str] = []
    tab.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    tab.on("pageerror", lambda error: problems.append(f"exception: {error}"))
    tab.on("response", lambda response: response.status >= 400 and problems.append(
        f"{response.status}: {response.url}"))
    return problems


@pytest.fixture
def german_tab(browser, request: pytest.FixtureRequest) -> Iterator:  # noqa: ANN001
    """A phone-sized tab whose browser asks for German, light or dark by the test's parameter."""
    context = browser.new_context(**PHONE, **GERMAN, color_scheme=getattr(request, "param", "light"),
                                  timezone_id="Europe/Berlin")
    tab = context.new_page()
    tab.problems = _watch(tab)
    yield tab
    context.close()


def _final(base_url: str) -> int:
    return httpx.get(f"{base_url}/api/v1/matches", params={"date": "2022-12-18"}).json()["items"][0]["id"]


def _fits(tab) -> bool:  # noqa: ANN001
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("german_tab", ["light", "dark"], indirect=True)
def test_pages_in_german_by_accept_language(german_tab, base_url: str) -> None:  # noqa: ANN001
    tab = german_tab
    tab.goto(base_url + "/")
    assert tab.locator("html").get_attribute("lang") == "de"
    assert tab.locator("h2#live-h").inner_text().strip() == "Jetzt live"
    assert tab.locator("h2#recent-h").inner_text().strip() == "Neueste Ergebnisse"
    assert [a.inner_text() for a in tab.locator("header nav a").all()] == ["Start", "Spielplan", "Ligen",
                                                                        "Tippspiel"]
    background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
    dark = tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert background == ("rgb(15, 20, 27)" if dark else "rgb(244, 246, 249)")
    # a date: the server's German text and the script's (in the page's language) agree
    tab.goto(base_url + "/fixtures?date=2011-08-13")
    assert " ".join(tab.locator("main h2").first.inner_text().split()) == "Spiele am Samstag, 13. August 2011"
    tab.goto(base_url + "/leagues/eng.1?season=2011-12")
    headings = tab.locator("table.standings thead th").all_text_contents()
    assert headings[1:3] == ["Mannschaft", "Sp."] and "Pkt." in headings
    assert tab.locator("#scorers-h").inner_text() == "Torjäger"
    assert tab.locator("svg.chart").first.get_attribute("aria-label").startswith("Tabellenplatz jeder Mannschaft")
    assert re.fullmatch(r"\d+\. Spieltag|Letzte Spiele", tab.locator("#round-h").inner_text())
    assert set("".join(tab.locator("table.standings .chip").all_text_contents())) <= set("SUN")
    dates = [d.strip() for d in tab.locator(".match-row .date").all_text_contents()]
    # 13.08.2011 as the server writes a day; 13. Aug. 2011 as the script writes a kick-off time's day
    german_day = re.compile(r"\d\d\.\d\d\.\d{4}|\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+\.? \d{4}")
    assert dates and all(german_day.fullmatch(d) for d in dates), dates[:3]
    assert _fits(tab)
    # numbers: decimals with a comma, percentages with the German space
    tab.goto(f"{base_url}/matches/{_final(base_url)}")
    assert tab.locator("#timeline-h").inner_text() == "Spielverlauf"
    assert tab.locator(".scoreboard .sub").inner_text().split()[:3] == ["Ende", "HZ", "2–0"]
    assert "i. E. 4–2" in tab.locator(".scoreboard .sub").inner_text()
    chart_label = tab.locator("svg.shot-map, svg.lineup-pitch").evaluate_all("els => els.map(e => e.ariaLabel)")
    assert all(label.startswith(("Schusskarte", "Aufstellungen")) for label in chart_label), chart_label
    match = httpx.get(f"{base_url}/api/v1/matches", params={"league_id": "eng.1", "season": "2024-25",
                                                             "limit": 1}).json()["items"][0]
    tab.goto(f"{base_url}/matches/{match['id']}")
    assert tab.locator("#prediction-h").inner_text().startswith("Prognose")
    cells = tab.locator("table.odds").first.locator("td").all_text_contents()
    assert cells[0] == "Wahrscheinlichkeit" and all(re.fullmatch(r"\d+\u00a0%", c) for c in cells[1:4]), cells
    assert re.fullmatch(r"\d+,\d\d", cells[5]), cells  # expected goals, e.g. 1,73
    assert _fits(tab)
    assert not tab.problems, tab.problems


def test_the_language_picker_sets_a_cookie(browser, base_url: str) -> None:  # noqa: ANN001
    context = browser.new_context(locale="en-GB")
    tab = context.new_page()
    problems = _watch(tab)
    tab.goto(base_url + "/leagues")
    assert tab.locator("main h2").first.inner_text() == "Leagues and cups"
    with tab.expect_navigation():
        tab.select_option('form[data-role="language"] select[name="lang"]', "de")
    assert tab.url == base_url + "/leagues"  # back where it was
    assert tab.locator("main h2").first.inner_text() == "Ligen und Pokale"
    assert any(c["name"] == "lang" and c["value"] == "de" for c in context.cookies())
    tab.goto(base_url + "/login")  # and it stays German from page to page
    assert tab.locator("main h2").inner_text() == "Anmelden"
    with tab.expect_navigation():
        tab.select_option('form[data-role="language"] select[name="lang"]', "en")
    assert tab.locator("main h2").inner_text() == "Sign in"
    assert not problems, problems
    context.close()


@pytest.mark.parametrize("scheme", ["dark"])
def test_a_signed_in_users_language_wins(browser, base_url: str, scheme: str) -> None:  # noqa: ANN001
    """The stored language (set on the profile page) beats an English browser; the scripts' texts follow."""
    context = browser.new_context(**PHONE, locale="en-US", color_scheme=scheme)
    tab = context.new_page()
    problems = _watch(tab)
    tab.goto(f"{base_url}/register")
    tab.fill('input[name="email"]', "deutsch@example.org")
    tab.fill('input[name="username"]', "deutsch")
    tab.fill('input[name="password"]', PASSWORD)
    tab.click('form.stack button[type="submit"]')
    tab.wait_for_url(f"{base_url}/prediction-leagues")
    assert tab.locator("main h2").first.inner_text() == "Your prediction leagues"
    tab.goto(f"{base_url}/profile")
    tab.select_option('select[name="language"]', "de")
    tab.click('form.stack:has(select[name="language"]) button[type="submit"]')
    assert tab.locator('.notice[role="status"]').inner_text() == "Profil gespeichert."
    tab.goto(f"{base_url}/prediction-leagues")
    assert tab.locator("main h2").first.inner_text() == "Deine Tippspiele"
    # a prediction league's page: its headings, and the texts its script writes
    tab.fill('form[data-role="create"] input[name="name"]', "Büro-Tippspiel")
    tab.click('form[data-role="create"] button[type="submit"]')
    tab.wait_for_url(f"{base_url}/prediction-leagues/*")
    assert tab.locator("#board-h").inner_text().startswith("Rangliste")
    assert re.fullmatch(r"\d+\. Spieltag", tab.locator("#round-h").inner_text())
    # the fixtures script marks its container no longer busy once it has written the round (rows or the empty text);
    # the server-rendered "Loading…" placeholder comes before that
    tab.locator('[data-role="fixtures"][aria-busy="false"]').wait_for()
    if tab.locator('[data-role="fixtures"] .match-row').count():
        assert set(tab.locator('[data-role="save"]').all_text_contents()) == {"Speichern"}
    else:
        assert tab.locator('[data-role="fixtures"] .empty').inner_text() == "Keine Spiele an diesem Spieltag."
    assert _fits(tab)
    # the picker, signed in, changes the stored language too (a cookie alone would lose to it)
    with tab.expect_navigation():
        tab.select_option('form[data-role="language"] select[name="lang"]', "en")
    context.clear_cookies(name="lang")
    tab.goto(f"{base_url}/profile")
    assert tab.locator('select[name="language"]').input_value() == "en"
    assert {"Email", "Calendar"} <= set(tab.locator("main h2").all_inner_texts())
    assert not problems, problems
    context.close()
