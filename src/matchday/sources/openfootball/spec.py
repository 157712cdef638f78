"""openfootball vocabulary: league keys, statuses, time zones of the local kick-off times."""

from __future__ import annotations

from matchday.domain.records import MatchStatus

PROVIDER = "openfootball"
BASE_URL = "https://raw.githubusercontent.com/openfootball"

# openfootball league key -> (canonical code, country, repository, IANA zone of the kick-off times)
LEAGUES: dict[str, tuple[str, str | None, str, str]] = {
    "en.1": ("eng.1", "England", "football.json", "Europe/London"),
    "en.2": ("eng.2", "England", "football.json", "Europe/London"),
    "en.3": ("eng.3", "England", "football.json", "Europe/London"),
    "en.4": ("eng.4", "England", "football.json", "Europe/London"),
    "sco.1": ("sco.1", "Scotland", "football.json", "Europe/London"),
    "de.1": ("ger.1", "Germany", "football.json", "Europe/Berlin"),
    "de.2": ("ger.2", "Germany", "football.json", "Europe/Berlin"),
    "es.1": ("esp.1", "Spain", "football.json", "Europe/Madrid"),
    "es.2": ("esp.2", "Spain", "football.json", "Europe/Madrid"),
    "it.1": ("ita.1", "Italy", "football.json", "Europe/Rome"),
    "it.2": ("ita.2", "Italy", "football.json", "Europe/Rome"),
    "fr.1": ("fra.1", "France", "football.json", "Europe/Paris"),
    "fr.2": ("fra.2", "France", "football.json", "Europe/Paris"),
    "nl.1": ("ned.1", "Netherlands", "football.json", "Europe/Amsterdam"),
    "pt.1": ("por.1", "Portugal", "football.json", "Europe/Lisbon"),
    "be.1": ("bel.1", "Belgium", "football.json", "Europe/Brussels"),
    "tr.1": ("tur.1", "Turkey", "football.json", "Europe/Istanbul"),
    "at.1": ("aut.1", "Austria", "football.json", "Europe/Vienna"),
    "ch.1": ("sui.1", "Switzerland", "football.json", "Europe/Zurich"),
    "worldcup": ("fifa.world", None, "worldcup.json", "UTC"),
    "clubworldcup": ("fifa.cwc", None, "worldcup.json", "America/New_York"),
    "euro": ("uefa.euro", None, "euro.json", "Europe/Berlin"),
}

# Full names in the files' "name" field -> league key (used when the path does not say)
NAME_PREFIXES: dict[str, str] = {
    "English Premier League": "en.1",
    "English Championship": "en.2",
    "Deutsche Bundesliga": "de.1",
    "Spanish La Liga": "es.1",
    "Primera División de España": "es.1",
    "Italian Serie A": "it.1",
    "French Ligue 1": "fr.1",
    "World Cup": "worldcup",
    "Club World Cup": "clubworldcup",
    "Euro": "euro",
}

STATUSES: dict[str, MatchStatus] = {
    "postponed": MatchStatus.POSTPONED,
    "awarded": MatchStatus.AWARDED,
    "cancelled": MatchStatus.CANCELLED,
    "canceled": MatchStatus.CANCELLED,
    "abandoned": MatchStatus.ABANDONED,
    "suspended": MatchStatus.SUSPENDED,
}

# Round names that belong to the regular (table) stage of a league season
REGULAR_STAGE_PREFIXES = ("Matchday", "Regular", "Round ", "Spieltag", "Jornada", "Giornata")
