"""Password reset and email verification through a real SMTP server on localhost (aiosmtpd): the email is
received, its link is followed through the real API; tokens are stored as hashes, work once, expire; a reset
ends every session; the reset request answers alike for unknown addresses and is rate-limited."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from matchday.accounts.mail import Mailer
from matchday.accounts.schema import account_tokens
from tests.accounts.conftest import PASSWORD, bearer, football_store, login, make_client, register
from tests.conftest import REPO
from tests.smtp_server import SmtpServer

NEW_PASSWORD = "a brand new passphrase 7"


@pytest.fixture(scope="module")
def mail_client(tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpServer) -> Iterator[TestClient]:
    engine = football_store(tmp_path_factory.mktemp("mail") / "football.db")
    with make_client(engine, **smtp_server.settings()) as client:
        yield client
    engine.dispose()


def _token(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def test_registration_sends_a_verification_link_that_works_once(mail_client: TestClient,
                                                                 smtp_server: SmtpServer) -> None:
    register(mail_client, "vera")
    mail = smtp_server.inbox.wait_for("vera@example.org")[0]
    assert "Confirm your email" in mail.subject
    link = mail.link("/verify-email")
    assert link.startswith("http://testserver/verify-email?token=")
    tokens = login(mail_client, "vera")
    assert mail_client.get("/api/v1/auth/me", headers=bearer(tokens)).json()["email_verified"] is False
    landing = mail_client.get(urlsplit(link).path + "?" + urlsplit(link).query)  # the page the link opens
    assert landing.status_code == 200 and "Confirm" in landing.text
    assert mail_client.post("/api/v1/auth/verify-email", json={"token": _token(link)}).status_code == 204
    assert mail_client.get("/api/v1/auth/me", headers=bearer(tokens)).json()["email_verified"] is True
    again = mail_client.post("/api/v1/auth/verify-email", json={"token": _token(link)})
    assert again.status_code == 400 and "already used or expired" in again.json()["detail"]
    asked = mail_client.post("/api/v1/auth/verify-email/request", headers=bearer(tokens))
    assert asked.status_code == 409


def test_a_reset_link_sets_the_password_once_and_ends_every_session(mail_client: TestClient,
                                                                    smtp_server: SmtpServer) -> None:
    register(mail_client, "rosa")
    phone, laptop = login(mail_client, "rosa"), login(mail_client, "rosa")
    answer = mail_client.post("/api/v1/auth/password-reset/request", json={"email": "ROSA@example.org"})
    assert answer.status_code == 202
    mail = [m for m in smtp_server.inbox.wait_for("rosa@example.org", 2) if "Reset" in m.subject][0]
    token = _token(mail.link("/reset-password"))
    with mail_client.app.state.accounts.engine.connect() as conn:  # only the hash is stored
        stored = list(conn.execute(select(account_tokens.c.token_hash)).scalars())
    assert token not in stored and len(stored[-1]) == 64
    weak = mail_client.post("/api/v1/auth/password-reset", json={"token": token, "new_password": "123456"})
    assert weak.status_code == 422  # refused: the link stays usable
    done = mail_client.post("/api/v1/auth/password-reset", json={"token": token, "new_password": NEW_PASSWORD})
    assert done.status_code == 204
    for old in (phone, laptop):  # every session ended: access and refresh tokens alike
        assert mail_client.get("/api/v1/auth/me", headers=bearer(old)).status_code == 401
        assert mail_client.post("/api/v1/auth/refresh", json={"refresh_token": old["refresh_token"]}).status_code == 401
    assert mail_client.post("/api/v1/auth/login", data={"username": "rosa", "password": PASSWORD}).status_code == 401
    fresh = login(mail_client, "rosa", NEW_PASSWORD)
    assert mail_client.get("/api/v1/auth/me", headers=bearer(fresh)).json()["email_verified"] is True
    reused = mail_client.post("/api/v1/auth/password-reset", json={"token": token, "new_password": "another one 99x"})
    assert reused.status_code == 400


def test_an_unknown_address_gets_the_same_answer_and_no_email(mail_client: TestClient,
                                                              smtp_server: SmtpServer) -> None:
    register(mail_client, "kim")
    known = mail_client.post("/api/v1/auth/password-reset/request", json={"email": "kim@example.org"})
    unknown = mail_client.post("/api/v1/auth/password-reset/request", json={"email": "nobody@example.org"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    smtp_server.inbox.wait_for("kim@example.org", 2)  # verification + reset
    assert smtp_server.inbox.to("nobody@example.org") == []


def test_an_expired_link_is_refused(mail_client: TestClient, smtp_server: SmtpServer) -> None:
    register(mail_client, "old")
    mail_client.post("/api/v1/auth/password-reset/request", json={"email": "old@example.org"})
    mail = [m for m in smtp_server.inbox.wait_for("old@example.org", 2) if "Reset" in m.subject][0]
    with mail_client.app.state.accounts.engine.begin() as conn:
        conn.execute(update(account_tokens).values(expires_at=account_tokens.c.created_at))
    refused = mail_client.post("/api/v1/auth/password-reset",
                               json={"token": _token(mail.link("/reset-password")), "new_password": NEW_PASSWORD})
    assert refused.status_code == 400


def test_reset_requests_are_rate_limited_alike_for_known_and_unknown_addresses(
        tmp_path: Path, smtp_server: SmtpServer) -> None:
    engine = football_store(tmp_path / "football.db")
    with make_client(engine, password_reset_rate_limit="2/hour", **smtp_server.settings()) as client:
        register(client, "lim")

        def ask(email: str, address: str) -> int:
            other = TestClient(client.app, client=(address, 50000))  # the same app, another client address
            return other.post("/api/v1/auth/password-reset/request", json={"email": email}).status_code

        for email in ("lim@example.org", "ghost@example.org"):  # per email typed, whatever the address
            assert [ask(email, f"10.0.0.{i}") for i in range(3)] == [202, 202, 429]
        for n, email in enumerate(("lim@example.org", "ghost@example.org")):  # per address, whatever the email
            assert [ask(email.replace("@", f"+{i}@"), f"10.0.1.{n}") for i in range(3)] == [202, 202, 429]
    engine.dispose()


def test_without_smtp_the_request_says_so_and_the_cli_prints_a_working_link(tmp_path: Path) -> None:
    engine = football_store(tmp_path / "m.db")
    with make_client(engine) as client:
        register(client, "solo")
        refused = client.post("/api/v1/auth/password-reset/request", json={"email": "solo@example.org"})
        assert refused.status_code == 503 and refused.json()["error_code"] == "EMAIL_NOT_CONFIGURED"
        assert "matchday users reset-link" in refused.json()["detail"]
        env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}",
               "MATCHDAY_PUBLIC_URL": "https://football.example"}
        printed = subprocess.run([sys.executable, "-m", "matchday.cli", "users", "reset-link", "solo"], env=env,
                                 cwd=REPO, capture_output=True, text=True, check=False, timeout=120)
        assert printed.returncode == 0, printed.stderr
        link = printed.stdout.strip()
        assert link.startswith("https://football.example/reset-password?token=")
        done = client.post("/api/v1/auth/password-reset", json={"token": _token(link), "new_password": NEW_PASSWORD})
        assert done.status_code == 204
        login(client, "solo", NEW_PASSWORD)
    engine.dispose()


def test_starttls_is_required_when_configured(smtp_server: SmtpServer) -> None:
    mailer = Mailer("127.0.0.1", smtp_server.port, None, None, "m <m@x.test>", "starttls", 10.0)
    with pytest.raises(smtplib.SMTPNotSupportedError):  # the local server offers no STARTTLS: nothing goes out
        mailer.send("someone@example.org", "hi", "text")
    assert smtp_server.inbox.to("someone@example.org") == []


