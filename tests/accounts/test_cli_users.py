"""`matchday users create-admin`: the password from standard input; the admin can sign in as an admin."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from matchday.accounts import users
from matchday.cli import app
from matchday.settings import get_settings
from matchday.store.engine import make_engine


def test_create_admin_reads_the_password_from_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHDAY_DATABASE_URL", f"sqlite:///{tmp_path / 'm.db'}")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        result = runner.invoke(app, ["users", "create-admin", "root", "root@example.org"],
                               input="a long admin passphrase\n")
        assert result.exit_code == 0, result.output
        assert "created" in result.output
        weak = runner.invoke(app, ["users", "create-admin", "root2", "root2@example.org"], input="123456\n")
        assert weak.exit_code == 2 and "too short" in weak.output
    finally:
        get_settings.cache_clear()
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.connect() as conn:
        admin = users.authenticate(conn, "root@example.org", "a long admin passphrase")
    assert admin.is_admin
    engine.dispose()
