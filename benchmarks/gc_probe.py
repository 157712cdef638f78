"""Run ``matchday serve`` with every garbage collection timed (for benchmarks/live.py).

    python gc_probe.py OUT_FILE serve --port N

Each collection appends "wall-clock-start generation seconds cpu-seconds" to OUT_FILE as it ends (``gc.callbacks``), so
the benchmark can count the pauses that fell inside each round and report the longest.
"""

from __future__ import annotations

import gc
import sys
import time

from matchday.cli import app


def _install(path: str) -> None:
    out = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - open for the process's lifetime
    started: list[float] = [0.0, 0.0, 0.0]

    def timed(phase: str, info: dict) -> None:
        if phase == "start":
            started[0], started[1], started[2] = time.time(), time.perf_counter(), time.thread_time()
        else:  # wall time (what clients wait) and the CPU it took (the rest: the process was not running)
            out.write(f"{started[0]:.6f} {info['generation']} {time.perf_counter() - started[1]:.6f} "
                      f"{time.thread_time() - started[2]:.6f}\n")

    gc.callbacks.append(timed)


if __name__ == "__main__":
    _install(sys.argv[1])
    sys.argv = ["matchday", *sys.argv[2:]]
    app()
