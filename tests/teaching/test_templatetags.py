"""The SVG chart tags and the sort helpers, checked on the exact markup they produce."""

from dataclasses import dataclass

from django.template import Context, Template

from teaching.gradebook import Cell
from teaching.templatetags.teaching_tags import aria_sort, bar_chart, grade_cells, meter, next_sort


@dataclass
class Bar:
    label: str
    count: int


def render(source: str, **context) -> str:
    return Template("{% load teaching_tags %}" + source).render(Context(context))


def test_meter_draws_from_zero_and_colours_negative_values():
    positive = meter(50, -100, 100)
    assert (positive["x"], positive["bar"], positive["origin"]) == ("50.0", "25.0", "50.0")
    assert not positive["negative"]
    negative = meter(-40, -100, 100)
    assert (negative["x"], negative["bar"], negative["negative"]) == ("30.0", "20.0", True)
    assert meter(150, 0, 100)["bar"] == "100.0"  # clamped
    assert meter(None) == {"value": None}


def test_meter_markup_is_hidden_from_screen_readers():
    html = render("{% meter value 0 100 %}", value=25.0)
    assert html == (
        '<svg class="meter align-middle" width="100" height="10" viewBox="0 0 100 10" '
        'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        '<rect x="0" y="0" width="100" height="10" fill="#e9ecef"/>'
        '<rect x="0.0" y="0" width="25.0" height="10" fill="#0a58ca"/>'
        '<line x1="0.0" y1="0" x2="0.0" y2="10" stroke="#212529"/></svg>\n'
    )
    assert render("{% meter value %}", value=None).strip() == ""


def test_bar_chart_scales_to_the_largest_count():
    chart = bar_chart([Bar("a", 2), Bar("b", 4), Bar("c", 0)], "T", "c1")
    assert [i["height"] for i in chart["items"]] == ["60.0", "120.0", "0.0"]
    assert [i["y"] for i in chart["items"]] == ["80.0", "20.0", "140.0"]
    assert chart["items"][1]["x"] == f"{400 / 3 + 8:.1f}"


def test_bar_chart_of_nothing_draws_empty_bars():
    chart = bar_chart([Bar("a", 0)], "T", "c1")
    assert chart["items"][0]["height"] == "0.0"


def test_bar_chart_escapes_its_labels_and_describes_itself():
    html = render(
        '{% bar_chart bars title "chart" %}', bars=[Bar("<i>x</i>", 1)], title="Title <b>"
    )
    assert "<i>x" not in html and "&lt;i&gt;x&lt;/i&gt;: 1 learner." in html
    assert 'aria-labelledby="chart-title chart-desc"' in html
    assert '<title id="chart-title">Title &lt;b&gt;</title>' in html


def test_sort_links_toggle_and_aria_sort_names_the_direction():
    assert next_sort("name", "name") == "-name"
    assert next_sort("-name", "name") == "name"
    assert next_sort("name", "quiz:a") == "quiz:a"
    assert aria_sort("quiz:a", "quiz:a") == "ascending"
    assert aria_sort("-quiz:a", "quiz:a") == "descending"
    assert aria_sort("name", "quiz:a") == "none"


def test_grade_cells_show_the_grade_a_dash_or_nothing_with_the_attempts():
    html = grade_cells([Cell(62.5, 2), Cell(None, 1), Cell(None, 0), Cell(0.0, 1)])
    assert html == (
        '<td class="text-end">62.5% <span class="small text-body-secondary">(2)</span></td>'
        '<td class="text-end"><span title="No final attempt yet">–</span>'
        ' <span class="small text-body-secondary">(1)</span></td>'
        '<td class="text-end"></td>'
        '<td class="text-end">0.0% <span class="small text-body-secondary">(1)</span></td>'
    )
