"""The fan-out baseline for benchmarks/live.py: the published design's loop that awaits each send in turn.

A bare Starlette WebSocket endpoint; every message from Redis (channel matchday:feed) is sent to every client
with ``for ws in clients: await ws.send_text(frame)``.
"""

from __future__ import annotations

import asyncio
import json
import os
from contextlib import asynccontextmanager, suppress

import redis.asyncio as aioredis
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

CLIENTS: set[WebSocket] = set()


async def feed(websocket: WebSocket) -> None:
    await websocket.accept()
    CLIENTS.add(websocket)
    try:
        while True:
            text = await websocket.receive_text()
            if '"subscribe"' in text:
                await websocket.send_text('{"type":"subscribed","channel":null,"data":{}}')
                await websocket.send_text('{"type":"snapshot","channel":"live:all","data":{}}')
    except WebSocketDisconnect:
        pass
    finally:
        CLIENTS.discard(websocket)


async def relay() -> None:
    redis = aioredis.Redis.from_url(os.environ["REDIS_URL"])
    pubsub = redis.pubsub()
    await pubsub.subscribe("matchday:feed")
    async for item in pubsub.listen():
        if item.get("type") != "message":
            continue
        message = json.loads(item["data"])
        frame = json.dumps({"type": message["type"], "channel": "live:all", "timestamp": message["timestamp"],
                            "id": message["id"], "data": message["data"]})
        for ws in list(CLIENTS):
            with suppress(Exception):
                await ws.send_text(frame)


@asynccontextmanager
async def lifespan(_app: Starlette):  # noqa: ANN201
    task = asyncio.create_task(relay())
    yield
    task.cancel()


app = Starlette(routes=[WebSocketRoute("/ws", feed)], lifespan=lifespan)
