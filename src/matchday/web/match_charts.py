"""The match centre's inline SVG, rendered on the server like the other charts: the shot map, the xG race and
the line-ups on a pitch. Pure functions of the payloads ``services.match_centre`` / ``services.lineups`` build (their
labels in the language of the page being rendered, ``web.i18n``)."""

from __future__ import annotations

import math
from html import escape
from typing import Any

from matchday.web.i18n import N_, format_decimal, gettext, ngettext

LENGTH, WIDTH = 105.0, 68.0  # metres: the pitch every drawing is scaled to
SCALE = 6.0  # px per metre
RESULT_LABELS = {"goal": N_("goal"), "own_goal": N_("own goal"), "saved": N_("saved"), "blocked": N_("blocked"),
                 "missed": N_("missed"), "woodwork": N_("hit the woodwork")}


def _pitch_lines() -> str:
    """Markings of a horizontal pitch, in metres (the caller scales)."""
    box_w, six_w, box_d, six_d = 40.32, 18.32, 16.5, 5.5
    mid_y = WIDTH / 2
    parts = [f'<rect class="pitch-grass" x="0" y="0" width="{LENGTH}" height="{WIDTH}"/>',
             f'<line x1="{LENGTH / 2}" y1="0" x2="{LENGTH / 2}" y2="{WIDTH}"/>',
             f'<circle cx="{LENGTH / 2}" cy="{mid_y}" r="9.15"/>',
             f'<circle class="spot" cx="{LENGTH / 2}" cy="{mid_y}" r="0.4"/>']
    for goal_x, sign in ((0.0, 1), (LENGTH, -1)):
        box_x = goal_x if sign == 1 else goal_x - box_d
        six_x = goal_x if sign == 1 else goal_x - six_d
        parts += [f'<rect x="{box_x}" y="{mid_y - box_w / 2:.2f}" width="{box_d}" height="{box_w}"/>',
                  f'<rect x="{six_x}" y="{mid_y - six_w / 2:.2f}" width="{six_d}" height="{six_w}"/>',
                  f'<circle class="spot" cx="{goal_x + sign * 11}" cy="{mid_y}" r="0.4"/>',
                  f'<rect class="goalmouth" x="{goal_x - (2 if sign == 1 else 0)}" y="{mid_y - 3.66:.2f}" '
                  f'width="2" height="7.32"/>']
    return "".join(parts)


def _svg_open(css: str, label: str, width: float, height: float, pad: float = 3.0) -> str:
    return (f'<svg class="{css}" viewBox="{-pad * SCALE:.0f} {-pad * SCALE:.0f} {(width + 2 * pad) * SCALE:.0f} '
            f'{(height + 2 * pad) * SCALE:.0f}" role="img" aria-label="{escape(label)}">')


