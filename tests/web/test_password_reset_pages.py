"""Accounts by email in a real Chromium against a real `matchday serve` that mails through a real SMTP server on
localhost: register → the profile sends a confirmation link → its landing page confirms the address; then, signed
out: sign-in page → forgot password → the emailed link → a new password → signed in with it. At phone width,
light and dark, with no console error (the pages run under the site's CSP, no inline script)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.accounts.conftest import football_store
from tests.smtp_server import SmtpServer
from tests.web.conftest import ARTIFACTS, start_server

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase 7"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def mail_url(tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpServer) -> Iterator[str]:
    path = tmp_path_factory.mktemp("reset") / "reset.db"
    football_store(path).dispose()
    process, base = start_server(path, smtp_server.env())
    yield base
    process.terminate()
    process.wait(timeout=20)


def _watch(tab, problems: list[str]) -> None:  # noqa: ANN001
    tab.on("console", lambda message: message.type == "error" and problems.append(message.text))
    tab.on("pageerror", lambda error: problems.append(str(error)))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_register_confirm_forget_and_reset_in_the_browser(browser, mail_url: str,  # noqa: ANN001
                                                          smtp_server: SmtpServer, scheme: str) -> None:
    name = f"forgetful-{scheme}"
    email = f"{name}@example.org"
    problems: list[str] = []
    context = browser.new_context(**PHONE, color_scheme=scheme)
    tab = context.new_page()
    _watch(tab, problems)
    try:  # register on the page: a confirmation link is mailed; the profile sends another on request
        tab.goto(f"{mail_url}/register")
        tab.fill('input[name="email"]', email)
        tab.fill('input[name="username"]', name)
        tab.fill('input[name="password"]', PASSWORD)
        tab.click('form.stack button[type="submit"]')
        tab.wait_for_url(f"{mail_url}/prediction-leagues")
        smtp_server.inbox.wait_for(email)
        tab.goto(f"{mail_url}/profile")
        assert "not confirmed yet" in tab.locator('[data-role="email-status"]').inner_text()
        tab.click("text=Send a confirmation link")
        assert "on its way" in tab.locator("p.notice").inner_text()
        verify = smtp_server.inbox.wait_for(email, 2)[-1].link("/verify-email")
        tab.goto(verify)  # the landing page asks first: a mail scanner opening the link confirms nothing
        tab.click("text=Confirm my address")
        assert f"{email} is confirmed" in tab.locator("p.notice").inner_text()
        tab.goto(f"{mail_url}/profile")
        assert "is confirmed" in tab.locator('[data-role="email-status"]').inner_text()
    finally:
        context.close()
    context = browser.new_context(**PHONE, color_scheme=scheme)  # another browser, signed out
    tab = context.new_page()
    _watch(tab, problems)
    try:
        tab.goto(f"{mail_url}/login")
        tab.click("text=Forgot your password?")
        tab.wait_for_url(f"{mail_url}/forgot-password")
        tab.fill('input[name="email"]', email)
        tab.click('form.stack button[type="submit"]')
        assert "a reset link is on its way" in tab.locator("p.notice").inner_text()
        mail = next(m for m in smtp_server.inbox.wait_for(email, 3) if "Reset" in m.subject)
        link = mail.link("/reset-password")
        assert link.startswith(f"{mail_url}/reset-password?token=")  # the address the browser used
        tab.goto(link)
        background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == ("rgb(15, 20, 27)" if scheme == "dark" else "rgb(244, 246, 249)")
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        form = tab.locator('form[data-role="reset-form"]')
        assert form.locator('input[name="new_password"]').bounding_box()["width"] >= 0.9 * form.bounding_box()["width"]
        tab.fill('input[name="new_password"]', NEW_PASSWORD)
        tab.fill('input[name="confirm_password"]', NEW_PASSWORD + "x")
        tab.click('form[data-role="reset-form"] button[type="submit"]')
        assert "differ" in tab.locator("p.error").inner_text()
        tab.fill('input[name="new_password"]', NEW_PASSWORD)
        tab.fill('input[name="confirm_password"]', NEW_PASSWORD)
        tab.click('form[data-role="reset-form"] button[type="submit"]')
        notice = tab.locator("p.notice")
        assert "every session has ended" in notice.inner_text()
        colour = notice.evaluate("e => getComputedStyle(e).color")
        assert colour == ("rgb(123, 216, 143)" if scheme == "dark" else "rgb(27, 94, 32)")  # readable on the card
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"password_reset_phone_{scheme}.png"), full_page=True)
        tab.fill('input[name="password"]', NEW_PASSWORD)
        tab.click('form.stack button[type="submit"]')
        tab.wait_for_url(f"{mail_url}/")
        tab.goto(link)  # the link worked once
        tab.fill('input[name="new_password"]', "yet another passphrase 8")
        tab.fill('input[name="confirm_password"]', "yet another passphrase 8")
        tab.click('form[data-role="reset-form"] button[type="submit"]')
        assert "already used or expired" in tab.locator("p.error").inner_text()
    finally:
        context.close()
    assert [p for p in problems if "400" not in p and "422" not in p] == []  # the refusals are the only errors


def test_the_reset_page_without_a_link_says_what_it_needs(mail_url: str) -> None:
    page = httpx.get(f"{mail_url}/reset-password")
    assert page.status_code == 200 and "needs the link from the reset email" in page.text
    assert "<script>" not in page.text  # no inline script: the CSP allows none
    assert "script-src 'self'" in page.headers["content-security-policy"]


