"""engsoccerdata results file → canonical columns. Pure: no I/O.

The vectorised twin of ``parser.parse_matches`` for the common row: an ISO (or NA) date, a four-digit season,
whole-number goals, plain team names, and nothing in the columns that mark an unusual match (extra time,
penalties, walkovers, notes). Every other row is parsed by ``parse_matches`` itself, on an excerpt of the file
that keeps its line numbers, so both paths quarantine the same rows in the same words.
"""

from __future__ import annotations

import json

import polars as pl

from matchday.sources.columnar import (
    FIRST_YEAR,
    GOALS,
    LABEL,
    LAST_YEAR,
    NAME,
    TEXT,
    ColumnarParse,
    combine,
    from_records,
    is_na,
    iso_date,
    na_or,
    read_columns,
    relined,
)
from matchday.sources.engsoccerdata import spec
from matchday.sources.engsoccerdata.parser import REQUIRED, parse_matches

# columns that mark a match out of the ordinary: a row with any of them set goes through the record parser
UNUSUAL = ("aet", "pen", "pens", "hp", "vp", "hpen", "vpen", "aethgoal", "aetvgoal", "hgoalaet", "vgoalaet",
           "nonmatch", "notes")
NOT_GROUPS = ("B1", "G1", "P1", "T1", "F1")
YEAR = r"^[0-9]{4}$"  # and within FIRST_YEAR..LAST_YEAR
TIER = r"^([1-9]|1[0-9]|20)$"  # validation.count(tier, 20), written as the record parser writes it back
COUNTRY = r"^[A-Za-z](?:[A-Za-z ]{0,38}[A-Za-z])?$"


