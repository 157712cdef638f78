"""engsoccerdata (jalapic): a century of league and cup results from England and Europe, plus deductions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from matchday.domain.records import ParseResult
from matchday.errors import NotFound, UnreadableFile
from matchday.sources.base import Download, LoadUnit, expand
from matchday.sources.columnar import ColumnarParse
from matchday.sources.engsoccerdata import spec
from matchday.sources.engsoccerdata.columnar import parse_matches_columnar
from matchday.sources.engsoccerdata.parser import parse_deductions, parse_matches


def _stem(path: Path) -> str:
    return path.name.split(".")[0]


class EngSoccerData:
    name = spec.PROVIDER
    description = "engsoccerdata data-raw/*.csv(.gz): league, cup and European results; deductions.csv"

    def plan(self, paths: Sequence[Path], options: Mapping[str, str]) -> list[LoadUnit]:
        units = []
        for path in expand(paths, (".csv", ".csv.gz")):
            stem = _stem(path)
            if stem in spec.NON_MATCH_FILES:
                continue
            if stem not in spec.FILES and stem != spec.DEDUCTIONS_FILE:
                raise UnreadableFile(str(path), f"not an engsoccerdata results file (unknown name {stem!r})")
            units.append(LoadUnit(str(path), {"csv": path}, {"stem": stem}))
        # deductions refer to teams: load them after the results that name those teams
        return sorted(units, key=lambda u: u.hints["stem"] == spec.DEDUCTIONS_FILE)

    def parse(self, unit: LoadUnit, contents: Mapping[str, bytes]) -> ParseResult:
        if unit.hints["stem"] == spec.DEDUCTIONS_FILE:
            deductions, problems = parse_deductions(contents["csv"], unit.location)
            return ParseResult(deductions=deductions, problems=problems, rows_read=len(deductions) + len(problems))
        return parse_matches(contents["csv"], unit.location, unit.hints["stem"])

    def parse_columnar(self, unit: LoadUnit, contents: Mapping[str, bytes]) -> ColumnarParse | None:
        """The results files as columns, for bulk loading (None for deductions: the record path loads them)."""
        if unit.hints["stem"] == spec.DEDUCTIONS_FILE:
            return None
        return parse_matches_columnar(contents["csv"], unit.location, unit.hints["stem"])

    def downloads(self, league: str, season: str, base_url: str) -> list[Download]:
        raise NotFound("engsoccerdata is loaded from files: matchday load engsoccerdata <data-raw folder>")


SOURCE = EngSoccerData()
