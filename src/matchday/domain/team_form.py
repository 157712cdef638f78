"""A team's season record from its results: overall, home and away, clean sheets, form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from matchday.domain.standings import Result


@dataclass(slots=True)
class VenueRecord:
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    goals_for: int = 0
    goals_against: int = 0
    clean_sheets: int = 0
    failed_to_score: int = 0

    def add(self, scored: int, conceded: int) -> None:
        self.played += 1
        self.goals_for += scored
        self.goals_against += conceded
        self.won += scored > conceded
        self.drawn += scored == conceded
        self.lost += scored < conceded
        self.clean_sheets += conceded == 0
        self.failed_to_score += scored == 0


def season_record(results: Sequence[Result], team_id: int) -> dict:
    overall, home, away = VenueRecord(), VenueRecord(), VenueRecord()
    form: list[str] = []
    for res in sorted(results, key=lambda r: (r.match_date, r.match_id)):
        if team_id not in (res.home_id, res.away_id):
            continue
        at_home = res.home_id == team_id
        scored, conceded = (res.home_goals, res.away_goals) if at_home else (res.away_goals, res.home_goals)
        overall.add(scored, conceded)
        (home if at_home else away).add(scored, conceded)
        form.append("W" if scored > conceded else "D" if scored == conceded else "L")
    return {"overall": asdict(overall), "home": asdict(home), "away": asdict(away), "form": "".join(form[-5:])}
