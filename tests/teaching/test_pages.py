"""The course overview, a learner's page and the read-only view of an attempt."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from courses.models import Lesson, LessonProgress
from teaching.selectors import progress_bands
from tests.factories import UserFactory, make_quiz
from tests.quizzes.samples import SECRET
from tests.teaching.conftest import attempt, cohort, enrol, submitted_essay_attempt

pytestmark = pytest.mark.django_db


def complete(user, lessons):
    for lesson in lessons:
        LessonProgress.objects.create(user=user, lesson=lesson, completed_at=timezone.now())


@pytest.fixture
def progress(course):
    """Learners who completed 0 (and the draft), 1, 2, 3, 4 and 5 of the 5 published lessons."""
    group = cohort(course, "Evening")
    draft = Lesson.objects.get(slug="draft")
    for done in range(6):
        user = UserFactory(username=f"done{done}")
        enrol(user, course, group if done >= 4 else None)
        complete(user, course.lessons[:done])
        if done == 0:
            complete(user, [draft])
            LessonProgress.objects.create(user=user, lesson=course.lessons[1])  # seen only
    return group


def test_progress_bands_count_published_lessons_completed(course, progress):
    lessons, bands = progress_bands(course, None)
    assert lessons == 5
    assert [(b.label, b.count) for b in bands] == [
        ("0–20%", 1), ("20–40%", 1), ("40–60%", 1), ("60–80%", 1), ("80–100%", 2),
    ]  # fmt: skip
    assert [b.count for b in progress_bands(course, progress)[1]] == [0, 0, 0, 0, 2]


def test_overview_shows_counts_and_an_svg_chart_with_a_text_alternative(
    client, instructor, course, progress
):
    client.force_login(instructor)
    text = client.get(reverse("teaching:course", args=[course.slug])).text
    assert "<strong>6</strong> learners enrolled" in text
    assert '<svg class="bar-chart"' in text and 'role="img"' in text
    assert "80–100%: 2 learners." in text and "0–20%: 1 learner." in text
    assert re.search(r'<th scope="row">80–100%</th><td>2</td>', text)
    heights = re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"', text)
    assert [float(h) for h in heights] == [60.0, 60.0, 60.0, 60.0, 120.0]
    evening = client.get(reverse("teaching:course", args=[course.slug]), {"cohort": progress.pk})
    assert "<strong>2</strong> learners enrolled" in evening.text


def test_overview_queries_do_not_grow(client, instructor, course, django_assert_num_queries):
    client.force_login(instructor)
    make_quiz(course, [], slug="one")
    url = reverse("teaching:course", args=[course.slug])
    cache.clear()
    with django_assert_num_queries(11) as few:  # 6 for the page, 5 for session and nav counts
        client.get(url)
    for i in range(30):
        user = UserFactory()
        enrol(user, course)
        complete(user, course.lessons[: i % 6])
        make_quiz(course, [], slug=f"more-{i}")
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        assert "<strong>30</strong> learners" in client.get(url).text


def test_bad_cohort_ids_are_404(client, instructor, course):
    client.force_login(instructor)
    url = reverse("teaching:course", args=[course.slug])
    for bad in ("abc", "999999", "1 OR 1=1"):
        assert client.get(url, {"cohort": bad}).status_code == 404


@pytest.fixture
def taken(essay_quiz, learner):
    """`learner` enrolled in the sample course, with one submitted attempt (essay pending)."""
    enrol(learner, essay_quiz.course)
    complete(learner, [])
    return submitted_essay_attempt(essay_quiz, learner)


def test_learner_page_shows_progress_and_attempts_with_links(client, instructor, course, learner):
    enrol(learner, course)
    complete(learner, course.lessons[:2])
    quiz = make_quiz(course, [], slug="check", title="Lesson check", grading_method="last")
    attempt(quiz, learner, 1, 8)
    second = attempt(quiz, learner, 2, 6)
    client.force_login(instructor)
    text = client.get(reverse("teaching:learner", args=[course.slug, learner.pk])).text
    assert "2 of 5" in text
    assert "Lesson check" in text and "grade 60.0%" in text and "(last attempt)" in text
    assert "80.0%" in text
    assert reverse("teaching:attempt", args=[course.slug, second.pk]) in text
    assert "never opened a lesson" not in text


def test_attempt_view_shows_answers_keys_feedback_and_guidance(client, instructor, taken):
    client.force_login(instructor)
    course = taken.quiz.course
    text = client.get(reverse("teaching:attempt", args=[course.slug, taken.pk])).text
    for marker in ("explainsingle", "fbright", "guidance", "explainessay"):
        assert SECRET + marker in text
    assert "The right answer:" in text
    assert "An essay An essay" in text
    essay = taken.responses.get(needs_grading=True)
    assert reverse("teaching:grade", args=[course.slug, essay.pk]) in text
    assert " disabled" in text and "<form" not in text.split('id="main"')[1]
