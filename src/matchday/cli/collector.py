"""`matchday jobs`, `collect`, `quota`, `coverage` and `reparse`: the collector from the command line."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from matchday.cli.common import JsonOpt, app, console, fail, print_json, store_engine
from matchday.errors import MatchdayError
from matchday.settings import get_settings
from matchday.threads import run_to_end

jobs_app = typer.Typer(help="The collector's jobs (the YAML files in MATCHDAY_JOBS_DIR, or MATCHDAY_CONFIG_DIR/jobs).",
                       no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


def _collector():  # noqa: ANN202 - matchday.ingest.collector.Collector (imported late: keeps the CLI start fast)
    from matchday.ingest.collector import Collector

    try:
        return Collector.create(get_settings(), store_engine())
    except MatchdayError as exc:
        fail(exc)


@jobs_app.command("list")
def jobs_list(as_json: JsonOpt = False) -> None:
    """Every job defined, with its state: enabled, priority, schedule, last run, retry time."""
    from matchday.store import job_registry

    collector = _collector()
    states = job_registry.states(collector.engine)
    rows = []
    for job_id in collector.registry.order():
        job = collector.registry.jobs[job_id]
        state = states.get(job_id, {})
        interval = job.interval.cron if getattr(job.interval, "cron", None) else (
            f"every {job.interval.seconds:g} s" if job.interval else "once")
        rows.append({"job_id": job_id, "provider": job.provider, "type": str(job.type), "enabled": job.enabled,
                     "priority": str(job.priority), "endpoint": job.endpoint, "schedule": interval,
                     "dependencies": job.dependencies, "last_status": state.get("last_status"),
                     "last_success_at": state.get("last_success_at"), "retry_at": state.get("retry_at"),
                     "failures": state.get("failures", 0), "skipped": state.get("skipped", 0),
                     "source": collector.registry.sources[job_id]})
    collector.close()
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"jobs in {get_settings().jobs_dir}")
    for column in ("job", "provider", "type", "on", "priority", "schedule", "last", "last success", "retry at"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["job_id"], r["provider"], r["type"], "yes" if r["enabled"] else "no", r["priority"],
                      r["schedule"], r["last_status"] or "", str(r["last_success_at"] or ""), str(r["retry_at"] or ""))
    console.print(table)


@jobs_app.command("run")
def jobs_run(job_id: Annotated[str, typer.Argument(help="The job's id (`matchday jobs list`).")],
             as_json: JsonOpt = False) -> None:
    """Run one job now (its dependencies first if they never succeeded), honouring quota and breaker."""
    from matchday.runtime import publish_from_cli

    collector = _collector()
    try:
        collector.client.read_plan(collector.job(job_id).provider)  # the account's plan before the first request
        outcome = collector.run_job(job_id, "manual")
        publish_from_cli(collector.engine, collector.settings)  # what it stored reaches every subscriber
    except MatchdayError as exc:
        fail(exc)
    finally:
        collector.close()
    if as_json:
        print_json(vars(outcome))
    else:
        colour = {"ok": "green", "idle": "green", "skipped": "yellow", "busy": "yellow"}.get(outcome.status, "red")
        console.print(f"{job_id}: [{colour}]{outcome.status}[/] items={outcome.items} requests={outcome.requests}"
                      + (f" run={outcome.run_id}" if outcome.run_id else "") + (f"\n{outcome.error}" if outcome.error
                                                                                 else ""))
    if outcome.status == "failed":
        raise typer.Exit(1)


@app.command()
def collect(duration: Annotated[float | None, typer.Option("--for", help="Stop after this many seconds.")] = None
            ) -> None:
    """Run the collector's scheduler without the web server (every enabled job, on its schedule)."""

    from matchday.ingest.scheduler import Scheduler

    settings = get_settings()
    collector = _collector()
    enabled = collector.registry.enabled()  # the scheduler reads each provider's plan before the first request
    console.print(f"collecting: {len(enabled)} enabled jobs of {len(collector.registry.jobs)} in "
                  f"{settings.jobs_dir}" + (f", for {duration:g} s" if duration else " (Ctrl-C stops)"))

    async def main() -> None:
        # what the jobs commit is delivered here: results to prediction-league scoring, and with Redis the live
        # feed to every server (without Redis, `matchday serve` sends the feed when it reads the outbox)
        from matchday.accounts.store import users_engine
        from matchday.ingest.publish import Publisher
        from matchday.pools import sync
        from matchday.runtime import Maintenance, Reminders, redis_sender, subscribers

        send, close = redis_sender(settings.redis_url) if settings.redis_url else (None, lambda: None)
        users = users_engine(settings, collector.engine)
        publisher = Publisher(collector.engine, subscribers(collector.engine, users, send))

        async def publish() -> None:
            await run_to_end(publisher.publish_once)

        async def sweep() -> None:  # prediction leagues left out of date (a crashed sync)
            if any(s.stream == "changes" for s in publisher.subscribers):
                await run_to_end(sync.sweep, users, collector.engine)

        periodic = [(settings.outbox_poll_s, publish), (settings.maintenance_s, Maintenance(collector.engine,
                                                                                          settings).run_once),
                    (settings.scoring_sweep_s, sweep),
                    (settings.reminder_check_s, Reminders(users, collector.engine, settings).run_once)]
        try:
            await Scheduler(collector, periodic=periodic).run(duration_s=duration)
        finally:
            await publish()
            close()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        collector.close()


