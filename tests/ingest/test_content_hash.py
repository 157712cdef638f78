"""Re-loads skip a row by its content hash only while it still describes the source's claim (store/content_hash)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from matchday.ingest.pipeline import load_units
from matchday.ingest.seed import seed_reference_data
from matchday.sources.base import get_source
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.schema import matches
from tests.ingest.test_bulk_load import ESD, RecordPathOnly, _excerpt


def _with_goals(line: str, home: int, away: int) -> str:
    """An mls.csv row with ``home`` and ``away`` goals added (FT, hgoal, vgoal and totgoal kept consistent)."""
    fields = line.split(",")
    hg, vg = int(fields[5]) + home, int(fields[6]) + away
    fields[4], fields[5], fields[6], fields[9] = f'"{hg}-{vg}"', str(hg), str(vg), str(hg + vg)
    return ",".join(fields)


def _score(engine, match_id: int) -> tuple:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(select(matches.c.home_goals, matches.c.away_goals, matches.c.content_hash)
                            .where(matches.c.id == match_id)).one()


def test_a_record_path_write_clears_the_hash(tmp_path: Path) -> None:
    """Bulk load, then the same source says another score through the record path, then the first file again in
    bulk: the first score is the source's claim again (a hash left behind would have skipped the row)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'hash.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    original = _excerpt(tmp_path / "a", ESD / "mls.csv.gz", lambda i, _line: i < 400, "mls.csv")
    lines = original.read_text("utf-8").split("\n")
    edited = tmp_path / "b" / "mls.csv"
    edited.parent.mkdir()
    edited.write_text("\n".join([lines[0], _with_goals(lines[1], 3, 0), *lines[2:]]), "utf-8")
    bulk, record = get_source("engsoccerdata"), RecordPathOnly("engsoccerdata")

    first = load_units(engine, bulk, bulk.plan([original], {}))
    assert first[0].new == 400
    with engine.connect() as conn:
        assert conn.execute(select(matches.c.content_hash).where(matches.c.content_hash.is_(None))).first() is None
        match_id = conn.execute(select(matches.c.id).order_by(matches.c.match_date, matches.c.id)).scalars().first()
    stored = _score(engine, match_id)
    again = load_units(engine, bulk, bulk.plan([original], {}))
    assert (again[0].unchanged, again[0].changed) == (400, 0)

    changed = load_units(engine, record, record.plan([edited], {}))
    assert changed[0].changed == 1
    after_edit = _score(engine, match_id)
    assert after_edit[0] == stored[0] + 3 and after_edit[2] is None  # the record path's write cleared the hash

    restored = load_units(engine, bulk, bulk.plan([original], {}))
    assert (restored[0].changed, restored[0].unchanged) == (1, 399)
    assert _score(engine, match_id) == stored  # the score and the hash of the bulk statement again
    engine.dispose()


