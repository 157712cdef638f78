"""football-data.co.uk: season CSVs with results, match statistics and bookmaker odds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from matchday.catalog import season_rules
from matchday.domain.records import ParseResult
from matchday.domain.season_phases import mark_post_season
from matchday.domain.seasons import compact_season, normalise_season
from matchday.errors import NotFound
from matchday.sources.base import Download, LoadUnit, expand
from matchday.sources.football_data_uk import spec
from matchday.sources.football_data_uk.parser import parse_csv


class FootballDataUK:
    name = spec.PROVIDER
    description = "football-data.co.uk CSV files (main and extra-league layouts)"

    def plan(self, paths: Sequence[Path], options: Mapping[str, str]) -> list[LoadUnit]:
        return [LoadUnit(str(path), {"csv": path}) for path in expand(paths, (".csv", ".csv.gz"))]

    def parse(self, unit: LoadUnit, contents: Mapping[str, bytes]) -> ParseResult:
        result = parse_csv(contents["csv"], unit.location)
        # extra-league files run on into the play-offs (MLS Cup, Eliteserien's relegation play-off): the
        # competition data says how many matches a team plays in the regular season
        lengths = {key: games for key in {(m.competition.code, m.season) for m in result.matches}
                   if (games := season_rules(*key).get("season_games"))}
        if lengths:
            result.matches = mark_post_season(result.matches, lengths)
        return result

    def downloads(self, league: str, season: str, base_url: str) -> list[Download]:
        division = division_code(league)
        if division is None:
            extra = next((v for v in spec.EXTRA_LEAGUES.values() if league in (v[0], v[2])), None)
            if extra is None:
                raise NotFound(f"football-data.co.uk has no league {league!r}")
            return [Download(f"{base_url}/new/{extra[2]}.csv", f"{self.name}/new/{extra[2]}.csv")]
        label = normalise_season(season)
        compact = compact_season(label)
        return [Download(f"{base_url}/mmz4281/{compact}/{division}.csv", f"{self.name}/{compact}/{division}.csv")]


def division_code(league: str) -> str | None:
    """``E0`` or ``eng.1`` → ``E0``."""
    if league in spec.DIVISIONS:
        return league
    return next((div for div, (code, _country) in spec.DIVISIONS.items() if code == league), None)


SOURCE = FootballDataUK()