def parse_matches_columnar(data: bytes, location: str, stem: str) -> ColumnarParse:
    """Parse one engsoccerdata results file into columns; the same matches and problems as ``parse_matches``."""
    table = read_columns(data, location)
    if stem not in spec.FILES or table is None:
        return from_records(parse_matches(data, location, stem))
    header = [name.lower() for name in table.header]
    if any(col.lower() not in header for col in REQUIRED):
        return from_records(parse_matches(data, location, stem))
    index = {name: i for i, name in enumerate(header) if name}
    code_pattern, country, kind, calendar = spec.FILES[stem]

    def col(name: str) -> pl.Expr:
        return table.col(index[name])

    def optional(*names: str) -> pl.Expr | None:
        found = next((name for name in names if name in index), None)
        return col(found) if found else None

    date, season, home, away = col("date"), col("season"), col("home"), col("visitor")
    tier, ht, round_, division = optional("tier"), optional("ht"), optional("round"), optional("division")
    hcountry, vcountry, venue, neutral = optional("hcountry"), optional("vcountry"), optional("venue"), \
        optional("neutral")
    hconf, vconf = optional("hconf"), optional("vconf")
    day = iso_date(date)
    checks = [pl.col("lines_agree"), (date == "NA") | day.is_not_null(),
              season.str.contains(YEAR) & season.cast(pl.Int64, strict=False).is_between(FIRST_YEAR, LAST_YEAR),
              col("hgoal").str.contains(GOALS), col("vgoal").str.contains(GOALS),
              home.str.contains(NAME), away.str.contains(NAME)]
    checks += [is_na(col(name)) for name in UNUSUAL if name in index]
    checks += [expr.str.contains(TIER) for expr in (tier,) if expr is not None]
    checks += [na_or(expr, LABEL) for expr in (round_, division, hconf, vconf) if expr is not None]
    checks += [na_or(expr, r"^[0-9]{1,2}-[0-9]{1,2}$") for expr in (ht,) if expr is not None]
    checks += [expr.str.contains(COUNTRY) for expr in (hcountry, vcountry) if expr is not None]
    checks += [na_or(venue, TEXT)] if venue is not None else []
    checks += [neutral.is_in(["yes", "NA"])] if neutral is not None else []
    frame = table.frame.with_columns(clean=pl.all_horizontal(checks))
    record_rows = frame.filter(~pl.col("clean")).get_column("row").to_list()
    fallback = relined(parse_matches(table.excerpt(record_rows), location, stem), record_rows)

    start_year = season.cast(pl.Int64)
    label = season if calendar else pl.format("{}-{}", start_year, ((start_year + 1) % 100).cast(pl.String)
                                              .str.zfill(2))
    prefix, _, suffix = code_pattern.partition("{tier}")
    code = pl.lit(code_pattern) if "{tier}" not in code_pattern else \
        pl.concat_str([pl.lit(prefix), tier if tier is not None else pl.lit("1"), pl.lit(suffix)])
    round_label = pl.when(~is_na(round_)).then(round_) if round_ is not None else pl.lit(None, pl.String)
    if kind == "league":
        stage = pl.when(round_label.is_null() | round_label.is_in(sorted(spec.REGULAR_ROUNDS))).then(
            pl.lit("regular")).otherwise(round_label)
    else:
        stage = round_label.fill_null("cup")
    home_country = hcountry.replace(spec.COUNTRY_CODES) if hcountry is not None else pl.lit(country, pl.String)
    away_country = vcountry.replace(spec.COUNTRY_CODES) if vcountry is not None else pl.lit(country, pl.String)
    if division is not None and kind == "league":
        group = pl.when(~division.str.contains(r"^[0-9]+$")).then(division.str.replace(r"^[0-9]+", ""))
        group = pl.when((group != "") & ~group.is_in(NOT_GROUPS)).then(group)
    else:
        group = pl.lit(None, pl.String)
    # parser._attributes: a cup's division (englandplayoffs), else both conferences (mls), else the group
    cup_division = pl.when(~is_na(division)).then(division) if kind == "cup" and division is not None else None
    both_conferences = hconf is not None and vconf is not None
    conferences = pl.when(~is_na(hconf) & ~is_na(vconf)) if both_conferences else None
    ht_pair = ht.str.split_exact("-", 1) if ht is not None else None
    clean = frame.filter(pl.col("clean")).select(
        line=pl.col("row").cast(pl.Int64) + 2,
        comp_code=code, comp_name=pl.lit(stem), comp_country=pl.lit(country, pl.String), comp_kind=pl.lit(kind),
        comp_key=pl.lit(None, pl.String), season=label,
        home=home, home_country=home_country, home_key=home,
        away=away, away_country=away_country, away_key=away,
        match_date=day, status=pl.lit("finished"), stage=stage, round=round_label,
        home_goals=col("hgoal").cast(pl.Int64), away_goals=col("vgoal").cast(pl.Int64),
        home_goals_ht=ht_pair.struct.field("field_0").cast(pl.Int64, strict=False) if ht is not None else None,
        away_goals_ht=ht_pair.struct.field("field_1").cast(pl.Int64, strict=False) if ht is not None else None,
        venue=pl.when(~is_na(venue)).then(venue) if venue is not None else None,
        neutral=(neutral == "yes") if neutral is not None else pl.lit(False),
        group=group,
        cup_division=cup_division if cup_division is not None else pl.lit(None, pl.String),
        home_conference=conferences.then(hconf) if conferences is not None else pl.lit(None, pl.String),
        away_conference=conferences.then(vconf) if conferences is not None else pl.lit(None, pl.String),
    )
    parts = ("cup_division", "home_conference", "away_conference", "group")
    combos = clean.select(parts).unique().iter_rows()
    texts = {combo: _attributes_json(*combo) for combo in combos}
    keyed = pl.concat_str([pl.col(part).fill_null("\x00") for part in parts], separator="\x01")
    clean = clean.with_columns(attributes=keyed.replace_strict(
        {"\x01".join(part if part is not None else "\x00" for part in combo): text for combo, text in texts.items()},
        return_dtype=pl.String))
    return combine(clean, None, fallback)


def _attributes_json(division: str | None, home_conference: str | None, away_conference: str | None,
                     group: str | None) -> str:
    if division is not None:
        return json.dumps({"division": division})
    if home_conference is not None:
        return json.dumps({"home_conference": home_conference, "away_conference": away_conference})
    return json.dumps({"group": group}) if group is not None else "{}"
