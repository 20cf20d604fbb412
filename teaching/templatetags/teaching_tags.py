"""Small server-drawn SVG charts and the gradebook's sort links."""

from django import template
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM, BAR_GAP = 400, 170, 20, 30, 8
METER_WIDTH, METER_HEIGHT = 100, 10


@register.inclusion_tag("teaching/_bar_chart.html")
def bar_chart(bars, title: str, chart_id: str):
    """Vertical bars (objects with .label and .count of learners) scaled to the largest count.

    Coordinates are formatted here, so the locale never turns 12.5 into "12,5" in SVG.
    """
    largest = max((bar.count for bar in bars), default=0) or 1
    slot = CHART_WIDTH / max(len(bars), 1)
    plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    items = []
    for i, bar in enumerate(bars):
        height = plot * bar.count / largest
        y = CHART_TOP + plot - height
        items.append({
            "label": bar.label, "count": bar.count,
            "x": f"{i * slot + BAR_GAP:.1f}", "width": f"{slot - 2 * BAR_GAP:.1f}",
            "y": f"{y:.1f}", "height": f"{height:.1f}", "middle": f"{(i + 0.5) * slot:.1f}",
            "count_y": f"{y - 5:.1f}", "label_y": f"{CHART_HEIGHT - 10:.1f}",
        })  # fmt: skip
    return {
        "items": items, "title": title, "chart_id": chart_id,
        "width": CHART_WIDTH, "height": CHART_HEIGHT,
        "baseline": f"{CHART_HEIGHT - CHART_BOTTOM:.1f}",
    }  # fmt: skip


@register.inclusion_tag("teaching/_meter.html")
def meter(value, low: float = 0.0, high: float = 1.0):
    """A small horizontal bar for a number in [low, high], drawn from zero (or from low)."""
    if value is None:
        return {"value": None}
    clamp = min(max(float(value), low), high)
    scale = METER_WIDTH / (high - low)
    origin = (min(max(0.0, low), high) - low) * scale
    end = (clamp - low) * scale
    return {
        "value": value, "width": METER_WIDTH, "height": METER_HEIGHT,
        "x": f"{min(origin, end):.1f}", "bar": f"{abs(end - origin):.1f}",
        "origin": f"{origin:.1f}", "negative": clamp < 0,
    }  # fmt: skip


@register.simple_tag
def next_sort(current: str, key: str) -> str:
    """The `sort` value for a column's link: ascending first, descending on a second click."""
    return f"-{key}" if current == key else key


@register.simple_tag
def aria_sort(current: str, key: str) -> str:
    if current == key:
        return "ascending"
    return "descending" if current == f"-{key}" else "none"


@register.filter
def grade_cells(cells) -> str:
    """A gradebook row's cells as <td>s, built in one call: three tags for each of a page's
    1,000 cells took most of the page's time. The markup holds only numbers formatted here
    (a float and an int) and a translated title, nothing a user typed. The locale's decimal
    separator and the title are looked up once per row, not per cell."""
    decimal, pending = get_format("DECIMAL_SEPARATOR"), escape(gettext("No final attempt yet"))
    html = "".join(f'<td class="text-end">{_cell(cell, decimal, pending)}</td>' for cell in cells)
    return mark_safe(html)  # noqa: S308 - numbers formatted above, no user input


def _cell(cell, decimal: str, pending: str) -> str:
    attempts = (
        f' <span class="small text-body-secondary">({cell.attempts:d})</span>'
        if cell.attempts
        else ""
    )
    if cell.grade is not None:
        return f"{cell.grade:.1f}".replace(".", decimal) + f"%{attempts}"
    if cell.attempts:
        return f'<span title="{pending}">–</span>{attempts}'
    return ""
