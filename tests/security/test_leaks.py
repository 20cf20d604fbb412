"""Answers: nothing about the key leaves the server before submission; after it, each page
shows exactly what the quiz's review policy allows at that moment.

The sample questions (tests/quizzes/samples.py) carry a marker in every feedback,
explanation and guidance. A learner with an attempt in progress opens every page the
site has for learners (taken from the URL resolver, like the access matrix) and every
JSON endpoint; none may carry a marker, a credit, a fraction or a right answer.
"""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Concept
from quizzes.models import REVIEW_ITEMS, Attempt, FeedbackBand, ReviewCard
from quizzes.questions import question_version
from quizzes.services import attempt_save, attempt_start, attempt_submit, response_grade
from tests.factories import ConceptFactory, LessonFactory, ModuleFactory, UserFactory, make_quiz
from tests.quizzes.samples import SECRET
from tests.quizzes.test_attempts import right_form
from tests.security.test_access import named_patterns

pytestmark = pytest.mark.django_db

KEY_FIELDS = re.compile(r'"(credit|fraction|tolerance|feedback_true|feedback_false|correct|'
                        r'explanation|guidance|right_answer|answers)"\s*:', re.I)  # fmt: skip
# Pages a learner has no way to reach before submitting (nothing to show yet), and the
# instructors' and platforms' sides, which are not the learner's.
NOT_LEARNER_PAGES = ("admin:", "teaching:", "lti:")
NOTHING_YET = {
    "courses:certificate": "no certificate before the course is complete",
    "courses:certificate_print": "no certificate before the course is complete",
    "quizzes:review_answer": "no review card before a submitted answer",
    "password_reset_confirm": "a one-time link from an e-mail",
    "logout": "POST only",
    "set_language": "POST only; answers with a redirect",
    "learning:delete_account": "POST only (tested in tests/learning)",
}


@pytest.fixture
def taking(quiz_course):
    """A learner half-way through an attempt, every answer saved right."""
    module = ModuleFactory(course=quiz_course)
    concept = ConceptFactory(course=quiz_course, slug="concept")
    lesson = LessonFactory(module=module, slug="lesson")
    quiz = make_quiz(
        quiz_course, list(quiz_course.sample_questions.values()), slug="quiz", lesson=lesson
    )
    learner = UserFactory(username="taker")
    attempt = attempt_start(quiz=quiz, user=learner)
    assert attempt_save(attempt=attempt, data=right_form(attempt)) == {}
    client = Client()
    client.force_login(learner)
    return client, quiz, attempt, concept


LEARNER_GETS = {
    "courses:catalog": lambda q, a, c: [],
    "courses:search": lambda q, a, c: [],
    "courses:signup": lambda q, a, c: [],
    "courses:detail": lambda q, a, c: [q.course.slug],
    "courses:lesson": lambda q, a, c: [q.course.slug, q.lesson.slug],
    "courses:sources": lambda q, a, c: [q.course.slug],
    "courses:glossary": lambda q, a, c: [q.course.slug],
    "courses:concept": lambda q, a, c: [q.course.slug, c.slug],
    "courses:timeline": lambda q, a, c: [q.course.slug],
    "quizzes:detail": lambda q, a, c: [q.course.slug, q.slug],
    "quizzes:attempt": lambda q, a, c: [a.pk],
    "quizzes:submit": lambda q, a, c: [a.pk],
    "quizzes:result": lambda q, a, c: [a.pk],
    "quizzes:reviews": lambda q, a, c: [],
    "learning:dashboard": lambda q, a, c: [],
    "learning:my_data": lambda q, a, c: [],
    "learning:my_data_download": lambda q, a, c: [],
    "cohorts:join": lambda q, a, c: [],
}
LEARNER_POSTS = {  # state-changing, but answered with a page or JSON the learner reads
    "quizzes:autosave": lambda q, a, c: [a.pk],
    "quizzes:start": lambda q, a, c: [q.course.slug, q.slug],
    "courses:enrol": lambda q, a, c: [q.course.slug],
    "courses:mark": lambda q, a, c: [q.course.slug, q.lesson.slug],
}
OTHER_PAGES = {"login", "password_change", "password_change_done", "password_reset",
               "password_reset_done", "password_reset_complete", "healthz", "readyz"}  # fmt: skip


def assert_no_key(text: str, where: str) -> None:
    assert SECRET not in text, f"{where} shows a feedback, explanation or guidance"
    assert "The right answer" not in text, where
    assert not KEY_FIELDS.search(text), f"{where}: {KEY_FIELDS.search(text).group()}"


