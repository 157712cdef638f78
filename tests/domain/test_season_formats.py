"""Season formats on small hand-made leagues where the right answer is known: split leagues, halved points,
points per game, void seasons, head-to-head before all meetings are played, conferences, post-season."""

from __future__ import annotations

from datetime import date, timedelta

from matchday.domain.records import CompetitionRef, MatchRecord, TeamRef
from matchday.domain.season_phases import conferences_from_schedule, mark_post_season
from matchday.domain.split_league import split_phase
from matchday.domain.standings import Result, Split, SplitGroup, TableRules, Zone, compute_table

DAY = date(2020, 1, 1)


def _results(*scores: tuple[int, int, int, int]) -> list[Result]:
    return [Result(i, DAY + timedelta(days=i), None, h, a, hg, ag) for i, (h, a, hg, ag) in enumerate(scores)]


def _round_robin(teams: list[int], legs: int, score=lambda h, a: (1, 0)) -> list[tuple[int, int, int, int]]:
    out = []
    for leg in range(legs):
        for h in teams:
            for a in teams:
                if h < a:
                    home, away = (h, a) if leg % 2 == 0 else (a, h)
                    out.append((home, away, *score(home, away)))
    return out


def test_split_confines_positions_to_each_part_and_a_table_before_the_split_stays_plain() -> None:
    # 4 teams, one round robin (3 games each), then a split 2 + 2 with one more meeting within each part
    first = _round_robin([1, 2, 3, 4], 1, lambda h, a: (1, 0) if h < a else (0, 1))  # 1 beats all, 2 beats 3, 4
    second = [(1, 2, 1, 0), (4, 3, 5, 0)]  # bottom part: team 4 wins big; still below the top part
    results = _results(*first, *second)
    rules = TableRules(split=Split(3, (SplitGroup("top", 2), SplitGroup("bottom"))),
                       zones=(Zone("title", 1, 1), Zone("relegation", -1, -1)))
    assert split_phase(results, 3) == {6, 7}
    before = compute_table(results, [1, 2, 3, 4], rules, as_of=DAY + timedelta(days=5))
    assert [r.split for r in before] == [None] * 4 and [r.team_id for r in before] == [1, 2, 3, 4]
    final = compute_table(results, [1, 2, 3, 4], rules)
    assert [(r.team_id, r.split, r.points) for r in final] == [(1, "top", 12), (2, "top", 6), (4, "bottom", 3),
                                                              (3, "bottom", 3)]
    assert final[1].decided_by == "split" and final[-1].zone == "relegation"
    assert final[2].decided_by == "goal_difference"  # 4 (+2) above 3 (-6), both on 3 points


def test_points_halved_at_the_split_rounded_up() -> None:
    # 4 teams, double round robin (6 games each; the lower id wins every match), then parts of 2 with the
    # first-phase points halved, rounded up (Belgium): 18 → 9, 12 → 6, 6 → 3, 0 → 0
    first = _round_robin([1, 2, 3, 4], 2, lambda h, a: (1, 0) if h < a else (0, 1))
    results = _results(*first, (1, 2, 0, 1), (2, 1, 0, 1), (3, 4, 0, 3), (4, 3, 1, 1))
    rules = TableRules(split=Split(6, (SplitGroup("champions", 2, "up"), SplitGroup("rest", 0, "up"))))
    rows = compute_table(results, [1, 2, 3, 4], rules)
    assert [(r.team_id, r.points, r.played) for r in rows] == [(1, 12, 8), (2, 9, 8), (4, 4, 8), (3, 4, 8)]
    # level on 4: team 4 (goal difference -3 over the season) above team 3 (-5)
    assert rows[2].decided_by == "goal_difference" and rows[1].decided_by == "split"
    # carried: 3 points → 1.5 → 2 (a half point gained by rounding), 4 points → 2. Level at the end, the team
    # that gained the half (3) ranks below, though its goal difference (-3) is better than 4's (-7)
    odd = _results((1, 2, 1, 0), (2, 1, 0, 1), (1, 3, 1, 0), (3, 1, 0, 1), (1, 4, 1, 0), (4, 1, 0, 1),
                   (2, 3, 0, 0), (3, 2, 0, 0), (2, 4, 5, 0), (4, 2, 0, 1), (3, 4, 0, 0), (4, 3, 1, 0),
                   (1, 2, 0, 0), (2, 1, 0, 0), (3, 4, 0, 0), (4, 3, 0, 0))
    tail = compute_table(odd, [1, 2, 3, 4], rules)[2:]
    assert [(r.team_id, r.points, r.goal_difference) for r in tail] == [(4, 4, -7), (3, 4, -3)]
    assert tail[0].decided_by == "halved_points_remainder"


