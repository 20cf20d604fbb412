"""makebenchdata: benchmark data that is consistent, deterministic and refused in production."""

from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Q, Sum
from django.utils import timezone

from bench.data import INSTRUCTOR, PASSWORD, PREFIX
from courses.models import Course, Enrollment, LessonProgress
from quizzes.models import Attempt, Evidence, Response, ReviewCard, ReviewLog
from quizzes.services import attempt_start
from tests.factories import ConceptFactory, LessonFactory, ModuleFactory, make_question, make_quiz
from tests.quizzes.samples import SPECS

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(quiz_course):
    """Two concepts, three lessons, a limited module test of every kind and a lesson check."""
    for slug in ("c1", "c2"):
        ConceptFactory(course=quiz_course, slug=slug)
    module = ModuleFactory(course=quiz_course)
    lessons = [LessonFactory(module=module, position=i) for i in range(3)]
    questions = [
        make_question(
            quiz_course, {**spec, "slug": f"bq-{kind}", "concepts": ["c1", "c2"][: i % 3]}
        )
        for i, (kind, spec) in enumerate(SPECS.items())
    ]
    make_quiz(quiz_course, questions, slug="test", attempts_allowed=2, time_limit_minutes=20,
              pass_mark=60, shuffle_choices=True, module=module)  # fmt: skip
    make_quiz(quiz_course, questions[:3], slug="check", lesson=lessons[0])
    return quiz_course


def make(course=None, learners=5, attempts=10, seed=1, **options) -> str:
    out = StringIO()
    if course:
        options["course"] = course.slug
    call_command(
        "makebenchdata", learners=learners, attempts=attempts, seed=seed, stdout=out, **options
    )
    return out.getvalue()


def learners():
    return get_user_model().objects.filter(username__startswith=PREFIX).exclude(username=INSTRUCTOR)


def snapshot() -> list[tuple]:
    """Everything the seed decides: who took which quiz, what they answered, the grades."""
    return sorted(
        Response.objects.values_list(
            "attempt__user__username", "attempt__quiz__slug", "attempt__number", "slot",
            "version__question__slug", "answer", "score", "attempt__score",
        )
    )  # fmt: skip


def test_loads_the_seed_course_and_makes_what_it_reports():
    output = make(learners=5, attempts=10)
    course = Course.objects.get(slug="indivisible-security")
    assert sorted(learners().values_list("username", flat=True)) == [
        f"bench-000{i}" for i in range(5)
    ]
    assert learners().first().check_password(PASSWORD)
    assert course.instructors.filter(username=INSTRUCTOR).exists()
    assert Enrollment.objects.filter(course=course, user__in=learners()).count() == 5
    assert Attempt.objects.submitted().filter(quiz__course=course).count() == 10
    for name, count in [
        ("attempts", Attempt.objects.count()),
        ("responses", Response.objects.count()),
        ("lesson_progress", LessonProgress.objects.count()),
        ("review_cards", ReviewCard.objects.count()),
        ("review_logs", ReviewLog.objects.count()),
        ("evidence", Evidence.objects.count()),
    ]:
        assert f"{name}: {count} created" in output


def test_each_attempt_score_is_the_sum_of_its_responses(course):
    make(course, learners=5, attempts=30)
    attempts = Attempt.objects.select_related("quiz").annotate(
        total=Sum("responses__score"), points=Sum("responses__points"),
        waiting=Count("responses", filter=Q(responses__needs_grading=True)),
    )  # fmt: skip
    assert attempts.count() == 30
    assert set(attempts.values_list("state", flat=True)) == {Attempt.State.SUBMITTED}
    for attempt in attempts:
        assert attempt.score == (attempt.total or Decimal(0))
        assert attempt.max_score == attempt.points
        assert attempt.needs_grading == bool(attempt.waiting)
        if attempt.needs_grading:
            assert attempt.passed is None
        else:
            mark = attempt.quiz.pass_mark * attempt.max_score
            assert attempt.passed == (attempt.score * 100 >= mark)
    assert len(set(attempts.values_list("passed", flat=True))) > 1


def test_responses_follow_the_quiz_and_are_graded(course):
    make(course, learners=5, attempts=30)
    for attempt in Attempt.objects.select_related("quiz"):
        slugs = set(attempt.responses.values_list("version__question__slug", flat=True))
        assert slugs == set(attempt.quiz.questions.values_list("slug", flat=True))
    assert not Response.objects.filter(answer__isnull=True, score__gt=0).exists()
    assert not Response.objects.filter(answer__isnull=False, fraction__isnull=True,
                                       needs_grading=False).exists()  # fmt: skip
    graded_essays = Response.objects.filter(version__data__kind="essay", graded_by__isnull=False)
    assert graded_essays.exclude(graded_by__username=INSTRUCTOR).count() == 0


