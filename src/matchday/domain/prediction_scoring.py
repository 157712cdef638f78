"""Prediction-league scoring: rules as data, a prediction and a result in, points out. Pure.

The presets score exactly as the games they are named after publish it:

- ``kicktipp`` (the "2 - 4 Punkte" rule): right tendency 2, right goal difference 3, exact result 4. A draw
  earns no difference points, because a draw's difference is always right: a draw scores 2 or 4. Leaderboard
  ties are broken by the number of matchday wins ("Spieltagssiege").
- ``tippspiel2``: exact result 5, right goal difference 3 (a 1:1 tip on a 2:2 draw scores 3), right winner 1.
- ``bundesliga-tippspiel``: additive: right tendency (winner or draw) 7, plus right goal difference 5, plus
  3 when at least one team's goals are exactly right; an exact result is therefore 15, the maximum.
- ``odds``: a right tendency scores ``tendency`` (10) times the closing decimal odds of the outcome predicted
  (home win, draw, away win), rounded half up to a whole point: a right home tip at 2.37 scores 24, a right draw
  at 3.40 scores 34; a wrong tendency scores 0. Odds are handled in hundredths (2.37 → 237) so the pure function
  and the SQL rescore compute the same integer: ``(tendency × hundredths + 50) // 100``. A match without stored
  odds counts at 1.00 (a right tendency scores ``tendency``). Which bookmaker's price: ``domain.odds.closing_1x2``.
- ``custom``: any values, in the shape of the first two (exclusive: the best rule that applies scores); with
  ``odds`` on, scored as the odds preset.

Knockout matches decided after 90 minutes are scored on the 90-minute result, or on the final result (after
extra time, with shoot-out goals added, as kicktipp's "nach Elfmeterschießen"), as the rules say. The joker
multiplies one match per round.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from matchday.domain.prediction_lock import LOCK_MODES


class Outcome(enum.StrEnum):
    EXACT = "exact"
    DIFFERENCE = "difference"
    TENDENCY = "tendency"
    MISS = "miss"


KNOCKOUT_RESULTS = ("90min", "final")
TIE_BREAKERS = ("round_wins", "exact", "difference", "tendency")


@dataclass(frozen=True)
class ScoringRules:
    preset: str
    exact: int
    difference: int
    tendency: int
    draw_difference: bool = True  # a non-exact draw tip on a draw earns the difference points
    additive: bool = False  # tendency + difference + one_team_goals summed (bundesliga-tippspiel)
    one_team_goals: int = 0
    knockout_result: str = "90min"
    joker: bool = False
    joker_factor: int = 2
    tie_breakers: tuple[str, ...] = ("exact", "difference")
    lock: str = "kickoff"  # when predictions close: domain.prediction_lock.LOCK_MODES
    lock_minutes: int = 0  # with lock "before_kickoff"
    odds: bool = False  # a right tendency scores tendency × the closing odds of the predicted outcome

    def __post_init__(self) -> None:
        if self.odds and self.additive:
            raise ValueError("odds scoring is not additive: use one or the other")
        if self.lock not in LOCK_MODES:
            raise ValueError(f"lock must be one of {LOCK_MODES}, not {self.lock!r}")
        if not 0 <= self.lock_minutes <= 10080:
            raise ValueError("lock_minutes must be between 0 and 10080 (a week)")
        if self.knockout_result not in KNOCKOUT_RESULTS:
            raise ValueError(f"knockout_result must be one of {KNOCKOUT_RESULTS}, not {self.knockout_result!r}")
        if any(t not in TIE_BREAKERS for t in self.tie_breakers):
            raise ValueError(f"tie_breakers must be among {TIE_BREAKERS}")
        values = (self.exact, self.difference, self.tendency, self.one_team_goals, self.joker_factor)
        if any(v < 0 or v > 100 for v in values):
            raise ValueError("points must be between 0 and 100")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tie_breakers"] = list(self.tie_breakers)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoringRules:
        return cls(**{**data, "tie_breakers": tuple(data.get("tie_breakers", ("exact", "difference")))})


PRESETS: dict[str, ScoringRules] = {
    "kicktipp": ScoringRules("kicktipp", exact=4, difference=3, tendency=2, draw_difference=False,
                             tie_breakers=("round_wins", "exact", "difference")),
    "tippspiel2": ScoringRules("tippspiel2", exact=5, difference=3, tendency=1, draw_difference=True),
    "bundesliga-tippspiel": ScoringRules("bundesliga-tippspiel", exact=15, difference=5, tendency=7,
                                         additive=True, one_team_goals=3),
    "odds": ScoringRules("odds", exact=0, difference=0, tendency=10, odds=True, tie_breakers=("exact", "difference")),
}

#: odds in hundredths (2.37 → 237) of home win, draw, away win; None where unknown
Odds = tuple[int | None, int | None, int | None]
EVEN_ODDS = 100


def odds_points(base: int, tip: tuple[int, int], odds: Odds | None) -> int:
    """``base`` × the decimal odds of the tip's outcome, rounded half up (1.00 when unknown)."""
    home, away = tip
    price = None if odds is None else odds[0] if home > away else odds[2] if home < away else odds[1]
    return (base * (price or EVEN_ODDS) + 50) // 100