def shot_map(payload: dict[str, Any], home_name: str, away_name: str) -> str:
    """Both sides' shots on one pitch: the home side attacks to the right, the away side to the left; circle
    area in proportion to xG; goals filled and ringed, other shots hollow. Empty when there are no shots."""
    shots = [s for s in payload["shots"] if s["x"] is not None and s["y"] is not None]
    if not shots:
        return ""
    label = gettext("Shot map: %(home)s %(home_shots)s shots, %(home_xg)s xG; %(away)s %(away_shots)s shots, "
                    "%(away_xg)s xG") % {"home": home_name, "home_shots": payload["home"]["shots"],
                                         "home_xg": format_decimal(payload["home"]["xg"]), "away": away_name,
                                         "away_shots": payload["away"]["shots"],
                                         "away_xg": format_decimal(payload["away"]["xg"])}
    parts = [_svg_open("pitch shot-map", label, LENGTH, WIDTH),
             f'<g class="pitch-lines" transform="scale({SCALE})">{_pitch_lines()}</g>']
    for shot in sorted(shots, key=lambda s: -(s["xg"] or 0)):  # big chances under small ones, all clickable
        home = shot["side"] == "home"
        x = (shot["x"] if home else 1 - shot["x"]) * LENGTH * SCALE
        y = (1 - shot["y"] if home else shot["y"]) * WIDTH * SCALE
        radius = (0.6 + 3.2 * math.sqrt(max(shot["xg"] or 0.0, 0.0))) * SCALE
        goal = shot["result"] in ("goal", "own_goal")
        who = (shot["player"] or {}).get("name") or (home_name if home else away_name)
        result = gettext(RESULT_LABELS[shot["result"]]) if shot["result"] in RESULT_LABELS else shot["result"]
        title = (f"{shot['minute']}' {who}: {result}"
                 + (f", {format_decimal(shot['xg'])} xG" if shot["xg"] is not None else ""))
        parts.append(f'<g class="shot {shot["side"]}{" goal" if goal else ""}" data-result="{escape(shot["result"])}">'
                     f'<title>{escape(title)}</title>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}"/>'
                     + (f'<circle class="ring" cx="{x:.1f}" cy="{y:.1f}" r="{radius + 4:.1f}"/>' if goal else "")
                     + "</g>")
    parts.append(f'<text class="side-label home" x="{LENGTH * SCALE - 4}" y="{-6}" text-anchor="end">'
                 f'{escape(home_name)} →</text>'
                 f'<text class="side-label away" x="4" y="{-6}">← {escape(away_name)}</text></svg>')
    return "".join(parts)


def xg_race(payload: dict[str, Any], home_name: str, away_name: str, width: int = 640, height: int = 240) -> str:
    """Each side's cumulative xG by minute as a step line, goals marked on it. Empty without shots."""
    race = payload["xg_race"]
    if len(race) < 2 or not payload["shots"]:
        return ""
    left, right, top, bottom = 40, 16, 14, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    last = max(90, race[-1]["minute"])
    peak = max(0.5, math.ceil(max(race[-1]["home_xg"], race[-1]["away_xg"]) * 2) / 2)

    def at(minute: float, value: float) -> tuple[float, float]:
        return left + plot_w * minute / last, top + plot_h * (1 - value / peak)

    label = gettext("xG race: %(home)s %(home_xg)s, %(away)s %(away_xg)s") % {
        "home": home_name, "home_xg": format_decimal(race[-1]["home_xg"]), "away": away_name,
        "away_xg": format_decimal(race[-1]["away_xg"])}
    parts = [f'<svg class="chart xg-race" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">']
    steps = int(peak / 0.5)
    for i in range(steps + 1):
        value = peak * i / steps
        _x, y = at(0, value)
        parts.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{format_decimal(value, 1)}</text>')
    for minute in range(0, last + 1, 15):
        x, _y = at(minute, 0)
        parts.append(f'<text class="axis" x="{x:.1f}" y="{height - 8}" text-anchor="middle">{minute}\'</text>')
    for side, name in (("home", home_name), ("away", away_name)):
        points, value = [], 0.0
        for step in race:
            x, y = at(step["minute"], value)
            points.append(f"{x:.1f},{y:.1f}")
            value = step[f"{side}_xg"]
            x, y = at(step["minute"], value)
            points.append(f"{x:.1f},{y:.1f}")
        x, y = at(last, value)
        points.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<g class="race {side}"><title>{escape(name)}: {value:.2f} xG</title>'
                     f'<polyline points="{" ".join(points)}"/></g>')
        for step in race:
            for goal in step["goals"]:
                if goal["side"] == side:
                    gx, gy = at(step["minute"], step[f"{side}_xg"])
                    parts.append(f'<g class="race-goal {side}"><title>{step["minute"]}\' goal '
                                 f'{escape(goal["player"] or name)}</title>'
                                 f'<circle cx="{gx:.1f}" cy="{gy:.1f}" r="5"/></g>')
    parts.append("</svg>")
    return "".join(parts)


def _grid_place(grid: str) -> tuple[int, int]:
    row, column = grid.split(":")
    return int(row), int(column)


def _surname(name: str) -> str:
    words = name.split()
    return words[-1] if len(words) > 1 and len(words[-1]) > 2 else name


