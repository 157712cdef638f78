"""`matchday init`, `status` and `sources`: the store and what is installed."""

from __future__ import annotations

import sys

from rich.table import Table

from matchday.cli.common import JsonOpt, app, console, print_json, store_engine
from matchday.notify import vapid
from matchday.precedence import source_precedence
from matchday.settings import get_settings
from matchday.sources.base import available_sources
from matchday.store import queries


@app.command()
def init() -> None:
    """Create or upgrade the database (Alembic migrations), seed reference data, make the Web Push key pair."""
    engine = store_engine()
    console.print(f"[green]store ready[/] at {engine.url.render_as_string(hide_password=True)}")
    _keys, created = vapid.load_or_create(get_settings().vapid_key_file)
    console.print(f"Web Push key pair {'made' if created else 'kept'} in {get_settings().vapid_key_file}")


@app.command("push-keys")
def push_keys() -> None:
    """Make the Web Push (VAPID) key pair unless there is one, and print its public key (never the private one)."""
    path = get_settings().vapid_key_file
    keys, created = vapid.load_or_create(path)
    console.print(f"{'made' if created else 'kept'}: {path} (private, mode 0600)", highlight=False)
    sys.stdout.write(keys.public_key + "\n")



@app.command()
def status(as_json: JsonOpt = False) -> None:
    """Counts, recent load and job runs, quarantined rows, matches flagged for attention."""
    with store_engine().connect() as conn:
        data = queries.status(conn)
    if as_json:
        print_json(data)
        return
    counts = Table(title="store")
    shown = ("competitions", "seasons", "teams", "matches", "quarantined_rows", "open_conflicts")
    for key in shown:
        counts.add_column(key, justify="right")
    counts.add_row(*(str(data[k]) for k in shown))
    console.print(counts)
    if data["open_conflicts"]:
        console.print(f"{data['open_conflicts']} results where sources disagree: `matchday conflicts` lists them")
    runs = Table(title="recent load runs")
    for column in ("id", "source", "location", "status", "rows", "new", "changed", "quarantined", "seconds",
                   "error"):
        runs.add_column(column)
    for run in data["recent_load_runs"]:
        runs.add_row(str(run["id"]), run["source"], run["location"][-60:], run["status"], str(run["rows_read"]),
                     str(run["matches_new"]), str(run["matches_changed"]), str(run["rows_quarantined"]),
                     f"{run['duration_s'] or 0:.2f}", (run["error"] or "")[:60])
    console.print(runs)
    if data["interrupted_load_runs"]:
        console.print(f"[yellow]{data['interrupted_load_runs']} load run(s) interrupted[/] (the process ended "
                      "before finishing; nothing of them was written): load those files again to complete them")
    job_runs = Table(title="recent job runs (live polling)")
    for column in ("job", "started", "seconds", "items", "status", "error"):
        job_runs.add_column(column)
    for run in data["recent_job_runs"]:
        job_runs.add_row(run["job"], str(run["started_at"])[:19], f"{run['duration_s'] or 0:.2f}", str(run["items"]),
                         run["status"], (run["error"] or "")[:60])
    console.print(job_runs)
    if data["flagged_matches"]:
        attention = Table(title="matches flagged for attention (no longer polled)")
        for column in ("id", "match", "kick-off", "status", "last checked", "why"):
            attention.add_column(column)
        for item in data["flagged_matches"]:
            attention.add_row(str(item["id"]), f"{item['home']} v {item['away']}", str(item["kickoff_utc"])[:16],
                              item["status"], str(item["last_checked_at"])[:19], item["attention"])
        console.print(attention)
    if data["unknown_codes"]:
        unknown = Table(title="unknown codes (each cost one quarantined record; add them to the vocabulary)")
        for column in ("source", "field", "code", "what", "records"):
            unknown.add_column(column)
        for item in data["unknown_codes"]:
            unknown.add_row(item["source"], item["field"], item["code"], item["what"], str(item["records"]))
        console.print(unknown)
    if data["quarantine_by_file"]:
        quarantine = Table(title="quarantined rows by file")
        for column in ("source", "file", "rows"):
            quarantine.add_column(column)
        for item in data["quarantine_by_file"]:
            quarantine.add_row(item["source"], item["location"][-70:], str(item["rows"]))
        console.print(quarantine)


@app.command()
def sources() -> None:
    """List the installed sources (built-in and plugins)."""
    for name, plugin in sorted(available_sources().items()):
        console.print(f"[bold]{name}[/]: {plugin.description}")
    order = source_precedence().order()
    console.print(f"trusted most to least where sources disagree (data/source_precedence.json): {', '.join(order)}")


