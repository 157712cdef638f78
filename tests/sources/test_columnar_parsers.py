"""The columnar parsers give exactly what the record parsers give: on every real file, and on damaged copies.

Same matches (every field), same events, same quarantined rows (line, field, reason, raw text), same row count.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest

from matchday.sources.columnar import ColumnarParse, records_frame
from matchday.sources.csvtext import InputLimits, input_limits
from matchday.sources.engsoccerdata import spec as esd_spec
from matchday.sources.engsoccerdata.columnar import parse_matches_columnar
from matchday.sources.engsoccerdata.parser import parse_matches
from matchday.sources.international_results.columnar import parse_results_columnar
from matchday.sources.international_results.parser import parse_results
from tests.conftest import DATA

ESD = DATA / "engsoccerdata" / "data-raw"
INTL = DATA / "international_results"


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def _events(frame: pl.DataFrame) -> list[tuple]:
    """Events per match in order (the record path numbers them per match, the columnar path per file)."""
    ranked = frame.sort("match_line", "order").with_columns(order=pl.int_range(pl.len()).over("match_line"))
    return sorted(ranked.iter_rows())


def assert_same(columnar: ColumnarParse, records) -> None:
    matches, events = records_frame(records.matches)
    assert columnar.rows_read == records.rows_read
    assert columnar.problems == records.problems
    assert columnar.matches.height == matches.height
    for name in matches.columns:
        assert columnar.matches.get_column(name).to_list() == matches.get_column(name).to_list(), name
    assert _events(columnar.events) == _events(events)


RESULT_FILES = sorted(p for p in ESD.glob("*.csv*") if p.name.split(".")[0] in esd_spec.FILES)


@pytest.mark.parametrize("path", RESULT_FILES, ids=lambda p: p.name)
def test_engsoccerdata_real_files(path: Path) -> None:
    stem = path.name.split(".")[0]
    data = _read(path)
    columnar = parse_matches_columnar(data, str(path), stem)
    assert_same(columnar, parse_matches(data, str(path), stem))
    assert columnar.record_rows < max(columnar.rows_read // 2, 400)  # the columnar path did the bulk of it


def test_international_results_real_files() -> None:
    results, goals, shootouts = (_read(INTL / name) for name in ("results.csv.gz", "goalscorers.csv.gz",
                                                                 "shootouts.csv"))
    columnar = parse_results_columnar(results, "results.csv", goals, shootouts)
    assert_same(columnar, parse_results(results, "results.csv", goals, shootouts))
    assert columnar.record_rows == 0 and columnar.events.height == 47914


def _damage(lines: list[str]) -> list[str]:
    """Real rows made into each kind of damage or oddity a file can hold."""
    lines = list(lines)
    lines[3] = lines[3].replace("1-0", "1-0", 1).rsplit(",", 3)[0]  # short row
    lines[5] = lines[5] + ',"extra"'  # long row (the record parser ignores the extra field)
    lines[7] = lines[7].replace(lines[7].split(",")[0], "2019-02-30", 1)  # impossible date
    lines[9] = lines[9].replace(lines[9].split(",")[0], "18017", 1)  # an R day number
    lines[11] = lines[11].replace(",1,", ",x,", 1)  # a goal that is not a number
    lines[13] = lines[13].replace(",1,", ",-1,", 1)  # a negative goal
    lines[15] = lines[15].replace('"', '" ', 1)  # a name with a leading space
    lines[17] = ""  # a blank line
    lines[19] = ",,,,,,,,"  # a padding row
    lines[21] = lines[21].replace(",1,", ",+1,", 1)  # a signed goal
    lines[23] = lines[23].replace('"', '"Ærø ', 1)  # a non-ASCII name
    lines[25] = lines[25].replace('"', '"a""b ', 1)  # an escaped quote
    lines[27] = lines[27].replace('"', '"\x07', 1)  # a control character
    lines[29] = lines[29].replace(",", ",NA,", 1)  # a shifted row
    lines[31] = lines[31] + ',"' + "x" * 600 + '"'  # a line over the length limit (600 of 500 characters here)
    lines[33] = lines[33].replace(lines[33].split(",")[0], "1849-12-31", 1)  # a year before football
    return lines


@pytest.mark.parametrize("name", ["facup.csv.gz", "englandplayoffs.csv", "spain.csv.gz", "champs.csv.gz"])
def test_engsoccerdata_damaged_rows(name: str) -> None:
    lines = _read(ESD / name).decode("utf-8").split("\n")[:400]
    data = ("\n".join(_damage(lines)) + "\n").encode("utf-8")
    stem = name.split(".")[0]
    with input_limits(InputLimits(max_line_chars=500)):
        columnar = parse_matches_columnar(data, name, stem)
        records = parse_matches(data, name, stem)
    assert records.problems, "the damage should quarantine rows"
    assert columnar.record_rows < 100  # the rest went the columnar way
    assert_same(columnar, records)


def test_engsoccerdata_whole_file_shapes() -> None:
    """Files the columnar path cannot map line by line go to the record parser whole, with the same outcome."""
    lines = _read(ESD / "mls.csv.gz").decode("utf-8").split("\n")[:200]
    quoted_newline = list(lines)
    quoted_newline[4] = quoted_newline[4].replace('"', '"line\nbreak ', 1)
    crlf = "\r\n".join(lines).encode("utf-8")
    unterminated = list(lines)
    unterminated[6] = unterminated[6].replace('"', "", 1)
    latin1 = "\n".join(lines).replace("New England", "Nëw England").encode("cp1252")
    for data in ("\n".join(quoted_newline).encode("utf-8"), crlf, latin1, b"\xef\xbb\xbf" + crlf,
                 "\n".join(unterminated).encode("utf-8")):
        assert_same(parse_matches_columnar(data, "mls.csv", "mls"), parse_matches(data, "mls.csv", "mls"))


def test_international_results_damaged_rows() -> None:
    results = _read(INTL / "results.csv.gz").decode("utf-8").split("\n")
    goals = _read(INTL / "goalscorers.csv.gz").decode("utf-8").split("\n")
    shootouts = (INTL / "shootouts.csv").read_text("utf-8").split("\n")
    keep = {line.split(",", 1)[0][:4] for line in results[1:] if line.startswith(("2021-", "2022-"))}
    results = [results[0], *(line for line in results[1:] if line[:4] in keep)]
    goals = [goals[0], *(line for line in goals[1:] if line[:4] in keep)]
    results = _damage(results)
    results.append(results[40])  # the same match twice: the first one takes its goals
    goals[10] = goals[10].replace(",FALSE,", ",yes,", 1)  # not TRUE/FALSE
    goals[12] = goals[12].rsplit(",", 3)[0] + ",4x,FALSE,FALSE"  # a minute that is not a number
    fields = goals[14].split(",")
    goals[14] = ",".join([*fields[:3], "Atlantis", *fields[4:]])  # a team not in the match
    goals.append("2022-01-01,Nowhere,Elsewhere,Nowhere,Someone,10,FALSE,FALSE")  # a goal of no match
    shootouts.append(",".join(results[50].split(",")[:3]) + ",")  # a shoot-out with no winner named
    goals[16] = goals[16].replace(",FALSE,FALSE", ",FALSE,FALSE," + "y" * 600, 1)  # a line over the limit
    shootouts[5] = ",".join([*shootouts[5].split(",")[:3], "Atlantis"])  # a winner who did not play
    data = [("\n".join(lines) + "\n").encode("utf-8") for lines in (results, goals, shootouts)]
    with input_limits(InputLimits(max_line_chars=500)):
        columnar = parse_results_columnar(data[0], "results.csv", data[1], data[2])
        records = parse_results(data[0], "results.csv", data[1], data[2])
    assert len(records.problems) >= 8
    assert_same(columnar, records)


def test_an_out_of_range_number_is_a_clear_error_or_quarantined() -> None:
    """A 20-digit goal: quarantined where the record parser validates ranges, else a ValueError naming the line
    (the unit fails with that message), never a traceback from deep inside the write."""
    lines = _read(ESD / "mls.csv.gz").decode("utf-8").split("\n")[:50]
    lines[13] = lines[13].replace(lines[13].split(",")[5], "99999999999999999999", 1)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    records = parse_matches(data, "mls.csv", "mls")
    if any(problem.line == 14 for problem in records.problems):
        assert_same(parse_matches_columnar(data, "mls.csv", "mls"), records)
    else:
        with pytest.raises(ValueError, match="line 14: .* out of range"):
            parse_matches_columnar(data, "mls.csv", "mls")
