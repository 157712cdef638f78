"""engsoccerdata vocabulary: which file holds which competition."""

from __future__ import annotations

from matchday.domain.records import MatchStatus

PROVIDER = "engsoccerdata"

# file stem -> (competition code pattern ("{tier}" filled from the row), country, kind, calendar-year seasons)
FILES: dict[str, tuple[str, str | None, str, bool]] = {
    "belgium": ("bel.{tier}", "Belgium", "league", False),
    "england5": ("eng.5", "England", "league", False),
    "france": ("fra.{tier}", "France", "league", False),
    "germany": ("ger.{tier}", "Germany", "league", False),
    "germany2": ("ger.2", "Germany", "league", False),
    "greece": ("gre.{tier}", "Greece", "league", False),
    "holland": ("ned.{tier}", "Netherlands", "league", False),
    "italy": ("ita.{tier}", "Italy", "league", False),
    "portugal": ("por.{tier}", "Portugal", "league", False),
    "spain": ("esp.{tier}", "Spain", "league", False),
    "turkey": ("tur.{tier}", "Turkey", "league", False),
    "safrica": ("rsa.{tier}", "South Africa", "league", False),
    "mls": ("usa.1", "USA", "league", True),
    "champs": ("uefa.cl", None, "cup", False),
    "facup": ("eng.fa_cup", "England", "cup", False),
    "leaguecup": ("eng.league_cup", "England", "cup", False),
    "englandplayoffs": ("eng.playoffs", "England", "cup", False),
    "dfbpokal": ("ger.dfb_pokal", "Germany", "cup", False),
}

# files of the data set that hold no matches
NON_MATCH_FILES = frozenset({"teamnames", "england_club_data", "germany_club_data", "mlsconfs"})
DEDUCTIONS_FILE = "deductions"

# deductions.csv: (country, tier) -> competition code
DEDUCTION_COMPETITIONS: dict[tuple[str, int], str] = {
    ("England", 1): "eng.1", ("England", 2): "eng.2", ("England", 3): "eng.3", ("England", 4): "eng.4",
    ("England", 5): "eng.5",
}

# 3-letter country codes in champs.csv -> country names used for team identity
COUNTRY_CODES: dict[str, str] = {
    "ENG": "England", "SCO": "Scotland", "WAL": "Wales", "NIR": "Northern Ireland", "IRL": "Ireland",
    "ESP": "Spain", "GER": "Germany", "ITA": "Italy", "FRA": "France", "NED": "Netherlands", "POR": "Portugal",
    "BEL": "Belgium", "TUR": "Turkey", "GRE": "Greece",
}

# rows whose 'round' (league files) marks a phase that is not the regular season
REGULAR_ROUNDS = frozenset({"league", "regular"})

# facup.csv 'nonmatch' column: ties that were not (or not validly) played. "<team> disqualified" covers a dozen
# variants. Byes and ties that neither team played are not matches; the rest are stored with this status.
NOT_MATCHES = frozenset({"bye", "not played", "both disqualified"})
NONMATCH_STATUS: dict[str, MatchStatus] = {
    "walkover": MatchStatus.AWARDED,
    "disqualified": MatchStatus.AWARDED,
    "match void": MatchStatus.CANCELLED,
}


def nonmatch_kind(text: str) -> str:
    """The kind of a 'nonmatch' value; an unknown one is kept as its own (lower-cased) text."""
    low = text.strip().lower()
    if low == "both teams disqualified":
        return "both disqualified"
    if low.endswith(" disqualified") or " disqualified (" in low:
        return "disqualified"
    return low