def lineup_pitch(payload: dict[str, Any], home_name: str, away_name: str) -> str:
    """Both starting elevens on one pitch by their grid places (home from the left, away from the right), with
    shirt numbers, names, ratings, goals, cards and the minute a substituted player went off. Empty unless every
    starter of at least one side has a grid place."""
    sides = {}
    for side in ("home", "away"):
        starters = [p for p in payload[side] if p["starter"]]
        if starters and all(p["grid"] for p in starters):
            sides[side] = starters
    if not sides:
        return ""
    label = gettext("Line-ups on the pitch: %(home)s v %(away)s") % {"home": home_name, "away": away_name}
    parts = [_svg_open("pitch lineup-pitch", label, LENGTH, WIDTH),
             f'<g class="pitch-lines" transform="scale({SCALE})">{_pitch_lines()}</g>']
    for side, starters in sides.items():
        places = {id(p): _grid_place(p["grid"]) for p in starters}
        rows = max(row for row, _c in places.values())
        per_row: dict[int, int] = {}
        for row, _c in places.values():
            per_row[row] = per_row.get(row, 0) + 1
        for p in starters:
            row, column = places[id(p)]
            depth = (row - 0.5) / rows * (LENGTH / 2 - 4) + 2
            across = column / (per_row[row] + 1) * WIDTH
            x = (depth if side == "home" else LENGTH - depth) * SCALE
            y = (across if side == "home" else WIDTH - across) * SCALE
            parts.append(_player_marker(p, side, x, y))
    parts.append("</svg>")
    return "".join(parts)


def _rating_class(rating: float) -> str:
    return "good" if rating >= 7 else "fair" if rating >= 6 else "poor"


def _player_marker(p: dict[str, Any], side: str, x: float, y: float) -> str:
    name = p["player"]["name"] or ""
    facts = [name]
    if p["rating"] is not None:
        facts.append(gettext("rating %(rating)s") % {"rating": format_decimal(p["rating"], 1)})
    if p["subbed_off_minute"] is not None:
        facts.append(gettext("off %(minute)s'") % {"minute": p["subbed_off_minute"]})
    if p["goals"]:
        facts.append(ngettext("%(num)s goal", "%(num)s goals", p["goals"]) % {"num": p["goals"]})
    out = [f'<g class="player {side}{" subbed-off" if p["subbed_off_minute"] is not None else ""}">'
           f'<title>{escape(", ".join(facts))}</title>',
           f'<circle class="shirt" cx="{x:.1f}" cy="{y:.1f}" r="15"/>',
           f'<text class="number" x="{x:.1f}" y="{y + 5:.1f}" text-anchor="middle">{p["shirt_number"] or ""}</text>',
           f'<text class="name" x="{x:.1f}" y="{y + 30:.1f}" text-anchor="middle">{escape(_surname(name))}</text>']
    if p["rating"] is not None:
        out.append(f'<g class="rating {_rating_class(p["rating"])}"><rect x="{x + 8:.1f}" y="{y - 24:.1f}" '
                   f'width="28" height="15" rx="4"/><text x="{x + 22:.1f}" y="{y - 13:.1f}" '
                   f'text-anchor="middle">{format_decimal(p["rating"], 1)}</text></g>')
    if p["subbed_off_minute"] is not None:
        out.append(f'<text class="sub-off" x="{x - 16:.1f}" y="{y - 14:.1f}" text-anchor="end">'
                   f'▼{p["subbed_off_minute"]}\'</text>')
    if p["goals"]:
        out.append(f'<text class="goals" x="{x - 16:.1f}" y="{y + 18:.1f}" text-anchor="end">'
                   f'{"●" * min(p["goals"], 3)}</text>')
    if p["red_cards"] or p["yellow_cards"]:
        out.append(f'<rect class="card {"red" if p["red_cards"] else "yellow"}" x="{x + 12:.1f}" y="{y + 4:.1f}" '
                   f'width="7" height="10" rx="1"/>')
    out.append("</g>")
    return "".join(out)
