"""A phone-sized screen and the account forms, in a real browser: the league table shows every row's points
without scrolling sideways, the header does not take half the screen, the forms are styled like the site."""

from __future__ import annotations

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_league_table_on_a_phone_keeps_points_in_view(browser, base_url: str) -> None:  # noqa: ANN001
    context = browser.new_context(**PHONE)
    tab = context.new_page()
    try:
        for season in ("2024-25", "2011-12"):
            tab.goto(f"{base_url}/leagues/eng.1?season={season}")
            wrap = tab.locator(".table-wrap").first
            assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), season  # no sideways scroll
            points = tab.locator("table.standings tbody td.pts")
            assert points.count() == 20
            for cell in points.all():
                box = cell.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (season, box)
                assert cell.inner_text().strip().isdigit()
            names = tab.locator("table.standings tbody td.team a")
            assert all(name.bounding_box()["width"] > 40 for name in names.all())  # names shortened, not gone
        header = tab.locator("header.topbar")
        assert header.bounding_box()["height"] <= 844 * 0.2
        tab.mouse.wheel(0, 600)
        tab.locator("table.standings tbody tr").nth(12).scroll_into_view_if_needed()
        assert header.bounding_box()["y"] + header.bounding_box()["height"] <= 0  # it scrolls away
    finally:
        context.close()


def test_sign_in_and_register_forms_are_styled(page, base_url: str) -> None:  # noqa: ANN001
    for path in ("/login", "/register"):
        page.goto(base_url + path)
        form = page.locator("form.stack")
        width = form.bounding_box()["width"]
        fields = form.locator('input:not([type="hidden"])')
        assert fields.count() >= 2
        for field in fields.all():
            style = field.evaluate("el => { const s = getComputedStyle(el); return [s.paddingLeft, "
                                   "s.borderTopLeftRadius, s.borderTopStyle]; }")
            assert float(style[0].removesuffix("px")) >= 8 and float(style[1].removesuffix("px")) >= 6, (path, style)
            assert field.bounding_box()["width"] >= 0.95 * width  # full width, not the browser's default box
        button = form.locator('button[type="submit"]')
        colours = button.evaluate("el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]")
        assert colours == ["rgb(29, 112, 184)", "rgb(255, 255, 255)"], (path, colours)  # the site's accent
