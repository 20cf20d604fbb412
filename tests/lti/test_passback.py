"""Grade passback through AGS to the in-process platform's gradebook, and its retries."""

from datetime import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from lti.models import GradeLink, ScoreRetry
from lti.services import grade_passback, scores_retry
from quizzes.models import Attempt, GradingMethod
from quizzes.services import attempt_save, attempt_start, attempt_submit, response_grade
from tests.factories import make_quiz
from tests.lti.platform import LINEITEMS
from tests.quizzes.samples import RIGHT_ANSWERS
from tests.quizzes.test_attempts import form

pytestmark = pytest.mark.django_db

LINEITEM = f"{LINEITEMS}/31"


def launched_learner(platform, quiz, sub="learner-42", lineitem=LINEITEM):
    platform.launch(
        sub=sub, custom={"course": quiz.course.slug, "quiz": quiz.slug}, lineitem=lineitem
    )
    return get_user_model().objects.get(lti_accounts__sub=sub)


def submit(quiz, user, **answers) -> Attempt:
    attempt = attempt_start(quiz=quiz, user=user)
    assert attempt_save(attempt=attempt, data=form(**answers)) == {}
    return attempt_submit(attempt=attempt)


def passback(capture, attempt) -> None:
    with capture(execute=True):
        grade_passback(attempt=attempt)


def iso(value: str) -> datetime:
    return datetime.fromisoformat(value)


