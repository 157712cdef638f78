"""football-data.co.uk vocabulary: division codes, bookmaker codes, column names.

Strict tables: a code not listed here is reported, never guessed.
"""

from __future__ import annotations

PROVIDER = "football-data-uk"
BASE_URL = "https://www.football-data.co.uk"

# Division code -> (canonical competition code, country)
DIVISIONS: dict[str, tuple[str, str]] = {
    "E0": ("eng.1", "England"),
    "E1": ("eng.2", "England"),
    "E2": ("eng.3", "England"),
    "E3": ("eng.4", "England"),
    "EC": ("eng.5", "England"),
    "SC0": ("sco.1", "Scotland"),
    "SC1": ("sco.2", "Scotland"),
    "SC2": ("sco.3", "Scotland"),
    "SC3": ("sco.4", "Scotland"),
    "D1": ("ger.1", "Germany"),
    "D2": ("ger.2", "Germany"),
    "SP1": ("esp.1", "Spain"),
    "SP2": ("esp.2", "Spain"),
    "I1": ("ita.1", "Italy"),
    "I2": ("ita.2", "Italy"),
    "F1": ("fra.1", "France"),
    "F2": ("fra.2", "France"),
    "N1": ("ned.1", "Netherlands"),
    "B1": ("bel.1", "Belgium"),
    "P1": ("por.1", "Portugal"),
    "T1": ("tur.1", "Turkey"),
    "G1": ("gre.1", "Greece"),
}

# Extra-leagues layout: (Country, League) -> (canonical code, country, file code used in the URL)
EXTRA_LEAGUES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("Argentina", "Liga Profesional"): ("arg.1", "Argentina", "ARG"),
    ("Austria", "Bundesliga"): ("aut.1", "Austria", "AUT"),
    ("Brazil", "Serie A"): ("bra.1", "Brazil", "BRA"),
    ("China", "Super League"): ("chn.1", "China", "CHN"),
    ("Denmark", "Superliga"): ("den.1", "Denmark", "DNK"),
    ("Finland", "Veikkausliiga"): ("fin.1", "Finland", "FIN"),
    ("Ireland", "Premier Division"): ("irl.1", "Ireland", "IRL"),
    ("Japan", "J-League"): ("jpn.1", "Japan", "JPN"),
    ("Mexico", "Liga MX"): ("mex.1", "Mexico", "MEX"),
    ("Norway", "Eliteserien"): ("nor.1", "Norway", "NOR"),
    ("Poland", "Ekstraklasa"): ("pol.1", "Poland", "POL"),
    ("Romania", "Liga 1"): ("rou.1", "Romania", "ROU"),
    ("Russia", "Premier League"): ("rus.1", "Russia", "RUS"),
    ("Sweden", "Allsvenskan"): ("swe.1", "Sweden", "SWE"),
    ("Switzerland", "Super League"): ("sui.1", "Switzerland", "SWZ"),
    ("USA", "MLS"): ("usa.1", "USA", "USA"),
}

# Bookmaker column prefixes -> our bookmaker names
BOOKMAKERS: dict[str, str] = {
    "1XB": "1xbet",
    "B365": "bet365",
    "BF": "betfair",
    "BFD": "betfred",
    "BFE": "betfair_exchange",
    "BMGM": "betmgm",
    "BS": "blue_square",
    "BV": "betvictor",
    "BW": "bet_and_win",
    "CL": "coral",
    "GB": "gamebookers",
    "IW": "interwetten",
    "LB": "ladbrokes",
    "P": "pinnacle",
    "PS": "pinnacle",
    "SB": "sportingbet",
    "SJ": "stan_james",
    "SO": "sporting_odds",
    "SY": "stanleybet",
    "VC": "vc_bet",
    "WH": "william_hill",
    "Max": "market_max",
    "Avg": "market_average",
    "BbMx": "betbrain_max",
    "BbAv": "betbrain_average",
}

# Column suffix after the bookmaker prefix -> (market, closing, price field)
ODDS_SUFFIXES: dict[str, tuple[str, bool, str]] = {
    "H": ("1x2", False, "price_home"),
    "D": ("1x2", False, "price_draw"),
    "A": ("1x2", False, "price_away"),
    "CH": ("1x2", True, "price_home"),
    "CD": ("1x2", True, "price_draw"),
    "CA": ("1x2", True, "price_away"),
    ">2.5": ("over_under", False, "price_over"),
    "<2.5": ("over_under", False, "price_under"),
    "C>2.5": ("over_under", True, "price_over"),
    "C<2.5": ("over_under", True, "price_under"),
    "AHH": ("asian_handicap", False, "price_home"),
    "AHA": ("asian_handicap", False, "price_away"),
    "CAHH": ("asian_handicap", True, "price_home"),
    "CAHA": ("asian_handicap", True, "price_away"),
    "AH": ("asian_handicap", False, "line"),  # 2002-05: each bookmaker's own handicap line
}

# Handicap line columns shared by all bookmakers of a block
AH_LINE_COLUMNS: dict[str, tuple[bool, str | None]] = {
    "AHh": (False, None),  # opening line for every bookmaker
    "AHCh": (True, None),  # closing line for every bookmaker
    "BbAHh": (False, "Bb"),  # line of the BetBrain aggregates
}

# Counts of bookmakers in the BetBrain aggregate; not prices
BOOKMAKER_COUNT_COLUMNS = frozenset({"Bb1X2", "BbOU", "BbAH"})

# Upstream header typos -> the column meant
HEADER_FIXES: dict[str, str] = {"B36CA": "B365CA"}

# Team statistics columns: (home column, away column) -> stat field
STAT_COLUMNS: dict[str, tuple[str, str]] = {
    "shots": ("HS", "AS"),
    "shots_on_target": ("HST", "AST"),
    "woodwork": ("HHW", "AHW"),
    "corners": ("HC", "AC"),
    "fouls": ("HF", "AF"),
    "offsides": ("HO", "AO"),
    "yellow_cards": ("HY", "AY"),
    "red_cards": ("HR", "AR"),
    "booking_points": ("HBP", "ABP"),
}

RESULT_CODES = frozenset({"H", "D", "A"})

MAIN_LAYOUT_REQUIRED = ("Div", "Date", "HomeTeam", "AwayTeam", "FTHG", "FTAG")
EXTRA_LAYOUT_REQUIRED = ("Country", "League", "Season", "Date", "Home", "Away", "HG", "AG")
# Non-odds columns we read or knowingly skip
KNOWN_COLUMNS = frozenset(
    {"Div", "Date", "Time", "HomeTeam", "AwayTeam", "FTHG", "FTAG", "FTR", "HTHG", "HTAG", "HTR", "Referee",
     "Attendance", "Country", "League", "Season", "Home", "Away", "HG", "AG", "Res"}
    | {col for pair in STAT_COLUMNS.values() for col in pair}
)
KICKOFF_TIMEZONE = "Europe/London"  # football-data.co.uk gives every kick-off in UK time
