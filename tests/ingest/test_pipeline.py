"""The one data path against a real store (SQLite and PostgreSQL): idempotent, transactional, quarantining."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from matchday.store.schema import load_runs, matches, odds_quotes, quarantined_rows, team_match_stats, teams
from tests.conftest import FDUK
from tests.ingest.helpers import load


def _count(engine: Engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _dump(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(select(matches).order_by(matches.c.id)).all()
        odds = conn.execute(select(odds_quotes).order_by(odds_quotes.c.id)).all()
    return [tuple(r) for r in rows] + [tuple(r) for r in odds]


def test_load_is_idempotent(engine: Engine) -> None:
    first = load(engine, "football-data-uk", FDUK / "E0" / "2024-25.csv")
    assert (first[0].status, first[0].new, first[0].changed, first[0].quarantined) == ("ok", 380, 0, 0)
    before = _dump(engine)
    second = load(engine, "football-data-uk", FDUK / "E0" / "2024-25.csv")
    assert (second[0].new, second[0].changed, second[0].unchanged) == (0, 0, 380)
    assert _dump(engine) == before
    from matchday.ingest.seed import packaged_deductions

    # the season's clubs + the clubs of the deduction ledger that are not among them (Everton, Forest are)
    ledger_only = {d.team.name for d in packaged_deductions()} - {"Everton", "Nottingham Forest"}
    assert _count(engine, teams) == 20 + len(ledger_only)


def test_stats_and_all_odds_columns_are_stored(engine: Engine) -> None:
    load(engine, "football-data-uk", FDUK / "E0" / "2024-25.csv")
    assert _count(engine, team_match_stats) == 2 * 380
    with engine.connect() as conn:
        books = set(conn.execute(select(odds_quotes.c.bookmaker, odds_quotes.c.market, odds_quotes.c.closing)
                                 .distinct()).all())
    assert ("bet365", "1x2", True) in books and ("pinnacle", "1x2", True) in books
    assert ("betfair_exchange", "asian_handicap", True) in books
    assert ("market_average", "over_under", False) in books


def test_snapshots_load_incrementally(engine: Engine) -> None:
    early = load(engine, "football-data-uk", FDUK / "snapshots" / "E0_2025-26_as-of-2025-12-21.csv")[0]
    later = load(engine, "football-data-uk", FDUK / "snapshots" / "E0_2025-26_as-of-2026-02-23.csv")[0]
    assert early.new == 169
    assert (later.new, later.changed, later.unchanged) == (102, 0, 169)


def test_reissued_file_updates_instead_of_duplicating(engine: Engine) -> None:
    load(engine, "football-data-uk", FDUK / "E0" / "2012-13.csv")
    reissue = load(engine, "football-data-uk", FDUK / "E0_later-reissue" / "2012-13.csv")[0]
    assert reissue.new == 0 and reissue.changed == 380  # referee and Pinnacle closing odds arrive
    assert _count(engine, matches) == 380
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(odds_quotes).where(
            odds_quotes.c.bookmaker == "pinnacle", odds_quotes.c.closing.is_(True))).scalar_one() == 380


def test_bad_rows_are_quarantined_and_good_rows_load(engine: Engine, tmp_path: Path) -> None:
    lines = (FDUK / "E0" / "2011-12.csv").read_text().splitlines()
    lines[5] = lines[5].replace("13/08/11", "32/13/11")  # impossible date
    lines[9] = lines[9].replace(",H,", ",A,", 1)  # result letter contradicting the score
    bad = tmp_path / "E0-broken.csv"
    bad.write_text("\n".join(lines) + "\n")
    summary = load(engine, "football-data-uk", bad)[0]
    assert (summary.status, summary.new, summary.quarantined) == ("ok", 378, 2)
    with engine.connect() as conn:
        rows = conn.execute(select(quarantined_rows.c.line, quarantined_rows.c.field, quarantined_rows.c.reason)
                            .order_by(quarantined_rows.c.line)).all()
    assert [(r.line, r.field) for r in rows] == [(6, "Date"), (10, "FTR")]
    assert "contradicts score" in rows[1].reason
    again = load(engine, "football-data-uk", bad)[0]  # re-loading never piles up quarantine rows
    assert again.new == 0 and _count(engine, quarantined_rows) == 2


def test_unreadable_file_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    junk = tmp_path / "E0.csv"
    junk.write_bytes(b"this,is,not\nfootball,data,at all\n")
    summary = load(engine, "football-data-uk", junk)[0]
    assert summary.status == "failed" and "missing columns" in (summary.error or "")
    assert _count(engine, matches) == 0
    with engine.connect() as conn:
        run = conn.execute(select(load_runs.c.status, load_runs.c.error)).one()
    assert run.status == "failed" and str(junk) in run.error
