"""Prediction reminders: a member who has not predicted every open match of a round is reminded a set time before
the round's first kick-off (the prediction league's ``reminder_minutes``, else ``MATCHDAY_REMINDER_MINUTES``; 0:
none), once per member, round and channel (``pools.reminder_channels``), whichever process looks first.

Run by the embedded scheduler every ``MATCHDAY_REMINDER_CHECK_S`` and by Celery beat's ``matchday.reminders``
task. Exactly-once-ish: a reminder is claimed by inserting its row in ``reminder_claims`` (primary key: league,
member, round, channel), so two processes never both send it and a restart sends nothing again; a failed send is
retried on the next runs (at most ``MAX_ATTEMPTS``) while the round has not started; a claim whose process died
before it recorded the outcome is retaken after ``CLAIM_LEASE`` (that member may then get it twice: at least
once beats never).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from matchday.accounts.schema import prediction_league_members, prediction_leagues, predictions, reminder_claims, users
from matchday.accounts.users import utcnow
from matchday.domain.prediction_scoring import ScoringRules
from matchday.pools import football
from matchday.pools.locks import lock_times
from matchday.pools.reminder_channels import Recipient, Reminder, ReminderChannel

log = structlog.get_logger(__name__)
MAX_ATTEMPTS = 3
CLAIM_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class DueRound:
    league: dict
    round_number: int
    first_kickoff_utc: datetime
    open_match_ids: list[int]


def due_rounds(users_engine: Engine, football_engine: Engine, default_minutes: int, now: datetime) -> list[DueRound]:
    """Every (prediction league, round) whose reminder time has come and whose first kick-off is still ahead."""
    with users_engine.connect() as conn:
        leagues = [dict(r) for r in conn.execute(select(
            prediction_leagues.c.id, prediction_leagues.c.name, prediction_leagues.c.competition_id,
            prediction_leagues.c.season, prediction_leagues.c.scoring, prediction_leagues.c.reminder_minutes)
            .order_by(prediction_leagues.c.id)).mappings()]
    leagues = [lg | {"minutes": default_minutes if lg["reminder_minutes"] is None else lg["reminder_minutes"]}
               for lg in leagues]
    leagues = [lg for lg in leagues if lg["minutes"] > 0]
    by_season: dict[tuple[int, str], list[dict]] = {}
    for league in leagues:
        by_season.setdefault((league["competition_id"], league["season"]), []).append(league)
    due: list[DueRound] = []
    with football_engine.connect() as fconn:
        for (competition_id, season), group in by_season.items():
            window = max(lg["minutes"] for lg in group)
            firsts = football.upcoming_rounds(fconn, competition_id, season, now, now + timedelta(minutes=window))
            for round_number, first in firsts.items():
                wanting = [lg for lg in group if first - timedelta(minutes=lg["minutes"]) <= now]
                if not wanting:
                    continue
                infos = [m["info"] for m in football.season_matches(fconn, competition_id, season, round_number)]
                for league in wanting:
                    locks = lock_times(infos, ScoringRules.from_dict(league["scoring"]))
                    open_ids = [i.id for i in infos if not i.locked(now, locks.get(i.id))]
                    if open_ids:
                        due.append(DueRound(league, round_number, first, open_ids))
    return due


def _lacking(conn: Connection, due: DueRound) -> list[tuple[Recipient, int]]:
    """Members with reminders on who have not predicted every open match of the round, with how many they lack."""
    done = (select(predictions.c.user_id, func.count().label("n"))
            .where(predictions.c.prediction_league_id == due.league["id"],
                   predictions.c.match_id.in_(due.open_match_ids))
            .group_by(predictions.c.user_id).subquery())
    rows = conn.execute(
        select(users.c.id, users.c.username, users.c.email, users.c.email_verified_at, users.c.timezone,
               users.c.language, func.coalesce(done.c.n, 0))
        .join(prediction_league_members, prediction_league_members.c.user_id == users.c.id)
        .outerjoin(done, done.c.user_id == users.c.id)
        .where(prediction_league_members.c.prediction_league_id == due.league["id"],
               users.c.is_active.is_(True), users.c.reminders_enabled.is_(True))
        .order_by(users.c.id)).all()
    total = len(due.open_match_ids)
    return [(Recipient(r[0], r[1], r[2], r[3] is not None, r[4], r[5]), total - r[6]) for r in rows if r[6] < total]


def claim(engine: Engine, key: dict, now: datetime) -> str | None:
    """Take the reminder ``key`` (league, user, round, channel) for this process; None when another has it, it
    was sent, or it failed too often."""
    token = str(uuid.uuid4())
    try:
        with engine.begin() as conn:
            conn.execute(insert(reminder_claims).values(**key, status="claimed", claim_token=token, attempts=1,
                                                        claimed_at=now))
        return token
    except IntegrityError:
        pass  # claimed before: retake it only if it failed, or its claimer died
    c = reminder_claims.c
    with engine.begin() as conn:
        won = conn.execute(update(reminder_claims).where(
            *(getattr(c, k) == v for k, v in key.items()),
            or_(and_(c.status == "failed", c.attempts < MAX_ATTEMPTS),
                and_(c.status == "claimed", c.claimed_at < now - CLAIM_LEASE)))
            .values(status="claimed", claim_token=token, attempts=c.attempts + 1, claimed_at=now)).rowcount
    return token if won == 1 else None


def _settle(engine: Engine, key: dict, token: str, error: str | None) -> None:
    c = reminder_claims.c
    values = {"status": "sent", "sent_at": utcnow(), "error": None} if error is None else \
        {"status": "failed", "error": error[:300]}
    with engine.begin() as conn:
        conn.execute(update(reminder_claims).where(*(getattr(c, k) == v for k, v in key.items()),
                                                   c.claim_token == token).values(**values))


def send_due(users_engine: Engine, football_engine: Engine, channels: Sequence[ReminderChannel],
             default_minutes: int, base_url: str, now: datetime | None = None) -> int:
    """Send every reminder due now through every channel that reaches the member; returns how many went out."""
    now = now or utcnow()
    if not channels:
        return 0
    sent = 0
    for due in due_rounds(users_engine, football_engine, default_minutes, now):
        with users_engine.connect() as conn:
            lacking = _lacking(conn, due)
        for user, missing in lacking:
            reminder = Reminder(due.league["id"], due.league["name"], due.round_number, due.first_kickoff_utc,
                                missing, len(due.open_match_ids),
                                f"{base_url}/prediction-leagues/{due.league['id']}?round={due.round_number}",
                                f"{base_url}/profile")
            for channel in channels:
                if not channel.accepts(user):
                    continue
                key = {"prediction_league_id": due.league["id"], "user_id": user.user_id,
                       "round_number": due.round_number, "channel": channel.name}
                token = claim(users_engine, key, now)
                if token is None:
                    continue
                try:
                    channel.send(user, reminder)
                except Exception as exc:  # noqa: BLE001 - recorded; the next run retries
                    log.warning("reminder not sent", channel=channel.name, user_id=user.user_id,
                                prediction_league_id=due.league["id"], round=due.round_number, error=repr(exc))
                    _settle(users_engine, key, token, repr(exc))
                    continue
                _settle(users_engine, key, token, None)
                sent += 1
    if sent:
        log.info("prediction reminders sent", count=sent)
    return sent
