"""Every parser fed mutated real files (values swapped for other types, fields removed, huge numbers, bytes
flipped): no exception but the project's own, every kept record is football, every other row is quarantined
with its line and field, and the rows nobody touched are kept.

Derandomised like the schema fuzz (tests/api): every run tries the same examples; ``MATCHDAY_FUZZ_RANDOM=1``
explores new ones.
"""

from __future__ import annotations

import gzip
import json
import os
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchday.domain import validation
from matchday.domain.records import ParseResult
from matchday.errors import MatchdayError
from matchday.sources.engsoccerdata.parser import parse_matches
from matchday.sources.football_data_uk.parser import parse_csv
from matchday.sources.international_results.parser import parse_results
from matchday.sources.openfootball.parser import parse_json
from tests.conftest import DATA, FDUK

EXPLORE = os.environ.get("MATCHDAY_FUZZ_RANDOM") == "1"
FUZZ = settings(max_examples=40, deadline=None, database=None, derandomize=not EXPLORE,
                suppress_health_check=list(HealthCheck))

HOSTILE_VALUES = ["", "NA", "-1", "-0", "1.5", "true", "FALSE", "12345678901234567890", "1e400", "inf", "nan",
                  "９", "²", "0x1F", " 3 ", "Arse\x00nal", "Tab\tbed", "x" * 300, '"', '"quoted', "a,b", "\u202e",
                  "31/02/2011", "2011-13-45", "99:99", "18017", "NULL"]


@cache
def _lines(name: str) -> tuple[bytes, ...]:
    paths = {
        "football-data-uk": FDUK / "E0" / "2011-12.csv",
        "engsoccerdata": DATA / "engsoccerdata" / "data-raw" / "germany.csv.gz",
        "international-results": DATA / "international_results" / "results.csv.gz",
    }
    path = paths[name]
    data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    return tuple(data.splitlines()[:61])  # the header and 60 real rows


def _parse(name: str, data: bytes) -> ParseResult:
    if name == "football-data-uk":
        return parse_csv(data, "E0.csv")
    if name == "engsoccerdata":
        return parse_matches(data, "germany.csv", "germany")
    return parse_results(data, "results.csv")


@st.composite
def mutated_csv(draw: st.DrawFn, name: str) -> tuple[bytes, set[int]]:
    """A real excerpt with a few data rows damaged; returns the bytes and the (1-based) lines touched."""
    lines = list(_lines(name))
    touched: set[int] = set()
    for _ in range(draw(st.integers(1, 4))):
        row = draw(st.integers(1, len(lines) - 1))
        fields = lines[row].split(b",")
        kind = draw(st.sampled_from(["swap", "remove", "huge", "flip", "duplicate", "truncate"]))
        column = draw(st.integers(0, len(fields) - 1))
        if kind == "swap":
            fields[column] = draw(st.sampled_from(HOSTILE_VALUES)).encode()
        elif kind == "remove":
            del fields[column]
        elif kind == "huge":
            fields[column] = draw(st.sampled_from([b"9" * 20, b"-" + b"9" * 30, b"1" * 400, b"1e308"]))
        elif kind == "flip":
            text = bytearray(b",".join(fields))
            position = draw(st.integers(0, len(text) - 1))
            text[position] ^= 1 << draw(st.integers(0, 7))
            fields = bytes(text).split(b",")
        elif kind == "truncate":
            fields = fields[:column]
        if kind == "duplicate":
            lines.insert(row, lines[row])
            touched = {line + 1 if line > row else line for line in touched} | {row + 1, row + 2}
            continue
        lines[row] = b",".join(fields)
        touched.add(row + 1)
    return b"\n".join(lines) + b"\n", touched


def _assert_football(result: ParseResult) -> None:
    for match in result.matches:
        validation.name(match.home.name)
        validation.name(match.away.name)
        for goals in (match.home_goals, match.away_goals, match.home_goals_ht, match.away_goals_ht):
            assert goals is None or 0 <= goals <= validation.MAX_GOALS
        for quote in match.odds:
            for price in (quote.price_home, quote.price_draw, quote.price_away, quote.price_over, quote.price_under):
                assert price is None or validation.MIN_ODDS < price <= validation.MAX_ODDS
    for problem in result.problems:
        assert problem.line >= 0 and problem.field and problem.reason


