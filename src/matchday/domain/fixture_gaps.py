"""Whether a league season's fixture list is complete: in a round robin every pair of teams meets equally often,
so a pair that met fewer times than the others is a fixture the store does not hold."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import combinations


def missing_meetings(teams: Iterable[int], meetings: Iterable[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(team, team, meetings missing) for every pair that met fewer times than the pair that met most often.
    ``meetings``: (home, away) of every match of the season stored, played or not."""
    count = Counter(frozenset(pair) for pair in meetings if pair[0] != pair[1])
    legs = max(count.values(), default=0)
    return [(a, b, legs - count[frozenset((a, b))]) for a, b in combinations(sorted(set(teams)), 2)
            if count[frozenset((a, b))] < legs]
