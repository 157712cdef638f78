"""football-data.co.uk CSV bytes → canonical match records. Pure: no I/O.

Handles both layouts (main leagues ``Div,Date,HomeTeam,...`` and extra leagues ``Country,League,Season,...``),
every column generation from 1993-94 on, dd/mm/yy and dd/mm/yyyy dates, Latin-1 and BOM-prefixed files,
ragged and padding rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from matchday.domain import validation
from matchday.domain.records import (
    CompetitionRef,
    MatchRecord,
    MatchStatus,
    OddsQuoteRecord,
    ParseResult,
    RowProblem,
    Side,
    TeamRef,
    TeamStatsRecord,
)
from matchday.domain.seasons import normalise_season, season_for_date
from matchday.errors import ParseError, UnreadableFile
from matchday.sources.csvtext import NA_VALUES, optional_float, raw_line, read_rows
from matchday.sources.football_data_uk import spec

_UK = ZoneInfo(spec.KICKOFF_TIMEZONE)


@dataclass(frozen=True, slots=True)
class _OddsColumn:
    index: int
    name: str
    bookmaker: str
    market: str
    closing: bool
    price_field: str  # or "line" for a bookmaker's own handicap line


@dataclass(frozen=True, slots=True)
class _Columns:
    """Where each thing lives in this file's header."""

    index: dict[str, int]
    odds: tuple[_OddsColumn, ...]
    ah_lines: dict[tuple[bool, bool], int]  # (closing, betbrain) -> column
    unknown: tuple[str, ...]

    def get(self, fields: list[str], name: str) -> str:
        idx = self.index.get(name)
        return fields[idx] if idx is not None and idx < len(fields) else ""


def parse_date(text: str) -> date:
    text = text.strip()
    day, month, year = text.split("/")
    year_number = int(year)
    if len(year) == 2:
        year_number += 1900 if year_number >= 50 else 2000
    elif len(year) != 4:
        raise ValueError(f"year must have 2 or 4 digits: {text!r}")
    return date(year_number, int(month), int(day))


def _classify_odds(name: str) -> tuple[str, str] | None:
    """Longest bookmaker prefix whose remainder is a known suffix (``BFDH`` = Betfred home, ``BFD`` = Betfair draw)."""
    for cut in range(len(name) - 1, 0, -1):
        prefix, suffix = name[:cut], name[cut:]
        if prefix in spec.BOOKMAKERS and suffix in spec.ODDS_SUFFIXES:
            return prefix, suffix
    return None


def _plan_columns(header: list[str]) -> _Columns:
    index: dict[str, int] = {}
    odds: list[_OddsColumn] = []
    ah_lines: dict[tuple[bool, bool], int] = {}
    unknown: list[str] = []
    for idx, raw_name in enumerate(header):
        name = spec.HEADER_FIXES.get(raw_name, raw_name)
        if not name or name in index:
            continue
        index[name] = idx
        if name in spec.KNOWN_COLUMNS or name in spec.BOOKMAKER_COUNT_COLUMNS:
            continue
        if name in spec.AH_LINE_COLUMNS:
            closing, group = spec.AH_LINE_COLUMNS[name]
            ah_lines[(closing, group == "Bb")] = idx
            continue
        classified = _classify_odds(name)
        if classified is None:
            unknown.append(name)
            continue
        prefix, suffix = classified
        market, closing, price_field = spec.ODDS_SUFFIXES[suffix]
        odds.append(_OddsColumn(idx, name, prefix, market, closing, price_field))
    return _Columns(index, tuple(odds), ah_lines, tuple(unknown))


def _odds(fields: list[str], cols: _Columns) -> tuple[list[OddsQuoteRecord], list[tuple[str, str]]]:
    quotes: dict[tuple[str, str, bool], dict[str, float]] = {}
    bad: list[tuple[str, str]] = []
    for col in cols.odds:
        text = fields[col.index].strip() if col.index < len(fields) else ""
        if not text:
            continue
        try:
            value = optional_float(text)
            if value is None or (value == 0 and col.price_field != "line"):
                continue  # 0 stands for "no price" in a few files
            value = validation.odds(value, col.name) if col.price_field != "line" else validation.odds_line(value)
        except ValueError as exc:
            bad.append((col.name, _reason(exc, text)))
            continue
        quotes.setdefault((col.bookmaker, col.market, col.closing), {})[col.price_field] = value
    records = []
    for (prefix, market, closing), prices in quotes.items():
        line = prices.pop("line", None)
        if market == "over_under":
            line = 2.5
        elif market == "asian_handicap" and line is None:
            line_idx = cols.ah_lines.get((closing, prefix.startswith("Bb")))
            if line_idx is not None and line_idx < len(fields):
                try:
                    line = optional_float(fields[line_idx])
                    line = None if line is None else validation.odds_line(line)
                except ValueError as exc:
                    bad.append(("AH line", _reason(exc, fields[line_idx])))
        if not prices:
            continue
        records.append(OddsQuoteRecord(bookmaker=spec.BOOKMAKERS[prefix], market=market, closing=closing,
                                       line=line, **prices))
    return records, bad


