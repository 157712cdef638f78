"""Prediction leagues: create, join, leave, members, invite codes, predictions, leaderboards, bonus questions."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from matchday.accounts.deps import Accounts, CurrentUser, OptionalUser
from matchday.accounts.users import utcnow
from matchday.api.ids import Id, OptionalIdQuery
from matchday.api.pool_schemas import (
    BonusAnswerIn,
    BonusQuestionIn,
    BonusQuestionOut,
    BonusResolveIn,
    FixtureOut,
    InviteCodeOut,
    JoinIn,
    LeaderboardOut,
    MemberOut,
    MemberSeasonOut,
    PredictionIn,
    PredictionLeagueIn,
    PredictionLeagueOut,
    PredictionLeaguePatch,
    PredictionOut,
)
from matchday.api.schemas import ErrorBody, LeagueRef
from matchday.domain.prediction_scoring import rules_for
from matchday.errors import InvalidInput
from matchday.pools import bonus, football, leaderboard, leagues, locks, predictions, season_chart, sync

router = APIRouter(tags=["prediction leagues"])
ERRORS = {401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 404: {"model": ErrorBody}}
PREFIX = "/prediction-leagues"


def _league_out(request: Request, conn, acc: leagues.Access) -> PredictionLeagueOut:  # noqa: ANN001
    league = acc.league
    with request.app.state.read_engine.connect() as fconn:
        comp = football.competition(fconn, str(league["competition_id"]))
        status = sync.scores_status(conn, fconn, league)
    return PredictionLeagueOut(
        id=league["id"], name=league["name"], season=league["season"], scoring=league["scoring"],
        competition=LeagueRef(id=comp.id, code=comp.code, name=comp.name, country=comp.country),
        visibility=league["visibility"], owner_id=league["owner_id"],
        invite_code=league["invite_code"] if acc.is_member or acc.is_admin else None,
        participants_scores_status=status,
        scores_updated_at=league["scores_updated_at"], member_count=leagues.member_count(conn, league["id"]),
        is_member=acc.is_member, reminder_minutes=league.get("reminder_minutes"), created_at=league["created_at"])


@router.post(PREFIX, response_model=PredictionLeagueOut, status_code=201, responses=ERRORS)
def create(body: PredictionLeagueIn, request: Request, auth: CurrentUser, accounts: Accounts) -> PredictionLeagueOut:
    """Create a prediction league for a league's season; the creator is its owner and first member."""
    scoring = body.scoring if not isinstance(body.scoring, str) else None
    preset = body.scoring if isinstance(body.scoring, str) else body.scoring.preset
    options = {"knockout_result": scoring.knockout_result, "joker": scoring.joker, "lock": scoring.lock,
               "lock_minutes": scoring.lock_minutes} if scoring else {}
    if preset == "custom":
        if scoring is None or None in (scoring.exact, scoring.difference, scoring.tendency):
            raise InvalidInput("scoring: custom needs exact, difference and tendency points")
        options |= {"exact": scoring.exact, "difference": scoring.difference, "tendency": scoring.tendency,
                    "draw_difference": scoring.draw_difference, "odds": scoring.odds}
    rules = rules_for(preset, **options)
    with request.app.state.read_engine.connect() as fconn:
        comp = football.competition(fconn, body.competition)
        football.season_id(fconn, comp.id, body.season)
    with accounts.engine.begin() as conn:
        league_id = leagues.create(conn, auth.user, body.name, comp.id, body.season, rules, body.visibility,
                                   body.reminder_minutes)
        return _league_out(request, conn, leagues.access(conn, league_id, auth.user))


@router.get(PREFIX, response_model=list[PredictionLeagueOut], responses=ERRORS)
def mine(request: Request, auth: CurrentUser, accounts: Accounts) -> list[PredictionLeagueOut]:
    """The prediction leagues the user is a member of."""
    with accounts.engine.connect() as conn:
        return [_league_out(request, conn, leagues.access(conn, row["id"], auth.user))
                for row in leagues.list_for(conn, auth.user)]


