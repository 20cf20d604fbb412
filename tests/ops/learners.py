"""Learners with something to lose, and a snapshot of everything they have done.

The snapshot names things by slug and username, not by id, and holds only JSON types,
so the one taken before a backup can be compared with one taken, in another process,
from the restored database.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import Certificate, Cohort, Enrollment, LessonProgress
from quizzes.models import Attempt, Evidence, Quiz, ReviewCard
from quizzes.services import attempt_save, attempt_start, attempt_submit, response_grade
from tests.factories import ConceptFactory, LessonFactory, ModuleFactory, UserFactory, make_quiz
from tests.quizzes.test_attempts import form, right_form


def make_learners(course) -> list:
    """Three learners at different stages of `course` (from the `quiz_course` fixture)."""
    module = ModuleFactory(course=course, slug="m1")
    first, second = LessonFactory(module=module), LessonFactory(module=module)
    quiz = make_quiz(course, list(course.sample_questions.values()), pass_mark=50)
    cohort = Cohort.objects.create(course=course, name="Spring term")
    staff = UserFactory(username="teacher", is_staff=True)
    now = timezone.now()

    ahead = UserFactory(username="ahead")
    enrollment = Enrollment.objects.create(user=ahead, course=course, cohort=cohort,
                                           last_lesson=second, completed_at=now)  # fmt: skip
    Certificate.objects.create(enrollment=enrollment, name="A. Head", course_title=course.title)
    for lesson in (first, second):
        LessonProgress.objects.create(user=ahead, lesson=lesson, completed_at=now)
    attempt = attempt_start(quiz=quiz, user=ahead)
    attempt_save(attempt=attempt, data=right_form(attempt))
    attempt = attempt_submit(attempt=attempt)
    essay = attempt.responses.get(needs_grading=True)
    response_grade(response=essay, score=Decimal("0.5"), comment="Half there.", grader=staff)
    attempt_start(quiz=quiz, user=ahead)  # a second attempt, in progress
    concept = ConceptFactory(course=course, slug="collective-security")
    Evidence.objects.create(user=ahead, concept=concept, fraction=0.75, mixed=True, at=now)

    started = UserFactory(username="started")
    Enrollment.objects.create(user=started, course=course, last_lesson=first)
    LessonProgress.objects.create(user=started, lesson=first)
    attempt = attempt_start(quiz=quiz, user=started)
    attempt_save(attempt=attempt, data=form(q1="1"))
    attempt_submit(attempt=attempt)

    newcomer = UserFactory(username="newcomer")
    Enrollment.objects.create(user=newcomer, course=course, cohort=cohort)
    return [ahead, started, newcomer]


def progress_snapshot() -> dict:
    """Per username: password hash, enrolments, lessons, attempts with every response,
    review cards and mastery evidence."""
    return {
        user.username: {
            "password": user.password,
            "enrollments": _enrollments(user),
            "lessons": sorted(
                [p.lesson.slug, _iso(p.completed_at)]
                for p in LessonProgress.objects.filter(user=user).select_related("lesson")
            ),
            "attempts": _attempts(user),
            "review_cards": sorted(
                [c.question.slug, _iso(c.due), c.reviews]
                for c in ReviewCard.objects.filter(user=user).select_related("question")
            ),
            "evidence": sorted(
                [e.concept.slug, e.fraction, _iso(e.at)]
                for e in Evidence.objects.filter(user=user).select_related("concept")
            ),
        }
        for user in get_user_model().objects.order_by("username")
    }


def _enrollments(user) -> list:
    rows = Enrollment.objects.filter(user=user).select_related("course", "cohort", "certificate")
    return sorted(
        [
            e.course.slug,
            e.cohort.name if e.cohort else None,
            _iso(e.completed_at),
            e.certificate.code if hasattr(e, "certificate") else None,
        ]
        for e in rows
    )


def _attempts(user) -> list:
    attempts = (
        Attempt.objects.filter(user=user)
        .select_related("quiz")
        .prefetch_related("responses__version__question", "responses__graded_by")
        .order_by("quiz__slug", "number")
    )
    return [
        [a.quiz.slug, a.number, a.state, str(a.score), a.passed, _iso(a.submitted_at),
         [[r.slot, r.version.question.slug, r.version.number, r.answer, str(r.score),
           r.comment, r.graded_by.username if r.graded_by else None]
          for r in a.responses.all()]]
        for a in attempts
    ]  # fmt: skip


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def after_restore() -> dict:
    """In the restored database: the snapshot, then proof that it takes new rows (its id
    sequences were restored too) from a newcomer's first attempt."""
    snapshot = progress_snapshot()
    newcomer = get_user_model().objects.get(username="newcomer")
    attempt = attempt_submit(attempt=attempt_start(quiz=Quiz.objects.get(), user=newcomer))
    return {"snapshot": snapshot, "new_attempt": [attempt.number, attempt.state]}
