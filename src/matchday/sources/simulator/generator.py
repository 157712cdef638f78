"""A realistic, reproducible league season: pure function of (teams, seed).

Double round-robin by the circle method on weekend dates, goals from Poisson draws on team attack/defence
strengths with a home advantage, goal minutes (stoppage time included), cards and match statistics.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from matchday.domain.records import (
    CompetitionRef,
    EventType,
    Finish,
    LineupEntry,
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
FIRST_NAMES = ("James", "Luca", "Mateo", "Noah", "Oliver", "Kai", "Leo", "Hugo", "Jonas", "Rafael", "Tomás", "Emil",
               "Sami", "Nico", "Arthur", "Felix", "Jude", "Marco", "Ilias", "Victor", "Ben", "Theo", "Adam", "Yusuf")
LAST_NAMES = ("Walker", "Moreno", "Jensen", "Okafor", "Silva", "Novak", "Bauer", "Kovač", "Duarte", "Lindqvist",
              "Mensah", "Rossi", "Fischer", "Haaland", "Dubois", "Costa", "Brennan", "Yilmaz", "Sato", "Petrov",
              "García", "Nielsen", "Ward", "Mbeki", "Santos", "Keller", "Marsh", "Lund", "Amadi", "Ferreira")
# squad shape: (position, count, weight as a goal scorer)
SQUAD_SHAPE = (("G", 2, 0.0), ("D", 6, 0.4), ("M", 6, 1.0), ("F", 4, 2.6))
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


Squad = list[tuple[str, str, int]]  # (name, position, shirt number)


def squads(names: list[str], seed: int) -> dict[str, Squad]:
    rng = random.Random(f"squads-{seed}")
    used: set[str] = set()
    out: dict[str, Squad] = {}
    for team in names:
        squad: Squad = []
        number = 1
        for position, count, _weight in SQUAD_SHAPE:
            for _ in range(count):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                while name in used:
                    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                used.add(name)
                squad.append((name, position, number))
                number += 1
        out[team] = squad
    return out


def _lineup(rng: random.Random, side: Side, squad: Squad) -> tuple[list[LineupEntry], list[tuple[str, str]]]:
    """Starting XI (1-4-4-2 from the squad) and the bench; returns entries and the XI as (name, position)."""
    by_position = {pos: [p for p in squad if p[1] == pos] for pos, _c, _w in SQUAD_SHAPE}
    starters = [*by_position["G"][:1], *rng.sample(by_position["D"], 4), *rng.sample(by_position["M"], 4),
                *rng.sample(by_position["F"], 2)]
    entries = [LineupEntry(side, n, p in starters, pos, num) for p in squad for n, pos, num in [p]]
    return entries, [(n, pos) for n, pos, _num in starters]


def _scorer(rng: random.Random, eleven: list[tuple[str, str]]) -> str:
    weights = {pos: w for pos, _c, w in SQUAD_SHAPE}
    return rng.choices([n for n, _p in eleven], weights=[weights[p] for _n, p in eleven])[0]


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
           strengths: list[tuple[float, float]], team_squads: dict[str, Squad], home: int, away: int, day: date,
           kickoff: time, round_number: int) -> MatchRecord:
    (att_h, def_h), (att_a, def_a) = strengths[home], strengths[away]
    home_goals = _poisson(rng, math.exp(BASE_RATE + HOME_ADVANTAGE + att_h - def_a))
    away_goals = _poisson(rng, math.exp(BASE_RATE + att_a - def_h))
    home_lineup, home_xi = _lineup(rng, Side.HOME, team_squads[names[home]])
    away_lineup, away_xi = _lineup(rng, Side.AWAY, team_squads[names[away]])
    elevens = {Side.HOME: home_xi, Side.AWAY: away_xi}
    events = [
        MatchEventRecord(EventType.GOAL, side, minute, added, _scorer(rng, elevens[side]))
        for side, goals in ((Side.HOME, home_goals), (Side.AWAY, away_goals))
        for minute, added in _minutes(rng, goals)
    ]
    cards = {Side.HOME: 0, Side.AWAY: 0}
    reds = {Side.HOME: 0, Side.AWAY: 0}
    for side in (Side.HOME, Side.AWAY):
        booked = rng.sample(elevens[side], min(_poisson(rng, 1.8), 11))
        for (player, _pos), (minute, added) in zip(booked, _minutes(rng, len(booked)), strict=True):
            events.append(MatchEventRecord(EventType.YELLOW, side, minute, added, player))
            cards[side] += 1
        if rng.random() < 0.06:
            minute, added = _minutes(rng, 1)[0]
            events.append(MatchEventRecord(EventType.RED, side, minute, added, rng.choice(elevens[side])[0]))
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
        lineups=tuple(home_lineup + away_lineup),
    )


def _not_yet_played(match: MatchRecord) -> MatchRecord:
    return replace(match, status=MatchStatus.SCHEDULED, home_goals=None, away_goals=None, home_goals_ht=None,
                   away_goals_ht=None, finish=None, events=(), stats=(), lineups=())


def generate_season(team_count: int, seed: int, league: str = "sim.1", season: str = "2025-26",
                    league_name: str = "Simulated League", played_until: datetime | None = None) -> ParseResult:
    """The season's matches; those kicking off after ``played_until`` (UTC) are still to be played."""
    if team_count < 2 or team_count % 2:
        raise ValueError(f"team count must be even and at least 2, got {team_count}")
    rng = random.Random(seed)
    names = team_names(team_count, seed)
    strengths = [(rng.gauss(0, 0.2), rng.gauss(0, 0.2)) for _ in names]
    team_squads = squads(names, seed)
    comp = CompetitionRef(code=league, name=league_name, country="Simulation")
    start = date(season_start_year(season), 8, 1)
    first_saturday = start + timedelta(days=(5 - start.weekday()) % 7)
    result = ParseResult()
    for index, fixtures in enumerate(round_robin(team_count)):
        saturday = first_saturday + timedelta(weeks=index + (2 if index >= team_count - 1 else 0))
        for home, away in fixtures:
            weekday, kickoff = rng.choice(KICKOFF_SLOTS)
            day = saturday + timedelta(days=weekday - 5)
            match = _match(rng, comp, season, names, strengths, team_squads, home, away, day, kickoff, index + 1)
            if played_until is not None and match.kickoff_utc and match.kickoff_utc > played_until:
                match = _not_yet_played(match)
            result.matches.append(match)
            result.rows_read += 1
    return result