@app.command()
def quota(as_json: JsonOpt = False) -> None:
    """Per provider: daily and per-minute requests left, limits, reset times, the last hour's requests and how long
    the day's remainder lasts at that pace, priority floors, breaker states.

    Without Redis the counts are rebuilt from the raw archive (what this store fetched today and in the last
    minute); breakers are then this process's own (closed). With MATCHDAY_REDIS_URL they are the shared ones."""
    collector = _collector()
    data = collector.quota_report()
    collector.close()
    if as_json:
        print_json(data)
        return
    table = Table(title="quota")
    for column in ("provider", "day left", "day limit", "day resets", "minute left", "minute limit",
                   "last hour", "lasts at this pace", "floors", "breakers"):
        table.add_column(column)
    for r in data:
        floors = " ".join(f"{p}<{n}" for p, n in r["thresholds"].items() if n)
        breakers = " ".join(f"{b['endpoint']}:{b['state']}" for b in r["breakers"]) or "closed"
        lasts = "-" if r["lasts_hours"] is None else f"{r['lasts_hours']:g} h"
        table.add_row(r["provider"], _n(r["daily_remaining"]), _n(r["daily_limit"]), r["daily_reset"] or "",
                      _n(r["minute_remaining"]), _n(r["minute_limit"]), str(r["requests_last_hour"]), lasts,
                      floors, breakers)
    console.print(table)


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)


@app.command()
def coverage(league: Annotated[str | None, typer.Option(help="Competition code, e.g. eng.1.")] = None,
             season: Annotated[str | None, typer.Option(help="Season label, e.g. 2024-25.")] = None,
             as_json: JsonOpt = False) -> None:
    """What is covered and how fresh: count vs target, lag vs max, completeness, status per endpoint."""
    from matchday.ingest import coverage as coverage_mart

    collector = _collector()
    targets = {j.job_id: j.coverage_target for j in collector.registry.jobs.values() if j.coverage_target}
    rows = coverage_mart.report(collector.engine, targets, league, season)
    collector.close()
    if as_json:
        print_json(rows)
        return
    table = Table(title="coverage")
    for column in ("competition", "season", "endpoint", "job", "count", "target", "lag min", "max lag", "complete",
                   "count %", "fresh %", "complete %", "overall %", "status"):
        table.add_column(column)
    colours = {"ok": "green", "warning": "yellow", "critical": "red"}
    for r in rows:
        complete = "" if r["completeness"] is None else f"{r['completeness']:.0%}"
        table.add_row(r["competition"], r["season"], r["endpoint"], r["job_id"], str(r["count"]),
                      _n(r["min_count"]), _n(r["lag_minutes"]), _n(r["max_lag_minutes"]), complete,
                      _n(r["count_pct"]), _n(r["freshness_pct"]), _n(r["completeness_pct"]), _n(r["overall_pct"]),
                      f"[{colours[r['status']]}]{r['status']}[/]")
    console.print(table)


