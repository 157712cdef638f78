"""What a source plugin provides, and how plugins are found (entry-point group ``matchday.sources``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol

from matchday.domain.interfaces import Download
from matchday.domain.records import ParseResult
from matchday.errors import NotFound

ENTRY_POINT_GROUP = "matchday.sources"
__all__ = ["Download", "LoadUnit", "Source", "ENTRY_POINT_GROUP"]


@dataclass(frozen=True)
class LoadUnit:
    """One thing to load: the files parsed together (by role) and what their location tells (league, season)."""

    location: str
    files: Mapping[str, Path] = field(default_factory=dict)
    hints: Mapping[str, str] = field(default_factory=dict)


class Source(Protocol):
    name: str
    description: str

    def plan(self, paths: Sequence[Path], options: Mapping[str, str]) -> list[LoadUnit]:
        """Group the given files (or directories) into load units; raise UnreadableFile for foreign files."""

    def parse(self, unit: LoadUnit, contents: Mapping[str, bytes]) -> ParseResult:
        """Pure: the unit's file contents in, canonical records out."""

    def downloads(self, league: str, season: str, base_url: str) -> list[Download]:
        """What to fetch for a league and season; raise NotFound where the provider has no such league."""


def available_sources() -> dict[str, Source]:
    return {ep.name: ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)}


def get_source(name: str) -> Source:
    sources = available_sources()
    if name not in sources:
        raise NotFound(f"unknown source {name!r}; available: {', '.join(sorted(sources))}")
    return sources[name]


def expand(paths: Sequence[Path], suffixes: tuple[str, ...]) -> list[Path]:
    """Files named directly, plus files with one of ``suffixes`` found under named directories (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(suffixes)))
        else:
            found.append(path)
    return found
