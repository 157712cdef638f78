"""international_results files → canonical columns. Pure: no I/O.

The vectorised twin of ``parser.parse_results`` (results joined with goalscorers and shoot-outs). Rows of either
file that the vectorised path cannot vouch for are parsed by the record parser's own functions on an excerpt of
the file that keeps its line numbers, so both paths quarantine the same rows in the same words.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import polars as pl

from matchday.domain.records import Finish, MatchRecord, RowProblem
from matchday.sources.columnar import (
    EVENT_SCHEMA,
    GOALS,
    ISO_DATE,
    NAME,
    TEXT,
    ColumnarParse,
    CsvColumns,
    combine,
    from_records,
    is_na,
    iso_date,
    mapped,
    read_columns,
    relined,
)
from matchday.sources.international_results import spec
from matchday.sources.international_results.parser import _goals, _shootouts, parse_results, tournament_code

MINUTE = r"^([0-9]{1,2}|1[0-9]{2}|2[0-4][0-9]|250)$"  # validation.MAX_MINUTE
BOOLEAN = ["TRUE", "FALSE"]


def _indexes(table: CsvColumns, kind: str) -> list[int] | None:
    expected = spec.FILES[kind]
    if any(name not in table.header for name in expected):
        return None
    return [table.header.index(name) for name in expected]


def parse_results_columnar(results: bytes, location: str, goalscorers: bytes | None = None,
                           shootouts: bytes | None = None, goalscorers_location: str = "goalscorers.csv",
                           shootouts_location: str = "shootouts.csv") -> ColumnarParse:
    """The same matches, events and problems as ``parse_results``, as columns."""
    table = read_columns(results, location)
    scorers = read_columns(goalscorers, goalscorers_location) if goalscorers else None
    idx = _indexes(table, "results") if table else None
    goal_idx = _indexes(scorers, "goalscorers") if scorers else None
    if idx is None or (goalscorers and goal_idx is None):
        return from_records(parse_results(results, location, goalscorers, shootouts, goalscorers_location,
                                          shootouts_location))
    day, home, away, hs, as_, tournament, city, country, neutral = (table.col(i) for i in idx)
    date = iso_date(day)
    clean_check = pl.all_horizontal(
        pl.col("lines_agree"), date.is_not_null(), home.str.contains(NAME), away.str.contains(NAME),
        hs.str.contains(GOALS) | is_na(hs), as_.str.contains(GOALS) | is_na(as_), is_na(hs) == is_na(as_),
        tournament.str.contains(NAME), (city == "") | city.str.contains(TEXT),
        (country == "") | country.str.contains(TEXT), neutral.is_in(BOOLEAN))
    frame = table.frame.with_columns(clean=clean_check)
    record_rows = frame.filter(~pl.col("clean")).get_column("row").to_list()
    # the record parser for the rows the vectorised path leaves out (goals and shoot-outs are joined below)
    fallback = relined(parse_results(table.excerpt(record_rows), location), record_rows)
    side_problems: list[RowProblem] = []  # the goal and shoot-out files' own, in the record parser's order
    goals = _goal_frame(scorers, goal_idx, goalscorers_location, side_problems) if scorers and goal_idx else None
    shootout_winners = _shootouts(shootouts, shootouts_location, side_problems) if shootouts else {}
    if shootout_winners:
        fallback.matches = [_with_shootout(rec, shootout_winners.get(_raw_key(table, rec.source_line, idx)))
                            for rec in fallback.matches]
    winners = pl.DataFrame(
        [(*key, winner) for key, winner in shootout_winners.items()],
        schema={"key_date": pl.String, "key_home": pl.String, "key_away": pl.String, "winner": pl.String},
        orient="row").with_columns(winner=pl.when(pl.col("winner") != "").then(pl.col("winner")))
    clean = frame.filter(pl.col("clean")).select(
        line=pl.col("row").cast(pl.Int64) + 2, key_date=day, key_home=home, key_away=away,
        comp_name=tournament, comp_country=pl.lit(None, pl.String), comp_kind=pl.lit("international"),
        comp_key=tournament, season=date.dt.year().cast(pl.String),
        home=home, home_country=pl.lit(spec.NATIONAL_TEAMS), home_key=home,
        away=away, away_country=pl.lit(spec.NATIONAL_TEAMS), away_key=away,
        match_date=date, stage=tournament,
        home_goals=pl.when(~is_na(hs)).then(hs.cast(pl.Int64, strict=False)),
        away_goals=pl.when(~is_na(as_)).then(as_.cast(pl.Int64, strict=False)),
        venue=pl.when(city != "").then(city), neutral=neutral == "TRUE", country=country,
    ).join(winners, on=["key_date", "key_home", "key_away"], how="left", maintain_order="left")
    clean = clean.with_columns(
        comp_code=mapped(clean, "comp_name", tournament_code),
        status=pl.when(pl.col("home_goals").is_not_null()).then(pl.lit("finished")).otherwise(pl.lit("scheduled")),
        finish=pl.when(pl.col("winner").is_not_null()).then(pl.lit("penalties")),
        country_json=mapped(clean, "country", lambda text: json.dumps(text or None)),  # "" is no country
        winner_json=mapped(clean, "winner", json.dumps),
    ).with_columns(attributes=pl.concat_str([
        pl.lit('{"country": '), pl.col("country_json"),
        pl.when(pl.col("winner").is_not_null()).then(pl.lit(', "shootout_winner": ') + pl.col("winner_json"))
        .otherwise(pl.lit("")), pl.lit("}")]))
    parsed = combine(clean, None, fallback)
    if goals is None:
        parsed.problems.extend(side_problems)
        return parsed
    # each match by the raw (date, home, away) text the goal file names it with
    fallback_keys = [(rec.source_line, *_raw_key(table, rec.source_line, idx)) for rec in fallback.matches]
    match_keys = pl.concat([clean.select("line", "key_date", "key_home", "key_away"), pl.DataFrame(
        fallback_keys, schema={"line": pl.Int64, "key_date": pl.String, "key_home": pl.String,
                               "key_away": pl.String}, orient="row")]).sort("line")
    parsed.events, orphans = _events(match_keys, goals)
    parsed.problems.extend([*side_problems, *orphans])
    return parsed


def _with_shootout(rec: MatchRecord, winner: str | None) -> MatchRecord:
    """What ``parse_results`` makes of a match the shoot-out file names a winner for."""
    if not winner:
        return rec
    return replace(rec, finish=Finish.PENALTIES, attributes={**rec.attributes, "shootout_winner": winner})


def _raw_key(table: CsvColumns, line: int | None, idx: list[int]) -> tuple[str, str, str]:
    fields = next(csv.reader([table.lines[(line or 1) - 1]]))
    day, home, away = (fields[i] if i < len(fields) else "" for i in idx[:3])
    return day, home, away


def _goal_frame(scorers: CsvColumns, idx: list[int], location: str, problems: list[RowProblem]) -> pl.DataFrame:
    """The goals, one row each in file order; rows the vectorised path cannot vouch for go through ``_goals``
    one at a time (so each keeps its line), their problems to ``problems`` as ``_goals`` orders them."""
    day, home, away, team, scorer, minute, own, pen = (scorers.col(i) for i in idx)
    clean_check = pl.all_horizontal(
        pl.col("lines_agree"), day.str.contains(ISO_DATE), (team == home) | (team == away),
        is_na(minute) | minute.str.contains(MINUTE), own.is_in(BOOLEAN), pen.is_in(BOOLEAN),
        is_na(scorer) | scorer.str.contains(NAME))
    frame = scorers.frame.with_columns(clean=clean_check)
    row_problems: list[RowProblem] = []
    line_problems: list[RowProblem] = []  # unreadable lines: _goals reports them after the rows
    extra = []
    for row in frame.filter(~pl.col("clean")).get_column("row").to_list():
        found: list[RowProblem] = []
        for key, events in _goals(scorers.excerpt([row]), location, found).items():
            extra.extend((row + 2, *key, e.type.value, e.side.value, e.minute, e.player_name) for e in events)
        for p in found:
            (line_problems if p.field == "(line)" else row_problems).append(replace(p, line=row + 2))
    problems.extend([*row_problems, *line_problems])
    goals = frame.filter(pl.col("clean")).select(
        goal_line=pl.col("row").cast(pl.Int64) + 2, key_date=day, key_home=home, key_away=away,
        type=pl.when(own == "TRUE").then(pl.lit("own_goal")).when(pen == "TRUE").then(pl.lit("penalty_goal"))
        .otherwise(pl.lit("goal")),
        side=pl.when(team == home).then(pl.lit("home")).otherwise(pl.lit("away")),
        minute=pl.when(~is_na(minute)).then(minute.cast(pl.Int64, strict=False)),
        player_name=pl.when(~is_na(scorer)).then(scorer),
    )
    if extra:
        goals = pl.concat([goals, pl.DataFrame(extra, schema=goals.schema, orient="row")]).sort("goal_line")
    return goals


def _events(match_keys: pl.DataFrame, goals: pl.DataFrame) -> tuple[pl.DataFrame, list[RowProblem]]:
    """Goals joined to the first match (in line order) of their date and teams, as ``parse_results`` pops them;
    goals of no listed match are reported on line 0, one problem per match, in the goal file's order."""
    matches = match_keys.group_by("key_date", "key_home", "key_away", maintain_order=True).agg(pl.col("line").min())
    goals = goals.with_row_index("order").join(matches, on=["key_date", "key_home", "key_away"], how="left",
                                               maintain_order="left")
    orphans = goals.filter(pl.col("line").is_null()).group_by("key_date", "key_home", "key_away",
                                                              maintain_order=True).len()
    problems = [RowProblem(0, "date/home_team/away_team", f"{count} goal(s) for a match not in results: {d} {h}-{a}",
                           f"{d},{h},{a}") for d, h, a, count in orphans.iter_rows()]
    events = goals.filter(pl.col("line").is_not_null()).select(
        match_line="line", order=pl.col("order").cast(pl.Int64), type="type", side="side", minute="minute",
        added_minute=pl.lit(None, pl.Int64), player_name="player_name").cast(EVENT_SCHEMA)
    return events, problems
