"""Every setting is documented in the README's configuration reference."""

from __future__ import annotations

from matchday.settings import Settings
from tests.conftest import REPO


def test_every_setting_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    missing = [name for name in Settings.model_fields if f"MATCHDAY_{name.upper()}" not in readme]
    assert not missing, f"settings missing from README: {missing}"
