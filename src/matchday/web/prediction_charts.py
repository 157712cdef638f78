"""Inline SVG charts of predictions: a calibration plot and a position-probability heat map. Pure functions."""

from __future__ import annotations

from html import escape

from matchday.web.i18n import N_, format_percent, gettext

POSITIONS_LABEL = N_("Probability of each final position")
SEASON_LABEL = N_("Points per round and rank after each round")

COLOURS = {"home": "#1d70b8", "draw": "#8e8e8e", "away": "#e63946"}


def calibration_svg(points: list[dict], title: str, width: int = 520, height: int = 520) -> str:
    """Forecast probability (x) against observed frequency (y) per bin and outcome; the diagonal is perfect.
    ``points``: rows of ``metrics.calibration`` (outcome, forecast, observed, count)."""
    left, right, top, bottom = 48, 20, 36, 44
    pw, ph = width - left - right, height - top - bottom

    def xy(px: float, py: float) -> tuple[float, float]:
        return left + px * pw, top + (1.0 - py) * ph

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
             f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">{escape(title)}</text>']
    for tick in range(0, 11, 2):
        v = tick / 10
        x, y = xy(v, v)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + ph}" stroke="#ddd"/>')
        parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + ph + 16}" text-anchor="middle">{v:.1f}</text>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v:.1f}</text>')
    (x0, y0), (x1, y1) = xy(0, 0), xy(1, 1)
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#999" stroke-dasharray="4 4"/>')
    parts.append(f'<text x="{left + pw / 2}" y="{height - 8}" text-anchor="middle">forecast probability</text>')
    parts.append(f'<text x="14" y="{top + ph / 2}" text-anchor="middle" transform="rotate(-90 14 {top + ph / 2})">'
                 'observed frequency</text>')
    for k, (outcome, colour) in enumerate(COLOURS.items()):
        rows = sorted((p for p in points if p["outcome"] == outcome), key=lambda p: p["forecast"])
        if rows:
            line = " ".join("{:.1f},{:.1f}".format(*xy(p["forecast"], p["observed"])) for p in rows)
            parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for p in rows:
            cx, cy = xy(p["forecast"], p["observed"])
            radius = 2.5 + min(p["count"], 400) ** 0.5 / 4
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="{colour}" fill-opacity="0.6">'
                         f'<title>{outcome}: forecast {p["forecast"]:.2f}, observed {p["observed"]:.2f}, '
                         f'{p["count"]} matches</title></circle>')
        parts.append(f'<text x="{left + 10}" y="{top + 16 + 16 * k}" fill="{colour}">● {outcome}</text>')
    parts.append("</svg>")
    return "".join(parts)


def position_probability_chart(teams: list[dict], cell: int = 26, label_width: int = 170) -> str:
    """A heat map: one row per team (``team_name``, ``positions`` probabilities), one column per position."""
    if not teams:
        return ""
    size = len(teams[0]["positions"])
    width, top = label_width + cell * size + 10, 22
    height = top + cell * len(teams) + 6
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(gettext(POSITIONS_LABEL))}">']
    for pos in range(size):
        parts.append(f'<text class="axis" x="{label_width + pos * cell + cell / 2}" y="15" '
                     f'text-anchor="middle">{pos + 1}</text>')
    for row, team in enumerate(teams):
        y = top + row * cell
        parts.append(f'<text x="{label_width - 6}" y="{y + cell * 0.65:.1f}" text-anchor="end" fill="currentColor">'
                     f'{escape(team["team_name"])}</text>')
        for pos, p in enumerate(team["positions"]):
            if p <= 0:
                continue
            shade = min(1.0, 0.08 + p * 1.6)
            parts.append(f'<rect x="{label_width + pos * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" '
                         f'fill="#1d70b8" fill-opacity="{shade:.2f}"><title>{escape(team["team_name"])}: '
                         f'{pos + 1}. {format_percent(p, 1)}</title></rect>')
            if p >= 0.095:
                parts.append(f'<text x="{label_width + pos * cell + cell / 2}" y="{y + cell * 0.65:.1f}" '
                             f'text-anchor="middle" font-size="10" fill="{"#fff" if p > 0.4 else "currentColor"}">'
                             f'{round(p * 100)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def season_chart(rounds: list[dict], width: int = 640, height: int = 240) -> str:
    """A member's season: the round's points as bars (left axis), the rank after each round as a line (right
    axis, first place at the top). Empty before any round is scored."""
    if not rounds:
        return ""
    left, right, top, bottom = 36, 40, 14, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    most = max(1, max(r["points"] for r in rounds))
    members = max(r["members"] for r in rounds)
    step = plot_w / len(rounds)
    parts = [f'<svg class="chart season-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(gettext(SEASON_LABEL))}">']
    for value in sorted({0, most // 2, most}):
        y = top + plot_h * (1 - value / most)
        parts.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    for place in sorted({1, members}):
        y = top + plot_h * (place - 1) / max(1, members - 1)
        parts.append(f'<text class="axis rank-axis" x="{left + plot_w + 6}" y="{y + 4:.1f}">#{place}</text>')
    points = []
    for i, r in enumerate(rounds):
        x = left + step * i
        bar = plot_h * r["points"] / most
        parts.append(f'<g class="round-bar"><title>Round {r["round"]}: {r["points"]} points, {r["total"]} in '
                     f'all, rank {r["rank"]} of {r["members"]}</title><rect x="{x + step * .15:.1f}" '
                     f'y="{top + plot_h - bar:.1f}" width="{step * .7:.1f}" height="{bar:.1f}"/></g>')
        points.append(f"{x + step / 2:.1f},{top + plot_h * (r['rank'] - 1) / max(1, members - 1):.1f}")
        if len(rounds) <= 12 or i % max(1, len(rounds) // 8) == 0:
            parts.append(f'<text class="axis" x="{x + step / 2:.1f}" y="{height - 8}" text-anchor="middle">'
                         f'{r["round"]}</text>')
    parts.append(f'<polyline class="rank-line" points="{" ".join(points)}"/></svg>')
    return "".join(parts)
