"""CSV bytes → rows, tolerant of the encodings and paddings found in real football files. Pure.

Rows are read one physical line at a time: football CSVs never hold a value spanning lines, so a row that
would (an unterminated quote) is that line's problem, not the file's. Such a line, and a line longer than the
limit, is reported in ``Rows.problems`` (quarantined by the caller) and reading goes on with the next line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from matchday.domain.records import RowProblem
from matchday.errors import UnreadableFile

NA_VALUES = frozenset({"", "NA", "N/A", "NaN", "nan", "NULL"})
RAW_KEEP = 2000  # characters of a quarantined line kept for the person who reads the quarantine


@dataclass(frozen=True, slots=True)
class InputLimits:
    """Bounds on one input file (settings ``MATCHDAY_MAX_INPUT_BYTES``, ``MATCHDAY_MAX_LINE_CHARS``)."""

    max_bytes: int = 100_000_000
    max_line_chars: int = 65_536


#: the limits in force for the parse running in this context (the pipeline sets them from the settings)
LIMITS: ContextVar[InputLimits] = ContextVar("matchday_input_limits", default=InputLimits())  # noqa: B039


@contextmanager
def input_limits(limits: InputLimits) -> Iterator[InputLimits]:
    """Parse with these limits within the block."""
    token = LIMITS.set(limits)
    try:
        yield limits
    finally:
        LIMITS.reset(token)


def decode(data: bytes, location: str) -> str:
    """UTF-8 (with or without BOM) first; Latin-1 for the older files that are not valid UTF-8."""
    if b"\x00" in data[:4096]:
        raise UnreadableFile(location, "binary data (NUL bytes), not a CSV file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace").replace("\xa0", " ")


class Rows:
    """(line number, fields) for each non-blank row after the header; unreadable lines go to ``problems``."""

    def __init__(self, lines: list[str], max_line_chars: int) -> None:
        self._lines = lines
        self._max = max_line_chars
        self.problems: list[RowProblem] = []
        self._reported: set[int] = set()  # a line read again after a restart is reported once

    def _problem(self, index: int, reason: str) -> None:
        if index in self._reported:
            return
        self._reported.add(index)
        self.problems.append(RowProblem(index + 1, "(line)", reason, self._lines[index].rstrip("\r\n")[:RAW_KEEP]))

    def _feed(self, start: int) -> Iterator[str]:
        for index in range(start, len(self._lines)):
            line = self._lines[index]
            if len(line) > self._max:
                self._problem(index, f"line of {len(line):,} characters is longer than the limit of "
                                     f"{self._max:,} (MATCHDAY_MAX_LINE_CHARS)")
                yield "\n"  # a blank row in its place keeps the line numbers
            else:
                yield line

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        start = 1  # index of the first line after the header
        while start < len(self._lines):
            reader = csv.reader(self._feed(start))
            consumed = 0  # lines this reader has finished
            try:
                for fields in reader:
                    first = start + consumed
                    if reader.line_num - consumed > 1 or (fields and fields[-1].endswith(("\n", "\r"))):
                        # the row ran on past its line: an unterminated quote on line ``first``
                        self._problems_for_quote(first)
                        start = first + 1
                        break
                    consumed = reader.line_num
                    # padding rows (",,,,") are skipped; a row with a first value is never blank
                    if fields and (fields[0] or any(value.strip() for value in fields)):
                        yield first + 1, fields
                else:
                    return
            except csv.Error as exc:
                first = start + consumed
                self._problem(first, f"not a CSV row: {exc}")
                start = first + 1

    def _problems_for_quote(self, index: int) -> None:
        self._problem(index, "unterminated quote: the row runs on into the next line; row skipped")


def read_rows(data: bytes, location: str) -> tuple[list[str], Rows]:
    """Header (stripped) and the rows after it; see ``Rows`` for what happens to unreadable lines."""
    limits = LIMITS.get()
    text = decode(data, location)
    lines = io.StringIO(text, newline="").readlines()
    if not lines or not lines[0].strip():
        raise UnreadableFile(location, "empty file" if not lines else "the first line (the header) is blank")
    if len(lines[0]) > limits.max_line_chars:
        raise UnreadableFile(location, f"the header line is longer than {limits.max_line_chars:,} characters")
    try:
        header = next(csv.reader([lines[0]], strict=True))
    except (csv.Error, StopIteration) as exc:
        raise UnreadableFile(location, f"not a CSV file: {exc}") from None
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_line_chars + 1))
    return [name.strip() for name in header], Rows(lines, limits.max_line_chars)


def raw_line(fields: list[str]) -> str:
    return ",".join(fields)[:RAW_KEEP]


def optional_float(value: str) -> float | None:
    value = value.strip()
    return None if value in NA_VALUES else float(value)


def optional_text(value: str) -> str | None:
    value = value.strip()
    return None if value in NA_VALUES else value
