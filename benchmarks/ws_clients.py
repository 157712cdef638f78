"""One load-generator process for benchmarks/live.py: N WebSocket clients on live:all, recording arrivals.

    python ws_clients.py URL COUNT MESSAGES TIMEOUT_S

Prints READY once every client is subscribed, then a JSON line: for each message id, the arrival delays
(seconds since the message's ``sent_at``) of every client that received it, and how many clients got all.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time

import websockets


async def client(url: str, ready: asyncio.Event, arrivals: dict[int, list[float]], expected: int,
                 connected: list[int]) -> int:
    async with websockets.connect(url, max_queue=None, open_timeout=60, ping_interval=None) as ws:
        await ws.send('{"action":"subscribe","channels":["live:all"]}')
        await ws.recv()  # subscribed
        await ws.recv()  # snapshot
        connected[0] += 1
        got = 0
        await ready.wait()
        while got < expected:
            message = json.loads(await ws.recv())
            if message.get("type") != "match_update":
                continue
            arrivals.setdefault(message["id"], []).append(time.time() - message["data"]["sent_at"])
            got += 1
        return got


async def main(url: str, count: int, messages: int, timeout_s: float) -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
    ready = asyncio.Event()
    arrivals: dict[int, list[float]] = {}
    connected = [0]
    tasks = []
    for start in range(0, count, 250):  # connect in batches: the server's accept backlog is finite
        tasks += [asyncio.create_task(client(url, ready, arrivals, messages, connected))
                  for _ in range(min(250, count - start))]
        while connected[0] < len(tasks):
            await asyncio.sleep(0.01)
    print("READY", flush=True)
    ready.set()
    done, pending = await asyncio.wait(tasks, timeout=timeout_s)
    complete = sum(1 for t in done if not t.exception() and t.result() == messages)
    for task in pending:
        task.cancel()
    print(json.dumps({"complete": complete, "arrivals": arrivals}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])))
