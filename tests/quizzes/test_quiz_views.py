"""Quiz pages as a learner (and an attacker) uses them."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt
from quizzes.services import attempt_start, attempt_submit
from tests.factories import UserFactory, make_question, make_quiz
from tests.quizzes.samples import SECRET, SPECS
from tests.quizzes.test_attempts import right_form

pytestmark = pytest.mark.django_db

KEY_WORDS = re.compile(
    r"credit|fraction|tolerance|guidance|explanation|feedback_true|correct", re.I
)


@pytest.fixture
def quiz(quiz_course):
    return make_quiz(quiz_course, list(quiz_course.sample_questions.values()), slug="all-kinds")


@pytest.fixture
def learner_client(client):
    client.user = UserFactory()
    client.force_login(client.user)
    return client


def start(client, quiz) -> Attempt:
    response = client.post(reverse("quizzes:start", args=[quiz.course.slug, quiz.slug]))
    assert response.status_code == 302
    return Attempt.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))


def test_quiz_page_shows_settings_and_start_button(learner_client, quiz):
    response = learner_client.get(quiz.get_absolute_url())
    assert response.status_code == 200
    assert "Pass mark: 60%" in response.text and "Start the quiz" in response.text


def test_anonymous_visitor_is_asked_to_log_in(client, quiz):
    assert "to take this quiz" in client.get(quiz.get_absolute_url()).text
    response = client.post(reverse("quizzes:start", args=["qc", "all-kinds"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_start_by_get_is_refused(learner_client, quiz):
    assert learner_client.get(reverse("quizzes:start", args=["qc", "all-kinds"])).status_code == 405


def test_unpublished_quiz_is_404(learner_client, quiz):
    quiz.is_published = False
    quiz.save()
    assert learner_client.get(quiz.get_absolute_url()).status_code == 404


def test_attempt_page_renders_every_kind_without_leaking_answers(learner_client, quiz):
    """Nothing secret reaches the learner before submission: no feedback, keys or marks."""
    attempt = start(learner_client, quiz)
    text = learner_client.get(attempt.get_absolute_url()).text
    assert SECRET not in text
    assert not KEY_WORDS.search(text), KEY_WORDS.search(text)
    for spec in SPECS.values():
        assert spec["prompt"].split()[0] in text
    assert 'name="q6-0"' in text and "<select" in text  # ordering by keyboard: a select per item


def test_autosave_json_leaks_nothing(learner_client, quiz):
    attempt = start(learner_client, quiz)
    response = learner_client.post(
        reverse("quizzes:autosave", args=[attempt.pk]), right_form(attempt)
    )
    assert response.status_code == 200 and response.json()["saved"] is True
    assert SECRET not in response.text and not KEY_WORDS.search(response.text)


def test_autosave_rejects_wrong_shapes_with_a_message(learner_client, quiz):
    attempt = start(learner_client, quiz)
    response = learner_client.post(reverse("quizzes:autosave", args=[attempt.pk]), {"q5": "soon"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"5": "Enter a number such as 1975 or 2.5"}


def test_save_button_keeps_answers_and_refills_them(learner_client, quiz):
    attempt = start(learner_client, quiz)
    response = learner_client.post(attempt.get_absolute_url(), {"q4": "Helsinki", "action": "save"})
    assert response.status_code == 302
    assert 'value="Helsinki"' in learner_client.get(attempt.get_absolute_url()).text


def test_bad_answer_shows_the_error_and_saves_nothing(learner_client, quiz):
    attempt = start(learner_client, quiz)
    response = learner_client.post(
        attempt.get_absolute_url(), {"q4": "Helsinki", "q5": "x", "action": "save"}
    )
    assert response.status_code == 400
    assert "Question 5: Enter a number" in response.text
    assert attempt.responses.get(slot=4).answer is None


def test_finish_shows_confirmation_listing_unanswered(learner_client, quiz):
    attempt = start(learner_client, quiz)
    response = learner_client.post(
        attempt.get_absolute_url(), {"q1": "0", "action": "finish"}, follow=True
    )
    assert "7 not answered" in response.text and "Question 2" in response.text


def test_submit_then_result_shows_score_feedback_explanation_and_source(learner_client, quiz):
    attempt = start(learner_client, quiz)
    learner_client.post(reverse("quizzes:autosave", args=[attempt.pk]), right_form(attempt))
    response = learner_client.post(reverse("quizzes:submit", args=[attempt.pk]), follow=True)
    text = response.text
    assert "Awaiting grading" in text
    assert f"{SECRET}explainsingle" in text and f"{SECRET}fbright" in text
    assert 'href="/courses/qc/sources/#source-src"' in text and "The source" in text
    assert "The right answer:</strong> Helsinki Final Act" in text


def test_result_follows_the_review_policy(learner_client, quiz):
    quiz.review = {"during": [], "immediately": ["attempt", "marks"], "open": [], "closed": []}
    quiz.save()
    attempt = start(learner_client, quiz)
    learner_client.post(reverse("quizzes:autosave", args=[attempt.pk]), right_form(attempt))
    text = learner_client.post(reverse("quizzes:submit", args=[attempt.pk]), follow=True).text
    assert SECRET not in text and "The right answer" not in text
    assert "Correct" not in text and "Mark: 1" in text


def test_result_hides_answers_when_the_attempt_is_not_to_be_shown(learner_client, quiz):
    quiz.review = {"immediately": ["marks"]}
    quiz.save()
    attempt = start(learner_client, quiz)
    text = learner_client.post(reverse("quizzes:submit", args=[attempt.pk]), follow=True).text
    assert "not shown at this time" in text and "Question 1" not in text


def test_result_links_lessons_for_missed_concepts(learner_client, quiz_course):
    from tests.factories import ConceptFactory, LessonFactory, ModuleFactory

    concept = ConceptFactory(course=quiz_course, slug="csce")
    lesson = LessonFactory(
        module=ModuleFactory(course=quiz_course), slug="helsinki", title="Helsinki lesson"
    )
    lesson.concepts.add(concept)
    question = make_question(
        quiz_course, {**SPECS["single"], "slug": "tagged", "concepts": ["csce"]}
    )
    quiz = make_quiz(quiz_course, [question])
    attempt = start(learner_client, quiz)
    learner_client.post(attempt.get_absolute_url(), {"q1": "1", "action": "save"})
    text = learner_client.post(reverse("quizzes:submit", args=[attempt.pk]), follow=True).text
    assert 'href="/courses/qc/lessons/helsinki/">Helsinki lesson</a>' in text


def test_result_of_in_progress_attempt_redirects_to_it(learner_client, quiz):
    attempt = start(learner_client, quiz)
    response = learner_client.get(reverse("quizzes:result", args=[attempt.pk]))
    assert response.status_code == 302 and response["Location"] == attempt.get_absolute_url()


@pytest.mark.parametrize(
    "name", ["quizzes:attempt", "quizzes:result", "quizzes:submit", "quizzes:autosave"]
)
def test_another_learners_attempt_is_404(client, quiz, name):
    owner = UserFactory()
    attempt = attempt_start(quiz=quiz, user=owner)
    client.force_login(UserFactory())
    url = reverse(name, args=[attempt.pk])
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"q1": "0"}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS
    assert not attempt.responses.exclude(answer=None).exists()


def test_attempt_pages_need_login(client, quiz):
    attempt = attempt_start(quiz=quiz, user=UserFactory())
    response = client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_posts_need_csrf_tokens(quiz):
    user = UserFactory()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(reverse("quizzes:start", args=["qc", "all-kinds"])).status_code == 403
    attempt = attempt_start(quiz=quiz, user=user)
    assert (
        strict.post(reverse("quizzes:autosave", args=[attempt.pk]), {"q1": "0"}).status_code == 403
    )
    assert strict.post(reverse("quizzes:submit", args=[attempt.pk])).status_code == 403


def test_overdue_attempt_is_submitted_when_opened(learner_client, quiz):
    from datetime import timedelta

    from django.utils import timezone

    quiz.time_limit_minutes = 5
    quiz.save()
    attempt = attempt_start(
        quiz=quiz, user=learner_client.user, now=timezone.now() - timedelta(hours=1)
    )
    response = learner_client.get(attempt.get_absolute_url(), follow=True)
    assert "Time is up" in response.text
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED


def test_one_question_per_page_with_navigator(learner_client, quiz):
    quiz.one_question_per_page = True
    quiz.save()
    attempt = start(learner_client, quiz)
    text = learner_client.get(attempt.get_absolute_url() + "?page=3").text
    assert 'id="question-3"' in text and 'id="question-2"' not in text
    assert 'aria-label="Question 8, not answered"' in text
    response = learner_client.post(
        attempt.get_absolute_url() + "?page=3", {"q3": "false", "goto": "4"}
    )
    assert response["Location"].endswith("?page=4")


def many_question_quiz(course, count: int):
    questions = [
        make_question(course, {**SPECS["single"], "slug": f"many-{count}-{n}"})
        for n in range(count)
    ]
    return make_quiz(course, questions, slug=f"many-{count}")


@pytest.mark.parametrize("count", [5, 100])
def test_attempt_page_query_budget(
    learner_client, quiz_course, django_assert_max_num_queries, count
):
    attempt = attempt_start(quiz=many_question_quiz(quiz_course, count), user=learner_client.user)
    with django_assert_max_num_queries(8):
        assert learner_client.get(attempt.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [5, 100])
def test_result_page_query_budget(
    learner_client, quiz_course, django_assert_max_num_queries, count
):
    attempt = attempt_start(quiz=many_question_quiz(quiz_course, count), user=learner_client.user)
    attempt_submit(attempt=attempt)
    with django_assert_max_num_queries(10):
        assert learner_client.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 200


def test_lesson_and_course_pages_link_their_published_quizzes(client, quiz_course):
    from tests.factories import LessonFactory, ModuleFactory

    module = ModuleFactory(course=quiz_course, slug="m")
    lesson = LessonFactory(module=module, slug="l")
    check = make_quiz(quiz_course, [], slug="check", title="Lesson check", lesson=lesson)
    make_quiz(quiz_course, [], slug="mod-test", title="Module test", module=module)
    make_quiz(quiz_course, [], slug="exam", title="Final exam")
    make_quiz(quiz_course, [], slug="hidden", title="Hidden", is_published=False, lesson=lesson)
    assert check.get_absolute_url() in client.get(lesson.get_absolute_url()).text
    text = client.get(quiz_course.get_absolute_url()).text
    assert "Module test" in text and "Final exam" in text and "Course exams" in text
    assert ">Hidden<" not in text
    assert ">Hidden<" not in client.get(lesson.get_absolute_url()).text
