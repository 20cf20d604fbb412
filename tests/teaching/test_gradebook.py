"""The gradebook: grades as the learner's quiz page computes them, sorted, paged, exported."""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import Enrollment
from quizzes.models import Attempt, GradingMethod
from quizzes.selectors import quiz_grade
from teaching.export import safe_cell
from teaching.gradebook import gradebook_cells, gradebook_page, gradebook_rows
from tests.factories import UserFactory, make_quiz
from tests.teaching.conftest import attempt, cohort, enrol

pytestmark = pytest.mark.django_db


def quiz(course, method, slug=None, **fields):
    return make_quiz(course, [], slug=slug or method, title=method.title(), grading_method=method,
                     **fields)  # fmt: skip


def learner_named(course, username, first="", last="", group=None):
    user = UserFactory(username=username, first_name=first, last_name=last)
    enrol(user, course, group)
    return user


def test_each_grading_method_over_final_attempts_only(course):
    """Scores 30, 70, (90 awaiting grading), 50, (20 in progress) out of 10 points each."""
    quizzes = {m: quiz(course, m) for m in GradingMethod.values}
    user = learner_named(course, "ann")
    for q in quizzes.values():
        attempt(q, user, 1, 3)
        attempt(q, user, 2, 7)
        attempt(q, user, 3, 9, final=False)
        attempt(q, user, 4, 5)
        attempt(q, user, 5, None, state="in_progress")
    cells = gradebook_cells(list(quizzes.values()), [user.pk])
    grades = {m: cells[user.pk, q.pk].grade for m, q in quizzes.items()}
    assert grades == {"highest": 70.0, "first": 30.0, "last": 50.0, "average": 50.0}
    assert {cells[user.pk, q.pk].attempts for q in quizzes.values()} == {5}
    for method, q in quizzes.items():
        attempts = list(Attempt.objects.filter(quiz=q, user=user).order_by("number"))
        assert grades[method] == quiz_grade(attempts, method)


def test_no_final_attempt_means_no_grade_and_zero_maximum_is_ignored(course):
    q = quiz(course, "highest")
    user = learner_named(course, "ann")
    attempt(q, user, 1, 0, max_score=0)
    attempt(q, user, 2, 4, final=False)
    assert gradebook_cells([q], [user.pk])[user.pk, q.pk].grade is None


attempt_rows = st.lists(
    st.tuples(
        st.integers(0, 20),  # score
        st.sampled_from([0, 10, 20]),  # max score
        st.sampled_from(["submitted", "submitted", "in_progress", "abandoned"]),
        st.booleans(),  # needs grading
    ),
    max_size=6,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=attempt_rows, method=st.sampled_from(GradingMethod.values))
def test_database_grade_equals_quiz_grade_for_any_attempts(course, rows, method):
    """The aggregate and subquery grade equal quizzes.selectors.quiz_grade, the learner's rule."""
    Attempt.objects.all().delete()
    q = course.quizzes.first() or quiz(course, method)
    q.grading_method = method
    q.save()
    user = (
        Enrollment.objects.first().user
        if Enrollment.objects.exists()
        else learner_named(course, "ann")
    )
    for number, (score, most, state, pending) in enumerate(rows, 1):
        if state == "in_progress" and number < len(rows):
            state = "abandoned"  # at most one attempt in progress, the last
        Attempt.objects.create(
            quiz=q, user=user, number=number, state=state, started_at="2025-01-01T00:00Z",
            score=min(score, most), max_score=most, needs_grading=pending,
        )  # fmt: skip
    expected = quiz_grade(list(Attempt.objects.filter(user=user).order_by("number")), method)
    cell = gradebook_cells([q], [user.pk]).get((user.pk, q.pk))
    assert (cell.grade if cell else None) == expected
    assert (cell.attempts if cell else 0) == len(rows)


@pytest.fixture
def class_of_four(course):
    """Four learners, two in cohort A, with grades in one highest-grade quiz."""
    group = cohort(course, "A")
    q = quiz(course, "highest", slug="check")
    people = {
        "dora": learner_named(course, "dora", "Dora", "Adams", group),
        "bob": learner_named(course, "bob", "Bob", "Zane"),
        "cy": learner_named(course, "cy", "Cy", "Miller", group),
        "al": learner_named(course, "al"),  # no attempt
    }
    attempt(q, people["dora"], 1, 4)
    attempt(q, people["bob"], 1, 9)
    attempt(q, people["cy"], 1, 6)
    return group, q


def usernames(book):
    return [row.username for row in book.rows]


def test_sorted_by_name_then_by_a_quiz_column_with_ungraded_last(course, class_of_four):
    page = gradebook_page
    assert usernames(page(course, cohort=None, sort="", page=1)) == ["al", "dora", "cy", "bob"]
    assert usernames(page(course, cohort=None, sort="-name", page=1)) == ["bob", "cy", "dora", "al"]
    by_quiz = page(course, cohort=None, sort="quiz:check", page=1)
    assert usernames(by_quiz) == ["dora", "cy", "bob", "al"]
    assert usernames(page(course, cohort=None, sort="-quiz:check", page=1)) == [
        "bob", "cy", "dora", "al",
    ]  # fmt: skip
    assert by_quiz.sort.param == "quiz:check"