def ms(moment: datetime) -> datetime:
    """AGS timestamps carry milliseconds."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class TestPassback:
    def test_score_reaches_the_platform_gradebook(self, platform, content, on_commit):
        _, _, quiz = content
        user = launched_learner(platform, quiz)
        attempt = submit(quiz, user, q1="2", q2="false")  # half credit, then right: 75%
        passback(on_commit, attempt)
        [(lineitem, score)] = platform.scores
        assert lineitem == LINEITEM
        assert score["userId"] == "learner-42"
        assert score["scoreGiven"] == 75.0 and score["scoreMaximum"] == 100
        assert score["activityProgress"] == "Completed"
        assert score["gradingProgress"] == "FullyGraded"
        assert iso(score["timestamp"]) >= ms(attempt.submitted_at)
        assert iso(score["submission"]["submittedAt"]) == ms(attempt.submitted_at)
        assert iso(score["submission"]["startedAt"]) == ms(attempt.started_at)
        assert ("POST", "/token") in platform.calls
        assert ("POST", "/courses/7/lineitems/31/scores") in platform.calls
        link = GradeLink.objects.get()
        assert link.score_sent == 75.0 and link.sent_at is not None

    def test_grade_follows_the_quiz_grading_method(self, platform, content, on_commit):
        _, _, quiz = content
        quiz.grading_method = GradingMethod.FIRST
        quiz.save()
        user = launched_learner(platform, quiz)
        submit(quiz, user, q1="2", q2="false")
        second = submit(quiz, user, q1="0", q2="false")
        passback(on_commit, second)
        assert platform.scores[-1][1]["scoreGiven"] == 75.0  # the first attempt's, not 100

    def test_essay_awaiting_grading_is_pending_then_fully_graded(
        self, platform, quiz_course, on_commit, staff
    ):
        questions = quiz_course.sample_questions
        quiz = make_quiz(quiz_course, [questions["single"], questions["essay"]], slug="essay")
        user = launched_learner(platform, quiz)
        attempt = submit(quiz, user, q1="0", q2=RIGHT_ANSWERS["essay"])
        passback(on_commit, attempt)
        pending = platform.scores[-1][1]
        assert pending["gradingProgress"] == "PendingManual"
        assert "scoreGiven" not in pending and "scoreMaximum" not in pending
        essay = attempt.responses.get(slot=2)
        response_grade(response=essay, score=Decimal("0.5"), comment="Fair.", grader=staff)
        passback(on_commit, attempt)
        graded = platform.scores[-1][1]
        assert graded["gradingProgress"] == "FullyGraded" and graded["scoreGiven"] == 75.0

    def test_every_line_item_of_the_learner_gets_the_grade(self, platform, content, on_commit):
        _, _, quiz = content
        user = launched_learner(platform, quiz)
        launched_learner(platform, quiz, lineitem=f"{LINEITEMS}/32")
        passback(on_commit, submit(quiz, user, q1="0", q2="false"))
        assert sorted(lineitem for lineitem, _ in platform.scores) == [LINEITEM, f"{LINEITEMS}/32"]

    def test_another_learner_sends_nothing_to_this_learners_column(
        self, platform, content, learner, on_commit
    ):
        _, _, quiz = content
        launched_learner(platform, quiz)
        passback(on_commit, submit(quiz, learner, q1="0", q2="false"))
        assert platform.scores == []

    def test_without_a_line_item_one_query_and_nothing_scheduled(
        self, content, learner, django_assert_num_queries, on_commit
    ):
        _, _, quiz = content
        attempt = submit(quiz, learner, q1="0", q2="false")
        with on_commit() as callbacks, django_assert_num_queries(1):
            grade_passback(attempt=attempt)
        assert callbacks == []

    def test_nothing_is_sent_before_the_transaction_commits(self, platform, content, on_commit):
        _, _, quiz = content
        attempt = submit(quiz, launched_learner(platform, quiz), q1="0", q2="false")
        with on_commit() as callbacks:
            grade_passback(attempt=attempt)
        assert len(callbacks) == 1 and platform.scores == []


class TestFailures:
    def test_failed_passback_is_queued_and_does_not_break_the_submit(
        self, platform, content, on_commit
    ):
        _, _, quiz = content
        user = launched_learner(platform, quiz)
        platform.scores_fail = True
        attempt = submit(quiz, user, q1="0", q2="false")
        passback(on_commit, attempt)
        attempt.refresh_from_db()
        assert attempt.state == Attempt.State.SUBMITTED and attempt.score == Decimal(2)
        retry = ScoreRetry.objects.get()
        assert retry.link.quiz == quiz and retry.tries == 1
        assert "503" in retry.error and "LtiServiceException" in retry.error
        assert GradeLink.objects.get().sent_at is None

    def test_unreachable_platform_is_queued(self, platform, content, on_commit):
        _, _, quiz = content
        user = launched_learner(platform, quiz)
        elsewhere = "https://elsewhere.example.net/lineitems/1"
        link = GradeLink.objects.get()
        link.endpoint["lineitem"] = elsewhere
        GradeLink.objects.update(lineitem=elsewhere, endpoint=link.endpoint)
        passback(on_commit, submit(quiz, user, q1="0", q2="false"))
        assert "ConnectionError" in ScoreRetry.objects.get().error

    def test_ltiretry_sends_the_current_grade_and_clears_the_queue(
        self, platform, content, on_commit
    ):
        _, _, quiz = content
        user = launched_learner(platform, quiz)
        platform.scores_fail = True
        passback(on_commit, submit(quiz, user, q1="2", q2="false"))
        submit(quiz, user, q1="0", q2="false")  # a better attempt while the platform was down
        platform.scores_fail = False
        out = StringIO()
        call_command("ltiretry", stdout=out)
        assert out.getvalue().strip() == "Sent 1 grade(s); 0 still failing."
        assert platform.scores[-1][1]["scoreGiven"] == 100.0  # highest, as of now
        assert not ScoreRetry.objects.exists()

    def test_retry_that_fails_again_counts_its_tries(self, platform, content, on_commit):
        _, _, quiz = content
        user = launched_learner(platform, quiz)
        platform.scores_fail = True
        passback(on_commit, submit(quiz, user, q1="0", q2="false"))
        report = scores_retry()
        assert (report.sent, report.failed) == (0, 1)
        assert ScoreRetry.objects.get().tries == 2
        assert platform.scores == []

    def test_ltiretry_dry_run_lists_and_sends_nothing(self, platform, content, on_commit):
        _, _, quiz = content
        user = launched_learner(platform, quiz)
        platform.scores_fail = True
        passback(on_commit, submit(quiz, user, q1="0", q2="false"))
        platform.scores_fail = False
        out = StringIO()
        call_command("ltiretry", "--dry-run", stdout=out)
        assert f"{LINEITEM}: 1 tries" in out.getvalue()
        assert out.getvalue().strip().endswith("1 grade(s) waiting.")
        assert platform.scores == [] and ScoreRetry.objects.count() == 1
