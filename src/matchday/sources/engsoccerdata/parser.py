"""engsoccerdata CSV bytes → canonical records. Pure: no I/O.

One parser for all league and cup files: the columns differ per country, so each is looked up by name.
R-style ``NA`` means missing. Season is the start year; team names are ASCII.
"""

from __future__ import annotations

from datetime import date, timedelta

from matchday.domain import validation
from matchday.domain.records import (
    CompetitionRef,
    DeductionRecord,
    Finish,
    MatchRecord,
    MatchStatus,
    ParseResult,
    RowProblem,
    TeamRef,
)
from matchday.domain.seasons import split_season
from matchday.errors import UnreadableFile
from matchday.sources.csvtext import NA_VALUES, raw_line, read_rows
from matchday.sources.engsoccerdata import spec

REQUIRED = ("Date", "Season", "home", "visitor", "hgoal", "vgoal")
_R_EPOCH = date(1970, 1, 1)  # R stores a Date as days since 1970-01-01 (englandplayoffs.csv: 18017 = 2019-05-01)


def _date(text: str) -> date | None:
    """ISO ``yyyy-mm-dd``, an R day number, or ``NA`` (a few thousand old rows whose date is lost)."""
    if text == "NA":
        return None
    if text.isdigit() and len(text) <= 6:
        return _R_EPOCH + timedelta(days=int(text))
    return date.fromisoformat(text)


def _awarded_to(fields: list[str], i_notes: int | None, home: str, away: str) -> str | None:
    """Which side a walkover or a disqualification sent through ("<team> progress" in ``notes``)."""
    notes = fields[i_notes] if i_notes is not None else ""
    for side, name in (("home", home), ("away", away)):
        if notes == f"{name} progress":
            return side
    return None


def _score_pair(text: str) -> tuple[int, int] | None:
    if text in NA_VALUES or "-" not in text:
        return None
    home, _, away = text.partition("-")
    try:
        return validation.goals(home, "ht"), validation.goals(away, "ht")
    except ValueError:
        return None


def _season(text: str, calendar: bool) -> str:
    year = validation.count(text, "season", validation.LAST_YEAR)
    if year < validation.FIRST_YEAR:
        raise validation.InvalidValue(f"season {year} is before {validation.FIRST_YEAR}")
    return str(year) if calendar else split_season(year)


def _pair(fields: list[str], i_home: int | None, i_away: int | None, check) -> tuple[int, int] | None:  # noqa: ANN001
    if i_home is None or i_away is None or fields[i_home] in NA_VALUES:
        return None
    return check(fields[i_home], "home"), check(fields[i_away], "away")


