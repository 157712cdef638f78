"""martj42/international_results: every men's international since 1872, scorers and shoot-outs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from matchday.domain.records import ParseResult, TeamAlias
from matchday.errors import NotFound, UnreadableFile
from matchday.sources.base import Download, LoadUnit, expand
from matchday.sources.columnar import ColumnarParse
from matchday.sources.international_results import spec
from matchday.sources.international_results.columnar import parse_results_columnar
from matchday.sources.international_results.parser import parse_former_names, parse_results

ROLES = ("results", "goalscorers", "shootouts", "former_names")


class InternationalResults:
    name = spec.PROVIDER
    description = "international_results: results.csv(.gz) with goalscorers, shootouts, former_names beside it"

    def plan(self, paths: Sequence[Path], options: Mapping[str, str]) -> list[LoadUnit]:
        by_folder: dict[Path, dict[str, Path]] = {}
        for path in expand(paths, (".csv", ".csv.gz")):
            role = path.name.split(".")[0]
            if role not in ROLES:
                raise UnreadableFile(str(path), f"not an international_results file; expected {', '.join(ROLES)}")
            by_folder.setdefault(path.parent, {})[role] = path
        units = []
        for folder, files in sorted(by_folder.items()):
            for role in ROLES[1:]:  # companions beside results.csv are loaded with it even if not named
                for candidate in (folder / f"{role}.csv", folder / f"{role}.csv.gz"):
                    if role not in files and candidate.exists():
                        files[role] = candidate
            if "results" not in files:
                raise UnreadableFile(str(folder), "no results.csv beside the named files")
            units.append(LoadUnit(str(files["results"]), files))
        return units

    def parse(self, unit: LoadUnit, contents: Mapping[str, bytes]) -> ParseResult:
        result = parse_results(
            contents["results"], str(unit.files["results"]), contents.get("goalscorers"), contents.get("shootouts"),
            str(unit.files.get("goalscorers", "")), str(unit.files.get("shootouts", "")),
        )
        if "former_names" in contents:
            pairs = parse_former_names(contents["former_names"], str(unit.files["former_names"]), result.problems)
            result.aliases.extend(TeamAlias(spec.NATIONAL_TEAMS, current, former) for current, former in pairs)
        return result

    def parse_columnar(self, unit: LoadUnit, contents: Mapping[str, bytes]) -> ColumnarParse:
        """``parse`` as columns, for bulk loading."""
        result = parse_results_columnar(
            contents["results"], str(unit.files["results"]), contents.get("goalscorers"), contents.get("shootouts"),
            str(unit.files.get("goalscorers", "")), str(unit.files.get("shootouts", "")),
        )
        if "former_names" in contents:
            pairs = parse_former_names(contents["former_names"], str(unit.files["former_names"]))
            result.aliases.extend(TeamAlias(spec.NATIONAL_TEAMS, current, former) for current, former in pairs)
        return result

    def downloads(self, league: str, season: str, base_url: str) -> list[Download]:
        raise NotFound("international_results is loaded from files: matchday load international-results <folder>")


SOURCE = InternationalResults()
