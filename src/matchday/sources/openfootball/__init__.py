"""openfootball: public-domain league and tournament JSON (football.json, worldcup.json, euro.json)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from matchday.domain.records import ParseResult
from matchday.domain.seasons import normalise_season
from matchday.errors import NotFound
from matchday.sources.base import Download, LoadUnit, expand
from matchday.sources.openfootball import spec
from matchday.sources.openfootball.parser import parse_json

_PATH = re.compile(r"(?P<season>\d{4}(?:-\d{2})?)/(?P<league>[a-z0-9]+(?:\.[0-9]+)?)\.json$")
_AUXILIARY = re.compile(r"\.(groups|stadiums|standings|teams|clubs)\.json$")


class OpenFootball:
    name = spec.PROVIDER
    description = "openfootball JSON files: <season>/<league>.json (football.json, worldcup.json, euro.json)"

    def plan(self, paths: Sequence[Path], options: Mapping[str, str]) -> list[LoadUnit]:
        units = []
        for path in expand(paths, (".json",)):
            if _AUXILIARY.search(path.name):
                continue  # groups/stadiums/teams files carry no matches
            found = _PATH.search(path.as_posix())
            hints = {"league": found["league"], "season": found["season"]} if found else {}
            units.append(LoadUnit(str(path), {"json": path}, hints))
        return units

    def parse(self, unit: LoadUnit, contents: Mapping[str, bytes]) -> ParseResult:
        return parse_json(contents["json"], unit.location, unit.hints.get("league"), unit.hints.get("season"))

    def downloads(self, league: str, season: str, base_url: str) -> list[Download]:
        key = league_key(league)
        _code, country, repo, _zone = spec.LEAGUES[key]
        label = normalise_season(season, calendar_year=country is None)
        path = f"{repo}/master/{label}/{key}.json"
        return [Download(f"{base_url}/{path}", f"{self.name}/{path}")]


def league_key(league: str) -> str:
    if league in spec.LEAGUES:
        return league
    for key, (code, *_rest) in spec.LEAGUES.items():
        if code == league:
            return key
    raise NotFound(f"openfootball has no league {league!r}")


SOURCE = OpenFootball()
