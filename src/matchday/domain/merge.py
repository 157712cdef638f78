"""Merging what several sources say about one match (DESIGN.md §9). Pure: no I/O.

Each source's statement about a match is its *claim*: the fields it gave (a value it does not give is absent,
never None). The stored match is ``resolve(claims)``, a function of the set of claims only, so loading the
same files in any order gives the same store:

- status and what goes with it (period, minute, scores, finish) come from the most advanced claim
  (``STATUS_RANK``: scheduled → postponed → in play → abandoned → finished → awarded/cancelled); between two
  results of the same rank the more trusted source wins, and a different score is a conflict;
- every other field comes from the most trusted source that gives it;
- a source's own claim only moves forward too (``update_claim``): an older snapshot of the same source never
  takes a match back; a correction of a settled result by the same source is applied; a match that source
  called postponed may be rescheduled by it.

Trust is ``Precedence``: kept as data (``data/source_precedence.json``), per competition with a default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from matchday.domain.live import MatchState
from matchday.domain.records import MatchStatus, Period

#: the merged fields of a match, in a fixed order: bit ``i`` of a provenance mask is ``FIELDS[i]``
#: (append only: stored masks depend on the order)
FIELDS = (
    "stage", "round", "round_number", "match_date", "kickoff_utc", "status", "period", "finish", "minute",
    "home_goals", "away_goals", "home_goals_ht", "away_goals_ht", "home_goals_et", "away_goals_et",
    "home_penalties", "away_penalties", "venue", "referee", "attendance", "neutral",
)
BITS = {name: 1 << index for index, name in enumerate(FIELDS)}

#: an explicit decision (awarded, cancelled) comes after the match was played or not: it outranks "finished",
#: which is all a results file can say (football-data.co.uk has the awarded 0-2 of Union Berlin v Bochum
#: 2024-25 as a plain 0-2 result)
STATUS_RANK = {"scheduled": 0, "postponed": 1, "live": 2, "halftime": 2, "suspended": 2, "abandoned": 3,
               "finished": 4, "awarded": 5, "cancelled": 5}
SETTLED = 4  # from this rank on a result is settled: finished, awarded, cancelled
ENDED = frozenset({"finished", "awarded", "cancelled", "abandoned", "postponed"})  # no period, no minute
#: what goes with the status: taken together from the most advanced claim that gives them
RESULT_GROUPS = (("home_goals", "away_goals"), ("home_goals_ht", "away_goals_ht"),
                 ("home_goals_et", "away_goals_et"), ("home_penalties", "away_penalties"), ("finish",))
PROGRESS_FIELDS = frozenset({"status", "period", "minute", *(f for group in RESULT_GROUPS for f in group)})
OTHER_FIELDS = tuple(f for f in FIELDS if f not in PROGRESS_FIELDS)

#: the claim of a match stored before provenance was kept: trusted least of all
EARLIER_LOAD = "earlier-load"
#: team names: the packaged alias file outranks every source
ALIAS_FILE = "alias-file"

Claim = Mapping[str, Any]
TrustKey = tuple[int, str]
Trust = Callable[..., TrustKey]  # (source, field name or None) → trust key


@dataclass(frozen=True)
class Precedence:
    """Source trust: ``default`` most trusted first, ``competitions`` an order per competition code.

    Sources a competition's list names rank above the others, in that order; the rest follow in the default
    order; unlisted sources after all listed ones (by name, so the order is total and deterministic).
    """

    default: tuple[str, ...] = ()
    competitions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # a field's own order goes first

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Precedence:
        competitions, fields = data.get("competitions") or {}, data.get("fields") or {}
        if not isinstance(data.get("default"), list) or not isinstance(competitions, dict) \
                or not isinstance(fields, dict):
            raise ValueError("source precedence: 'default' must be a list, 'competitions' and 'fields' objects")
        unknown = set(fields) - set(FIELDS)
        if unknown:
            raise ValueError(f"source precedence: unknown match fields {sorted(unknown)}")
        return cls(tuple(data["default"]), {code: tuple(order) for code, order in competitions.items()},
                   {name: tuple(order) for name, order in fields.items()})

    def order(self, competition: str | None = None, field_name: str | None = None) -> tuple[str, ...]:
        own = self.fields.get(field_name or "", ())
        own += tuple(s for s in self.competitions.get(competition or "", ()) if s not in own)
        return own + tuple(s for s in self.default if s not in own)

    def key(self, source: str, competition: str | None = None, field_name: str | None = None) -> TrustKey:
        """Higher is more trusted; two different sources never compare equal."""
        if source == EARLIER_LOAD:
            return (-1, source)
        order = self.order(competition, field_name)
        rank = len(order) - order.index(source) if source in order else 0
        return (rank, source)

    def trust(self, competition: str | None) -> Trust:
        """The trust function of one competition (memoised: a batch asks it the same few questions)."""
        known: dict[tuple[str, str | None], TrustKey] = {}

        def key(source: str, field_name: str | None = None) -> TrustKey:
            found = known.get((source, field_name))
            if found is None:
                found = known[(source, field_name)] = self.key(source, competition, field_name)
            return found

        return key

    def name_key(self, source: str | None) -> TrustKey:
        """Trust of a team's display name: the alias file first, then the default order; unknown last."""
        if source == ALIAS_FILE:
            return (len(self.default) + 1, source)
        return self.key(source, None) if source else (-2, "")


# --- one source's claim ---

def claim_of(values: Iterable[Any]) -> dict[str, Any]:
    """A record's values in ``FIELDS`` order → its claim (the fields it gives)."""
    return {name: value for name, value in zip(FIELDS, values, strict=True) if value is not None}