def _stats(fields: list[str], cols: _Columns) -> tuple[tuple[TeamStatsRecord, ...], list[tuple[str, str]]]:
    home: dict[str, int] = {}
    away: dict[str, int] = {}
    bad: list[tuple[str, str]] = []
    for stat, (home_col, away_col) in spec.STAT_COLUMNS.items():
        for column, target in ((home_col, home), (away_col, away)):
            text = cols.get(fields, column)
            try:
                value = _optional(text, validation.stat, column)
            except ValueError as exc:
                bad.append((column, _reason(exc, text)))
                continue
            if value is not None:
                target[stat] = value
    if not home and not away:
        return (), bad
    return (TeamStatsRecord(Side.HOME, **home), TeamStatsRecord(Side.AWAY, **away)), bad


def _kickoff(day: date, text: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    hour, minute = text.split(":")
    local = datetime.combine(day, time(int(hour), int(minute)), tzinfo=_UK)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


class _RowError(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


def _reason(exc: ValueError, text: str) -> str:
    return str(exc) if isinstance(exc, validation.InvalidValue) else f"not a number: {text.strip()[:40]!r}"


def _optional(text: str, check, what: str):  # noqa: ANN001, ANN202 - a validation function and its result
    text = text.strip()
    return None if text in NA_VALUES else check(text, what)


def _required_int(fields: list[str], cols: _Columns, name: str) -> int | None:
    try:
        return _optional(cols.get(fields, name), validation.goals, name)
    except validation.InvalidValue as exc:
        raise _RowError(name, f"not a goal count: {exc}") from None


def _check_result(code: str, home: int | None, away: int | None, field: str) -> None:
    code = code.strip()
    if not code or home is None or away is None:
        return
    if code not in spec.RESULT_CODES:
        raise _RowError(field, f"unknown result code {code!r} (expected H, D or A)")
    actual = "H" if home > away else "A" if away > home else "D"
    if code != actual:
        raise _RowError(field, f"result {code!r} contradicts score {home}-{away}")


def _competition_main(fields: list[str], cols: _Columns) -> tuple[CompetitionRef, str | None]:
    division = cols.get(fields, "Div").strip()
    if division not in spec.DIVISIONS:
        raise _RowError("Div", str(ParseError(spec.PROVIDER, "Div", division, "unknown division code")))
    code, country = spec.DIVISIONS[division]
    return CompetitionRef(code=code, name=division, country=country, source_key=division), None


def _competition_extra(fields: list[str], cols: _Columns) -> tuple[CompetitionRef, str | None]:
    key = (cols.get(fields, "Country").strip(), cols.get(fields, "League").strip())
    if key not in spec.EXTRA_LEAGUES:
        raise _RowError("League", str(ParseError(spec.PROVIDER, "Country/League", key, "unknown league")))
    code, country, file_code = spec.EXTRA_LEAGUES[key]
    season_text = cols.get(fields, "Season").strip()
    try:
        season = normalise_season(season_text, calendar_year="/" not in season_text)
    except ValueError as exc:
        raise _RowError("Season", str(exc)) from None
    return CompetitionRef(code=code, name=file_code, country=country, source_key=file_code), season


def _parse_row(fields: list[str], cols: _Columns, extra: bool) -> tuple[MatchRecord, list[tuple[str, str]]]:
    comp, season = (_competition_extra if extra else _competition_main)(fields, cols)
    home_col, away_col = ("Home", "Away") if extra else ("HomeTeam", "AwayTeam")
    hg_col, ag_col, res_col = ("HG", "AG", "Res") if extra else ("FTHG", "FTAG", "FTR")
    try:
        day = validation.match_date(parse_date(cols.get(fields, "Date")))
    except validation.InvalidValue as exc:
        raise _RowError("Date", str(exc)) from None
    except (ValueError, OverflowError):
        raise _RowError("Date", f"not a dd/mm/yy or dd/mm/yyyy date: {cols.get(fields, 'Date').strip()!r}") from None
    names = []
    for column, side in ((home_col, "home"), (away_col, "away")):
        try:
            names.append(validation.name(cols.get(fields, column), f"{side} team"))
        except validation.InvalidValue as exc:
            raise _RowError(column, str(exc)) from None
    home_name, away_name = names
    home_goals = _required_int(fields, cols, hg_col)
    away_goals = _required_int(fields, cols, ag_col)
    if (home_goals is None) != (away_goals is None):
        raise _RowError(ag_col if away_goals is None else hg_col, "only one side of the score is given")
    _check_result(cols.get(fields, res_col), home_goals, away_goals, res_col)
    ignored: list[tuple[str, str]] = []
    try:
        ht_home, ht_away = _required_int(fields, cols, "HTHG"), _required_int(fields, cols, "HTAG")
    except _RowError as exc:
        ht_home = ht_away = None
        ignored.append((exc.field, exc.reason))
    try:
        kickoff = _kickoff(day, cols.get(fields, "Time"))
    except (ValueError, OverflowError):
        kickoff = None
        ignored.append(("Time", f"not a hh:mm time: {cols.get(fields, 'Time').strip()[:40]!r}"))
    try:
        attendance = _optional(cols.get(fields, "Attendance"), lambda text, _what: validation.attendance(text), "")
    except ValueError as exc:
        attendance = None
        ignored.append(("Attendance", _reason(exc, cols.get(fields, "Attendance"))))
    try:
        referee = validation.optional_text(_optional(cols.get(fields, "Referee"), lambda t, _w: t, ""), "referee")
    except validation.InvalidValue as exc:
        referee = None
        ignored.append(("Referee", str(exc)))
    stats, bad_stats = _stats(fields, cols)
    odds, bad_odds = _odds(fields, cols)
    ignored += bad_stats + bad_odds
    record = MatchRecord(
        competition=comp,
        season=season or "",
        home=TeamRef(home_name, comp.country, home_name),
        away=TeamRef(away_name, comp.country, away_name),
        match_date=day,
        kickoff_utc=kickoff,
        status=MatchStatus.FINISHED if home_goals is not None else MatchStatus.SCHEDULED,
        home_goals=home_goals,
        away_goals=away_goals,
        home_goals_ht=ht_home,
        away_goals_ht=ht_away,
        referee=referee,
        attendance=attendance,
        stats=stats,
        odds=tuple(odds),
    )
    return record, ignored


def parse_csv(data: bytes, location: str) -> ParseResult:
    """Parse one football-data.co.uk CSV file (either layout)."""
    header, rows = read_rows(data, location)
    fixed = [spec.HEADER_FIXES.get(name, name) for name in header]
    if all(col in fixed for col in spec.MAIN_LAYOUT_REQUIRED):
        extra = False
    elif all(col in fixed for col in spec.EXTRA_LAYOUT_REQUIRED):
        extra = True
    else:
        missing = [col for col in spec.MAIN_LAYOUT_REQUIRED if col not in fixed]
        raise UnreadableFile(location, f"not a football-data.co.uk file: missing columns {', '.join(missing)}")
    cols = _plan_columns(header)
    result = ParseResult()
    result.problems.extend(
        RowProblem(1, name, "unknown column, values ignored", ",".join(header)) for name in cols.unknown
    )
    for line, fields in rows:
        result.rows_read += 1
        try:
            record, ignored = _parse_row(fields, cols, extra)
        except _RowError as exc:
            result.problems.append(RowProblem(line, exc.field, exc.reason, raw_line(fields)))
            continue
        result.problems.extend(
            RowProblem(line, field, f"value ignored: {reason}", raw_line(fields)) for field, reason in ignored
        )
        result.matches.append(record)
    result.rows_read += len(rows.problems)
    result.problems.extend(rows.problems)
    if not extra and result.matches:
        # main-layout files hold one season and do not name it: the first match date tells it
        season = season_for_date(min(m.match_date for m in result.matches), calendar_year=False)
        result.matches = [replace(m, season=season) for m in result.matches]
    return result
