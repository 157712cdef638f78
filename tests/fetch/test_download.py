"""Downloads by league and season against a real local HTTP server serving the shared files (no internet)."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DATA, REPO


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """football-data.co.uk's URL layout (/mmz4281/1112/E0.csv) mapped onto the shared files."""
    root = tmp_path / "www"
    target = root / "mmz4281" / "1112"
    target.mkdir(parents=True)
    (target / "E0.csv").write_bytes((DATA / "football-data-co-uk" / "E0" / "2011-12.csv").read_bytes())
    requests: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            requests.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def test_download_by_league_and_season_is_cached(tmp_path: Path, mirror: tuple[str, list[str]]) -> None:
    base, requests = mirror
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'dl.db'}",
           "MATCHDAY_CACHE_DIR": str(tmp_path / "cache"), "MATCHDAY_FOOTBALL_DATA_UK_BASE_URL": base}
    command = [sys.executable, "-m", "matchday.cli", "load", "football-data-uk", "--league", "eng.1",
               "--season", "2011-12", "--json"]
    first = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)[0]["new"] == 380
    cached = tmp_path / "cache" / "football-data-uk" / "1112" / "E0.csv"
    assert cached.exists() and json.loads(cached.with_name("E0.csv.meta.json").read_text())["status"] == 200
    second = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    assert json.loads(second.stdout)[0]["unchanged"] == 380
    assert requests == ["/mmz4281/1112/E0.csv"]  # the second load used the cache


def test_missing_remote_file_is_a_clear_failure(tmp_path: Path, mirror: tuple[str, list[str]]) -> None:
    base, _ = mirror
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'dl.db'}",
           "MATCHDAY_CACHE_DIR": str(tmp_path / "cache"), "MATCHDAY_FOOTBALL_DATA_UK_BASE_URL": base,
           "MATCHDAY_HTTP_RETRIES": "1"}
    result = subprocess.run([sys.executable, "-m", "matchday.cli", "load", "football-data-uk", "--league", "E0",
                             "--season", "1999-00"], capture_output=True, text=True, env=env, cwd=REPO, check=False)
    assert result.returncode == 2 and "HTTP 404" in result.stderr
