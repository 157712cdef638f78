"""CSV bytes → rows, tolerant of the encodings and paddings found in real football files. Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from matchday.errors import UnreadableFile

NA_VALUES = frozenset({"", "NA", "N/A", "NaN", "nan", "NULL"})


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


def read_rows(data: bytes, location: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Header (stripped) and (line number, fields) for each non-blank row after it."""
    text = decode(data, location)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise UnreadableFile(location, "empty file") from None
    except csv.Error as exc:
        raise UnreadableFile(location, f"not a CSV file: {exc}") from None
    header = [name.strip() for name in header]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for fields in reader:
                # padding rows (",,,,") are skipped; a row with a first value is never blank
                if fields and (fields[0] or any(value.strip() for value in fields)):
                    yield reader.line_num, fields
        except csv.Error as exc:
            raise UnreadableFile(location, f"line {reader.line_num}: {exc}") from None

    return header, rows()


def raw_line(fields: list[str]) -> str:
    return ",".join(fields)


def optional_int(value: str) -> int | None:
    value = value.strip()
    if value in NA_VALUES:
        return None
    number = float(value)
    if not number.is_integer():
        raise ValueError(f"not a whole number: {value!r}")
    return int(number)


def optional_float(value: str) -> float | None:
    value = value.strip()
    return None if value in NA_VALUES else float(value)


def optional_text(value: str) -> str | None:
    value = value.strip()
    return None if value in NA_VALUES else value
