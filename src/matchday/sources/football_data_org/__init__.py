"""football-data.org v4: competitions, matches (by competition, date range, team), standings, teams, scorers.

Auth header ``X-Auth-Token``; the per-minute throttle is read from ``X-Requests-Available-Minute`` and
``X-RequestCounter-Reset`` (seconds until the counter resets). Errors come as ``{"message", "errorCode"}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from matchday.domain.records import ParseResult
from matchday.errors import ProviderError, RateLimited, UnreadableFile
from matchday.sources.football_data_org import spec
from matchday.sources.football_data_org.parser import (
    parse_competitions,
    parse_matches,
    parse_scorers,
    parse_standings,
    parse_teams,
)
from matchday.sources.provider import ProviderInfo, QuotaReading
from matchday.sources.providerkit import ProviderSource, load_json, name_hints, shape_checked

INFO = ProviderInfo(
    name=spec.PROVIDER,
    description="football-data.org v4: competitions, matches, standings, teams, scorers",
    base_url_setting="football_data_org_base_url", auth_header=spec.AUTH_HEADER,
    key_setting="football_data_org_token", endpoints=spec.ENDPOINTS,
)
_DATA_KEYS = ("matches", "standings", "teams", "scorers", "competitions", "id")


def _header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class FootballDataOrg:
    info = INFO

    def check_body(self, endpoint: str, status: int, body: bytes) -> None:
        try:
            doc = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return
        self.check_doc(endpoint, doc, status)

    def check_doc(self, endpoint: str, doc: object, status: int = 200) -> None:
        if not isinstance(doc, dict) or any(key in doc for key in _DATA_KEYS):
            return
        if "errorCode" in doc or "message" in doc or "error" in doc:
            code = doc.get("errorCode") or doc.get("error")
            if code == 429 or status == 429 or "too many requests" in str(doc.get("message", "")).lower():
                raise RateLimited(f"{spec.PROVIDER} ({endpoint}): {doc.get('message')}")
            raise ProviderError(spec.PROVIDER, doc, endpoint)

    def quota_headers(self, headers: Mapping[str, str]) -> QuotaReading:
        lower = {k.lower(): v for k, v in headers.items()}
        remaining = _header(lower, "x-requests-available-minute")
        reset = _header(lower, "x-requestcounter-reset")
        return QuotaReading(minute_remaining=remaining,
                            retry_after_s=float(reset) if reset is not None and remaining == 0 else None)

    @shape_checked
    def parse(self, endpoint: str, params: Mapping[str, str], body: bytes) -> ParseResult:
        doc = load_json(spec.PROVIDER, body, endpoint)
        self.check_doc(endpoint, doc)
        if not isinstance(doc, dict):
            raise UnreadableFile(endpoint, f"{spec.PROVIDER}: expected a JSON object")
        kind = spec.ENDPOINTS[endpoint].returns if endpoint in spec.ENDPOINTS else None
        if kind == "matches":
            return parse_matches(doc)
        if kind == "standings":
            return parse_standings(doc)
        if kind == "scorers":
            return parse_scorers(doc)
        if kind == "teams":
            return parse_teams(doc)
        if kind == "competitions":
            return parse_competitions(doc)
        raise UnreadableFile(endpoint, f"{spec.PROVIDER}: no parser for endpoint {endpoint!r}")


PROVIDER = FootballDataOrg()


def infer(stem: str, body: bytes) -> tuple[str, dict[str, str]]:
    """The answer's shape says its endpoint (v4 answers do not name it): ``standings``, ``scorers``, ``teams``,
    ``competitions`` or ``matches`` at the top, else a single match or team object."""
    _named, params = name_hints(stem)
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return "", params
    if not isinstance(doc, dict):
        return "", params
    for key, endpoint in (("standings", "competitions/standings"), ("scorers", "competitions/scorers"),
                          ("teams", "competitions/teams"), ("competitions", "competitions"),
                          ("matches", "competitions/matches")):
        if key in doc:
            return endpoint, params
    if "homeTeam" in doc:
        return "match", params
    if "squad" in doc or "tla" in doc:
        return "team", params
    if "currentSeason" in doc:
        return "competition", params
    return "", params


SOURCE = ProviderSource(PROVIDER, infer, "football-data.org v4 saved answers")