def test_a_changed_row_in_bulk_is_merged(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hash.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    original = _excerpt(tmp_path / "a", ESD / "mls.csv.gz", lambda i, _line: i < 200, "mls.csv")
    lines = original.read_text("utf-8").split("\n")
    edited = tmp_path / "b" / "mls.csv"
    edited.parent.mkdir()
    edited.write_text("\n".join([*lines[:3], _with_goals(lines[3], 0, 1), *lines[4:]]), "utf-8")
    bulk = get_source("engsoccerdata")
    load_units(engine, bulk, bulk.plan([original], {}))
    summary = load_units(engine, bulk, bulk.plan([edited], {}))[0]
    assert (summary.changed, summary.unchanged, summary.new) == (1, 199, 0)
    with engine.connect() as conn:
        hashes = conn.execute(select(matches.c.content_hash)).scalars().all()
    assert len(set(hashes)) == 200 and None not in hashes
    engine.dispose()


def test_a_repeated_row_is_a_new_match_not_its_twin(tmp_path: Path) -> None:
    """A re-load whose file repeats a stored row word for word: the repeat is the pairing's next match (its key
    gets #n), so it is new. Its content equals its twin's, whose hash is stored; the hash covers the match key,
    so that stored hash does not make the repeat look loaded already."""
    engine = make_engine(f"sqlite:///{tmp_path / 'hash.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    original = _excerpt(tmp_path / "a", ESD / "mls.csv.gz", lambda i, _line: i < 200, "mls.csv")
    lines = [line for line in original.read_text("utf-8").split("\n") if line]
    edited = tmp_path / "b" / "mls.csv"
    edited.parent.mkdir()
    edited.write_text("\n".join([*lines, lines[1]]) + "\n", "utf-8")
    bulk = get_source("engsoccerdata")
    assert load_units(engine, bulk, bulk.plan([original], {}))[0].new == 200
    summary = load_units(engine, bulk, bulk.plan([edited], {}))[0]
    assert summary.status == "ok" and summary.new == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(matches)).scalar_one() == 201
    again = load_units(engine, bulk, bulk.plan([edited], {}))[0]
    assert (again.new, again.changed, again.unchanged) == (0, 0, 201)
    engine.dispose()


def test_stale_hashes_are_replaced_on_the_next_load(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Hashes another version wrote (another hash rule, another polars) match no row: the next load compares
    every row field by field, finds them unchanged, and stores their hashes again (on PostgreSQL, 1,200 rows:
    one COPY and one UPDATE); then they are as a fresh load leaves them."""
    excerpt = _excerpt(tmp_path / "a", ESD / "mls.csv.gz", lambda i, _line: i < 1200, "mls.csv")
    bulk = get_source("engsoccerdata")
    assert load_units(engine, bulk, bulk.plan([excerpt], {}))[0].new == 1200

    def hashes() -> dict[int, int]:
        with engine.connect() as conn:
            return dict(conn.execute(select(matches.c.id, matches.c.content_hash)).all())

    fresh = hashes()
    with engine.begin() as conn:
        conn.execute(matches.update().values(content_hash=matches.c.content_hash + 1))
    summary = load_units(engine, bulk, bulk.plan([excerpt], {}))[0]
    assert (summary.new, summary.changed, summary.unchanged) == (0, 0, 1200)
    assert hashes() == fresh


def test_a_team_merge_clears_the_hash_of_the_matches_it_rekeys(tmp_path: Path) -> None:
    """A hash covers the match's key and teams: a match moved to the kept team's key has no stored statement
    any more (else a later row with the old key and the same values could be taken for it)."""
    from matchday.store.schema import teams
    from matchday.store.team_merge import merge_teams

    engine = make_engine(f"sqlite:///{tmp_path / 'hash.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    excerpt = _excerpt(tmp_path / "a", ESD / "mls.csv.gz", lambda i, _line: i < 300, "mls.csv")
    bulk = get_source("engsoccerdata")
    load_units(engine, bulk, bulk.plan([excerpt], {}))
    with engine.begin() as conn:  # a wrong split: one team's away matches under a stray second team
        team = conn.execute(select(matches.c.away_team_id).limit(1)).scalar_one()
        stray = conn.execute(teams.insert().returning(teams.c.id), {"name": "Stray", "country": "USA"}).scalar_one()
        conn.execute(matches.update().where(matches.c.away_team_id == team).values(
            away_team_id=stray, match_key=func.replace(matches.c.match_key, f"-{team}", f"-{stray}")))
        split = set(conn.execute(select(matches.c.id).where(matches.c.away_team_id == stray)).scalars())
    with engine.begin() as conn:
        assert merge_teams(conn, team, stray)["matches_moved"] == len(split) > 0
        hashes = dict(conn.execute(select(matches.c.id, matches.c.content_hash)).all())
    assert all(hashes[match_id] is None for match_id in split)
    assert all(value is not None for match_id, value in hashes.items() if match_id not in split)
    again = load_units(engine, bulk, bulk.plan([excerpt], {}))[0]
    assert (again.new, again.changed, again.unchanged) == (0, 0, 300)
    engine.dispose()