@app.command()
def reparse(provider: Annotated[str | None, typer.Option(help="Only this provider's responses.")] = None,
            since: Annotated[str | None, typer.Option(help="Only responses fetched since (YYYY-MM-DD[THH:MM]).")]
            = None,
            failed: Annotated[bool, typer.Option("--failed", help="List the responses that failed to parse.")]
            = False,
            as_json: JsonOpt = False) -> None:
    """Rebuild the store from the raw archive (after a parser fix): no request is sent to any provider."""
    from matchday.ingest.collector import discover_providers
    from matchday.ingest.responses import reparse as run_reparse
    from matchday.runtime import publish_from_cli
    from matchday.store import raw_archive

    engine = store_engine()
    try:
        since_at = datetime.fromisoformat(since) if since else None
    except ValueError:
        raise typer.BadParameter(f"--since must be YYYY-MM-DD or YYYY-MM-DDTHH:MM, got {since!r}") from None
    if failed:
        rows = [vars(r) for r in raw_archive.responses(engine, provider, since_at, statuses=("failed",))]
        if as_json:
            print_json(rows)
        elif not rows:
            scope = " ".join(part for part in (provider and f"from {provider}", since and f"since {since}") if part)
            console.print(f"no archived response {scope + ' ' if scope else ''}failed to parse: nothing to reparse")
        else:
            for r in rows:
                console.print(f"{r['id']} {r['provider']} {r['endpoint']} {r['params']} {r['fetched_at']}: "
                              f"{r['parse_error']}")
            console.print(f"{len(rows)} failed; after a parser fix, `matchday reparse` reparses them")
        return
    report = run_reparse(engine, discover_providers(), provider, since_at)
    publish_from_cli(engine, get_settings())  # the results it stored reach every subscriber (scoring included)
    if as_json:
        print_json(vars(report))
        return
    console.print(f"reparsed {report.parsed} of {report.responses} archived responses ({report.duplicates} "
                  f"duplicates): {report.new} new, {report.changed} changed, {report.unchanged} unchanged")
    for response_id, error in report.failed:
        console.print(f"[red]failed[/] response {response_id}: {error}")
    if report.pruned:
        console.print(f"[yellow]{len(report.pruned)} responses not reparsed: their bodies were pruned from the raw "
                      f"archive (MATCHDAY_ARCHIVE_KEEP_DAYS); fetch them again with their jobs[/]")


archive_app = typer.Typer(help="The raw archive of provider responses.")
app.add_typer(archive_app, name="archive")


@archive_app.command("prune")
def archive_prune(days: Annotated[float | None, typer.Option(help="Keep bodies fetched in the last DAYS days "
                                                                  "(default MATCHDAY_ARCHIVE_KEEP_DAYS, 90).")] = None,
                  as_json: JsonOpt = False) -> None:
    """Drop raw response bodies older than the retention; their records stay (reparse says what it lacks)."""
    from matchday.ingest.maintenance import prune_archive

    keep = days if days is not None else get_settings().archive_keep_days
    pruned = prune_archive(store_engine(), keep)
    if as_json:
        print_json({"bodies_pruned": pruned, "keep_days": keep})
    else:
        console.print(f"pruned {pruned} raw bodies fetched more than {keep:g} days ago")
