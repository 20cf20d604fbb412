"""The essay queue and the grading page: graded through quizzes.services.response_grade."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Response
from teaching.forms import SCORE_RANGE
from teaching.views import GRADED, QUEUE_EMPTY
from tests.factories import UserFactory
from tests.teaching.conftest import cohort, enrol, submitted_essay_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def essays(essay_quiz):
    """Three learners' essays, submitted an hour, two hours and three hours ago; the
    two oldest learners are in cohort "Night"."""
    course = essay_quiz.course
    night = cohort(course, "Night")
    pending = []
    for hours, name in ((1, "new"), (2, "mid"), (3, "old")):
        user = UserFactory(username=name)
        enrol(user, course, night if name != "new" else None)
        attempt = submitted_essay_attempt(essay_quiz, user)
        Attempt.objects.filter(pk=attempt.pk).update(
            submitted_at=timezone.now() - timedelta(hours=hours)
        )
        pending.append(attempt.responses.get(needs_grading=True))
    return {"course": course, "night": night, "new": pending[0], "mid": pending[1],
            "old": pending[2]}  # fmt: skip


def grade_url(essays, which, **query):
    url = reverse("teaching:grade", args=[essays["course"].slug, essays[which].pk])
    return url + (f"?cohort={query['cohort']}" if query else "")


def test_queue_lists_ungraded_essays_oldest_first_and_filters_by_cohort(client, instructor, essays):
    client.force_login(instructor)
    url = reverse("teaching:grading", args=[essays["course"].slug])
    text = client.get(url).text
    assert text.index(">old<") < text.index(">mid<") < text.index(">new<")
    assert "3 essays waiting" in text
    night = client.get(url, {"cohort": essays["night"].pk}).text
    assert ">new<" not in night and ">old<" in night


def test_grading_page_shows_prompt_guidance_and_the_learners_text(client, instructor, essays):
    Response.objects.filter(pk=essays["old"].pk).update(answer="<script>alert(1)</script> mine")
    client.force_login(instructor)
    text = client.get(grade_url(essays, "old")).text
    assert "Discuss." in text and "zqsecretguidance" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; mine" in text and "<script>alert" not in text
    assert "at least 50 words" in text
    assert re.search(r'<label\s+for="id_score"', text) and 'id="id_score"' in text
    assert re.search(r'<label\s+for="id_comment"', text)
    assert "From 0 to 1." in text


def test_a_grade_is_saved_the_attempt_recomputed_and_the_next_essay_opens(
    client, instructor, essays
):
    client.force_login(instructor)
    response = client.post(grade_url(essays, "old"), {"score": "0.75", "comment": "Good."})
    assert response.status_code == 302
    assert response.url == reverse("teaching:grade", args=[essays["course"].slug, essays["mid"].pk])
    graded = Response.objects.select_related("attempt").get(pk=essays["old"].pk)
    assert (graded.score, graded.comment, graded.graded_by) == (0.75, "Good.", instructor)
    assert not graded.needs_grading and not graded.attempt.needs_grading
    assert graded.attempt.score == 7.75  # seven right answers, then the essay
    assert graded.attempt.passed is True
    page = client.get(response.url)
    assert GRADED.format(learner="old") in page.text


def test_within_a_cohort_the_next_essay_is_the_cohorts_and_then_the_queue(
    client, instructor, essays
):
    client.force_login(instructor)
    night = essays["night"].pk
    first = client.post(grade_url(essays, "old", cohort=night), {"score": "1", "comment": ""})
    assert first.url == grade_url(essays, "mid", cohort=night)
    last = client.post(first.url, {"score": "0", "comment": ""})
    queue = reverse("teaching:grading", args=[essays["course"].slug])
    assert last.url == f"{queue}?cohort={night}"
    assert QUEUE_EMPTY in client.get(last.url).text
    assert Response.objects.filter(needs_grading=True).count() == 1  # "new", not in Night


@pytest.mark.parametrize("score", ["-0.5", "1.01", "abc", "", "NaN", "Infinity", "1e400"])
def test_a_bad_score_is_a_form_error_and_nothing_is_saved(client, instructor, essays, score):
    client.force_login(instructor)
    response = client.post(grade_url(essays, "old"), {"score": score, "comment": "Kept?"})
    assert response.status_code == 400
    assert 'class="invalid-feedback"' in response.text
    if score in ("-0.5", "1.01"):
        assert SCORE_RANGE.format(points="1") in response.text
    essay = Response.objects.select_related("attempt").get(pk=essays["old"].pk)
    assert essay.needs_grading and essay.score is None and essay.comment == ""
    assert essay.attempt.needs_grading


def test_the_learner_sees_score_and_comment_on_the_result_page(client, instructor, essays):
    client.force_login(instructor)
    client.post(grade_url(essays, "old"), {"score": "0.5", "comment": "Cite <b>sources</b>."})
    client.force_login(essays["old"].attempt.user)
    page = client.get(reverse("quizzes:result", args=[essays["old"].attempt_id])).text
    assert "Cite &lt;b&gt;sources&lt;/b&gt;." in page
    assert "Mark: 0.500 of 1" in page


def test_a_graded_essay_can_be_regraded_and_says_by_whom(client, instructor, essays):
    client.force_login(instructor)
    client.post(grade_url(essays, "old"), {"score": "0.5", "comment": "First."})
    page = client.get(grade_url(essays, "old")).text
    assert "Already graded by ines" in page and 'value="0.500"' in page
    client.post(grade_url(essays, "old"), {"score": "1", "comment": "Second."})
    assert Response.objects.get(pk=essays["old"].pk).comment == "Second."


def test_queue_queries_do_not_grow(
    client, instructor, essays, essay_quiz, django_assert_max_num_queries
):
    client.force_login(instructor)
    url = reverse("teaching:grading", args=[essays["course"].slug])
    for _ in range(5):
        user = UserFactory()
        enrol(user, essays["course"])
        submitted_essay_attempt(essay_quiz, user)
    with django_assert_max_num_queries(9):
        assert "8 essays waiting" in client.get(url).text