def test_attempt_numbers_follow_time_and_respect_limits(course):
    make(course, learners=2, attempts=40)
    per_quiz = Counter()
    for attempt in Attempt.objects.select_related("quiz").order_by("started_at"):
        per_quiz[attempt.quiz_id, attempt.user_id] += 1
        assert attempt.number == per_quiz[attempt.quiz_id, attempt.user_id]
        assert attempt.started_at < attempt.submitted_at <= timezone.now()
    assert Attempt.objects.filter(quiz__slug="test", number__gt=2).count() == 0
    assert Attempt.objects.filter(quiz__slug="test").count() == 4


def test_answers_feed_evidence_and_the_review_deck(course):
    make(course, learners=4, attempts=20)
    graded = Response.objects.exclude(answer__isnull=True).filter(fraction__isnull=False)
    expected = sum(len(r.version.data.get("concepts") or []) for r in graded)
    assert expected > 0
    assert Evidence.objects.filter(response__isnull=False).count() == expected
    answered = Response.objects.exclude(answer__isnull=True)
    pairs = set(answered.values_list("attempt__user", "version__question"))
    assert set(ReviewCard.objects.values_list("user", "question")) == pairs
    for card in ReviewCard.objects.annotate(n=Count("logs")):
        assert card.reviews == card.n
    for log in ReviewLog.objects.select_related("card"):
        assert log.reviewed_at <= log.card.last_review <= timezone.now()


def test_progress_is_a_prefix_of_the_course(course):
    make(course, learners=5, attempts=0)
    assert not Attempt.objects.exists()
    for learner in learners():
        read = set(LessonProgress.objects.filter(user=learner).values_list("lesson__position",
                                                                            flat=True))  # fmt: skip
        assert read == set(range(len(read)))


def test_attempts_under_way_have_saved_answers_and_stay_within_limits(course):
    make(course, learners=3, attempts=12, in_progress=5)
    under_way = Attempt.objects.in_progress().select_related("quiz")
    assert under_way.count() == 5
    assert Attempt.objects.submitted().count() == 12
    room = [
        learner for learner in learners()
        if Attempt.objects.submitted().filter(quiz__slug="test", user=learner).count() < 2
    ]  # fmt: skip
    expected = ["test"] * len(room) + ["check"] * (5 - len(room))
    assert [a.quiz.slug for a in under_way.order_by("pk")] == expected
    assert set(under_way.filter(quiz__slug="test").values_list("user", flat=True)) == {
        learner.pk for learner in room
    }
    for attempt in under_way:
        submitted = Attempt.objects.submitted().filter(quiz=attempt.quiz, user=attempt.user)
        assert attempt.number == submitted.count() + 1
        if attempt.quiz.attempts_allowed:
            assert attempt.number <= attempt.quiz.attempts_allowed
        responses = attempt.responses.all()
        assert responses.count() == attempt.quiz.slots.count()
        assert attempt.max_score == sum(r.points for r in responses)
        assert not responses.filter(score__isnull=False).exists()
        assert responses.filter(answer__isnull=False, saved_at__isnull=False).exists()
    assert under_way.filter(quiz__slug="test", deadline__isnull=True).count() == 0


def test_the_database_hands_out_new_keys_after_the_bulk_inserts(course):
    """Keys are allocated by the command; PostgreSQL's sequences must have moved past them."""
    make(course, learners=2, attempts=5, in_progress=1)
    top = Attempt.objects.order_by("-pk").first().pk
    attempt = attempt_start(quiz=course.quizzes.get(slug="check"), user=learners().last())
    assert attempt.pk > top
    assert attempt.responses.count() == 3


def test_the_same_seed_gives_the_same_data_and_replaces_the_old(course):
    make(course, seed=7)
    first = snapshot()
    assert first
    make(course, seed=7)
    assert snapshot() == first
    assert learners().count() == 5
    make(course, seed=8)
    assert snapshot() != first


def test_refused_with_debug_off_on_a_database_with_other_accounts(settings, course, learner):
    settings.DEBUG = False
    with pytest.raises(CommandError, match=r"no accounts but its own \(1 other account"):
        make(course)
    assert not Attempt.objects.exists()


def test_allowed_with_debug_on_beside_other_accounts(settings, course, learner):
    settings.DEBUG = True
    make(course, learners=2, attempts=3)
    assert Attempt.objects.count() == 3


@pytest.mark.parametrize("sizes", [{"learners": 0}, {"attempts": -1}, {"in_progress": -1}])
def test_refuses_sizes_that_make_no_sense(sizes):
    with pytest.raises(CommandError, match="--learners must be at least 1"):
        call_command("makebenchdata", stdout=StringIO(), **sizes)


def test_refuses_an_unknown_course_and_a_course_without_quizzes(course):
    with pytest.raises(CommandError, match="No course 'nope'"):
        call_command("makebenchdata", course="nope", stdout=StringIO())
    course.quizzes.update(is_published=False)
    with pytest.raises(CommandError, match="no published quiz"):
        make(course)
    assert not learners().exists()
