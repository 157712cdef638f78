"""What the API connectors share: strict value readers, JSON loading, and the adapter that lets ``matchday load``
parse saved provider responses through the same ``Provider.parse`` the collector and ``reparse`` use.

A saved response is loaded as one unit: its endpoint and parameters come from the body where the provider echoes
them (API-Football's envelope), else from the file name (``fixtures-events_fixture-653808.json`` →
endpoint ``fixtures/events``, ``fixture=653808``), else from the body's shape (each provider's ``infer``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from matchday.domain.records import ParseResult, RowProblem
from matchday.errors import NotFound, ParseError, UnreadableFile
from matchday.sources.base import Download, LoadUnit, expand
from matchday.sources.provider import Provider

# file names (first part) of answers about one fixture: they attach to a stored match, so load the matches first
_DETAIL_NAMES = frozenset({"fixtures-events", "fixtures-lineups", "fixtures-statistics", "fixtures-players", "odds"})
_NAME_PARAM = re.compile(r"^([a-z]+)-(.+)$")


def load_json(provider: str, body: bytes, location: str = "body") -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableFile(location, f"{provider}: not JSON: {exc}") from None


def as_int(provider: str, field: str, value: Any, *, optional: bool = True) -> int | None:
    """An integer given as a number or a numeric string; None stays None (unless not optional)."""
    if value is None or value == "":
        if optional:
            return None
        raise ParseError(provider, field, value, "missing value")
    if isinstance(value, bool):
        raise ParseError(provider, field, value, "not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
    raise ParseError(provider, field, value, "not a whole number")


def as_float(provider: str, field: str, value: Any) -> float | None:
    """A number given as a number, a numeric string or a percentage ("39%"); None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ParseError(provider, field, value, "not a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        try:
            return float(text)
        except ValueError:
            pass
    raise ParseError(provider, field, value, "not a number")


def as_text(provider: str, field: str, value: Any, *, optional: bool = True) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        raise ParseError(provider, field, value, "missing value")
    if not isinstance(value, str | int):
        raise ParseError(provider, field, value, "not a text")
    return str(value).strip()


def as_dict(provider: str, field: str, value: Any) -> dict:
    if not isinstance(value, dict):
        raise ParseError(provider, field, value if not isinstance(value, list | str) else str(value)[:80],
                         "expected an object")
    return value


def as_obj(provider: str, field: str, value: Any) -> dict:
    """An optional object: None (or absent) is ``{}``; anything but an object names the field and value."""
    return {} if value is None else as_dict(provider, field, value)


def as_seq(provider: str, field: str, value: Any) -> list:
    """An optional list: None is ``[]``."""
    return [] if value is None else as_list(provider, field, value)


def as_code(provider: str, field: str, value: Any) -> str | int | None:
    """A vocabulary code (a status, type, position ...): a text or number, never a list or object."""
    if value is None or isinstance(value, str | int) and not isinstance(value, bool):
        return value
    raise ParseError(provider, field, str(value)[:80], "not a code")


def shape_checked(parse: Callable[..., ParseResult]) -> Callable[..., ParseResult]:
    """A provider's ``parse(endpoint, params, body)`` that never lets a wrong-shaped answer out as an
    ``AttributeError``/``TypeError``/``KeyError``/``IndexError``: it becomes a ``ParseError`` naming the
    provider, the endpoint and what was wrong (the parsers name the field and value wherever they check)."""

    @functools.wraps(parse)
    def checked(self: Any, endpoint: str, params: Mapping[str, str], body: bytes) -> ParseResult:
        try:
            return parse(self, endpoint, params, body)
        except (AttributeError, TypeError, KeyError, IndexError) as exc:
            raise ParseError(self.info.name, f"{endpoint} answer", f"{exc.__class__.__name__}: {exc}"[:200],
                             "unexpected shape") from None

    return checked


def as_list(provider: str, field: str, value: Any) -> list:
    if not isinstance(value, list):
        raise ParseError(provider, field, str(value)[:80], "expected a list")
    return value


def utc_datetime(provider: str, field: str, value: Any) -> datetime | None:
    """ISO 8601 with an offset (or ``Z``) → naive UTC; None stays None."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC).replace(tzinfo=None)
    if not isinstance(value, str):
        raise ParseError(provider, field, value, "not a date-time")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ParseError(provider, field, value, "not an ISO date-time") from None
    if parsed.tzinfo is None:
        return parsed
    return parsed.astimezone(UTC).replace(tzinfo=None)


def set_aside(problems: list[RowProblem] | None, index: int, exc: ParseError, what: str, raw: Any) -> None:
    """One record with an unknown code is quarantined (named: ``what``) and its neighbours load; any other
    ``ParseError``, or no list to collect into, stops the record that holds it."""
    if problems is None or not exc.unknown_code:
        raise exc
    problems.append(RowProblem(index, exc.field, f"{what}: {exc}", json.dumps(raw, ensure_ascii=False,
                                                                               default=str)[:2000]))


def name_hints(stem: str) -> tuple[str, dict[str, str]]:
    """``fixtures-events_fixture-653808_type-Goal`` → (``fixtures/events``, {fixture: 653808, type: Goal}).

    The first ``_``-separated part names the endpoint (``-`` for ``/``); each later ``key-value`` part is a
    parameter; parts that are not ``key-value`` (``PEN``, ``pretty``) are ignored."""
    parts = stem.split("_")
    params: dict[str, str] = {}
    for part in parts[1:]:
        found = _NAME_PARAM.match(part)
        if found:
            params[found.group(1)] = found.group(2)
    return parts[0].replace("-", "/"), params


Infer = Callable[[str, bytes], tuple[str, dict[str, str]]]


class ProviderSource:
    """A provider as a ``matchday.sources`` plugin: ``matchday load <provider> <files or folders>``."""

    suffixes: tuple[str, ...] = (".json", ".json.gz")

    def __init__(self, provider: Provider, infer: Infer, description: str,
                 suffixes: tuple[str, ...] | None = None) -> None:
        self.provider = provider
        self.name = provider.info.name
        self.description = description
        self._infer = infer
        if suffixes:
            self.suffixes = suffixes

    def plan(self, paths: Sequence[Path], options: Mapping[str, str]) -> list[LoadUnit]:
        units = []
        for path in expand(paths, self.suffixes):
            stem = path.name
            for suffix in sorted(self.suffixes, key=len, reverse=True):
                if stem.endswith(suffix):
                    stem = stem[: -len(suffix)]
                    break
            units.append(LoadUnit(str(path), {"body": path}, {"stem": stem}))
        return sorted(units, key=lambda u: u.hints["stem"].split("_")[0] in _DETAIL_NAMES)

    def parse(self, unit: LoadUnit, contents: Mapping[str, bytes]) -> ParseResult:
        body = contents["body"]
        endpoint, params = self._infer(unit.hints.get("stem", ""), body)
        self.provider.check_body(endpoint, 200, body)  # an error answer is an error, whatever its endpoint
        if endpoint not in self.provider.info.endpoints:
            raise UnreadableFile(unit.location, f"{self.name}: cannot tell which endpoint this response is from "
                                                f"(got {endpoint!r}; known: "
                                                f"{', '.join(sorted(self.provider.info.endpoints))})")
        return self.provider.parse(endpoint, params, body)

    def downloads(self, league: str, season: str, base_url: str) -> list[Download]:
        raise NotFound(f"{self.name} is an API: configure a key and a job (see the README), or load saved "
                       "responses from files")