def _check_csv(name: str, case: tuple[bytes, set[int]]) -> None:
    data, touched = case
    original = _parse(name, b"\n".join(_lines(name)) + b"\n")
    try:
        result = _parse(name, data)
    except MatchdayError:
        return  # a whole file refused with the project's own error (e.g. a flipped byte made it binary)
    _assert_football(result)
    # every untouched row is kept; every row is a match or a problem with its line
    assert len(result.matches) >= len(original.matches) - len(touched)
    data_lines = [n for n, line in enumerate(data.split(b"\n"), start=1)
                  if n > 1 and line.strip(b", \r\t")]
    accounted = {p.line for p in result.problems}
    assert len(result.matches) + len([n for n in data_lines if n in accounted]) >= len(data_lines), (
        len(result.matches), len(data_lines), sorted(accounted))


@FUZZ
@given(case=mutated_csv("football-data-uk"))
def test_football_data_uk_parser_survives_mutated_files(case: tuple[bytes, set[int]]) -> None:
    _check_csv("football-data-uk", case)


@FUZZ
@given(case=mutated_csv("engsoccerdata"))
def test_engsoccerdata_parser_survives_mutated_files(case: tuple[bytes, set[int]]) -> None:
    _check_csv("engsoccerdata", case)


@FUZZ
@given(case=mutated_csv("international-results"))
def test_international_results_parser_survives_mutated_files(case: tuple[bytes, set[int]]) -> None:
    _check_csv("international-results", case)


@cache
def _openfootball() -> dict:
    doc = json.loads((DATA / "openfootball-worldcup.json" / "2022" / "worldcup.json").read_bytes())
    return doc


JSON_VALUES = [None, True, False, 0, -3, 12345678901234567890, 1.5, float("inf"), "", "x" * 300, "Arse\x00nal",
               [], [1], ["1", 0], [1, 2, 3], {}, {"name": 5}, "12:00 UTC+99", "2022-02-30"]


@st.composite
def mutated_json(draw: st.DrawFn) -> tuple[bytes, int]:
    doc = json.loads(json.dumps(_openfootball()))
    matches = doc["matches"]
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(matches) - 1))
        match = matches[index]
        kind = draw(st.sampled_from(["swap", "remove", "nested", "whole"]))
        if kind == "whole" or not isinstance(match, dict) or not match:
            matches[index] = draw(st.sampled_from(JSON_VALUES))
            continue
        key = draw(st.sampled_from(sorted(match)))
        if kind == "remove":
            del match[key]
        elif kind == "nested" and isinstance(match[key], dict | list) and match[key]:
            inner = match[key]
            slot = draw(st.sampled_from(sorted(inner) if isinstance(inner, dict) else list(range(len(inner)))))
            inner[slot] = draw(st.sampled_from(JSON_VALUES))
        else:
            match[key] = draw(st.sampled_from(JSON_VALUES))
    text = bytearray(json.dumps(doc, ensure_ascii=False).encode())
    if draw(st.booleans()):
        position = draw(st.integers(0, len(text) - 1))
        text[position] ^= 1 << draw(st.integers(0, 7))
    return bytes(text), len(_openfootball()["matches"])


@FUZZ
@given(case=mutated_json())
def test_openfootball_parser_survives_mutated_files(case: tuple[bytes, int]) -> None:
    data, total = case
    original = parse_json(json.dumps(_openfootball()).encode(), "worldcup.json", "worldcup", "2022")
    try:
        result = parse_json(data, "worldcup.json", "worldcup", "2022")
    except MatchdayError:
        return
    _assert_football(result)
    assert len(result.matches) + len({p.line for p in result.problems}) >= result.rows_read
    assert len(result.matches) >= len(original.matches) - 4  # at most three matches touched (+ one flipped byte)
