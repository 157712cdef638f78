"""Prediction leagues inside the running server: the ``prediction-league:{id}`` WebSocket channel (members
only), provisional leaderboards pushed as goals go in, scored leaderboards pushed when any process scored them
(scoring itself is a subscriber of the change stream: ``pools.subscriber``), and the periodic sweep of the
embedded scheduler (every MATCHDAY_SCORING_SWEEP_S) that heals whatever was missed."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import Any

import structlog
from sqlalchemy import Engine

from matchday.accounts.live import PrivateChannels
from matchday.accounts.schema import prediction_leagues
from matchday.accounts.users import get as get_user
from matchday.domain.prediction_scoring import ScoringRules
from matchday.errors import Forbidden
from matchday.live.broker import Broker
from matchday.pools import feed, football, leaderboard, leagues, sync
from matchday.threads import run_to_end

log = structlog.get_logger(__name__)
SCORE_EVENTS = frozenset({"goal", "match_status", "match_update"})
FINAL = frozenset(football.FINAL_RESULT_STATUSES)
PUSHED_ROWS = 100


class PoolsRuntime:
    def __init__(self, users: Engine, football_engine: Engine, private: PrivateChannels,
                 broker: Broker) -> None:
        self.users = users
        self.broker = broker
        self.football = football_engine
        self.private = private
        self.hub = private.hub
        self._ready = False
        self._tasks: set[asyncio.Task] = set()
        self._pushing: dict[int, bool] = {}  # league id → another push wanted after the running one
        private.scopes["prediction-league"] = (self.authorize, self.snapshot)
        private.feed_listeners.append(self.on_feed)

    # -- the channel -------------------------------------------------------------------------------------------
    def authorize(self, user_id: int, league_id: int) -> None:
        with self.users.connect() as conn:
            acc = leagues.access(conn, league_id, get_user(conn, user_id))
        if not acc.is_member:
            raise Forbidden("prediction league channels are for their members")

    def snapshot(self, _user_id: int, league_id: int) -> dict[str, Any]:
        return self.standings(league_id)

    def standings(self, league_id: int) -> dict[str, Any]:
        """The overall leaderboard with provisional points of matches in play (read in a worker thread)."""
        with self.users.connect() as conn:
            row = conn.execute(prediction_leagues.select().where(prediction_leagues.c.id == league_id)).mappings().one()
            rules = ScoringRules.from_dict(row["scoring"])
            with self.football.connect() as fconn:
                live = [r["info"] for r in football.season_matches(fconn, row["competition_id"], row["season"])
                        if r["info"].status in leaderboard.LIVE_STATUSES]
                status = sync.scores_status(conn, fconn, row)
            provisional = leaderboard.provisional(conn, league_id, rules, live) if live else {}
            rows = leaderboard.leaderboard(conn, league_id, rules, None, provisional)
        updated = row["scores_updated_at"]
        return {"prediction_league_id": league_id, "participants_scores_status": status,
                "scores_updated_at": updated.isoformat() + "Z" if updated else None,
                "live": bool(live), "live_matches": [{"match_id": m.id, "home_goals": m.home_goals,
                                                      "away_goals": m.away_goals, "status": m.status} for m in live],
                "items": rows[:PUSHED_ROWS], "total": len(rows)}

    # -- the feed ------------------------------------------------------------------------------------------------
    def on_feed(self, message: dict[str, Any]) -> None:
        """Every message of the feed, whoever published it: leaderboards pushed, never a league scored."""
        kind, data = message.get("type"), message.get("data") or {}
        if kind == feed.SCORED:
            for league_id in data.get("prediction_league_ids", ()):
                self._spawn(self.push(league_id))
            return
        if kind not in SCORE_EVENTS or "match_id" not in data:
            return
        if kind == "match_status" and data.get("status") in FINAL:
            return  # the scoring subscriber scores it, then tells every process (feed.SCORED)
        if self._subscribed_leagues():
            self._spawn(self._push_for_match(data["match_id"]))

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _subscribed_leagues(self) -> list[int]:
        prefix = "prediction-league:"
        return [int(c[len(prefix):]) for c in list(self.hub.by_channel) if c.startswith(prefix)]

    async def _push_for_match(self, match_id: int) -> None:
        wanted = self._subscribed_leagues()
        if not wanted:
            return

        def leagues_of_match() -> list[int]:
            with self.football.connect() as fconn:
                info = football.match_info(fconn, match_id)
            if info.status in FINAL:
                return []  # the final whistle's push comes once the league is scored (_final_whistle)
            with self.users.connect() as conn:
                return list(conn.execute(prediction_leagues.select().with_only_columns(prediction_leagues.c.id).where(
                    prediction_leagues.c.id.in_(wanted), prediction_leagues.c.competition_id == info.competition_id,
                    prediction_leagues.c.season == info.season)).scalars())

        try:
            for league_id in await run_to_end(leagues_of_match):
                await self.push(league_id)
        except Exception as exc:  # noqa: BLE001 - a failed push is retried by the next event
            log.warning("provisional leaderboard failed", match_id=match_id, error=repr(exc))

    async def push(self, league_id: int) -> None:
        """Send the league's standings to its subscribers here; concurrent requests collapse into one rerun."""
        if f"prediction-league:{league_id}" not in self.hub.by_channel:
            return
        if league_id in self._pushing:
            self._pushing[league_id] = True
            return
        self._pushing[league_id] = False
        try:
            while True:
                data = await run_to_end(self.standings, league_id)
                self.hub.dispatch({"type": "leaderboard_update", "channels": [f"prediction-league:{league_id}"],
                                   "data": data})
                if not self._pushing.get(league_id):
                    break
                self._pushing[league_id] = False
        finally:
            self._pushing.pop(league_id, None)

    # -- the sweep (run by the embedded scheduler every MATCHDAY_SCORING_SWEEP_S) ----------------------------
    async def start(self) -> None:
        self._ready = await run_to_end(sync.users_store_ready, self.users)

    async def sweep(self) -> None:
        """Score every prediction league left out of date (missed changes, a crashed sync) and push the boards."""
        if not self._ready:
            return
        for result in await run_to_end(sync.sweep, self.users, self.football):
            await self.push(result.prediction_league_id)

    async def stop(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError, Exception):
                await task