@router.post(f"{PREFIX}/join", response_model=PredictionLeagueOut, responses={**ERRORS, 400: {"model": ErrorBody}})
def join(body: JoinIn, request: Request, auth: CurrentUser, accounts: Accounts) -> PredictionLeagueOut:
    with accounts.engine.begin() as conn:
        league_id = leagues.join(conn, auth.user, body.invite_code)
        return _league_out(request, conn, leagues.access(conn, league_id, auth.user))


@router.get(f"{PREFIX}/{{league_id}}", response_model=PredictionLeagueOut, responses=ERRORS)
def detail(league_id: Id, request: Request, auth: OptionalUser, accounts: Accounts) -> PredictionLeagueOut:
    """A prediction league with its ``participants_scores_status``; a private one only for its members."""
    with accounts.engine.connect() as conn:
        return _league_out(request, conn, leagues.access(conn, league_id, auth.user if auth else None))


@router.delete(f"{PREFIX}/{{league_id}}", status_code=204, responses=ERRORS)
def delete(league_id: Id, auth: CurrentUser, accounts: Accounts) -> Response:
    with accounts.engine.begin() as conn:
        leagues.delete_league(conn, leagues.access(conn, league_id, auth.user))
    return Response(status_code=204)


@router.get(f"{PREFIX}/{{league_id}}/members", response_model=list[MemberOut], responses=ERRORS)
def members(league_id: Id, auth: CurrentUser, accounts: Accounts) -> list[MemberOut]:
    with accounts.engine.connect() as conn:
        leagues.access(conn, league_id, auth.user).require_member()
        return [MemberOut(**m) for m in leagues.members(conn, league_id)]


@router.delete(f"{PREFIX}/{{league_id}}/members/{{user_id}}", status_code=204,
               responses={**ERRORS, 409: {"model": ErrorBody}})
def remove_member(league_id: Id, user_id: Id, auth: CurrentUser, accounts: Accounts) -> Response:
    """The owner removes a member (a member may remove themself: leaving)."""
    with accounts.engine.begin() as conn:
        leagues.remove_member(conn, leagues.access(conn, league_id, auth.user), user_id, auth.user)
    return Response(status_code=204)


@router.post(f"{PREFIX}/{{league_id}}/leave", status_code=204, responses={**ERRORS, 409: {"model": ErrorBody}})
def leave(league_id: Id, auth: CurrentUser, accounts: Accounts) -> Response:
    with accounts.engine.begin() as conn:
        leagues.remove_member(conn, leagues.access(conn, league_id, auth.user), auth.user.id, auth.user)
    return Response(status_code=204)


@router.patch(f"{PREFIX}/{{league_id}}", response_model=PredictionLeagueOut, responses=ERRORS)
def update_league(league_id: Id, body: PredictionLeaguePatch, request: Request, auth: CurrentUser,
                  accounts: Accounts) -> PredictionLeagueOut:
    """The owner changes the reminder time (``reminder_minutes``; null: the server's default)."""
    with accounts.engine.begin() as conn:
        acc = leagues.access(conn, league_id, auth.user)
        if "reminder_minutes" in body.model_fields_set:
            leagues.set_reminder(conn, acc, body.reminder_minutes)
        return _league_out(request, conn, leagues.access(conn, league_id, auth.user))


@router.post(f"{PREFIX}/{{league_id}}/invite-code", response_model=InviteCodeOut, responses=ERRORS)
def rotate_invite_code(league_id: Id, auth: CurrentUser, accounts: Accounts) -> InviteCodeOut:
    """The owner replaces the invite code; the old one stops working."""
    with accounts.engine.begin() as conn:
        return InviteCodeOut(invite_code=leagues.rotate_code(conn, leagues.access(conn, league_id, auth.user)))


