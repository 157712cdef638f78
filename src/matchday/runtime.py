"""The wiring (DESIGN §13): which subscribers of the change stream a process runs and how it publishes.

One list of subscribers for every kind of process, in delivery order:
- ``feed``: the live feed's messages to the broker (the WebSocket hubs of every API process); only where a broker
  reaches them: an API process (in-process broker or Redis), a Celery worker or the CLI with Redis. A CLI without
  Redis leaves the feed to the serving process, which reads the outbox every ``MATCHDAY_OUTBOX_POLL_S``.
- ``changes:scoring``: results changed by any write re-score prediction leagues (``pools.subscriber``), then
  "prediction leagues scored" goes to the broker so API processes push the new leaderboards.
- ``feed:push``: the favourites' kick-offs, goals, red cards and final scores to their users' browsers by Web Push
  (``notify.subscriber``), wherever the users store has push subscriptions and the VAPID key file is readable.
Cache invalidation needs no subscriber: the writer announces its position and every API process reads the tag log
(``cache``); follow-up work (coverage) is done by the job runner itself.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import anyio
import structlog
from sqlalchemy import Engine

from matchday.cache import write_position
from matchday.ingest import apply
from matchday.ingest.publish import Publisher, Subscriber
from matchday.live.broker import REDIS_CHANNEL, Broker
from matchday.pools import sync
from matchday.pools.reminder_channels import ReminderChannel
from matchday.pools.subscriber import scoring_subscriber
from matchday.settings import Settings
from matchday.store import outbox
from matchday.threads import run_to_end

if TYPE_CHECKING:
    from matchday.notify.push import PushSender

log = structlog.get_logger(__name__)
Send = Callable[[dict[str, Any]], None]


def push_sender(users: Engine | None, settings: Settings, create_key: bool = False) -> PushSender | None:
    """This process's Web Push sender: None without a users store that has push subscriptions, or without the VAPID
    key file (``create_key``: make it first; what ``matchday serve`` and ``matchday init`` do). The push modules are
    imported here: pywebpush and aiohttp would add 0.2-0.3 s to every CLI command's start."""
    if users is None or not sync.users_store_ready(users, "push_subscriptions"):
        return None
    from matchday.notify import vapid
    from matchday.notify.push import PushSender

    if create_key:
        keys, created = vapid.load_or_create(settings.vapid_key_file)
        if created:
            log.info("VAPID key pair created", path=str(settings.vapid_key_file), public_key=keys.public_key)
    else:
        keys = vapid.load(settings.vapid_key_file)
        if keys is None:
            log.warning("no VAPID key file: this process pushes nothing", path=str(settings.vapid_key_file))
            return None
    return PushSender(users, keys, settings.vapid_subject, ttl_s=settings.push_ttl_s,
                      allow_private=settings.development)


def subscribers(engine: Engine, users: Engine | None, send: Send | None,
                push: PushSender | None = None) -> list[Subscriber]:
    """The subscribers of a process whose broker is ``send`` (None: no broker reaches the API processes) and whose
    Web Push sender is ``push`` (None: it pushes nothing)."""
    found: list[Subscriber] = []
    if send is not None:
        def deliver_feed(batch: list[dict[str, Any]]) -> None:
            # the cache log's position first: feed rows and their tags commit together, in id order, so an API
            # process hears of the write before any of its clients hears of the change (whoever wrote it)
            if write_position.is_attached(engine):
                with engine.connect() as conn:
                    write_position.announce(engine, outbox.latest_tag_id(conn))
            for message in batch:
                send(message)

        found.append(Subscriber("feed", "feed", deliver_feed))
    if users is not None and sync.users_store_ready(users):
        found.append(scoring_subscriber(users, engine, send))
    if users is not None and push is not None:
        from matchday.notify.subscriber import push_subscriber

        found.append(push_subscriber(users, push))
    return found


def redis_sender(redis_url: str) -> tuple[Send, Callable[[], None]]:
    """Send messages to every API process through Redis (synchronously); and how to close the connection."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)

    def send(message: dict[str, Any]) -> None:
        client.publish(REDIS_CHANNEL, json.dumps(message, separators=(",", ":"), default=str))

    return send, client.close


def publish_from_cli(engine: Engine, settings: Settings) -> int:
    """After a CLI command's writes: deliver what this process may (scoring; the feed with Redis)."""
    from matchday.accounts.store import users_engine

    users = users_engine(settings, engine)
    send, close = redis_sender(settings.redis_url) if settings.redis_url else (None, lambda: None)
    push = push_sender(users, settings)
    try:
        return Publisher(engine, subscribers(engine, users, send, push)).publish_once()
    finally:
        close()
        if push is not None:
            push.close()
        if users is not engine:
            users.dispose()


