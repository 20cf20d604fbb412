"""Attempt workflows: the rules hold on the server, whatever the client sends."""

import threading
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from quizzes.models import Attempt, QuizOverride, Regrade
from quizzes.questions import question_version, question_write_spec
from quizzes.services import (
    GRACE,
    QuizError,
    attempt_save,
    attempt_start,
    attempt_submit,
    question_regrade,
    response_grade,
)
from tests.factories import UserFactory, make_question, make_quiz
from tests.quizzes.samples import RIGHT_ANSWERS, SPECS

pytestmark = pytest.mark.django_db


def form(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


def right_form(attempt) -> QueryDict:
    """Form fields that answer every question of an attempt right, through display positions."""
    data = QueryDict(mutable=True)
    for response in attempt.responses.select_related("version"):
        spec, order, p = response.version.data, response.order, f"q{response.slot}"
        answer = RIGHT_ANSWERS[spec["kind"]]
        kind = spec["kind"]
        if kind == "single":
            data[p] = str(order["choices"].index(answer))
        elif kind == "multiple":
            data.setlist(p, [str(order["choices"].index(i)) for i in answer])
        elif kind == "true_false":
            data[p] = "true" if answer else "false"
        elif kind == "ordering":
            for position, index in enumerate(order["items"]):
                data[f"{p}-{position}"] = str(answer.index(index) + 1)
        elif kind == "matching":
            for pair, option in enumerate(answer):
                data[f"{p}-{pair}"] = str(order["options"].index(option))
        else:
            data[p] = answer
    return data


@pytest.fixture
def quiz(quiz_course):
    return make_quiz(quiz_course, list(quiz_course.sample_questions.values()), pass_mark=50)


@pytest.fixture
def user(db):
    return UserFactory()


class TestStart:
    def test_freezes_questions_versions_and_order(self, quiz, user):
        attempt = attempt_start(quiz=quiz, user=user)
        responses = list(attempt.responses.order_by("slot"))
        assert [r.version.data["kind"] for r in responses] == list(SPECS)
        assert attempt.max_score == Decimal(8)
        assert attempt.number == 1 and attempt.state == Attempt.State.IN_PROGRESS
        ordering = next(r for r in responses if r.version.data["kind"] == "ordering")
        assert sorted(ordering.order["items"]) == [0, 1, 2, 3]
        assert ordering.order["items"] != [0, 1, 2, 3]  # never shown in the right order

    def test_returns_the_attempt_in_progress_instead_of_a_new_one(self, quiz, user):
        first = attempt_start(quiz=quiz, user=user)
        assert attempt_start(quiz=quiz, user=user).pk == first.pk
        assert quiz.attempts.count() == 1

    def test_attempt_limit(self, quiz, user):
        quiz.attempts_allowed = 1
        quiz.save()
        attempt_submit(attempt=attempt_start(quiz=quiz, user=user))
        with pytest.raises(QuizError, match="You have used all 1 attempts"):
            attempt_start(quiz=quiz, user=user)

    def test_override_adds_attempts(self, quiz, user):
        quiz.attempts_allowed = 1
        quiz.save()
        QuizOverride.objects.create(quiz=quiz, user=user, extra_attempts=1)
        attempt_submit(attempt=attempt_start(quiz=quiz, user=user))
        assert attempt_start(quiz=quiz, user=user).number == 2

    def test_not_before_opening_nor_after_closing(self, quiz, user):
        now = timezone.now()
        quiz.opens_at = now + timedelta(hours=1)
        quiz.save()
        with pytest.raises(QuizError, match="opens on"):
            attempt_start(quiz=quiz, user=user, now=now)
        quiz.opens_at, quiz.closes_at = None, now - timedelta(minutes=1)
        quiz.save()
        with pytest.raises(QuizError, match="closed on"):
            attempt_start(quiz=quiz, user=user, now=now)

    def test_override_extends_the_close(self, quiz, user):
        now = timezone.now()
        quiz.closes_at = now - timedelta(minutes=1)
        quiz.save()
        QuizOverride.objects.create(quiz=quiz, user=user, closes_at=now + timedelta(days=1))
        assert attempt_start(quiz=quiz, user=user, now=now).deadline == now + timedelta(days=1)

    def test_delay_between_attempts(self, quiz, user):
        quiz.delay_minutes = 30
        quiz.save()
        now = timezone.now()
        attempt_submit(attempt=attempt_start(quiz=quiz, user=user, now=now), now=now)
        with pytest.raises(QuizError, match="next attempt at"):
            attempt_start(quiz=quiz, user=user, now=now + timedelta(minutes=10))
        assert attempt_start(quiz=quiz, user=user, now=now + timedelta(minutes=31)).number == 2

    def test_deadline_from_time_limit_and_override(self, quiz, user):
        quiz.time_limit_minutes = 20
        quiz.save()
        QuizOverride.objects.create(quiz=quiz, user=user, extra_minutes=10)
        now = timezone.now()
        assert attempt_start(quiz=quiz, user=user, now=now).deadline == now + timedelta(minutes=30)

    def test_deadline_never_after_the_close(self, quiz, user):
        now = timezone.now()
        quiz.time_limit_minutes, quiz.closes_at = 60, now + timedelta(minutes=5)
        quiz.save()
        assert attempt_start(quiz=quiz, user=user, now=now).deadline == quiz.closes_at

    def test_questions_per_attempt_draws_a_subset(self, quiz, user):
        quiz.questions_per_attempt = 3
        quiz.save()
        assert attempt_start(quiz=quiz, user=user).responses.count() == 3

    def test_draw_from_category_adds_random_questions(self, quiz_course, user):
        for n in range(4):
            make_question(
                quiz_course, {**SPECS["true_false"], "slug": f"pool-{n}", "category": "pool"}
            )
        quiz = make_quiz(quiz_course, [quiz_course.sample_questions["single"]])
        quiz.draws.create(category="pool", count=2)
        attempt = attempt_start(quiz=quiz, user=user)
        slugs = [r.version.question.slug for r in attempt.responses.order_by("slot")]
        assert slugs[0] == "q-single" and len(slugs) == 3
        assert all(s.startswith("pool-") for s in slugs[1:])

    def test_empty_quiz_cannot_start(self, quiz_course, user):
        with pytest.raises(QuizError, match="no questions"):
            attempt_start(quiz=make_quiz(quiz_course, []), user=user)


class TestSave:
    def test_saves_every_kind_and_submit_gives_full_marks(self, quiz, user):
        attempt = attempt_start(quiz=quiz, user=user)
        assert attempt_save(attempt=attempt, data=right_form(attempt)) == {}
        result = attempt_submit(attempt=attempt)
        assert result.score == Decimal(7)  # all but the essay, which awaits grading
        assert result.needs_grading and result.passed is None

    def test_wrong_shape_saves_nothing(self, quiz, user):
        attempt = attempt_start(quiz=quiz, user=user)
        slot = {r.version.data["kind"]: r.slot for r in attempt.responses.all()}
        errors = attempt_save(attempt=attempt, data=form(
            **{f"q{slot['single']}": "0", f"q{slot['numeric']}": "about 1975"}))  # fmt: skip
        assert errors == {slot["numeric"]: "Enter a number such as 1975 or 2.5"}
        assert not attempt.responses.exclude(answer=None).exists()

    def test_question_not_in_attempt_is_refused(self, quiz, user):
        attempt = attempt_start(quiz=quiz, user=user)
        assert attempt_save(attempt=attempt, data=form(q99="0")) == {
            99: "Question 99 is not part of this attempt."
        }

    def test_field_a_question_does_not_have_is_refused(self, quiz, user):
        attempt = attempt_start(quiz=quiz, user=user)
        ordering = attempt.responses.get(version__question__slug="q-ordering").slot
        errors = attempt_save(attempt=attempt, data=form(**{f"q{ordering}": "1"}))
        assert "does not have" in errors[ordering]

    def test_choice_position_out_of_range_is_refused(self, quiz, user):
        attempt = attempt_start(quiz=quiz, user=user)
        single = attempt.responses.get(version__question__slug="q-single").slot
        assert attempt_save(attempt=attempt, data=form(**{f"q{single}": "7"})) == {
            single: "Choose one of the options shown"
        }

    def test_unticking_every_box_clears_the_answer(self, quiz, user):
        attempt = attempt_start(quiz=quiz, user=user)
        slot = attempt.responses.get(version__question__slug="q-multiple").slot
        attempt_save(attempt=attempt, data=form(**{f"q{slot}": ["0"]}))
        attempt_save(attempt=attempt, data=form(shown=str(slot)))
        assert attempt.responses.get(slot=slot).answer in (None, [])

    def test_after_deadline_the_attempt_is_submitted_with_what_was_saved(self, quiz, user):
        quiz.time_limit_minutes = 10
        quiz.save()
        now = timezone.now()
        attempt = attempt_start(quiz=quiz, user=user, now=now)
        slot = attempt.responses.get(version__question__slug="q-tf").slot
        attempt_save(
            attempt=attempt, data=form(**{f"q{slot}": "false"}), now=now + timedelta(minutes=5)
        )
        late = now + timedelta(minutes=10) + GRACE + timedelta(seconds=1)
        with pytest.raises(QuizError, match="Time is up"):
            attempt_save(attempt=attempt, data=form(**{f"q{slot}": "true"}), now=late)
        attempt.refresh_from_db()
        assert attempt.state == Attempt.State.SUBMITTED
        assert attempt.responses.get(slot=slot).answer is False
        assert attempt.score == Decimal(1)

    def test_within_grace_an_answer_still_counts(self, quiz, user):
        quiz.time_limit_minutes = 10
        quiz.save()
        now = timezone.now()
        attempt = attempt_start(quiz=quiz, user=user, now=now)
        slot = attempt.responses.get(version__question__slug="q-tf").slot
        assert attempt_save(attempt=attempt, data=form(**{f"q{slot}": "false"}),
                            now=now + timedelta(minutes=10, seconds=30)) == {}  # fmt: skip

    def test_saving_a_submitted_attempt_is_refused(self, quiz, user):
        attempt = attempt_submit(attempt=attempt_start(quiz=quiz, user=user))
        with pytest.raises(QuizError, match="already been submitted"):
            attempt_save(attempt=attempt, data=form(q1="0"))


class TestSubmit:
    def test_second_submit_returns_the_same_result(self, quiz, user):
        attempt = attempt_start(quiz=quiz, user=user)
        attempt_save(attempt=attempt, data=right_form(attempt))
        first = attempt_submit(attempt=attempt)
        second = attempt_submit(attempt=attempt, now=timezone.now() + timedelta(hours=1))
        assert (second.score, second.submitted_at) == (first.score, first.submitted_at)

    def test_pass_mark(self, quiz_course, user):
        questions = [quiz_course.sample_questions[k] for k in ("single", "true_false")]
        quiz = make_quiz(quiz_course, questions, pass_mark=50)
        attempt = attempt_start(quiz=quiz, user=user)
        data = right_form(attempt)
        data.pop(f"q{attempt.responses.get(version__question__slug='q-tf').slot}")
        attempt_save(attempt=attempt, data=data)
        assert attempt_submit(attempt=attempt).passed is True

    def test_essay_grading_completes_the_attempt(self, quiz, user):
        attempt = attempt_start(quiz=quiz, user=user)
        attempt_save(attempt=attempt, data=right_form(attempt))
        attempt_submit(attempt=attempt)
        essay = attempt.responses.get(version__question__slug="q-essay")
        response_grade(
            response=essay, score=Decimal("0.5"), comment="Good start.", grader=UserFactory()
        )
        attempt.refresh_from_db()
        assert attempt.score == Decimal("7.5") and not attempt.needs_grading and attempt.passed

    def test_essay_score_out_of_range_is_refused(self, quiz, user):
        attempt = attempt_submit(attempt=attempt_start(quiz=quiz, user=user))
        essay = attempt.responses.get(version__question__slug="q-essay")
        with pytest.raises(QuizError, match="between 0 and 1"):
            response_grade(response=essay, score=Decimal(2), comment="", grader=None)

    def test_closeattempts_submits_overdue_attempts(self, quiz, user):
        quiz.time_limit_minutes = 1
        quiz.save()
        attempt = attempt_start(quiz=quiz, user=user, now=timezone.now() - timedelta(hours=1))
        out = StringIO()
        call_command("closeattempts", stdout=out)
        attempt.refresh_from_db()
        assert attempt.state == Attempt.State.SUBMITTED and "Submitted 1" in out.getvalue()


class TestVersions:
    def test_editing_a_question_keeps_past_attempts_and_changes_new_ones(self, quiz_course, user):
        question = quiz_course.sample_questions["single"]
        quiz = make_quiz(quiz_course, [question])
        old = attempt_start(quiz=quiz, user=user)
        attempt_submit(attempt=old)
        spec = {**SPECS["single"], "prompt": "Reworded prompt"}
        question_write_spec(
            course=quiz_course, spec=spec, sources={}, concepts={}, question=question
        )
        question_version(question)
        new = attempt_start(quiz=quiz, user=user)
        assert old.responses.get().version.data["prompt"] == "Which act created the CSCE?"
        assert new.responses.get().version.data["prompt"] == "Reworded prompt"

    def test_regrade_applies_a_corrected_key_and_records_it(self, quiz_course, user):
        question = quiz_course.sample_questions["single"]
        quiz = make_quiz(quiz_course, [question])
        attempt = attempt_start(quiz=quiz, user=user)
        attempt_save(attempt=attempt, data=form(q1="1"))  # Versailles: wrong under the old key
        attempt = attempt_submit(attempt=attempt)
        assert attempt.score == 0
        choices = [{**c} for c in SPECS["single"]["choices"]]
        choices[0]["credit"], choices[1]["credit"] = 0, 100
        question_write_spec(course=quiz_course, spec={**SPECS["single"], "choices": choices},
                            sources={}, concepts={}, question=question)  # fmt: skip
        result = question_regrade(question=question)
        attempt.refresh_from_db()
        assert (result.checked, result.changed) == (1, 1)
        assert attempt.score == Decimal(1)
        regrade = Regrade.objects.get()
        assert (regrade.old_score, regrade.new_score) == (Decimal(0), Decimal(1))


postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite's in-memory test database cannot be shared across threads "
    "(CI runs this on PostgreSQL)",
)


