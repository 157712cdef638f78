"""Identity: map each provider's competitions, seasons, teams and players to internal ids.

Teams are found by, in order: the provider's external id; the normalised name among known aliases (within
the team's country); the alias file shipped with the package (``data/team_aliases.csv``, editable); else a new
team. Every name seen is kept as an alias and every provider key as an external id, so the next load finds it
at step one.

A team's display name does not depend on load order: the alias file's canonical name first, else the name the
most trusted source (``data/source_precedence.json``) gives; ``teams.name_source`` says which one it is.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from sqlalchemy import Connection, insert, select, update

from matchday.catalog import competition_info
from matchday.domain.merge import ALIAS_FILE
from matchday.domain.names import normalise_team_name, same_person
from matchday.domain.records import CompetitionRef, TeamAlias, TeamRef
from matchday.precedence import source_precedence
from matchday.store.bulk import bulk_insert, sequence_ids
from matchday.store.schema import competitions, external_ids, players, seasons, team_aliases, teams


@lru_cache
def alias_file() -> dict[tuple[str, str], str]:
    """(scope, normalised alias) → canonical name, from the packaged alias file."""
    text = resources.files("matchday.data").joinpath("team_aliases.csv").read_text("utf-8")
    table: dict[tuple[str, str], str] = {}
    for row in csv.DictReader(line for line in text.splitlines() if not line.startswith("#")):
        scope = row["scope"]
        table[(scope, normalise_team_name(row["alias"]))] = row["name"]
        table[(scope, normalise_team_name(row["name"]))] = row["name"]
    return table


def _surname(normalized: str) -> str:
    words = normalized.split()
    return words[-1] if words else ""


@dataclass
class Resolver:
    """Caches of one write transaction; inserts what is new as it goes."""

    conn: Connection
    source: str
    _competitions: dict[str, int] = field(default_factory=dict)
    _seasons: dict[tuple[int, str], int] = field(default_factory=dict)
    _team_keys: dict[str, int] = field(default_factory=dict)
    _season_competitions: set[int] = field(default_factory=set)  # competitions whose seasons are in _seasons
    _aliases: dict[tuple[str, str], int] = field(default_factory=dict)
    _alias_spellings: dict[tuple[str, str], str] = field(default_factory=dict)  # the spelling stored for each
    _respelled: dict[tuple[str, str], str] = field(default_factory=dict)  # stored aliases to write a spelling of
    _alias_scopes: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    _aliases_read: bool = False
    _players: dict[tuple[str, int | None], int] = field(default_factory=dict)
    _competition_keys: set[str] = field(default_factory=set)
    _pending_external: list[dict] = field(default_factory=list)
    _pending_aliases: dict[tuple[str, str], dict] = field(default_factory=dict)
    _team_names: dict[int, tuple[str, str | None]] | None = None  # id → (name, name_source), read when needed
    _waiting: dict[int, dict] | None = None  # inside ``teams`` on PostgreSQL: new teams by placeholder id (< 0)
    renamed_teams: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        conn = self.conn
        self._competitions = dict(conn.execute(select(competitions.c.code, competitions.c.id)).all())
        self._team_keys = dict(conn.execute(
            select(external_ids.c.external_id, external_ids.c.internal_id)
            .where(external_ids.c.source == self.source, external_ids.c.entity == "team")).all())
        self._competition_keys = set(conn.execute(
            select(external_ids.c.external_id)
            .where(external_ids.c.source == self.source, external_ids.c.entity == "competition")).scalars())
        # seasons and aliases are read when first needed: a re-load knows its teams by their keys, and a unit
        # needs the seasons of its own competitions only (both were whole tables read again for every unit)

    def _read_aliases(self) -> None:
        """Every alias (a whole-table read: fetched at once, not row by row), once, before the first use."""
        if self._aliases_read:
            return
        self._aliases_read = True
        rows = self.conn.execute(select(team_aliases.c.scope, team_aliases.c.normalized, team_aliases.c.team_id,
                                        team_aliases.c.alias)).all()
        for scope, normalized, team_id, alias in rows:
            self._aliases[(scope, normalized)] = team_id
            self._alias_spellings[(scope, normalized)] = alias
            self._alias_scopes[normalized].add(team_id)

    def _read_seasons(self, competition_ids: set[int]) -> None:
        """The stored seasons of these competitions, once each, before their first use."""
        unread = sorted(competition_ids - self._season_competitions)
        if unread:
            self._season_competitions.update(unread)
            self._seasons.update(((c, label), i) for i, c, label in self.conn.execute(
                select(seasons.c.id, seasons.c.competition_id, seasons.c.label)
                .where(seasons.c.competition_id.in_(unread))).all())

    # --- competitions and seasons ---

    def competition(self, ref: CompetitionRef) -> int:
        comp_id = self._competitions.get(ref.code)
        if comp_id is None:
            info = competition_info(ref.code)
            comp_id = self.conn.execute(insert(competitions).returning(competitions.c.id), {
                "code": ref.code, "name": info.name if info else ref.name,
                "country": info.country if info else ref.country, "kind": info.kind if info else ref.kind,
                "calendar_year": info.calendar_year if info else (
                    ref.calendar_year if ref.calendar_year is not None else ref.kind != "league"),
            }).scalar_one()
            self._competitions[ref.code] = comp_id
        if ref.source_key and ref.source_key not in self._competition_keys:
            self._competition_keys.add(ref.source_key)
            self._pending_external.append({"source": self.source, "entity": "competition",
                                           "external_id": ref.source_key, "internal_id": comp_id})
        return comp_id

    def season(self, competition_id: int, label: str) -> int:
        self._read_seasons({competition_id})
        season_id = self._seasons.get((competition_id, label))
        if season_id is None:
            season_id = self.conn.execute(insert(seasons).returning(seasons.c.id),
                                          {"competition_id": competition_id, "label": label}).scalar_one()
            self._seasons[(competition_id, label)] = season_id
        return season_id

    def seasons_of(self, pairs: list[tuple[int, str]]) -> list[int]:
        """``season`` for many (competition id, label) pairs, the new seasons created in one statement, in order."""
        self._read_seasons({competition_id for competition_id, _label in pairs})
        missing = list(dict.fromkeys(pair for pair in pairs if pair not in self._seasons))
        if missing:
            created = self.conn.execute(
                insert(seasons).returning(seasons.c.id, seasons.c.competition_id, seasons.c.label,
                                          sort_by_parameter_order=True),
                [{"competition_id": comp_id, "label": label} for comp_id, label in missing])
            for season_id, comp_id, label in created:
                self._seasons[(comp_id, label)] = season_id
        return [self._seasons[pair] for pair in pairs]

    # --- teams ---

    def team(self, ref: TeamRef) -> int:
        key = f"{ref.country or ''}/{ref.source_key or ref.name}"
        team_id = self._team_keys.get(key)
        if team_id is not None:
            return team_id
        scope = ref.country or ""
        normalized = normalise_team_name(ref.name)
        team_id = self._find(scope, normalized)
        canonical = alias_file().get((scope, normalized))
        display, name_source = (canonical, ALIAS_FILE) if canonical is not None else (ref.name, self.source)
        if team_id is None and canonical is not None:
            team_id = self._find(scope, normalise_team_name(canonical)) or self._find_alias_group(scope, canonical)
        if team_id is None:
            team_id = self._insert_team(display, ref.country, name_source)
            if self._team_names is not None:
                self._team_names[team_id] = (display, name_source)
            if display != ref.name:
                self._remember_alias(scope, display, team_id)
        else:
            self._name_by_precedence(team_id, display, name_source)
        self._remember_alias(scope, ref.name, team_id)
        self._team_keys[key] = team_id
        self._pending_external.append({"source": self.source, "entity": "team", "external_id": key,
                                       "internal_id": team_id})
        return team_id

    def teams(self, refs: Sequence[TeamRef]) -> list[int]:
        """``team`` of each ref (a bulk load's distinct teams). On PostgreSQL the new ones wait under placeholder
        ids (negative) and are inserted in one statement at the end, their ids taken from the sequence in one
        round trip, in the order they were first seen (the ids ``team`` one by one would give): a round trip per
        new team was 0.7 s of an 8 s first load. On SQLite an insert is no round trip, and nothing changes."""
        if self.conn.dialect.name != "postgresql":
            return [self.team(ref) for ref in refs]
        self._waiting = {}
        try:
            found = [self.team(ref) for ref in refs]
            placed = self._insert_waiting_teams()
        finally:
            self._waiting = None
        return [placed.get(team_id, team_id) for team_id in found]

    def _insert_waiting_teams(self) -> dict[int, int]:
        """Insert the waiting teams and put their ids in place of the placeholders everywhere they went."""
        waiting = self._waiting or {}
        if not waiting:
            return {}
        ids = sequence_ids(self.conn, "teams", len(waiting))
        placed = dict(zip(sorted(waiting, reverse=True), ids, strict=True))  # -1, -2, ...: first seen first
        bulk_insert(self.conn, teams, [{**waiting[placeholder], "id": team_id}
                                       for placeholder, team_id in placed.items()])
        self._team_keys = {key: placed.get(i, i) for key, i in self._team_keys.items()}
        self._aliases = {key: placed.get(i, i) for key, i in self._aliases.items()}
        for ids_of_name in self._alias_scopes.values():
            if any(i < 0 for i in ids_of_name):
                replaced = {placed.get(i, i) for i in ids_of_name}
                ids_of_name.clear()
                ids_of_name.update(replaced)
        for row in self._pending_external:
            if row["entity"] == "team":
                row["internal_id"] = placed.get(row["internal_id"], row["internal_id"])
        for row in self._pending_aliases.values():
            row["team_id"] = placed.get(row["team_id"], row["team_id"])
        if self._team_names is not None:
            self._team_names = {placed.get(i, i): value for i, value in self._team_names.items()}
        self.renamed_teams = {placed.get(i, i) for i in self.renamed_teams}
        return placed

    def _insert_team(self, name: str, country: str | None, name_source: str) -> int:
        if self._waiting is not None:
            placeholder = -1 - len(self._waiting)
            self._waiting[placeholder] = {"name": name, "country": country, "name_source": name_source}
            return placeholder
        # a first load creates thousands: the driver's own statement (on SQLite, the new rowid)
        if self.conn.dialect.name == "sqlite":
            cursor = self.conn.exec_driver_sql("INSERT INTO teams (name, country, name_source) VALUES (?, ?, ?)",
                                               (name, country, name_source))
            return int(cursor.lastrowid)
        if self.conn.dialect.name == "postgresql":
            return self.conn.exec_driver_sql(
                "INSERT INTO teams (name, country, name_source) VALUES (%(name)s, %(country)s, %(source)s) "
                "RETURNING id", {"name": name, "country": country, "source": name_source}).scalar_one()
        return self.conn.execute(insert(teams).returning(teams.c.id), {
            "name": name, "country": country, "name_source": name_source}).scalar_one()

    def team_by_provider_id(self, source_key: str) -> int | None:
        """The one team this source keys by ``source_key`` in any scope (an answer that names a team by id but not
        its country: API-Football ``/players/squads``); None when no team, or more than one, has that id."""
        found = {team_id for key, team_id in self._team_keys.items() if key.rsplit("/", 1)[-1] == source_key}
        return found.pop() if len(found) == 1 else None

    def _name_by_precedence(self, team_id: int, name: str, name_source: str) -> None:
        """Rename a team when a more trusted source (or the alias file) names it: never by load order alone."""
        if self._team_names is None:
            self._team_names = {i: (n, s) for i, n, s in self.conn.execute(
                select(teams.c.id, teams.c.name, teams.c.name_source))}
            waiting = self._waiting or {}
            self._team_names.update((i, (row["name"], row["name_source"])) for i, row in waiting.items())
        current, current_source = self._team_names[team_id]
        trust = source_precedence().name_key
        # the same trust: the smaller name, so that two names of one source never depend on the order either
        if (trust(name_source), current) > (trust(current_source), name) and name_source != current_source:
            # a more trusted source names it: its name (if the same name, the more trusted source now owns it)
            self._rename(team_id, name=name, name_source=name_source)
            self._team_names[team_id] = (name, name_source)
            if name != current:
                self.renamed_teams.add(team_id)
        elif name_source == current_source and name < current:
            self._rename(team_id, name=name)
            self._team_names[team_id] = (name, name_source)
            self.renamed_teams.add(team_id)

    def _rename(self, team_id: int, **values: str) -> None:
        """Change a stored team's row, or a waiting one's (``teams``) before it is inserted."""
        if team_id < 0 and self._waiting is not None:
            self._waiting[team_id].update(values)
        else:
            self.conn.execute(update(teams).where(teams.c.id == team_id).values(**values))

    def _find(self, scope: str, normalized: str) -> int | None:
        self._read_aliases()
        team_id = self._aliases.get((scope, normalized))
        if team_id is None and not scope:
            candidates = self._alias_scopes.get(normalized, set())
            if len(candidates) == 1:
                team_id = next(iter(candidates))
        return team_id

    def _find_alias_group(self, scope: str, canonical: str) -> int | None:
        self._read_aliases()
        for (group_scope, alias), name in alias_file().items():
            if group_scope == scope and name == canonical:
                team_id = self._aliases.get((scope, alias))
                if team_id is not None:
                    return team_id
        return None

    def _remember_alias(self, scope: str, name: str, team_id: int) -> None:
        self._read_aliases()
        normalized = normalise_team_name(name)
        key = (scope, normalized)
        if key in self._aliases:
            # spellings of one name ("Hoffenheim", "1899 Hoffenheim"): the shortest is kept, not the first seen,
            # so the stored alias (and the short name tables print) does not depend on the load order
            stored = self._alias_spellings[key]
            if self._aliases[key] == team_id and (len(name), name) < (len(stored), stored):
                self._alias_spellings[key] = name
                if key in self._pending_aliases:
                    self._pending_aliases[key]["alias"] = name
                else:
                    self._respelled[key] = name
            return
        self._aliases[key] = team_id
        self._alias_spellings[key] = name
        self._alias_scopes[normalized].add(team_id)
        self._pending_aliases[key] = {"team_id": team_id, "scope": scope, "normalized": normalized, "alias": name}

    def add_alias(self, alias: TeamAlias) -> None:
        """Another name of a known team (e.g. a former country name); ignored if the team is unknown."""
        team_id = self._find(alias.scope, normalise_team_name(alias.name))
        if team_id is not None:
            self._remember_alias(alias.scope, alias.alias, team_id)

    # --- players ---

    def players(self, wanted: set[tuple[str, int | None]]) -> dict[tuple[str, int | None], int]:
        """Ids for (name, team id) pairs, creating the unknown ones in one batch.

        A name not known in its team is taken as a known player of that team when it is the only one it can
        be (``same_person``: "Mbappé" and "Kylian Mbappé" in one team are one player); else a new player.
        """
        by_norm = {(normalise_team_name(name), team_id): (name, team_id) for name, team_id in wanted}
        missing = [k for k in by_norm if k not in self._players]
        if missing:
            self._load_players({t for _n, t in missing if t is not None})
            unknown = [k for k in missing if k not in self._players]
            # known names by team and surname: same_person needs the same last word, so only those can match
            known_in_team: dict[tuple[int | None, str], list[str]] = defaultdict(list)
            for normalized, team_id in self._players:
                known_in_team[(team_id, _surname(normalized))].append(normalized)
            same_as: dict[tuple[str, int | None], tuple[str, int | None]] = {}
            new: list[tuple[str, int | None]] = []
            # full names first, so that a bare surname in the same batch can join its full name
            for key in sorted(unknown, key=lambda k: (-len(k[0].split()), k[0])):
                normalized, team_id = key
                known = known_in_team[(team_id, _surname(normalized))]
                candidates = [n for n in known if same_person(normalized, n)] if team_id is not None else []
                if len(candidates) == 1:
                    same_as[key] = (candidates[0], team_id)
                else:
                    new.append(key)
                    known.append(normalized)
            if new:
                bulk_insert(self.conn, players,
                            [{"name": by_norm[k][0], "normalized": k[0], "team_id": k[1]} for k in new])
                self._load_players({t for _n, t in new if t is not None})
            for key, target in same_as.items():
                self._players[key] = self._players[target]
        return {(name, team_id): self._players[(normalise_team_name(name), team_id)] for name, team_id in wanted}

    def _load_players(self, team_ids: set[int]) -> None:
        ordered = sorted(team_ids)
        for chunk in (ordered[i:i + 900] for i in range(0, len(ordered), 900)):
            for normalized, team_id, player_id in self.conn.execute(
                    select(players.c.normalized, players.c.team_id, players.c.id).where(players.c.team_id.in_(chunk))):
                self._players[(normalized, team_id)] = player_id

    def flush(self) -> None:
        """Write the aliases and external ids gathered so far."""
        if self._pending_aliases:
            bulk_insert(self.conn, team_aliases, list(self._pending_aliases.values()))
            self._pending_aliases = {}
        for (scope, normalized), alias in self._respelled.items():
            self.conn.execute(update(team_aliases).where(team_aliases.c.scope == scope,
                                                         team_aliases.c.normalized == normalized).values(alias=alias))
        self._respelled = {}
        if self._pending_external:
            bulk_insert(self.conn, external_ids, self._pending_external)
            self._pending_external = []