class ServerPublisher:
    """An API process's publish loop: woken by this process's commits, and every ``poll_s`` for other
    processes' (the CLI, a worker without Redis)."""

    def __init__(self, engine: Engine, users: Engine, broker: Broker, poll_s: float,
                 settings: Settings | None = None) -> None:
        self.engine, self.users, self.broker, self.poll_s = engine, users, broker, poll_s
        self.settings = settings
        self.push: PushSender | None = None
        self.publisher: Publisher | None = None
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None

    def _send(self, message: dict[str, Any]) -> None:
        """From the publisher's worker thread: the broker's publish, in the event loop."""
        anyio.from_thread.run(self.broker.publish, message)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        if self.settings is not None:  # the server makes the VAPID key pair on its first start
            self.push = await run_to_end(push_sender, self.users, self.settings, True)
        subs = await run_to_end(subscribers, self.engine, self.users, self._send, self.push)
        self.publisher = Publisher(self.engine, subs)
        apply.on_commit(self.wake)
        await self.publish()  # whatever a previous run committed but did not send
        self._task = self._loop.create_task(self._run())

    def wake(self) -> None:
        """Thread-safe: a write committed in this process."""
        if self._loop is not None and self._wake is not None:
            with suppress(RuntimeError):  # the loop is closing
                self._loop.call_soon_threadsafe(self._wake.set)

    async def publish(self, only: str | None = None) -> int:
        """Deliver what is pending now to every subscriber (``only``: to that one, e.g. "feed", which a live
        runner awaits after its poll; scoring follows on the loop)."""
        if self.publisher is None:
            return 0
        return await run_to_end(self.publisher.publish_once, only)

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_s)
            self._wake.clear()
            try:
                await self.publish()
            except Exception as exc:  # noqa: BLE001 - the next pass tries again
                log.warning("publish pass failed", error=repr(exc))

    async def stop(self) -> None:
        apply.forget(self.wake)
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        if self.push is not None:
            self.push.close()


class Maintenance:
    """The maintenance job (retention) as the embedded scheduler runs it, every ``MATCHDAY_MAINTENANCE_S``."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine, self.settings = engine, settings

    async def run_once(self) -> dict[str, int]:
        from matchday.ingest.maintenance import maintain

        return await run_to_end(maintain, self.engine, self.settings)


class Reminders:
    """Prediction reminders (``pools.reminders``) as the embedded scheduler runs them, every
    ``MATCHDAY_REMINDER_CHECK_S``; Celery beat's ``matchday.reminders`` task calls ``send_once`` alike. The
    channels: email (when an SMTP server is configured) and Web Push (when the VAPID key file exists), each with its
    own claims; made at the first run, after the server has made its key pair."""

    def __init__(self, users: Engine, football: Engine, settings: Settings,
                 channels: list[ReminderChannel] | None = None) -> None:
        self.users, self.football, self.settings = users, football, settings
        self.channels = channels
        self.base_url = (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")

    def _channels(self) -> list[ReminderChannel]:
        if self.channels is None:
            from matchday.accounts.mail import Mailer
            from matchday.notify.reminders import PushReminders
            from matchday.pools.reminder_channels import EmailChannel

            push = push_sender(self.users, self.settings)
            self.channels = [EmailChannel(Mailer.from_settings(self.settings)),
                             *([PushReminders(push)] if push is not None else [])]
        return self.channels

    def send_once(self) -> int:
        from matchday.pools.reminders import send_due

        if not sync.users_store_ready(self.users):
            return 0
        return send_due(self.users, self.football, self._channels(), self.settings.reminder_minutes, self.base_url)

    async def run_once(self) -> int:
        return await run_to_end(self.send_once)


def feed_publisher(engine: Engine, broker: Broker) -> Callable[[], Awaitable[int]]:
    """A publish step that delivers only the live feed to ``broker`` (a live runner's own, outside a server)."""

    def send(message: dict[str, Any]) -> None:
        anyio.from_thread.run(broker.publish, message)

    publisher = Publisher(engine, subscribers(engine, None, send))  # the one feed subscriber, without scoring

    async def publish() -> int:
        return await run_to_end(publisher.publish_once)

    return publish