def rules_for(preset: str, **overrides: Any) -> ScoringRules:
    """A preset with settings (knockout_result, joker) applied; ``custom`` takes its points from overrides."""
    if preset == "custom":
        return ScoringRules(preset="custom", **overrides)
    if preset not in PRESETS:
        raise ValueError(f"unknown scoring preset {preset!r}; use {', '.join([*PRESETS, 'custom'])}")
    allowed = {k: v for k, v in overrides.items() if k in ("knockout_result", "joker", "joker_factor", "lock",
                                                           "lock_minutes")}
    return replace(PRESETS[preset], **allowed)


def _sign(home: int, away: int) -> int:
    return (home > away) - (home < away)


def score(tip: tuple[int, int], result: tuple[int, int], rules: ScoringRules,
          joker: bool = False, odds: Odds | None = None) -> tuple[int, Outcome]:
    """Points for one prediction of one result, and which rule scored (``odds``: for the odds preset)."""
    (th, ta), (rh, ra) = tip, result
    right_tendency = _sign(th, ta) == _sign(rh, ra)
    right_difference = th - ta == rh - ra
    exact = (th, ta) == (rh, ra)
    if rules.odds:
        points = odds_points(rules.tendency, tip, odds) if right_tendency else 0
        outcome = (Outcome.EXACT if exact else Outcome.DIFFERENCE if right_difference
                   else Outcome.TENDENCY if right_tendency else Outcome.MISS)
    elif rules.additive:
        points = ((rules.tendency if right_tendency else 0) + (rules.difference if right_difference else 0)
                  + (rules.one_team_goals if th == rh or ta == ra else 0))
        outcome = (Outcome.EXACT if exact else Outcome.DIFFERENCE if right_difference
                   else Outcome.TENDENCY if right_tendency else Outcome.MISS)
    elif exact:
        points, outcome = rules.exact, Outcome.EXACT
    elif right_difference and (rh != ra or rules.draw_difference):
        points, outcome = rules.difference, Outcome.DIFFERENCE
    elif right_tendency:
        points, outcome = rules.tendency, Outcome.TENDENCY
    else:
        points, outcome = 0, Outcome.MISS
    if joker and rules.joker:
        points *= rules.joker_factor
    return points, outcome


@dataclass(frozen=True)
class MatchResult:
    """A finished match as scoring sees it: the full-time score (after extra time when played), the
    90-minute score when it differs, and the shoot-out."""

    home_goals: int
    away_goals: int
    finish: str | None = None  # regular | aet | penalties
    home_goals_90: int | None = None
    away_goals_90: int | None = None
    home_penalties: int | None = None
    away_penalties: int | None = None


def scored_result(match: MatchResult, rules: ScoringRules) -> tuple[int, int]:
    """The score a prediction is compared with under ``rules``."""
    if match.finish not in ("aet", "penalties"):
        return match.home_goals, match.away_goals
    if rules.knockout_result == "90min":
        if match.home_goals_90 is not None and match.away_goals_90 is not None:
            return match.home_goals_90, match.away_goals_90
        return match.home_goals, match.away_goals  # a source without the 90-minute score: its full time
    return (match.home_goals + (match.home_penalties or 0), match.away_goals + (match.away_penalties or 0))


@dataclass(frozen=True)
class Standing:
    user_id: int
    points: int
    exact: int = 0
    differences: int = 0
    tendencies: int = 0
    round_wins: int = 0
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def rank(standings: list[Standing], tie_breakers: tuple[str, ...]) -> list[tuple[int, Standing]]:
    """Competition ranking ("1224"): points, then the tie-breakers in order; members equal on all share a rank."""
    names = {"round_wins": "round_wins", "exact": "exact", "difference": "differences", "tendency": "tendencies"}

    def key(s: Standing) -> tuple[int, ...]:
        return (s.points, *(getattr(s, names[t]) for t in tie_breakers))

    ordered = sorted(standings, key=lambda s: (tuple(-v for v in key(s)), s.user_id))
    ranked: list[tuple[int, Standing]] = []
    for index, standing in enumerate(ordered):
        same = index > 0 and key(standing) == key(ordered[index - 1])
        ranked.append((ranked[-1][0] if same else index + 1, standing))
    return ranked


def round_winners(points_by_user: dict[int, int]) -> list[int]:
    """Everyone with the round's highest score (none when nobody scored)."""
    best = max(points_by_user.values(), default=0)
    return sorted(u for u, p in points_by_user.items() if p == best) if best > 0 else []