@router.get(f"{PREFIX}/{{league_id}}/fixtures", response_model=list[FixtureOut], responses=ERRORS)
def fixtures(league_id: Id, request: Request, auth: CurrentUser, accounts: Accounts,
             round: Annotated[int | None, Query(ge=0, le=1000, description="One round (matchday).")] = None,
             ) -> list[FixtureOut]:
    """The season's matches (or one round's) with whether each is locked and the user's prediction."""
    now = utcnow()
    with accounts.engine.connect() as conn:
        acc = leagues.access(conn, league_id, auth.user)
        acc.require_member()
        with request.app.state.read_engine.connect() as fconn:
            rows = football.season_matches(fconn, acc.league["competition_id"], acc.league["season"], round)
        mine_by_match = {p["match_id"]: p for p in predictions.visible(conn, acc, auth.user, None)}
    closes = locks.lock_times([r["info"] for r in rows], acc.rules)
    return [FixtureOut(match_id=r["info"].id, round_number=r["info"].round_number, kickoff_utc=r["info"].kickoff_utc,
                       status=r["info"].status, home=r["home_name"], away=r["away_name"],
                       home_goals=r["info"].home_goals, away_goals=r["info"].away_goals,
                       locks_at=closes[r["info"].id], locked=r["info"].locked(now, closes[r["info"].id]),
                       my_prediction=mine_by_match.get(r["info"].id)) for r in rows]


@router.put(f"{PREFIX}/{{league_id}}/predictions/{{match_id}}", response_model=PredictionOut,
            responses={**ERRORS, 400: {"model": ErrorBody}, 409: {"model": ErrorBody}})
def put_prediction(league_id: Id, match_id: Id, body: PredictionIn, request: Request, response: Response,
                   auth: CurrentUser, accounts: Accounts) -> PredictionOut:
    """Create or change a prediction; from kick-off on (server clock or match status) 409 PREDICTION_LOCKED."""
    football_engine = request.app.state.read_engine
    with football_engine.connect() as fconn:
        match = football.match_info(fconn, match_id)
    with accounts.engine.connect() as conn:
        rules = leagues.access(conn, league_id, auth.user).rules
    with football_engine.connect() as fconn:
        closes = locks.lock_time(fconn, match, rules)

    def is_locked(other: int) -> bool:
        with football_engine.connect() as fc:
            info = football.match_info(fc, other)
            return info.locked(utcnow(), locks.lock_time(fc, info, rules))

    with accounts.engine.begin() as conn:
        acc = leagues.access(conn, league_id, auth.user)
        prediction, created = predictions.put(conn, acc, auth.user, match, body.home, body.away, body.joker, is_locked,
                                              locks_at=closes)
    response.status_code = 201 if created else 200
    return PredictionOut(**prediction)


@router.get(f"{PREFIX}/{{league_id}}/predictions", response_model=list[PredictionOut], responses=ERRORS)
def list_predictions(league_id: Id, request: Request, auth: OptionalUser, accounts: Accounts,
                     match_id: OptionalIdQuery = None) -> list[PredictionOut]:
    """Without ``match_id``: your own predictions. With it: that match's, everyone's once it has kicked off
    (only your own before)."""
    user = auth.user if auth else None
    with accounts.engine.connect() as conn:
        acc = leagues.access(conn, league_id, user)
        match, closes = None, None
        if match_id is not None:
            with request.app.state.read_engine.connect() as fconn:
                match = football.match_info(fconn, match_id)
                closes = locks.lock_time(fconn, match, acc.rules)
        return [PredictionOut(**p) for p in predictions.visible(conn, acc, user if acc.is_member else None, match,
                                                                locks_at=closes)]