def parse_matches(data: bytes, location: str, stem: str) -> ParseResult:
    """Parse one engsoccerdata results file; ``stem`` is its name without extension (``germany``)."""
    if stem not in spec.FILES:
        raise UnreadableFile(location, f"unknown engsoccerdata file {stem!r}; known: {', '.join(sorted(spec.FILES))}")
    code_pattern, country, kind, calendar = spec.FILES[stem]
    header, rows = read_rows(data, location)
    header = [name.lower() for name in header]
    missing = [col for col in REQUIRED if col.lower() not in header]
    if missing:
        raise UnreadableFile(location, f"missing columns {', '.join(missing)}")
    col = {name: idx for idx, name in enumerate(header) if name}
    i_date, i_season, i_home, i_away = col["date"], col["season"], col["home"], col["visitor"]
    i_hg, i_ag, i_tier = col["hgoal"], col["vgoal"], col.get("tier")
    i_ht, i_round, i_group = col.get("ht"), col.get("round"), col.get("division")
    i_hc, i_vc = col.get("hcountry"), col.get("vcountry")
    i_aet_h = col.get("aethgoal", col.get("hgoalaet"))
    i_aet_a = col.get("aetvgoal", col.get("vgoalaet"))
    i_hpen, i_vpen = col.get("hpen", col.get("hp")), col.get("vpen", col.get("vp"))
    i_venue, i_neutral = col.get("venue"), col.get("neutral")
    i_nonmatch, i_notes = col.get("nonmatch"), col.get("notes")
    i_hconf, i_vconf = col.get("hconf"), col.get("vconf")
    width = len(header)
    comps: dict[str, CompetitionRef] = {}
    seasons: dict[str, str] = {}
    teams: dict[tuple[str, str | None], TeamRef] = {}  # one ref object per team: resolved once per load
    checked = validation.NameChecks()
    result = ParseResult()
    append, problems = result.matches.append, result.problems.append
    for line, fields in rows:
        result.rows_read += 1
        if len(fields) < width:
            problems(RowProblem(line, header[len(fields)], f"row has {len(fields)} fields, header has {width}",
                                raw_line(fields)))
            continue
        nonmatch = fields[i_nonmatch] if i_nonmatch is not None and fields[i_nonmatch] not in NA_VALUES else None
        if nonmatch is not None and spec.nonmatch_kind(nonmatch) in spec.NOT_MATCHES:
            # a bye, or a tie neither team played: documented in the data set, not a match and not an error
            kind_name = spec.nonmatch_kind(nonmatch)
            result.not_matches[kind_name] = result.not_matches.get(kind_name, 0) + 1
            continue
        if nonmatch is not None and spec.nonmatch_kind(nonmatch) not in spec.NONMATCH_STATUS:
            problems(RowProblem(line, "nonmatch", f"unknown kind of non-match {nonmatch!r}", raw_line(fields)))
            continue
        field = "Date"
        try:
            day = _date(fields[i_date])
            day = validation.match_date(day) if day is not None else None
            field = "Season"
            season_text = fields[i_season]
            season = seasons.get(season_text)
            if season is None:
                season = seasons[season_text] = _season(season_text, calendar)
            if nonmatch is None:
                field = "hgoal"
                home_goals: int | None = validation.goals(fields[i_hg], "hgoal")
                field = "vgoal"
                away_goals: int | None = validation.goals(fields[i_ag], "vgoal")
            else:  # a walkover, a disqualification or a void match: no score that counts
                home_goals = away_goals = None
            field = "home"
            home_name = checked(fields[i_home], "home team")
            field = "visitor"
            away_name = checked(fields[i_away], "visitor team")
            field = "aet"
            et = _pair(fields, i_aet_h, i_aet_a, validation.goals)
            field = "pen"
            pens = _pair(fields, i_hpen, i_vpen, validation.penalties)
            field = "tier"
            tier = str(validation.count(fields[i_tier], "tier", 20)) if i_tier is not None else "1"
            field = "round"
            round_label = validation.optional_text(fields[i_round], "round") \
                if i_round is not None and fields[i_round] not in NA_VALUES else None
            field = "venue"
            venue = validation.optional_text(fields[i_venue], "venue") \
                if i_venue is not None and fields[i_venue] not in NA_VALUES else None
            field = "hcountry"
            home_country = checked(spec.COUNTRY_CODES.get(fields[i_hc], fields[i_hc]), "country", 60) \
                if i_hc is not None else country
            field = "vcountry"
            away_country = checked(spec.COUNTRY_CODES.get(fields[i_vc], fields[i_vc]), "country", 60) \
                if i_vc is not None else country
        except validation.InvalidValue as exc:
            problems(RowProblem(line, field, str(exc), raw_line(fields)))
            continue
        except (ValueError, OverflowError):
            value = fields[col[field.lower()]] if field.lower() in col else ""
            problems(RowProblem(line, field, f"invalid value {value[:60]!r}", raw_line(fields)))
            continue
        code = code_pattern.format(tier=tier)
        comp = comps.get(code)
        if comp is None:
            comp = comps[code] = CompetitionRef(code=code, name=stem, country=country, kind=kind)
        if kind == "league":
            stage = "regular" if round_label is None or round_label in spec.REGULAR_ROUNDS else round_label
        else:
            stage = round_label or "cup"
        ht = _score_pair(fields[i_ht]) if i_ht is not None else None
        finish = Finish.PENALTIES if pens else Finish.AET if et else None
        status = MatchStatus.FINISHED
        attributes: dict = {}
        if nonmatch is not None:
            status = spec.NONMATCH_STATUS[spec.nonmatch_kind(nonmatch)]
            attributes = {"nonmatch": nonmatch}
            winner = _awarded_to(fields, i_notes, home_name, away_name)
            if status is MatchStatus.AWARDED and winner:
                attributes["awarded_to"] = winner
            played = _score_pair(fields[col["ft"]]) if "ft" in col else None
            if played:  # the score of the match that was played, then voided or overruled
                attributes["score_played"] = list(played)
        home = teams.get((home_name, home_country))
        if home is None:
            home = teams[(home_name, home_country)] = TeamRef(home_name, home_country, home_name)
        away = teams.get((away_name, away_country))
        if away is None:
            away = teams[(away_name, away_country)] = TeamRef(away_name, away_country, away_name)
        group = fields[i_group] if i_group is not None and kind == "league" and not fields[i_group].isdigit() else None
        if group:
            group = group.lstrip("0123456789") or group  # "2North" (tier + group) → "North"
        append(MatchRecord(
            competition=comp, season=season,
            home=home, away=away,
            match_date=day, status=status, stage=stage, round=round_label,
            home_goals=et[0] if et else home_goals, away_goals=et[1] if et else away_goals,
            home_goals_ht=ht[0] if ht else None, away_goals_ht=ht[1] if ht else None,
            home_goals_et=et[0] if et else None, away_goals_et=et[1] if et else None,
            home_penalties=pens[0] if pens else None, away_penalties=pens[1] if pens else None,
            finish=finish,
            venue=venue,
            neutral=i_neutral is not None and fields[i_neutral] == "yes",
            source_line=line,
            attributes=attributes or _attributes(kind, group, fields[i_group] if i_group is not None else None,
                                                 (fields[i_hconf], fields[i_vconf]) if i_hconf is not None
                                                 and i_vconf is not None else None),
        ))
    result.rows_read += len(rows.problems)
    result.problems.extend(rows.problems)
    return result


