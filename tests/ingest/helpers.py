"""Loading real files through the pipeline in tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from matchday.ingest.pipeline import UnitSummary, load_units
from matchday.sources.base import get_source


def load(engine: Engine, source: str, *paths: Path, **options: str) -> list[UnitSummary]:
    plugin = get_source(source)
    return load_units(engine, plugin, plugin.plan(list(paths), options))
