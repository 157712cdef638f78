"""The competition register (``data/competition_register.json``): one entry per competition with its code,
name, country, kind, tier, format and its id at every provider, each id with the listing it was taken from.

Every connector asks the register which competition a provider's league, code, slug or tournament is, so one
competition is one competition whichever provider names it. A provider id the register does not know loads
under ``<provider>.<id>`` (``matchday competitions --unmapped`` lists those).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

#: the providers the register holds ids for (``espn-league-id``: the number in ESPN's uids, s:600~l:<id>)
PROVIDERS = ("api-football", "football-data-org", "espn", "espn-league-id", "sofascore", "understat",
             "football-data-uk", "openfootball", "engsoccerdata")


@dataclass(frozen=True, slots=True)
class RegisteredCompetition:
    code: str
    name: str
    country: str | None
    kind: str  # league | cup | international
    tier: int | None
    format: str
    ids: dict[str, str] = field(default_factory=dict)  # provider -> its id
    sources: dict[str, str] = field(default_factory=dict)  # provider -> the listing the id came from


@dataclass(frozen=True)
class Register:
    competitions: dict[str, RegisteredCompetition]
    by_provider: dict[tuple[str, str], RegisteredCompetition]
    sources: dict[str, str]

    def lookup(self, provider: str, provider_id: Any) -> RegisteredCompetition | None:
        return self.by_provider.get((provider, str(provider_id)))

    def id_at(self, code: str, provider: str) -> str | None:
        entry = self.competitions.get(code)
        return entry.ids.get(provider) if entry else None


def _build(doc: dict[str, Any]) -> Register:
    competitions: dict[str, RegisteredCompetition] = {}
    by_provider: dict[tuple[str, str], RegisteredCompetition] = {}
    sources = doc["sources"]
    for raw in doc["competitions"]:
        ids = {p: str(v["id"]) for p, v in raw["ids"].items()}
        entry = RegisteredCompetition(raw["code"], raw["name"], raw.get("country"), raw["kind"], raw.get("tier"),
                                      raw["format"], ids, {p: v["source"] for p, v in raw["ids"].items()})
        if entry.code in competitions:
            raise ValueError(f"competition register: {entry.code} is listed twice")
        for provider, provider_id in ids.items():
            if provider not in PROVIDERS:
                raise ValueError(f"competition register: {entry.code}: unknown provider {provider!r}")
            if entry.sources[provider] not in sources:
                raise ValueError(f"competition register: {entry.code}: {provider} id without a known source")
            if (provider, provider_id) in by_provider:
                raise ValueError(f"competition register: {provider} {provider_id} is both "
                                 f"{by_provider[(provider, provider_id)].code} and {entry.code}")
            by_provider[(provider, provider_id)] = entry
        competitions[entry.code] = entry
    return Register(competitions, by_provider, sources)


@cache
def register() -> Register:
    return _build(json.loads(resources.files("matchday.data").joinpath("competition_register.json")
                             .read_text("utf-8")))


def lookup(provider: str, provider_id: Any) -> RegisteredCompetition | None:
    """The competition a provider's id names, or None (then it loads as ``<provider>.<id>``)."""
    return register().lookup(provider, provider_id)
