"""Downloads keyed by URL, revalidated with ETag/Last-Modified, and bounded against servers that misbehave."""

from __future__ import annotations

import functools
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from matchday.fetch.client import download_all, url_cache_path
from matchday.settings import Settings
from matchday.sources.base import Download
from tests.conftest import FDUK, REPO


class _Server:
    def __init__(self, root: Path) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        server_self = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server_self.requests.append((self.path, dict(self.headers)))
                if self.path.startswith("/loop"):
                    self.send_response(302)
                    self.send_header("Location", "/loop/again" if self.path == "/loop" else "/loop")
                    self.end_headers()
                    return
                super().do_GET()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[_Server]:
    root = tmp_path / "www"
    for folder, season in (("a", "2011-12"), ("b", "2024-25")):
        (root / folder).mkdir(parents=True)
        (root / folder / "E0.csv").write_bytes((FDUK / "E0" / f"{season}.csv").read_bytes())
    running = _Server(root)
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


def _matchday(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'dl.db'}",
                "MATCHDAY_CACHE_DIR": str(tmp_path / "cache"), **env}
    return subprocess.run([sys.executable, "-m", "matchday.cli", *args], capture_output=True, text=True,
                          env=full_env, cwd=REPO, check=False, timeout=120)


def test_two_urls_ending_in_the_same_name_are_two_files(tmp_path: Path, server: _Server) -> None:
    first = _matchday(tmp_path, "load", "football-data-uk", f"{server.base}/a/E0.csv", "--json")
    second = _matchday(tmp_path, "load", "football-data-uk", f"{server.base}/b/E0.csv", "--json")
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert json.loads(first.stdout)[0]["new"] == 380
    assert json.loads(second.stdout)[0]["new"] == 380  # 2024-25, not the 2011-12 bytes again
    assert [path for path, _ in server.requests] == ["/a/E0.csv", "/b/E0.csv"]


def test_refresh_revalidates_and_a_304_keeps_the_cached_file(tmp_path: Path, server: _Server) -> None:
    settings = Settings(cache_dir=tmp_path / "cache")
    url = f"{server.base}/a/E0.csv"
    [cached] = download_all([Download(url, url_cache_path("football-data-uk", url))], settings)
    before = cached.read_bytes()
    [again] = download_all([Download(url, url_cache_path("football-data-uk", url))], settings, refresh=True)
    assert again == cached and again.read_bytes() == before
    _path, headers = server.requests[-1]
    assert "If-Modified-Since" in headers  # the cached Last-Modified, answered 304 by the server
    assert len(server.requests) == 2


def test_a_changed_base_url_is_not_served_from_the_old_cache(tmp_path: Path, server: _Server) -> None:
    # a league download's cache path is the same whatever the mirror; the meta file's URL tells them apart
    root = Path(server.httpd.RequestHandlerClass.keywords["directory"])
    for mirror, season in (("m1", "2011-12"), ("m2", "2024-25")):
        (root / mirror).mkdir()
        (root / mirror / "E0.csv").write_bytes((FDUK / "E0" / f"{season}.csv").read_bytes())
    settings = Settings(cache_dir=tmp_path / "cache")
    bodies = []
    for mirror in ("m1", "m2"):
        [path] = download_all([Download(f"{server.base}/{mirror}/E0.csv", "football-data-uk/1112/E0.csv")], settings)
        bodies.append(path.read_bytes())
    assert bodies[0] != bodies[1] and bodies[1] == (FDUK / "E0" / "2024-25.csv").read_bytes()
    assert [path for path, _ in server.requests] == ["/m1/E0.csv", "/m2/E0.csv"]


def test_a_redirect_loop_is_a_clear_error(tmp_path: Path, server: _Server) -> None:
    result = _matchday(tmp_path, "load", "football-data-uk", f"{server.base}/loop")
    assert result.returncode == 2
    assert "more than 5 redirects" in result.stderr and "Traceback" not in result.stderr


def test_a_server_that_never_answers_fails_within_the_deadline(tmp_path: Path) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepts connections (the kernel does) and never sends a byte
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/E0.csv"
        result = _matchday(tmp_path, "load", "football-data-uk", url, MATCHDAY_HTTP_TIMEOUT_S="0.5",
                           MATCHDAY_HTTP_DEADLINE_S="1.5")
    finally:
        silent.close()
    assert result.returncode == 2
    assert "no answer within" in result.stderr and "Traceback" not in result.stderr