def run_together(functions) -> list:
    """Run callables at the same moment in threads; return results or exceptions."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_grade_once(quiz_course):
    user = UserFactory()
    quiz = make_quiz(quiz_course, list(quiz_course.sample_questions.values()))
    attempt = attempt_start(quiz=quiz, user=user)
    attempt_save(attempt=attempt, data=right_form(attempt))
    results = run_together([lambda: attempt_submit(attempt=attempt)] * 2)
    assert all(isinstance(r, Attempt) for r in results), results
    assert results[0].score == results[1].score == Decimal(7)
    assert results[0].submitted_at == results[1].submitted_at


@postgres
@pytest.mark.django_db(transaction=True)
def test_racing_starts_never_exceed_the_attempt_limit(quiz_course):
    user = UserFactory()
    quiz = make_quiz(quiz_course, [quiz_course.sample_questions["single"]], attempts_allowed=1)
    results = run_together([lambda: attempt_start(quiz=quiz, user=user)] * 4)
    assert quiz.attempts.count() == 1
    started = {r.pk for r in results if isinstance(r, Attempt)}
    assert len(started) == 1
    assert all(isinstance(r, Attempt | QuizError) for r in results), results


def test_submit_and_manual_grades_are_logged_as_events(
    quiz, user, caplog, django_capture_on_commit_callbacks
):
    """The audit trail: each submit and each grade change is a structured log event."""
    caplog.set_level("INFO", logger="indivisible.events")
    attempt = attempt_start(quiz=quiz, user=user)
    essay = attempt.responses.get(version__question__slug="q-essay")
    attempt_save(attempt=attempt, data=form(**{f"q{essay.slot}": "An essay."}))
    with django_capture_on_commit_callbacks(execute=True):
        attempt = attempt_submit(attempt=attempt)
        essay.refresh_from_db()
        response_grade(response=essay, score=Decimal("0.5"), comment="", grader=None)
    events = {
        r.getMessage(): r.event_fields for r in caplog.records if r.name == "indivisible.events"
    }
    assert events["attempt.submitted"]["attempt"] == attempt.pk
    assert events["grade.changed"]["old_score"] is None
    assert events["grade.changed"]["new_score"] == Decimal("0.5")
    assert events["grade.changed"]["reason"] == "manual"


@pytest.mark.parametrize("kinds", [["single", "numeric"], list(SPECS)])
def test_submit_query_budget_is_the_same_for_any_number_of_questions(
    quiz_course, django_assert_max_num_queries, kinds
):
    """Grading, the answers, evidence, review cards, completion and LTI in fixed queries."""
    quiz = make_quiz(quiz_course, [quiz_course.sample_questions[k] for k in kinds])
    attempt = attempt_start(quiz=quiz, user=UserFactory())
    attempt_save(attempt=attempt, data=right_form(attempt))
    with django_assert_max_num_queries(12):
        submitted = attempt_submit(attempt=attempt)
    assert submitted.state == Attempt.State.SUBMITTED and submitted.score > 0
