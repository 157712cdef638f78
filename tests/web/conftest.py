"""A real `matchday serve` on localhost and a real headless Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import build_store
from tests.conftest import REPO
from tests.ports import free_port

ARTIFACTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


def start_server(database: Path, env_extra: dict[str, str] | None = None, *args: str) -> tuple[subprocess.Popen, str]:
    """``matchday serve`` (or another serving command in ``args``) on a free port; its output goes to a log file."""
    port = free_port()
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{database}", **(env_extra or {})}
    log_path = database.with_name(f"server-{port}.log")
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "matchday.cli", *(args or ("serve",)), "--host",
                                    "127.0.0.1", "--port", str(port)], env=env, cwd=REPO, stdout=log,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
    process.kill()
    process.wait(timeout=20)
    raise RuntimeError(f"server did not answer /health within 60 s: {log_path.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "web.db"
    build_store(path).dispose()
    return path


@pytest.fixture(scope="session")
def base_url(web_store: Path) -> Iterator[str]:
    process, base = start_server(web_store)
    yield base
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Chromium for one test module. Not for the session: Playwright's sync API keeps its event loop running in
    the main thread while it is started, so a later test of the same worker (``pytest -n``) that calls
    ``asyncio.run`` would find a loop already running."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("CI"):
            raise RuntimeError("chromium is not installed (scripts/test.sh installs Debian's chromium)")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Europe/London")
    tab = context.new_page()
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
