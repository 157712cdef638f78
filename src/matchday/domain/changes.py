"""What a write changed, as pure values: the seed of every consumer after the commit (DESIGN §13).

A write (a load unit, a collector response, a live poll, a team merge) ends in one ``ChangeSet``: the matches it
touched, the feed events derived from them and the cache tags they invalidate. ``ingest.apply`` appends it to
the outbox in the write's own transaction; ``ingest.publish`` hands it to every subscriber after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

EVERYTHING = "*"  # the cache tag that flushes every cached answer
MANY_MATCHES = 500  # past this, one write flushes every cached answer instead of naming each match
MANY_RESULTS = 1000  # past this, a change set names the seasons whose results moved, not each match
# the match fields whose change can move a prediction league's points
RESULT_FIELDS = frozenset({"status", "home_goals", "away_goals", "home_goals_et", "away_goals_et", "home_penalties",
                           "away_penalties", "finish", "attributes"})


@dataclass
class MatchChange:
    """What one write did to one match."""

    match_id: int
    new: bool
    fields: dict[str, Any] = field(default_factory=dict)
    competition_id: int = 0
    season_id: int = 0
    home_team_id: int = 0
    away_team_id: int = 0

    @property
    def result_may_have_moved(self) -> bool:
        return self.new or bool(RESULT_FIELDS & set(self.fields))


@dataclass(frozen=True, slots=True)
class FeedEvent:
    type: str  # match_status | goal | yellow_card | red_card | match_update | table_update
    data: dict[str, Any] = field(default_factory=dict)


def tags_for(changes: Sequence[MatchChange]) -> set[str]:
    """Cache tags of what the changed matches appear in: the match, its league, season and both teams."""
    if not changes:
        return set()
    if len(changes) > MANY_MATCHES:
        return {EVERYTHING}
    tags = {"matches"}
    for change in changes:
        tags.update((f"match:{change.match_id}", f"league:{change.competition_id}", f"season:{change.season_id}",
                     f"team:{change.home_team_id}", f"team:{change.away_team_id}"))
    return tags


@dataclass
class ChangeSet:
    """Everything one write changed; built up while the write runs, appended to the outbox before its commit."""

    changes: list[MatchChange] = field(default_factory=list)  # matches whose data moved
    provenance_only: list[MatchChange] = field(default_factory=list)  # only which source says what moved
    tags: set[str] = field(default_factory=set)  # further cache tags (provider tables, scorers, renamed teams)
    seasons: set[int] = field(default_factory=set)  # season ids whose every result may have moved (bulk loads)
    feed: list[dict[str, Any]] = field(default_factory=list)  # feed event rows (ingest.live builds them)

    def add(self, changes: Iterable[MatchChange], provenance_only: Iterable[MatchChange] = ()) -> None:
        self.changes.extend(changes)
        self.provenance_only.extend(provenance_only)

    def cache_tags(self) -> set[str]:
        tags = tags_for(self.changes + self.provenance_only) | self.tags
        if self.seasons:
            tags.add(EVERYTHING)
        return {EVERYTHING} if EVERYTHING in tags else tags

    def results(self) -> dict[str, list[int]]:
        """What the prediction-league subscriber needs: matches whose result may have moved, and whole seasons
        (a bulk load, or more matches than ``MANY_RESULTS``); empty when no result moved."""
        matches = sorted({c.match_id for c in self.changes if c.result_may_have_moved})
        seasons = set(self.seasons)
        if len(matches) > MANY_RESULTS:
            seasons |= {c.season_id for c in self.changes if c.result_may_have_moved}
            matches = []
        return {"matches": matches, "seasons": sorted(seasons)} if matches or seasons else {}

    @property
    def empty(self) -> bool:
        return not (self.changes or self.provenance_only or self.tags or self.seasons or self.feed)
