"""Charts drawn on the server as SVG: coordinates computed here, markup in templates.

Each chart comes with the same data as a table in the template (its text alternative),
so it needs no JavaScript and no CDN, and reads the same to a screen reader.
"""

from dataclasses import dataclass
from datetime import datetime

from quizzes.mastery import Mastery


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


def mastery_chart(rows, width: int = 640) -> BarChart:
    """One horizontal bar per concept, its length the mastery score."""
    label_width, bar_height, gap = 220, 18, 8
    plot = width - label_width - 60
    bars = [
        Bar(row.concept.term, i * (bar_height + gap), plot * (row.mastery.score or 0), row.mastery)
        for i, row in enumerate(rows)
    ]
    return BarChart(width, max(len(bars), 1) * (bar_height + gap), label_width, bar_height, bars)
