"""`matchday predict`: coming matches, walk-forward backtests and season simulations.

``matchday predict <league>`` is the default command (``upcoming``): a group whose first argument is not one
of its subcommands is routed there, so ``predict eng.1``, ``predict backtest eng.1 --season S`` and
``predict simulate eng.1 2024-25`` all work as written.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.table import Table
from typer.core import TyperGroup

from matchday.cli.common import JsonOpt, app, console, errors, fail, print_json, store_engine, team_table
from matchday.errors import MatchdayError
from matchday.store import team_queries


class _DefaultToUpcoming(TyperGroup):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["upcoming", *args]
        return super().parse_args(ctx, args)


predict_app = typer.Typer(cls=_DefaultToUpcoming, no_args_is_help=True,
                          help="Match predictions: `predict <league>`, `predict backtest`, `predict simulate`.")
app.add_typer(predict_app, name="predict")
ModelOpt = Annotated[str, typer.Option("--model", help="combined (default), dixon-coles, poisson, elo, pi, "
                                                        "market, base-rates.")]


def _day(text: str | None, option: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise typer.BadParameter(f"{option} must be YYYY-MM-DD, got {text!r}") from None


@predict_app.command("upcoming")
def upcoming(
    league: Annotated[str, typer.Argument(help="League code: eng.1 or a provider's code such as E0.")],
    on_date: Annotated[str | None, typer.Option("--date", help="Only matches of this day (YYYY-MM-DD).")] = None,
    round_: Annotated[int | None, typer.Option("--round", help="Only matches of this round.")] = None,
    model: ModelOpt = "combined",
    as_json: JsonOpt = False,
) -> None:
    """Coming matches: home/draw/away, expected goals, most likely scores, over/under 2.5, both teams to score."""
    from matchday.services.predictions import upcoming as predict_upcoming

    day = _day(on_date, "--date")
    try:
        with store_engine().connect() as conn:
            rows = predict_upcoming(conn, league, on_date=day, round_number=round_, model=model)
            short = team_queries.short_names(conn)
    except MatchdayError as exc:
        fail(exc)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print(f"no coming matches of {league} in the store")
        return
    out = team_table(f"predictions {league} ({rows[0]['model']})")
    longest = max(len(short.get(r[side], r[side])) for r in rows for side in ("home", "away"))
    for column in ("kick-off", "home", "away", "1", "X", "2", "xG", "likely scores", "o2.5", "btts"):
        if column in ("home", "away"):  # never cut: the other columns wrap first
            out.add_column(column, no_wrap=True, min_width=longest)
        else:
            out.add_column(column, justify="left" if column == "likely scores" else "right",
                           no_wrap=column != "likely scores")
    for r in rows:
        scores = "  ".join(f"{s['home']}-{s['away']} {s['p']:.0%}" for s in r["likely_scores"][:3])
        out.add_row(r["kickoff_utc"][:16].replace("T", " "), short.get(r["home"], r["home"]),
                    short.get(r["away"], r["away"]), f"{r['p_home']:.0%}",
                    f"{r['p_draw']:.0%}", f"{r['p_away']:.0%}", f"{r['home_xg']:.2f}-{r['away_xg']:.2f}", scores,
                    f"{r['p_over_2_5']:.0%}", f"{r['p_btts']:.0%}")
    console.print(out)


@predict_app.command("backtest")
def backtest(
    league: Annotated[str, typer.Argument(help="League code.")],
    season: Annotated[str, typer.Option("--season", help="Season to evaluate, e.g. 2024-25.")],
    model: ModelOpt = "combined",
    plot: Annotated[Path | None, typer.Option("--plot", help="Write the calibration plot (SVG) to this path "
                                                             "(none without it).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Walk-forward evaluation of a season: every match predicted only from what was known before kick-off."""
    from matchday.services.predictions import backtest as run_backtest
    from matchday.web.prediction_charts import calibration_svg

    try:
        with store_engine().connect() as conn:
            report = run_backtest(conn, league, season, model)
    except MatchdayError as exc:
        fail(exc)
    if plot is not None:
        plot.write_text(calibration_svg(report["calibration"],
                                        f"{report['league']} {report['season']} · {model} calibration"), "utf-8")
        errors.print(f"calibration plot: {plot}")
    if as_json:
        print_json(report["rows"])
        return
    out = Table(title=f"backtest {report['league']} {report['season']} (walk-forward, weekly refit)")
    for column in ("forecast", "matches", "RPS", "Brier", "log loss"):
        out.add_column(column, justify="left" if column == "forecast" else "right")
    for name, s in report["scores"].items():
        out.add_row(name, str(s["matches"]), f"{s['rps']:.4f}", f"{s['brier']:.4f}", f"{s['log_loss']:.4f}")
    console.print(out)


@predict_app.command("simulate")
def simulate(
    league: Annotated[str, typer.Argument(help="League code.")],
    season: Annotated[str, typer.Argument(help="Season, e.g. 2025-26.")],
    runs: Annotated[int, typer.Option("--runs", min=100, max=200_000, help="Simulated seasons.")] = 10_000,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Simulate from the table after this date "
                                                               "(later results count as unplayed).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """The rest of the season simulated: each team's chance of every final position, title, Europe, relegation."""
    from matchday.services.predictions import simulate as run_simulation

    day = _day(as_of, "--as-of")
    try:
        with store_engine().connect() as conn:
            result = run_simulation(conn, league, season, runs=runs, as_of=day, seed=seed)
            short = team_queries.short_names(conn)
    except MatchdayError as exc:
        fail(exc)
    if as_json:
        print_json(result)
        return
    zones = [z for z in result["zones"] if z != "title"]
    since = f"the table after {day}" if day else f"results known at {result['as_of'][:16].replace('T', ' ')}"
    out = team_table(f"{result['league']} {result['season']}: {result['runs']} simulations from {since} "
                      f"({result['matches_remaining']} matches to play)")
    names = [short.get(t["team_name"], t["team_name"]) for t in result["teams"]]
    for column in ("team", "exp. pts", "title", *zones, "most likely position"):
        if column == "team":  # never cut: the other columns wrap first
            out.add_column(column, no_wrap=True, min_width=max(map(len, names), default=4))
        else:
            out.add_column(column, justify="right", overflow="fold")  # headings wrap, numbers are short
    for t, name in zip(result["teams"], names, strict=True):
        best = max(range(len(t["positions"])), key=lambda k: t["positions"][k])
        out.add_row(name, f"{t['expected_points']:.1f}", f"{t['p_title']:.1%}",
                    *(f"{t.get('p_' + z, 0.0):.1%}" for z in zones), f"{best + 1} ({t['positions'][best]:.0%})")
    console.print(out)
    sys.stdout.flush()
