"""The question admin validates like the loader, versions on save, and regrades."""

import pytest
from django.urls import reverse

from quizzes.models import Question
from quizzes.services import attempt_save, attempt_start, attempt_submit
from tests.factories import UserFactory, make_quiz
from tests.quizzes.test_attempts import form

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def single_choice_post(question, credits):
    data = {
        "course": question.course_id, "slug": question.slug, "name": "", "kind": "single",
        "prompt": "Which act?", "points": "1", "category": "general", "explanation": "Because.",
        "source": "", "locator": "", "answer_true": "", "feedback_true": "", "feedback_false": "",
        "min_words": "", "guidance": "",
        "choices-TOTAL_FORMS": str(len(credits)), "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0", "choices-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, credit in enumerate(credits):
        data.update({f"choices-{i}-position": str(i), f"choices-{i}-text": f"Option {i}",
                     f"choices-{i}-credit": str(credit), f"choices-{i}-feedback": ""})  # fmt: skip
    return data


def test_single_choice_without_a_full_credit_choice_cannot_be_saved(admin_client, quiz_course):
    question = quiz_course.sample_questions["single"]
    question.choices.all().delete()
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    response = admin_client.post(url, single_choice_post(question, [50, 0]))
    assert response.status_code == 200
    assert "exactly one choice must have credit 100" in response.text
    question.refresh_from_db()
    assert question.prompt == "Which act created the CSCE?"


def test_valid_edit_saves_a_new_version(admin_client, quiz_course):
    question = quiz_course.sample_questions["single"]
    question.choices.all().delete()
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    response = admin_client.post(url, single_choice_post(question, [100, 0]))
    assert response.status_code == 302
    assert question.versions.count() == 2
    assert question.versions.latest().data["prompt"] == "Which act?"


def test_true_false_needs_its_answer(admin_client, quiz_course):
    question = quiz_course.sample_questions["true_false"]
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = single_choice_post(question, [])
    data.update(kind="true_false", answer_true="")
    response = admin_client.post(
        url, {k: v for k, v in data.items() if not k.startswith("choices")}
    )
    assert "A true/false question needs its right answer." in response.text


def test_regrade_action_reports_what_changed(admin_client, quiz_course):
    question = quiz_course.sample_questions["single"]
    attempt = attempt_start(quiz=make_quiz(quiz_course, [question]), user=UserFactory())
    attempt_save(attempt=attempt, data=form(q1="1"))
    attempt_submit(attempt=attempt)
    question.choices.filter(position=0).update(credit=0)
    question.choices.filter(position=1).update(credit=100)
    response = admin_client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "regrade", "_selected_action": [question.pk]}, follow=True,
    )  # fmt: skip
    assert "1 response(s) checked, 1 changed" in response.text
    attempt.refresh_from_db()
    assert attempt.score == 1


def test_learners_cannot_reach_the_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:quizzes_question_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Question.objects.count() == 0


def test_essay_is_graded_in_the_admin_and_completes_the_attempt(admin_client, quiz_course):
    from quizzes.models import Response

    quiz = make_quiz(quiz_course, [quiz_course.sample_questions["essay"]], pass_mark=50)
    attempt = attempt_start(quiz=quiz, user=UserFactory())
    attempt_save(attempt=attempt, data=form(q1="My essay on indivisible security."))
    attempt_submit(attempt=attempt)
    response = Response.objects.get(attempt=attempt)
    url = reverse("admin:quizzes_response_change", args=[response.pk])
    page = admin_client.get(url).text
    assert "My essay on indivisible security." in page and "zqsecretguidance" in page
    assert "between 0 and 1" in admin_client.post(url, {"score": "3", "comment": ""}).text
    admin_client.post(url, {"score": "0.75", "comment": "Clear, but cite the source."})
    attempt.refresh_from_db()
    response.refresh_from_db()
    assert float(attempt.score) == 0.75 and attempt.passed and not attempt.needs_grading
    assert response.comment == "Clear, but cite the source." and response.graded_at
