"""The import rules of DESIGN §3/§13 hold (import-linter, contracts in pyproject.toml): no cycle between the top-level
packages, ``domain`` imports nothing of ours, ``store`` no live/api/web/cache, ``live`` no ingest, ``fetch`` no
store or sources, ``sources`` no store, and nothing but the server imports ``api`` or ``cli``. A new cycle or an
arrow back up fails here, naming the import."""

from __future__ import annotations

import pytest
from importlinter.cli import lint_imports

from tests.conftest import REPO


def test_the_import_rules_hold(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(REPO)  # the contracts live in pyproject.toml
    result = lint_imports(no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert result == 0, report
    assert "0 broken" in report and "7 kept" in report
