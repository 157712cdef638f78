"""The built-in simulator: a realistic season without any network, through the same pipeline as real data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from matchday.domain.records import ParseResult
from matchday.errors import NotFound
from matchday.sources.base import Download, LoadUnit
from matchday.sources.simulator.generator import generate_season

DEFAULTS = {"teams": "20", "seed": "1", "league": "sim.1", "season": "2025-26"}  # + played_until (ISO, UTC)


class Simulator:
    name = "simulator"
    description = "generated season (options: teams, seed, league, season)"

    def plan(self, paths: Sequence[Path], options: Mapping[str, str]) -> list[LoadUnit]:
        hints = {**DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
        location = f"simulator:{hints['league']}/{hints['season']}?teams={hints['teams']}&seed={hints['seed']}"
        return [LoadUnit(location, {}, hints)]

    def parse(self, unit: LoadUnit, contents: Mapping[str, bytes]) -> ParseResult:
        hints = unit.hints
        played_until = datetime.fromisoformat(hints["played_until"]) if hints.get("played_until") else None
        return generate_season(int(hints["teams"]), int(hints["seed"]), hints["league"], hints["season"],
                               played_until=played_until)

    def downloads(self, league: str, season: str, base_url: str) -> list[Download]:
        raise NotFound("the simulator downloads nothing: matchday load simulator --teams 20 --seed 1")


SOURCE = Simulator()