def test_every_learner_page_is_scanned():
    known = set(LEARNER_GETS) | set(LEARNER_POSTS) | set(NOTHING_YET) | OTHER_PAGES
    missing = [
        name
        for name in named_patterns()
        if not name.startswith(NOT_LEARNER_PAGES) and name not in known
    ]
    assert not missing, f"add these learner URLs to tests/security/test_leaks.py: {missing}"


def test_no_page_or_json_shows_the_key_before_submission(taking):
    client, quiz, attempt, concept = taking
    for name, args in LEARNER_GETS.items():
        response = client.get(reverse(name, args=args(quiz, attempt, concept)), follow=True)
        assert response.status_code == 200, name
        assert_no_key(response.content.decode(), name)
    one_by_one = reverse("quizzes:attempt", args=[attempt.pk])
    quiz.one_question_per_page = True
    quiz.save()
    for page in range(1, attempt.responses.count() + 1):
        assert_no_key(client.get(one_by_one, {"page": page}).content.decode(), f"page {page}")
    for name, args in LEARNER_POSTS.items():
        response = client.post(reverse(name, args=args(quiz, attempt, concept)), follow=True)
        assert response.status_code == 200, name
        assert_no_key(response.content.decode(), name)
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS


def test_the_data_download_holds_no_score_or_feedback_before_submission(taking):
    client, quiz, attempt, concept = taking
    data = json.loads(client.get(reverse("learning:my_data_download")).content)
    (exported,) = data["attempts"]
    assert exported["score"] is None
    assert all(r["score"] is None and r["feedback"] == [] for r in exported["responses"])


# After submission: the review policy decides.

ITEM_SIGNS = {
    "correctness": re.compile(r">(Correct|Incorrect|Partly correct)<"),
    "marks": re.compile(r"Score:|Mark: "),
    "specific_feedback": re.compile(f"{SECRET}(fbright|tftrue|tffalse|sa1|n1)"),
    "general_feedback": re.compile(f"{SECRET}explain"),
    "right_answer": re.compile("The right answer:"),
    "overall_feedback": re.compile("zqoverallband"),
}


def submitted(quiz, review: dict, **quiz_fields) -> tuple[Client, Attempt]:
    quiz.review = review
    for field, value in quiz_fields.items():
        setattr(quiz, field, value)
    quiz.save()
    FeedbackBand.objects.get_or_create(quiz=quiz, min_percent=0, text="zqoverallband")
    learner = UserFactory()
    attempt = attempt_start(quiz=quiz, user=learner)
    attempt_save(attempt=attempt, data=right_form(attempt))
    attempt = attempt_submit(attempt=attempt)
    essay = attempt.responses.get(version__data__kind="essay")
    response_grade(response=essay, score=essay.points, comment="", grader=learner)
    attempt.refresh_from_db()  # final now, so every page that shows grades shows this one
    client = Client()
    client.force_login(learner)
    return client, attempt


@pytest.mark.parametrize("item", sorted(ITEM_SIGNS))
def test_result_page_shows_an_item_only_when_the_policy_allows_it(taking, item):
    _, quiz, _, _ = taking
    for allowed in (True, False):
        items = ["attempt", item] if allowed else ["attempt"]
        client, attempt = submitted(quiz, {"immediately": items})
        text = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
        assert bool(ITEM_SIGNS[item].search(text)) == allowed, (item, allowed)
        for other, sign in ITEM_SIGNS.items():
            if other != item:
                assert not sign.search(text), f"{other} shown with only {items}"