@router.get(f"{PREFIX}/{{league_id}}/leaderboard", response_model=LeaderboardOut, responses=ERRORS)
def get_leaderboard(league_id: Id, request: Request, auth: OptionalUser, accounts: Accounts,
                    round: Annotated[int | None, Query(ge=0, le=1000, description="One round's table.")] = None,
                    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> LeaderboardOut:
    """Rank, points, exact scores, differences, tendencies; ties broken by the rules' tie-breakers, then shared.
    The overall table includes provisional points of matches in play (``live``)."""
    with accounts.engine.connect() as conn:
        acc = leagues.access(conn, league_id, auth.user if auth else None)
        live_matches = []
        with request.app.state.read_engine.connect() as fconn:
            status = sync.scores_status(conn, fconn, acc.league)
            if round is None:
                live_matches = [r["info"] for r in football.season_matches(
                    fconn, acc.league["competition_id"], acc.league["season"]) if r["info"].status in
                    leaderboard.LIVE_STATUSES]
        live = leaderboard.provisional(conn, league_id, acc.rules, live_matches) if live_matches else {}
        rows = leaderboard.leaderboard(conn, league_id, acc.rules, round, live)
        winners = leaderboard.round_winners(conn, league_id, round)
    return LeaderboardOut(prediction_league_id=league_id, round=round, live=bool(live_matches),
                          participants_scores_status=status, total=len(rows),
                          limit=limit, offset=offset, items=rows[offset:offset + limit], round_winners=winners)


@router.get(f"{PREFIX}/{{league_id}}/members/{{user_id}}/season", response_model=MemberSeasonOut,
            responses=ERRORS)
def member_season(league_id: Id, user_id: Id, auth: OptionalUser, accounts: Accounts) -> MemberSeasonOut:
    """A member's season round by round: the round's points, the running total and the rank after it."""
    with accounts.engine.connect() as conn:
        acc = leagues.access(conn, league_id, auth.user if auth else None)
        return MemberSeasonOut(**season_chart.member_season(conn, league_id, acc.rules, user_id))


@router.get(f"{PREFIX}/{{league_id}}/bonus-questions", response_model=list[BonusQuestionOut], responses=ERRORS)
def list_bonus(league_id: Id, auth: CurrentUser, accounts: Accounts) -> list[BonusQuestionOut]:
    with accounts.engine.connect() as conn:
        acc = leagues.access(conn, league_id, auth.user)
        acc.require_member()
        return [BonusQuestionOut(**q) for q in bonus.list_all(conn, acc, auth.user)]


@router.post(f"{PREFIX}/{{league_id}}/bonus-questions", response_model=BonusQuestionOut, status_code=201,
             responses=ERRORS)
def create_bonus(league_id: Id, body: BonusQuestionIn, auth: CurrentUser, accounts: Accounts) -> BonusQuestionOut:
    """The owner asks a bonus question (champion, top scorer, ...) worth ``points``, open until ``deadline``."""
    deadline = body.deadline.astimezone(UTC).replace(tzinfo=None)
    with accounts.engine.begin() as conn:
        acc = leagues.access(conn, league_id, auth.user)
        return BonusQuestionOut(**bonus.create(conn, acc, body.kind, body.question, body.points, deadline))


@router.put(f"{PREFIX}/{{league_id}}/bonus-questions/{{question_id}}/answer", response_model=BonusQuestionOut,
            responses={**ERRORS, 409: {"model": ErrorBody}})
def answer_bonus(league_id: Id, question_id: Id, body: BonusAnswerIn, auth: CurrentUser,
                 accounts: Accounts) -> BonusQuestionOut:
    """Answer (or change the answer) before the deadline; after it 409 BONUS_LOCKED."""
    with accounts.engine.begin() as conn:
        acc = leagues.access(conn, league_id, auth.user)
        return BonusQuestionOut(**bonus.answer(conn, acc, auth.user, question_id, body.answer))


@router.post(f"{PREFIX}/{{league_id}}/bonus-questions/{{question_id}}/resolve", response_model=BonusQuestionOut,
             responses=ERRORS)
def resolve_bonus(league_id: Id, question_id: Id, body: BonusResolveIn, auth: CurrentUser,
                  accounts: Accounts) -> BonusQuestionOut:
    """The owner gives the right answer; matching answers earn the question's points."""
    with accounts.engine.begin() as conn:
        acc = leagues.access(conn, league_id, auth.user)
        return BonusQuestionOut(**bonus.resolve(conn, acc, question_id, body.correct_answer))
