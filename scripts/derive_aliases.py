"""Derive team aliases by aligning the same matches in two sources (same date, same home/away, same score).

Prints alias-file rows for every pair of names that the normaliser does not already join. Used to build
``src/matchday/data/team_aliases.csv``; re-run after adding data, then review the output by eye.

    python scripts/derive_aliases.py ../shared/data > /tmp/aliases.csv
"""

from __future__ import annotations

import gzip
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from matchday.domain.names import normalise_team_name
from matchday.domain.records import MatchRecord
from matchday.sources.engsoccerdata.parser import parse_matches
from matchday.sources.football_data_uk.parser import parse_csv
from matchday.sources.international_results.parser import parse_results
from matchday.sources.openfootball.parser import parse_json


def _fingerprints(records: list[MatchRecord]) -> dict[tuple[str, str], Counter]:
    """(scope, team name) → its results as (date, home?, goals for, goals against)."""
    prints: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for m in records:
        if m.home_goals is None or m.match_date is None:
            continue
        prints[(m.home.country or "", m.home.name)][(m.match_date, True, m.home_goals, m.away_goals)] += 1
        prints[(m.away.country or "", m.away.name)][(m.match_date, False, m.away_goals, m.home_goals)] += 1
    return prints


def _display(name: str) -> str:
    return re.sub(r"^(FC|AFC|CF|SC)\s+|\s+(FC|AFC|CF|SC)$", "", name).strip()


def align(preferred: list[MatchRecord], other: list[MatchRecord]) -> set[tuple[str, str, str]]:
    left, right = _fingerprints(preferred), _fingerprints(other)
    rows = set()
    for (scope, name), results in left.items():
        best = max(((len(results & r), other_name) for (s, other_name), r in right.items() if s == scope),
                   default=(0, ""))
        if best[0] >= 3 and normalise_team_name(best[1]) != normalise_team_name(name):
            rows.add((scope, _display(name), best[1]))
            if normalise_team_name(_display(name)) != normalise_team_name(name):
                rows.add((scope, _display(name), name))
    return rows


def main(data: Path) -> None:
    fd = data / "football-data-co-uk"
    of = data / "openfootball-football.json"
    rows: set[tuple[str, str, str]] = set()
    leagues = {"en.1": "E0", "de.1": "D1", "es.1": "SP1", "it.1": "I1", "fr.1": "F1", "en.2": "E1"}
    for path in sorted(of.glob("*/*.json")):
        season, league = path.parent.name, path.stem
        fd_records = []
        for candidate in [fd / leagues[league] / f"{season}.csv", *fd.glob(f"snapshots/{leagues[league]}_{season}*")]:
            if candidate.exists():
                fd_records += parse_csv(candidate.read_bytes(), str(candidate)).matches
        rows |= align(parse_json(path.read_bytes(), str(path), league, season).matches, fd_records)
    engsoccer = {"germany": "D1", "spain": "SP1", "italy": "I1", "france": "F1"}
    for stem, division in engsoccer.items():
        esd = parse_matches(gzip.decompress((data / "engsoccerdata/data-raw" / f"{stem}.csv.gz").read_bytes()),
                            stem, stem).matches
        fd_records = [m for p in sorted((fd / division).glob("*.csv"))
                      for m in parse_csv(p.read_bytes(), str(p)).matches]
        of_records = [m for p in sorted(of.glob(f"*/{[k for k, v in leagues.items() if v == division][0]}.json"))
                      for m in parse_json(p.read_bytes(), str(p), p.stem, p.parent.name).matches]
        rows |= align(of_records, esd) | align(of_records, fd_records)
        rows |= {r for r in align(esd, fd_records) if not any(x[2] == r[2] for x in rows)}
    intl = parse_results(gzip.decompress((data / "international_results/results.csv.gz").read_bytes()), "r").matches
    for path in sorted((data / "openfootball-worldcup.json").glob("*/worldcup.json")):
        rows |= align(intl, parse_json(path.read_bytes(), str(path), "worldcup", path.parent.name).matches)
    writer = sys.stdout
    for scope, name, alias in sorted(rows):
        writer.write(f"{scope},\"{name}\",\"{alias}\"\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data"))