def test_review_moments_follow_the_clock(taking):
    """Hidden while 'open', shown once the quiz has closed, as the policy says."""
    _, quiz, _, _ = taking
    client, attempt = submitted(
        quiz, {"immediately": ["attempt"], "open": ["attempt"], "closed": list(REVIEW_ITEMS)},
        closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    url = reverse("quizzes:result", args=[attempt.pk])
    assert not ITEM_SIGNS["general_feedback"].search(client.get(url).content.decode())
    quiz.closes_at = timezone.now() - timedelta(seconds=1)
    quiz.save()
    assert ITEM_SIGNS["general_feedback"].search(client.get(url).content.decode())


def test_nothing_of_the_attempt_when_the_policy_hides_it(taking):
    _, quiz, _, _ = taking
    client, attempt = submitted(quiz, {"immediately": [], "open": [], "closed": []})
    text = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "The answers of this attempt are not shown" in text
    assert "Which act created the CSCE?" not in text
    assert_no_key(text, "result")


HIDDEN_MARKS = {"immediately": ["attempt"], "open": ["attempt"], "closed": list(REVIEW_ITEMS)}


def test_quiz_page_shows_marks_only_when_the_policy_does(taking):
    """Fixed here: the quiz page showed "Your grade" and each attempt's percent regardless."""
    _, quiz, _, _ = taking
    client, attempt = submitted(quiz, HIDDEN_MARKS, closes_at=timezone.now() + timedelta(days=1))
    text = client.get(quiz.get_absolute_url()).content.decode()
    assert f"{attempt.percent}%" not in text and "Your grade" not in text
    quiz.closes_at = timezone.now() - timedelta(seconds=1)  # closed: marks are shown
    quiz.save()
    text = client.get(quiz.get_absolute_url()).content.decode()
    assert f"{attempt.percent}%" in text and "Your grade" in text


def test_dashboard_hides_marks_that_the_policy_hides(taking):
    _, quiz, _, _ = taking
    client, attempt = submitted(quiz, HIDDEN_MARKS, closes_at=timezone.now() + timedelta(days=1))
    text = client.get(reverse("learning:dashboard")).content.decode()
    assert f"{attempt.percent}" not in text


def test_review_deck_withholds_a_card_until_its_quiz_shows_the_answer(taking):
    """Fixed here: a review's result showed the explanation and right answer a quiz hid."""
    _, quiz, _, _ = taking
    client, attempt = submitted(quiz, HIDDEN_MARKS, closes_at=timezone.now() + timedelta(days=1))
    ReviewCard.objects.filter(user=attempt.user).update(due=timezone.now() - timedelta(days=1))
    card = ReviewCard.objects.filter(user=attempt.user).first()
    page = client.get(reverse("quizzes:reviews")).content.decode()
    assert 'action="/reviews/' not in page  # nothing served, nothing counted as due
    assert client.get(reverse("learning:dashboard")).context["reviews_due"] == 0
    posted = client.post(reverse("quizzes:review_answer", args=[card.pk]), {"token": "x"})
    assert posted.status_code == 404
    quiz.closes_at = timezone.now() - timedelta(seconds=1)  # closed: the policy shows all
    quiz.save()
    page = client.get(reverse("quizzes:reviews")).content.decode()
    action = re.search(r'action="(/reviews/\d+/)"', page).group(1)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    text = client.post(action, {"token": token}).content.decode()  # a blank answer
    assert ITEM_SIGNS["general_feedback"].search(text)
    assert "The right answer" in text


def test_dashboard_shows_marks_once_the_quiz_closes(taking):
    _, quiz, _, _ = taking
    client, attempt = submitted(quiz, HIDDEN_MARKS, closes_at=timezone.now() + timedelta(days=1))
    text = client.get(reverse("learning:dashboard")).content.decode()
    assert "Marks not shown yet" in text
    quiz.closes_at = timezone.now() - timedelta(seconds=1)
    quiz.save()
    text = client.get(reverse("learning:dashboard")).content.decode()
    assert "Marks not shown yet" not in text and f"{round(float(attempt.percent), 1)}%" in text


def test_concept_page_mastery_leaves_out_hidden_marks(taking):
    _, quiz, _, concept = taking
    question = quiz.course.sample_questions["true_false"]
    question.concepts.add(concept)
    question_version(question)  # the next attempt answers a question on the concept
    client, attempt = submitted(quiz, HIDDEN_MARKS, closes_at=timezone.now() + timedelta(days=1))
    assert Concept.objects.filter(evidence__user=attempt.user).get() == concept
    text = client.get(concept.get_absolute_url()).content.decode()
    assert "You have not answered a question on this concept yet." in text
    assert "Mastery:" not in text and "Predicted chance" not in text
    quiz.closes_at = timezone.now() - timedelta(seconds=1)
    quiz.save()
    text = client.get(concept.get_absolute_url()).content.decode()
    assert "Mastery:" in text and "Predicted chance" in text


def test_data_download_leaves_out_marks_and_feedback_the_policy_hides(taking):
    _, quiz, _, _ = taking
    client, attempt = submitted(quiz, HIDDEN_MARKS, closes_at=timezone.now() + timedelta(days=1))

    def exported() -> dict:
        data = json.loads(client.get(reverse("learning:my_data_download")).content)
        return next(a for a in data["attempts"] if a["number"] == attempt.number)

    row = exported()
    assert row["marks_withheld"] and row["score"] is None and row["passed"] is None
    assert all(r["score"] is None and r["feedback"] == "" for r in row["responses"])
    assert not ITEM_SIGNS["specific_feedback"].search(json.dumps(row))
    assert row["responses"][0]["answer"] is not None  # the learner's own answers stay
    quiz.closes_at = timezone.now() - timedelta(seconds=1)  # closed: the policy shows all
    quiz.save()
    row = exported()
    assert not row["marks_withheld"] and row["score"] == float(attempt.score)
    assert ITEM_SIGNS["specific_feedback"].search(json.dumps(row))
