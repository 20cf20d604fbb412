"""Charts drawn on the server as SVG: coordinates and marks here, titles in templates.

Each chart comes with the same data as a table in the template (its text alternative),
so it needs no JavaScript and no CDN, and reads the same to a screen reader. The marks
(lines, dots, bars and their labels) are written here rather than in template loops: a
dashboard has dozens, and per-mark filters were a large part of its rendering time
(docs/benchmarks.md). Every label is escaped.
"""

from dataclasses import dataclass
from datetime import datetime

from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from quizzes.mastery import Mastery

LABEL_CHARS = 30


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    label: str
    at: datetime


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points)
        )

    @property
    def gridlines(self) -> list[tuple[int, float]]:
        """(percent, y) for 0, 25, 50, 75 and 100%."""
        return [
            (pct, self.top + self.plot_height * (1 - pct / 100)) for pct in (0, 25, 50, 75, 100)
        ]

    def marks(self) -> SafeString:
        """Gridlines with their percentages, the line, and a dot with a tooltip per score."""
        right, x = self.width - 12, self.left - 6
        grid = "".join(
            f'<line x1="{self.left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{x}" y="{y + 4:.1f}" text-anchor="end" class="axis">{pct}%</text>'
            for pct, y in self.gridlines
        )
        dots = "".join(
            f'<circle cx="{p.x:.1f}" cy="{p.y:.1f}" r="4" class="dot"><title>'
            f"{escape(p.label)}: {floatformat(p.value, 1)}%</title></circle>"
            for p in self.points
        )
        return mark_safe(f'{grid}<path d="{self.path}" class="line"/>{dots}')  # noqa: S308 - labels escaped


def score_chart(
    history: list[tuple[datetime, float, str]], width: int = 640, height: int = 220
) -> LineChart:
    """Scores (0–100%) in the order they were earned, evenly spaced left to right."""
    left, top, right, bottom = 44, 12, 12, 28
    plot_width, plot_height = width - left - right, height - top - bottom
    step = plot_width / max(len(history) - 1, 1)
    points = [
        Point(
            left + i * step,
            top + plot_height * (1 - min(max(value, 0), 100) / 100),
            value,
            label,
            at,
        )
        for i, (at, value, label) in enumerate(history)
    ]
    return LineChart(width, height, left, top, plot_width, plot_height, points)


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    length: float
    mastery: Mastery


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]

    def marks(self) -> SafeString:
        """Per concept: its name (shortened), a bar as long as its score, the percentage."""
        name_x = self.label_width - 8
        return mark_safe("".join(  # noqa: S308 - labels escaped
            f'<text x="{name_x}" y="{bar.y + 13:.1f}" text-anchor="end" class="axis">'
            f"{escape(_shortened(bar.label))}</text>"
            f'<rect x="{self.label_width}" y="{bar.y:.1f}" width="{bar.length:.1f}" '
            f'height="{self.bar_height}" class="bar level-{escape(bar.mastery.level)}"/>'
            f'<text x="{self.label_width + bar.length + 6:.1f}" y="{bar.y + 13:.1f}" '
            f'class="axis">{bar.mastery.percent}%</text>'
            for bar in self.bars
        ))  # fmt: skip


def _shortened(label: str) -> str:
    """At most LABEL_CHARS characters, an ellipsis last when cut (as `truncatechars`)."""
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def mastery_chart(rows, width: int = 640) -> BarChart:
    """One horizontal bar per concept, its length the mastery score."""
    label_width, bar_height, gap = 220, 18, 8
    plot = width - label_width - 60
    bars = [
        Bar(row.concept.term, i * (bar_height + gap), plot * (row.mastery.score or 0), row.mastery)
        for i, row in enumerate(rows)
    ]
    return BarChart(width, max(len(bars), 1) * (bar_height + gap), label_width, bar_height, bars)
