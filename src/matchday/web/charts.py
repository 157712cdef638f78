"""Inline SVG charts, rendered on the server (no JavaScript, no chart library). Pure functions (labels in the
language of the page being rendered, ``web.i18n``)."""

from __future__ import annotations

from html import escape

from matchday.web.i18n import N_, gettext

LABEL = N_("League position of each team after every match date")
PALETTE = ("#e63946", "#1d70b8", "#2a9d8f", "#f4a261", "#8e44ad", "#d4a017", "#00838f", "#c2185b")


def position_chart(dates: list[str], teams: dict[str, list[int]], highlight: int = 6,
                   width: int = 760, height: int = 360) -> str:
    """Positions over the season, one line per team; the current top ``highlight`` in colour, others grey."""
    if not dates or not teams:
        return ""
    size = max(max(places) for places in teams.values())
    left, right, top, bottom = 36, 150, 14, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    step_x = plot_w / max(1, len(dates) - 1)
    step_y = plot_h / max(1, size - 1)

    def point(i: int, place: int) -> str:
        return f"{left + i * step_x:.1f},{top + (place - 1) * step_y:.1f}"

    ordered = sorted(teams.items(), key=lambda item: item[1][-1])
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(gettext(LABEL))}">']
    for place in range(1, size + 1):
        y = top + (place - 1) * step_y
        parts.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>')
        if place == 1 or place % 5 == 0 or place == size:
            parts.append(f'<text class="axis" x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{place}</text>')
    for label_at in sorted({0, len(dates) // 2, len(dates) - 1}):
        x = left + label_at * step_x
        parts.append(f'<text class="axis" x="{x:.1f}" y="{height - 6}" text-anchor="middle">'
                     f'{escape(dates[label_at])}</text>')
    for rank, (team, places) in enumerate(reversed(ordered)):
        index = len(ordered) - 1 - rank
        colour = PALETTE[index] if index < highlight else "var(--muted-line)"
        css = "team-line top" if index < highlight else "team-line"
        points = " ".join(point(i, p) for i, p in enumerate(places))
        parts.append(f'<g class="{css}"><title>{escape(team)}: {places[-1]}</title>'
                     f'<polyline points="{points}" stroke="{colour}"/>'
                     f'<text x="{left + plot_w + 6}" y="{top + (places[-1] - 1) * step_y + 4:.1f}" '
                     f'fill="{colour}">{places[-1]}. {escape(team)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