def test_points_per_game_ranks_an_unfinished_season_and_says_so() -> None:
    results = _results((1, 3, 1, 0), (1, 4, 1, 0), (2, 3, 1, 0), (3, 4, 0, 0), (4, 2, 0, 0))
    rows = compute_table(results, [1, 2, 3, 4], TableRules(ranking="points_per_game"))
    # 1: 6 pts / 2 = 3.0; 2: 4 / 2 = 2.0; 4: 2 / 3; 3: 1 / 3
    assert [(r.team_id, r.points_per_game) for r in rows] == [(1, 3.0), (2, 2.0), (4, 0.667), (3, 0.333)]
    assert rows[0].decided_by == "points_per_game"
    more = _results((1, 3, 1, 0), (2, 4, 1, 0), (2, 3, 0, 0), (1, 2, 0, 0))  # 1: 4/2, 2: 5/3
    assert [r.team_id for r in compute_table(more, [1, 2, 3, 4], TableRules(ranking="points_per_game"))][:2] == [1, 2]


def test_a_void_season_shows_no_zones() -> None:
    results = _results((1, 2, 1, 0))
    rules = TableRules(zones=(Zone("title", 1, 1), Zone("relegation", -1, -1)), void=True)
    assert [r.zone for r in compute_table(results, [1, 2], rules)] == [None, None]


def test_head_to_head_waits_until_every_meeting_is_played() -> None:
    # 1 and 2 level on 6 points; 1 won their only meeting so far, 2 has the better goal difference (+6 to +1)
    results = _results((1, 2, 1, 0), (3, 1, 1, 0), (1, 4, 1, 0), (2, 3, 4, 0), (2, 4, 3, 0), (3, 4, 0, 0))
    rules = TableRules(tiebreakers=("head_to_head", "goal_difference", "goals_for"), head_to_head_meetings=2)
    rows = compute_table(results, [1, 2, 3, 4], rules)
    assert [r.team_id for r in rows][:2] == [2, 1] and rows[0].decided_by == "goal_difference"
    always = TableRules(tiebreakers=("head_to_head", "goal_difference", "goals_for"))
    assert [r.team_id for r in compute_table(results, [1, 2, 3, 4], always)][:2] == [1, 2]
    # the return match (0-0) completes the meetings: now head-to-head decides (1 has 4 points to 1)
    back = [*results, Result(9, DAY + timedelta(days=9), None, 2, 1, 0, 0)]
    rows = compute_table(back, [1, 2, 3, 4], rules)
    assert [r.team_id for r in rows][:2] == [1, 2] and rows[0].decided_by == "head_to_head_points"


def test_conferences_rank_within_and_overall() -> None:
    results = _results((1, 2, 1, 0), (3, 4, 2, 0), (1, 3, 0, 1))
    rows = compute_table(results, [1, 2, 3, 4], TableRules(), conferences={1: "East", 2: "East", 3: "West",
                                                                          4: "West"})
    assert [(r.team_id, r.conference, r.conference_position) for r in rows] == [
        (3, "West", 1), (1, "East", 1), (2, "East", 2), (4, "West", 2)]


def test_conferences_read_off_the_schedule() -> None:
    east, west = [1, 2, 3], [4, 5, 6]
    pairings = [(h, a) for side in (east, west) for h in side for a in side if h != a]  # twice within
    pairings += [(h, a) for h in east for a in west]  # once across
    assert conferences_from_schedule(pairings, {"East": {1}, "West": {6}}) == {
        1: "East", 2: "East", 3: "East", 4: "West", 5: "West", 6: "West"}
    assert conferences_from_schedule(pairings[:3], {"East": {1}, "West": {6}}) == {}  # cannot tell yet
    # a cross-conference pair that met twice (as in MLS 2017) does not merge the conferences
    assert conferences_from_schedule([*pairings, (1, 4)], {"East": {1}, "West": {6}})[4] == "West"


def test_post_season_matches_are_their_own_stage() -> None:
    comp = CompetitionRef("usa.1", "MLS", "USA")

    def match(day: int, home: str, away: str) -> MatchRecord:
        return MatchRecord(comp, "2019", TeamRef(home, "USA"), TeamRef(away, "USA"), DAY + timedelta(days=day))

    season = [match(1, "A", "B"), match(2, "B", "A"), match(3, "C", "D"), match(4, "D", "C"), match(9, "A", "C")]
    marked = mark_post_season(season, {("usa.1", "2019"): 2})
    assert [m.stage for m in marked] == ["regular"] * 4 + ["playoffs"]