def _attributes(kind: str, group: str | None, division: str | None,
                conferences: tuple[str, str] | None = None) -> dict:
    if kind == "cup" and division not in (None, *NA_VALUES):
        return {"division": division}  # englandplayoffs: which league's play-off ("2", "conference", ...)
    if conferences and conferences[0] not in NA_VALUES and conferences[1] not in NA_VALUES:
        return {"home_conference": conferences[0], "away_conference": conferences[1]}  # mls.csv
    return {"group": group} if group and group not in ("B1", "G1", "P1", "T1", "F1") else {}


def parse_deductions(data: bytes, location: str) -> tuple[list[DeductionRecord], list[RowProblem]]:
    """``Season,team,tier,deduction,country`` rows (season = start year) → deductions for the whole season."""
    header, rows = read_rows(data, location)
    expected = ["Season", "team", "tier", "deduction", "country"]
    if header[:5] != expected:
        raise UnreadableFile(location, f"expected columns {','.join(expected)}, found {','.join(header)}")
    records: list[DeductionRecord] = []
    problems: list[RowProblem] = []
    for line, fields in rows:
        try:
            start = validation.count(fields[0], "Season", validation.LAST_YEAR)
            team = validation.name(fields[1])
            tier = validation.count(fields[2], "tier", 20)
            points = int(fields[3])
            if abs(points) > 100:
                raise validation.InvalidValue(f"a deduction of {points} points is beyond any real one")
            country = fields[4]
        except validation.InvalidValue as exc:
            problems.append(RowProblem(line, "Season/team/tier/deduction", str(exc), raw_line(fields)))
            continue
        except (ValueError, IndexError):
            problems.append(RowProblem(line, "Season/tier/deduction", "not a number", raw_line(fields)))
            continue
        code = spec.DEDUCTION_COMPETITIONS.get((country, tier))
        if code is None:
            problems.append(RowProblem(line, "tier", f"no competition known for {country} tier {tier}",
                                       raw_line(fields)))
            continue
        records.append(DeductionRecord(code, split_season(start), TeamRef(team, country, team), points, None,
                                       "engsoccerdata deductions.csv"))
    return records, problems + rows.problems