def mask_of(claim: Iterable[str]) -> int:
    return sum(BITS[name] for name in claim)


def fields_of(mask: int) -> tuple[str, ...]:
    return tuple(name for name in FIELDS if mask & BITS[name])


def _progress(claim: Claim) -> tuple[int, float, int]:
    status = claim.get("status")
    if status is None:
        return (-1, 0, 0)
    rank = STATUS_RANK[status]
    if rank != 2:
        return (rank, 0, 0)
    period = claim.get("period")
    in_play = MatchState(MatchStatus(status), Period(period) if period else None, claim.get("minute"))
    _live, period_rank, minute = in_play.progress
    return (rank, period_rank, minute)


def update_claim(old: Claim | None, incoming: Claim) -> dict[str, Any]:
    """A source's claim after its new statement ``incoming``: what it no longer gives it still said.

    A statement less advanced than the source's own claim is stale: its status, period, minute and scores are
    ignored (the rest, e.g. a new kick-off time, still applies), except that a source may reschedule a match it
    called postponed.
    """
    if not old:
        claim = dict(incoming)
    else:
        claim = dict(old)
        stale = _progress(incoming) < _progress(old) and not (
            old.get("status") == "postponed" and incoming.get("status") == "scheduled")
        for name, value in incoming.items():
            if not (stale and name in PROGRESS_FIELDS):
                claim[name] = value
    if claim.get("status") in ENDED:
        claim.pop("period", None)
        claim.pop("minute", None)
    return claim


# --- all claims → the stored match ---

@dataclass(frozen=True)
class Resolution:
    values: dict[str, Any]  # every field of FIELDS (None where no claim gives it)
    chosen: dict[str, str]  # field → the source its value comes from


def resolve(claims: Mapping[str, Claim], trust: Trust) -> Resolution:
    """The stored match for a set of claims (source → claim): independent of the order they arrived in."""
    values: dict[str, Any] = dict.fromkeys(FIELDS)
    chosen: dict[str, str] = {}
    by_progress = sorted(claims, key=lambda s: (_progress(claims[s]), trust(s)), reverse=True)
    if by_progress and "status" in claims[by_progress[0]]:
        winner = by_progress[0]
        values["status"], chosen["status"] = claims[winner]["status"], winner
        if values["status"] not in ENDED:
            for name in ("period", "minute"):
                if name in claims[winner]:
                    values[name], chosen[name] = claims[winner][name], winner
    for group in RESULT_GROUPS:  # e.g. both goals of a score from the same (most advanced) claim
        for source in by_progress:
            for name in group:
                if name in claims[source] and name not in chosen:
                    values[name], chosen[name] = claims[source][name], source
    for name in OTHER_FIELDS:
        for source in sorted(claims, key=lambda s: trust(s, name), reverse=True):
            if name in claims[source]:
                values[name], chosen[name] = claims[source][name], source
                break
    return Resolution(values, chosen)


def dissent(claim: Claim, values: Mapping[str, Any]) -> dict[str, Any]:
    """Where a claim differs from the stored values (all the rest of it is the stored value)."""
    return {name: value for name, value in claim.items() if values.get(name) != value}


def field_sources(claims: Mapping[str, Claim], values: Mapping[str, Any], trust: Trust) -> dict[str, str]:
    """Field → the most trusted source that gives the stored value (provenance as a user reads it)."""
    found: dict[str, str] = {}
    for name in FIELDS:
        for source in sorted(claims, key=lambda s: trust(s, name), reverse=True):
            if name in claims[source] and claims[source][name] == values.get(name):
                found[name] = source
                break
    return found


# --- conflicts ---

@dataclass(frozen=True)
class Conflict:
    """Two sources disagree on a settled result: ``chosen`` is stored, ``other`` is kept only as a record."""

    field: str
    chosen_source: str
    chosen_value: str
    other_source: str
    other_value: str


def result_text(status: str, home: int | None, away: int | None) -> str:
    score = f"{home}-{away}" if home is not None and away is not None else ""
    return score if status == "finished" and score else " ".join(p for p in (status, score) if p)


def _disagree(status: str, home: Any, away: Any, other: Claim) -> bool:
    if other.get("home_goals") is not None and home is not None \
            and (other["home_goals"], other.get("away_goals")) != (home, away):
        return True
    # a source that can only say "finished" agrees with an awarded result of the same score
    return other["status"] != status and {other["status"], status} != {"finished", "awarded"}


def conflicts(claims: Mapping[str, Claim], resolution: Resolution) -> list[Conflict]:
    """Every source whose settled result (score, or finished/awarded/cancelled) differs from the stored one."""
    values = resolution.values
    status = values.get("status")
    if status is None or STATUS_RANK[status] < SETTLED:
        return []
    chosen = resolution.chosen["status"]
    home, away = values["home_goals"], values["away_goals"]
    found = []
    for source in sorted(claims):
        claim = claims[source]
        if source == chosen or STATUS_RANK.get(claim.get("status", ""), -1) < SETTLED:
            continue
        if _disagree(status, home, away, claim):
            found.append(Conflict("result", chosen, result_text(status, home, away), source,
                                  result_text(claim["status"], claim.get("home_goals"), claim.get("away_goals"))))
    return found


# --- JSON form of claim values (dates as ISO text) ---

def to_json(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in values.items()}


def from_json(values: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if isinstance(out.get("match_date"), str):
        out["match_date"] = date.fromisoformat(out["match_date"])
    if isinstance(out.get("kickoff_utc"), str):
        out["kickoff_utc"] = datetime.fromisoformat(out["kickoff_utc"])
    return out
