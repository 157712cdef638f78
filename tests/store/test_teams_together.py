"""``Resolver.teams``: a bulk load's new teams inserted in one statement (PostgreSQL), with the outcome of one
insert each (SQLite, and the record path): the same ids in the same order, renames, aliases and keys."""

from __future__ import annotations

from sqlalchemy import Engine, select

from matchday.domain.records import TeamRef
from matchday.store.identity import Resolver
from matchday.store.schema import external_ids, players, team_aliases, teams


def test_new_teams_together_get_ids_in_order_and_are_found_renamed_and_referenced(engine: Engine) -> None:
    # names that normalise apart (digits and "AC" would not)
    names = [f"Testville Q{chr(97 + n // 26)}{chr(97 + n % 26)} Rovers" for n in range(70)]
    refs = [TeamRef(name, "ENG") for name in names]
    # the same clubs again under names that normalise alike: found, and (one source) the smaller name wins,
    # for the second while it is still waiting to be inserted
    refs[10:10] = [TeamRef("Testville Qaa Rovers FC", "ENG"), TeamRef("FC Testville Qab Rovers", "ENG")]
    with engine.begin() as conn:
        resolver = Resolver(conn, "engsoccerdata")
        ids = resolver.teams(refs)
        found = resolver.players({("Ann Example", ids[2])})  # a player references the team
        resolver.flush()
    new = [i for n, i in enumerate(ids) if n not in (10, 11)]
    assert ids[10:12] == new[:2]
    assert new == list(range(new[0], new[0] + len(new)))  # first seen, first numbered; no id skipped
    with engine.connect() as conn:
        stored = dict(conn.execute(select(teams.c.id, teams.c.name).where(teams.c.id.in_(ids))).all())
        keyed = dict(conn.execute(select(external_ids.c.external_id, external_ids.c.internal_id).where(
            external_ids.c.entity == "team", external_ids.c.source == "engsoccerdata")).all())
        aliases = dict(conn.execute(select(team_aliases.c.alias, team_aliases.c.team_id)).all())
        player_team = conn.execute(select(players.c.team_id).where(players.c.id == found[("Ann Example", ids[2])])
                                   ).scalar_one()
    assert [stored[i] for i in new[:3]] == ["Testville Qaa Rovers", "FC Testville Qab Rovers", "Testville Qac Rovers"]
    assert len(stored) == len(new) and player_team == new[2]
    assert keyed["ENG/FC Testville Qab Rovers"] == keyed["ENG/Testville Qab Rovers"] == new[1]
    assert aliases["Testville Qaa Rovers"] == new[0] and aliases[names[-1]] == new[-1]


def test_teams_that_exist_come_back_as_they_are(engine: Engine) -> None:
    with engine.begin() as conn:
        resolver = Resolver(conn, "engsoccerdata")
        first = resolver.teams([TeamRef("Oldtown Wanderers", "ENG")])
        resolver.flush()
    with engine.begin() as conn:
        again = Resolver(conn, "engsoccerdata").teams([TeamRef("Newtown Wanderers", "ENG"),
                                                       TeamRef("Oldtown Wanderers", "ENG")])
    assert again[1] == first[0] and again[0] != first[0] and again[0] > 0
