"""Columnar parsing for the big CSV sources. Pure: bytes in, columns out, no I/O.

A record parser builds one frozen ``MatchRecord`` per row; for a first load of a whole data set that costs more
than the database write itself. A columnar parser reads the file into polars columns and turns the common row
shape into canonical columns with vectorised expressions. Every row it cannot vouch for (a damaged value, an
unusual shape, a column it does not interpret) is handed to the source's own record parser, so validation and
quarantine stay exactly the record parser's: the same rows quarantined, with the same line, field and reason.

The file must map one physical line to one row (no quoted line breaks, no ``\\r``) and polars must split each
line exactly as the line reads (``clean_lines``); a file that does not is parsed by the record parser whole.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import polars as pl

from matchday.domain import validation
from matchday.domain.records import MatchRecord, ParseResult, RowProblem, TeamAlias
from matchday.errors import UnreadableFile
from matchday.sources.csvtext import LIMITS, NA_VALUES, decode

NA_LIST = sorted(NA_VALUES)
MAX_INT = 2**63 - 1

#: one match per row; teams and competitions as the source names them (resolved to ids by the store)
MATCH_SCHEMA: dict[str, pl.DataType] = {
    "line": pl.Int64(),
    "comp_code": pl.String(), "comp_name": pl.String(), "comp_country": pl.String(), "comp_kind": pl.String(),
    "comp_key": pl.String(),
    "season": pl.String(),
    "home": pl.String(), "home_country": pl.String(), "home_key": pl.String(),
    "away": pl.String(), "away_country": pl.String(), "away_key": pl.String(),
    "match_date": pl.Date(), "kickoff_utc": pl.Datetime("us"),
    "status": pl.String(), "stage": pl.String(), "round": pl.String(), "round_number": pl.Int64(),
    "home_goals": pl.Int64(), "away_goals": pl.Int64(), "home_goals_ht": pl.Int64(), "away_goals_ht": pl.Int64(),
    "home_goals_et": pl.Int64(), "away_goals_et": pl.Int64(), "home_penalties": pl.Int64(),
    "away_penalties": pl.Int64(),
    "finish": pl.String(), "period": pl.String(), "minute": pl.Int64(),
    "venue": pl.String(), "referee": pl.String(), "attendance": pl.Int64(), "neutral": pl.Boolean(),
    "attributes": pl.String(),  # JSON text, "{}" when empty
}
#: one event per row, joined to its match by the match's line
EVENT_SCHEMA: dict[str, pl.DataType] = {
    "match_line": pl.Int64(), "order": pl.Int64(), "type": pl.String(), "side": pl.String(), "minute": pl.Int64(),
    "added_minute": pl.Int64(), "player_name": pl.String(),
}

# what a clean value looks like (anything else goes through the record parser, whose validation then decides);
# each is at least as strict as ``domain.validation`` and leaves nothing for ``str.strip`` to remove
_EDGE, _INNER = r"[^\s\x00-\x1f\x7f-\x9f]", r"[^\x00-\x1f\x7f-\x9f]"
NAME = rf"^{_EDGE}(?:{_INNER}{{0,98}}{_EDGE})?$"  # a name: at most 100 characters
TEXT = rf"^{_EDGE}(?:{_INNER}{{0,118}}{_EDGE})?$"  # a venue, a city: at most 120 characters
LABEL = r"^[!-~](?:[ -~]{0,38}[!-~])?$"  # short printable ASCII (rounds, divisions, conferences)
GOALS = r"^[0-9]{1,2}$"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
FIRST_YEAR, LAST_YEAR = validation.FIRST_YEAR, validation.LAST_YEAR


@dataclass
class ColumnarParse:
    """What a columnar parser gives: the matches and events as columns, plus what a ``ParseResult`` carries."""

    matches: pl.DataFrame
    events: pl.DataFrame
    problems: list[RowProblem] = field(default_factory=list)
    aliases: list[TeamAlias] = field(default_factory=list)
    rows_read: int = 0
    record_rows: int = 0  # rows that went through the record parser (damaged or unusual ones)
    not_matches: dict[str, int] = field(default_factory=dict)  # rows the source documents as no match (byes)


@dataclass
class CsvColumns:
    """A CSV file as string columns ``c0..cN`` (one frame row per physical line after the header)."""

    header: list[str]  # stripped names, as the record parsers see them
    frame: pl.DataFrame  # plus ``row`` (0-based data row) and ``lines_agree`` (polars split the line as it reads)
    lines: list[str]  # the physical lines, header first

    def col(self, index: int) -> pl.Expr:
        return pl.col(f"c{index}")

    def excerpt(self, rows: Sequence[int]) -> bytes:
        """The header and the given data rows: a small CSV for the record parser (its line k+2 is ``rows[k]``)."""
        return ("\n".join([self.lines[0], *(self.lines[row + 1] for row in rows)]) + "\n").encode("utf-8")


def read_columns(data: bytes, location: str) -> CsvColumns | None:
    """The file as columns, or None when its shape needs the record parser (which then reports what is wrong)."""
    if b"\x00" in data[:4096]:
        return None
    try:
        text = decode(data, location)
    except UnreadableFile:
        return None
    if "\r" in text or not text.strip():
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    header = [name.strip() for name in next(csv.reader([lines[0]]))]
    try:
        frame = pl.read_csv(text.encode("utf-8"), infer_schema=False, empty_string_is_null=False,
                            truncate_ragged_lines=True, new_columns=[f"c{i}" for i in range(len(header))])
    except (pl.exceptions.PolarsError, ValueError):
        return None
    if frame.width != len(header) or frame.height != len(lines) - 1:
        return None
    # polars split the line as it reads: its values and separators account for every byte but the quotes (a
    # short row padded, a long row cut, an escaped quote or one inside a value all fail this)
    value_bytes = pl.sum_horizontal([pl.col(name).str.len_bytes() for name in frame.columns]) + (frame.width - 1)
    raw = pl.Series("raw", lines[1:])
    line_bytes = raw.str.len_bytes() - raw.str.count_matches('"', literal=True)
    # a line over the length limit is the record parser's to report
    short_enough = raw.str.len_chars() <= LIMITS.get().max_line_chars
    frame = frame.with_columns(lines_agree=(pl.lit(line_bytes) == value_bytes) & pl.lit(short_enough)) \
        .with_row_index("row")
    return CsvColumns(header, frame, lines)


def is_na(expr: pl.Expr) -> pl.Expr:
    return expr.is_in(NA_LIST)


def na_or(expr: pl.Expr, pattern: str) -> pl.Expr:
    return is_na(expr) | expr.str.contains(pattern)


def iso_date(expr: pl.Expr) -> pl.Expr:
    """The date an ISO ``YYYY-MM-DD`` text spells within the years football has (null otherwise: a text
    ``date.fromisoformat`` refuses, a year ``validation.match_date`` refuses)."""
    year = expr.str.slice(0, 4).cast(pl.Int64, strict=False)
    return pl.when(expr.str.contains(ISO_DATE) & year.is_between(FIRST_YEAR, LAST_YEAR)).then(
        expr.str.to_date("%Y-%m-%d", strict=False))


def mapped(frame: pl.DataFrame, column: str, build: Callable[[str], str]) -> pl.Expr:
    """``column`` mapped through ``build``, called in Python once per distinct value (nulls stay null)."""
    distinct = [value for value in frame.get_column(column).unique().to_list() if value is not None]
    return pl.col(column).replace_strict({value: build(value) for value in distinct}, default=None,
                                         return_dtype=pl.String)


def dumps_attributes(attributes: dict) -> str:
    return json.dumps(attributes) if attributes else "{}"


def records_frame(records: Sequence[MatchRecord]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Matches and events of ``records`` (from a record parser) as columns: the two paths meet here."""
    rows = []
    events = []
    for rec in records:
        if rec.stats or rec.odds or rec.lineups or rec.shots or rec.player_stats or rec.source_key:
            raise ValueError("the columnar path carries matches and events only; this source needs write_matches")
        comp, home, away = rec.competition, rec.home, rec.away
        rows.append((rec.source_line, comp.code, comp.name, comp.country, comp.kind, comp.source_key, rec.season,
                     home.name, home.country, home.source_key, away.name, away.country, away.source_key,
                     rec.match_date, rec.kickoff_utc, rec.status.value, rec.stage, rec.round, rec.round_number,
                     rec.home_goals, rec.away_goals, rec.home_goals_ht, rec.away_goals_ht, rec.home_goals_et,
                     rec.away_goals_et, rec.home_penalties, rec.away_penalties,
                     rec.finish.value if rec.finish else None, rec.period.value if rec.period else None,
                     rec.minute, rec.venue, rec.referee, rec.attendance, rec.neutral,
                     dumps_attributes(rec.attributes)))
        events.extend((rec.source_line, order, e.type.value, e.side.value, e.minute, e.added_minute, e.player_name)
                      for order, e in enumerate(rec.events))
    try:
        return (pl.DataFrame(rows, schema=MATCH_SCHEMA, orient="row"),
                pl.DataFrame(events, schema=EVENT_SCHEMA, orient="row"))
    except (pl.exceptions.PolarsError, OverflowError):
        for row in rows:
            for name, value in zip(MATCH_SCHEMA, row, strict=True):
                if isinstance(value, int) and not -MAX_INT <= value <= MAX_INT:
                    raise ValueError(f"line {row[0]}: {name} {value} is out of range") from None
        raise


