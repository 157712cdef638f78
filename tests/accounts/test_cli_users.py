"""`matchday users create-admin` as a person runs it (a real process): the password from standard input; the
admin can then sign in as an admin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from matchday.accounts import users
from matchday.store.engine import make_engine
from tests.conftest import REPO


def _matchday(tmp_path: Path, password: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"}
    return subprocess.run([sys.executable, "-m", "matchday.cli", *args], input=password + "\n", capture_output=True,
                          text=True, env=env, cwd=REPO, check=False, timeout=120)


def test_create_admin_reads_the_password_from_stdin(tmp_path: Path) -> None:
    created = _matchday(tmp_path, "a long admin passphrase", "users", "create-admin", "root", "root@example.org")
    assert created.returncode == 0, created.stderr
    assert "created" in created.stdout
    weak = _matchday(tmp_path, "123456", "users", "create-admin", "root2", "root2@example.org")
    assert weak.returncode == 2 and "too short" in weak.stderr
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.connect() as conn:
        admin = users.authenticate(conn, "root@example.org", "a long admin passphrase")
    assert admin.is_admin
    engine.dispose()