def test_unknown_sort_falls_back_to_names(course, class_of_four):
    book = gradebook_page(course, cohort=None, sort="quiz:nope'--", page=1)
    assert book.sort.param == "name"
    assert usernames(book) == ["al", "dora", "cy", "bob"]


def test_cohort_filter(course, class_of_four):
    group, _ = class_of_four
    assert usernames(gradebook_page(course, cohort=group, sort="", page=1)) == ["dora", "cy"]


def test_fifty_learners_a_page_and_out_of_range_pages_clamp(course):
    for i in range(53):
        learner_named(course, f"u{i:02}")
    first = gradebook_page(course, cohort=None, sort="", page=1)
    assert len(first.rows) == 50 and first.page.paginator.num_pages == 2
    last = gradebook_page(course, cohort=None, sort="", page="99")
    assert usernames(last) == ["u50", "u51", "u52"]
    assert gradebook_page(course, cohort=None, sort="", page="x").page.number == 1


def build(course, learners: int, quizzes: int, start: int = 0):
    made = [
        quiz(course, GradingMethod.values[i % 4], slug=f"q{i}")
        for i in range(start, start + quizzes)
    ]
    for i in range(start, start + learners):
        user = learner_named(course, f"p{i:03}")
        for q in made:
            attempt(q, user, 1, i % 10)
            attempt(q, user, 2, (i + 3) % 10)


def page_queries(client, instructor, course, **query) -> int:
    cache.clear()  # the nav bar caches its counts; measure every request cold
    client.force_login(instructor)
    url = reverse("teaching:gradebook", args=[course.slug])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("sort", ["name", "-quiz:q1"])
def test_page_queries_do_not_grow_with_learners_or_quizzes(
    client, instructor, course, django_assert_num_queries, sort
):
    build(course, learners=3, quizzes=2)
    small = page_queries(client, instructor, course, sort=sort)
    build(course, learners=57, quizzes=6, start=3)
    cache.clear()
    with django_assert_num_queries(small):
        response = client.get(reverse("teaching:gradebook", args=[course.slug]), {"sort": sort})
    assert response.text.count('<th scope="row"') == 50
    # The first 3 learners took the first 2 quizzes, the next 47 on the page the other 6.
    assert response.text.count("% <span") == 3 * 2 + 47 * 6
    assert small <= 12  # 8 for the page, the rest for the session and the nav bar


def test_page_shows_grade_attempts_sort_links_and_learner_links(
    client, instructor, course, class_of_four
):
    client.force_login(instructor)
    response = client.get(reverse("teaching:gradebook", args=[course.slug]), {"sort": "name"})
    text = response.text
    assert "90.0%" in text and "(1)" in text
    assert 'aria-sort="ascending"' in text
    assert "?sort=-name" in text and "?sort=quiz%3Acheck" in text
    bob = UserFactory._meta.model.objects.get(username="bob")
    assert reverse("teaching:learner", args=[course.slug, bob.pk]) in text


def csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_csv_export_has_every_learner_in_order(client, instructor, course, class_of_four):
    group, _ = class_of_four
    client.force_login(instructor)
    url = reverse("teaching:gradebook_csv", args=[course.slug])
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="peace-gradebook.csv"'
    rows = csv_rows(response)
    assert rows[0] == ["username", "name", "cohort", "Highest (%)", "Highest (attempts)"]
    assert rows[1:] == [
        ["al", "", "", "", "0"],
        ["dora", "Dora Adams", "A", "40.0", "1"],
        ["cy", "Cy Miller", "A", "60.0", "1"],
        ["bob", "Bob Zane", "", "90.0", "1"],
    ]
    only_a = csv_rows(client.get(url, {"cohort": group.pk, "sort": "-quiz:check"}))
    assert [row[0] for row in only_a[1:]] == ["cy", "dora"]


def test_csv_cells_that_start_a_formula_are_quoted(client, instructor, course):
    group = cohort(course, '=HYPERLINK("http://evil")')
    learner_named(course, "=cmd|' /C calc'!A0", "+1", "-2", group)
    learner_named(course, "@SUM(1)", "\tTab", "\rReturn")
    q = quiz(course, "highest", slug="evil")
    q.title = "-2+3"
    q.save()
    client.force_login(instructor)
    rows = csv_rows(client.get(reverse("teaching:gradebook_csv", args=[course.slug])))
    assert rows[0][3] == "'-2+3 (%)"
    cells = {cell for row in rows[1:] for cell in row[:3]}
    assert "'=cmd|' /C calc'!A0" in cells and "'@SUM(1)" in cells
    assert "'+1 -2" in cells and "'\tTab \rReturn" in cells
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), (None, ""), (12.5, "12.5")],
)  # fmt: skip
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_export_reads_learners_in_batches(course, class_of_four, django_assert_num_queries):
    """Memory is bounded by the batch: each batch of learners is one query for its cells."""
    with django_assert_num_queries(1 + 1 + 2):  # quizzes, learners (one cursor), two batches
        quizzes, rows = gradebook_rows(course, cohort=None, sort="", batch=3)
        names = [row.username for row in rows]
    assert names == ["al", "dora", "cy", "bob"]
    assert [q.slug for q in quizzes] == ["check"]
