"""A realistic, reproducible league season: pure function of (teams, seed).

Double round-robin by the circle method on weekend dates, goals from Poisson draws on team attack/defence
strengths with a home advantage, goal minutes (stoppage time included), cards and match statistics.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from matchday.domain.records import (
    CompetitionRef,
    EventType,
    Finish,
    MatchEventRecord,
    MatchRecord,
    MatchStatus,
    ParseResult,
    Side,
    TeamRef,
    TeamStatsRecord,
)
from matchday.domain.seasons import season_start_year

TOWNS = (
    "Ashford", "Bramley", "Castleton", "Dunmore", "Eastwick", "Fairhaven", "Glenbrook", "Harrowgate",
    "Ironbridge", "Kingsmere", "Lowestoft", "Marlow", "Northam", "Oakridge", "Portwell", "Queensbury",
    "Redcliffe", "Stourport", "Thornbury", "Upminster", "Valemouth", "Westbury", "Yarmouth", "Zennor",
)
SUFFIXES = ("United", "City", "Town", "Rovers", "Athletic", "Albion", "Wanderers", "County")
KICKOFF_SLOTS = ((5, time(12, 30)), (5, time(15, 0)), (5, time(15, 0)), (5, time(17, 30)), (6, time(14, 0)),
                 (6, time(16, 30)))
HOME_ADVANTAGE = 0.2
BASE_RATE = math.log(1.2)  # with the home advantage: ~2.7 goals a match, as in the big European leagues
_LONDON = ZoneInfo("Europe/London")


def team_names(count: int, seed: int) -> list[str]:
    rng = random.Random(f"names-{seed}")
    towns = rng.sample(TOWNS, count) if count <= len(TOWNS) else [f"{t} {i}" for i, t in
                                                                    enumerate(TOWNS * (count // len(TOWNS) + 1))]
    return [f"{town} {rng.choice(SUFFIXES)}" for town in towns[:count]]


def round_robin(count: int) -> list[list[tuple[int, int]]]:
    """Circle method: ``count - 1`` rounds (count even), then the same with home and away swapped."""
    teams = list(range(count))
    rounds = []
    for r in range(count - 1):
        pairs = [(teams[i], teams[count - 1 - i]) for i in range(count // 2)]
        rounds.append([(a, b) if (r + i) % 2 == 0 else (b, a) for i, (a, b) in enumerate(pairs)])
        teams = [teams[0], teams[-1], *teams[1:-1]]
    return rounds + [[(b, a) for a, b in rnd] for rnd in rounds]


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _minutes(rng: random.Random, count: int) -> list[tuple[int, int | None]]:
    out = []
    for _ in range(count):
        minute = rng.randint(1, 94)
        out.append((45, minute - 45) if 45 < minute <= 47 else (90, minute - 90) if minute > 90 else (minute, None))
    return sorted(out, key=lambda m: (m[0], m[1] or 0))


def _match(rng: random.Random, comp: CompetitionRef, season: str, names: list[str],
           strengths: list[tuple[float, float]], home: int, away: int, day: date, kickoff: time,
           round_number: int) -> MatchRecord:
    (att_h, def_h), (att_a, def_a) = strengths[home], strengths[away]
    home_goals = _poisson(rng, math.exp(BASE_RATE + HOME_ADVANTAGE + att_h - def_a))
    away_goals = _poisson(rng, math.exp(BASE_RATE + att_a - def_h))
    events = [
        MatchEventRecord(EventType.GOAL, side, minute, added)
        for side, goals in ((Side.HOME, home_goals), (Side.AWAY, away_goals))
        for minute, added in _minutes(rng, goals)
    ]
    cards = {Side.HOME: 0, Side.AWAY: 0}
    reds = {Side.HOME: 0, Side.AWAY: 0}
    for side in (Side.HOME, Side.AWAY):
        for minute, added in _minutes(rng, _poisson(rng, 1.8)):
            events.append(MatchEventRecord(EventType.YELLOW, side, minute, added))
            cards[side] += 1
        if rng.random() < 0.06:
            minute, added = _minutes(rng, 1)[0]
            events.append(MatchEventRecord(EventType.RED, side, minute, added))
            reds[side] += 1
    events.sort(key=lambda e: (e.minute or 0, e.added_minute or 0))
    ht_home = sum(1 for e in events if e.type is EventType.GOAL and e.side is Side.HOME and (e.minute or 0) <= 45)
    ht_away = sum(1 for e in events if e.type is EventType.GOAL and e.side is Side.AWAY and (e.minute or 0) <= 45)
    stats = tuple(
        TeamStatsRecord(side, shots=goals + _poisson(rng, 10), shots_on_target=goals + _poisson(rng, 3),
                        corners=_poisson(rng, 5), fouls=_poisson(rng, 11), yellow_cards=cards[side],
                        red_cards=reds[side])
        for side, goals in ((Side.HOME, home_goals), (Side.AWAY, away_goals))
    )
    kickoff_utc = datetime.combine(day, kickoff, tzinfo=_LONDON).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    return MatchRecord(
        competition=comp, season=season, home=TeamRef(names[home], comp.country, names[home]),
        away=TeamRef(names[away], comp.country, names[away]), match_date=day, kickoff_utc=kickoff_utc,
        status=MatchStatus.FINISHED, round=f"Matchday {round_number}", round_number=round_number,
        home_goals=home_goals, away_goals=away_goals, home_goals_ht=ht_home, away_goals_ht=ht_away,
        finish=Finish.REGULAR, venue=f"{names[home].split()[0]} Park", events=tuple(events), stats=stats,
    )


def generate_season(team_count: int, seed: int, league: str = "sim.1", season: str = "2025-26",
                    league_name: str = "Simulated League") -> ParseResult:
    if team_count < 2 or team_count % 2:
        raise ValueError(f"team count must be even and at least 2, got {team_count}")
    rng = random.Random(seed)
    names = team_names(team_count, seed)
    strengths = [(rng.gauss(0, 0.2), rng.gauss(0, 0.2)) for _ in names]
    comp = CompetitionRef(code=league, name=league_name, country="Simulation")
    start = date(season_start_year(season), 8, 1)
    first_saturday = start + timedelta(days=(5 - start.weekday()) % 7)
    result = ParseResult()
    for index, fixtures in enumerate(round_robin(team_count)):
        saturday = first_saturday + timedelta(weeks=index + (2 if index >= team_count - 1 else 0))
        for home, away in fixtures:
            weekday, kickoff = rng.choice(KICKOFF_SLOTS)
            day = saturday + timedelta(days=weekday - 5)
            result.matches.append(_match(rng, comp, season, names, strengths, home, away, day, kickoff, index + 1))
            result.rows_read += 1
    return result
