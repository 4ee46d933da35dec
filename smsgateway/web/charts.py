"""Charts drawn on the server as SVG: no script, no network, nothing the CSP must allow.

Presentation attributes only (no `style`), sized by a `viewBox` so a chart fills the width of a
phone or a desk. Every chart is labelled for screen readers and comes with its figures as a
table on the page, so nothing is shown only as a picture.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR = "#2f6db5"
LINE = "#16324f"
GRID = "#d5dae0"
TEXT = "#1d1d1f"
WIDTH = 600


def bar_chart(title: str, bars: Sequence[tuple[str, float]], *, chart_id: str) -> Markup:
    """Horizontal bars, one per (label, value), the value written at the end of each."""
    row, label_width = 28, 170
    height = row * len(bars) + 10
    top = max((value for _, value in bars), default=0) or 1
    span = WIDTH - label_width - 60
    parts = [_open(title, chart_id, height)]
    for index, (label, value) in enumerate(bars):
        y = 5 + index * row
        length = round(span * value / top, 1)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" font-size="13" '
            f'fill="{TEXT}">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{row - 8}" '
            f'fill="{BAR}"><title>{escape(label)}: {_number(value)}</title></rect>'
            f'<text x="{label_width + length + 6}" y="{y + 18}" font-size="13" '
            f'fill="{TEXT}">{_number(value)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 -- every label and title is escaped above


def line_chart(
    title: str, points: Sequence[tuple[str, float]], *, chart_id: str, percent: bool = False
) -> Markup:
    """A line through (label, value) points, with the first and last labels under the axis."""
    height, left, bottom, top_pad = 220, 48, 30, 12
    inner_w, inner_h = WIDTH - left - 16, height - bottom - top_pad
    top = 1.0 if percent else max((value for _, value in points), default=0) or 1
    parts = [_open(title, chart_id, height)]
    for fraction in (0, 0.5, 1):
        y = round(top_pad + inner_h * (1 - fraction), 1)
        label = f"{round(100 * fraction * top)} %" if percent else _number(fraction * top)
        parts.append(
            f'<line x1="{left}" y1="{y}" x2="{WIDTH - 16}" y2="{y}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="11" '
            f'fill="{TEXT}">{label}</text>'
        )
    step = inner_w / max(len(points) - 1, 1)
    coordinates = [
        (round(left + index * step, 1), round(top_pad + inner_h * (1 - value / top), 1))
        for index, (_, value) in enumerate(points)
    ]
    if coordinates:
        path = " ".join(f"{x},{y}" for x, y in coordinates)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    for (x, y), (label, value) in zip(coordinates, points, strict=True):
        shown = f"{round(100 * value)} %" if percent else _number(value)
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="3.5" fill="{LINE}">'
            f"<title>{escape(label)}: {shown}</title></circle>"
        )
    if points:
        for anchor, (x, _), (label, _) in (
            ("start", coordinates[0], points[0]),
            ("end", coordinates[-1], points[-1]),
        ):
            parts.append(
                f'<text x="{x}" y="{height - 8}" text-anchor="{anchor}" font-size="11" '
                f'fill="{TEXT}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 -- every label and title is escaped above


def _open(title: str, chart_id: str, height: int) -> str:
    return (
        f'<svg id="{escape(chart_id)}" class="chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