def from_records(parsed: ParseResult) -> ColumnarParse:
    """A whole file parsed by the record parser, as columns."""
    matches, events = records_frame(parsed.matches)
    return ColumnarParse(matches, events, list(parsed.problems), list(parsed.aliases), parsed.rows_read,
                         record_rows=parsed.rows_read, not_matches=dict(parsed.not_matches))


def relined(parsed: ParseResult, rows: Sequence[int]) -> ParseResult:
    """A record parse of ``CsvColumns.excerpt(rows)`` with the file's own line numbers put back."""
    def original(line: int) -> int:
        return rows[line - 2] + 2 if line >= 2 else line

    return ParseResult(
        matches=[replace(rec, source_line=original(rec.source_line or 0)) for rec in parsed.matches],
        deductions=parsed.deductions, aliases=parsed.aliases,
        problems=[replace(p, line=original(p.line)) for p in parsed.problems],
        rows_read=parsed.rows_read, not_matches=parsed.not_matches,
    )


def conform(frame: pl.DataFrame | None, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """``frame`` with exactly ``schema``'s columns (missing ones null), in its order and types."""
    if frame is None or frame.width == 0:
        return pl.DataFrame(schema=schema)
    missing = [pl.lit(None, dtype).alias(name) for name, dtype in schema.items() if name not in frame.columns]
    return frame.with_columns(missing).select(list(schema)).cast(schema)


def combine(clean: pl.DataFrame, clean_events: pl.DataFrame | None, fallback: ParseResult,
            problems: list[RowProblem] | None = None) -> ColumnarParse:
    """Clean rows (columns) and the record parser's rows, in line order."""
    matches, events = records_frame(fallback.matches)
    return ColumnarParse(
        matches=pl.concat([conform(clean, MATCH_SCHEMA), matches]).sort("line"),
        events=pl.concat([conform(clean_events, EVENT_SCHEMA), events]),
        problems=[*fallback.problems, *(problems or [])],
        rows_read=clean.height + fallback.rows_read, record_rows=fallback.rows_read,
        not_matches=dict(fallback.not_matches),
    )
