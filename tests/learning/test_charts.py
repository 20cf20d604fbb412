"""The dashboard's SVG marks: one per data point, in the plot, labels escaped."""

import re
from datetime import UTC, datetime
from types import SimpleNamespace

from learning.charts import LABEL_CHARS, mastery_chart, score_chart
from quizzes.mastery import Mastery

AT = datetime(2026, 12, 1, tzinfo=UTC)
ATTACK = '<script>alert(1)</script>"'


def row(term: str, score: float | None, level: str = "familiar"):
    mastery = Mastery(1, level, score, 3, AT)
    return SimpleNamespace(concept=SimpleNamespace(term=term), mastery=mastery)


def test_score_marks_have_a_dot_per_score_inside_the_plot_and_escape_titles():
    chart = score_chart([(AT, 0.0, "First"), (AT, 150.0, ATTACK), (AT, 50.0, "Third")])
    marks = str(chart.marks())
    dots = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', marks)
    assert len(dots) == 3 and marks.count('class="grid"') == 5
    ys = [float(y) for _, y in dots]
    bottom, top = chart.top + chart.plot_height, chart.top
    assert ys[0] == bottom and ys[1] == top and ys[2] == (top + bottom) / 2  # 150 % is clamped
    assert [float(x) for x, _ in dots] == sorted(float(x) for x, _ in dots)
    assert "<script>" not in marks
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;: 150.0%" in marks
    assert marks.count('<path d="M') == 1


def test_mastery_marks_bar_lengths_follow_scores_and_long_labels_are_shortened():
    long_term = "Conference on Security and Co-operation in Europe"
    chart = mastery_chart([row("Short", 0.25), row(long_term, 1.0, "mastered"), row(ATTACK, None)])
    marks = str(chart.marks())
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', marks)]
    assert widths[0] * 4 == widths[1] and widths[2] == 0
    assert long_term[: LABEL_CHARS - 1] + "…<" in marks and long_term not in marks
    assert 'class="bar level-mastered"' in marks and ">100%<" in marks and ">25%<" in marks
    assert "<script>" not in marks and "&lt;script&gt;" in marks
