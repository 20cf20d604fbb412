"""A learner's own data: export all of it, or delete the account.

Deleting keeps what instructors' quiz statistics need and nothing that identifies the
learner: their attempts and responses move to a fresh anonymous, inactive account of their
own (so "first attempt" statistics still hold), and everything else (enrolments, progress,
review cards, mastery evidence, certificates, overrides, the account) is deleted.
docs/privacy.md says the same to learners.
"""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from courses.models import Enrollment, LessonProgress
from quizzes.models import Attempt, Response, ReviewCard
from quizzes.review import MARKS, attempts_hiding

FEEDBACK = frozenset({"specific_feedback"})
"""What a response's feedback and the grader's comment would tell before the policy does."""

ANONYMOUS_PREFIX = "deleted-"


def _iso(value):
    return value.isoformat() if value else None


def learner_data(*, user) -> dict:
    """Everything held about the learner, as plain JSON-ready data (a fixed number of queries)."""
    enrollments = Enrollment.objects.filter(user=user).select_related(
        "course", "cohort", "certificate"
    )
    progress = LessonProgress.objects.filter(user=user).select_related("lesson__module__course")
    responses = Response.objects.select_related("version").order_by("slot")
    attempts = (
        Attempt.objects.filter(user=user).select_related("quiz__course")
        .prefetch_related(Prefetch("responses", queryset=responses)).order_by("started_at")
    )  # fmt: skip
    cards = ReviewCard.objects.filter(user=user).select_related("question").prefetch_related("logs")
    # The export follows each quiz's review policy like every other page: marks and
    # feedback it still hides (say until the quiz closes) are left out until it shows them.
    now = timezone.now()
    no_marks = attempts_hiding(user, MARKS, now)
    no_feedback = attempts_hiding(user, FEEDBACK, now)
    return {
        "exported_at": now.isoformat(),
        "account": {
            "username": user.get_username(), "email": user.email, "first_name": user.first_name,
            "last_name": user.last_name, "date_joined": _iso(user.date_joined),
        },
        "enrollments": [{
            "course": e.course.slug, "cohort": e.cohort.name if e.cohort else None,
            "enrolled_at": _iso(e.enrolled_at), "completed_at": _iso(e.completed_at),
            "certificate": _certificate(e),
        } for e in enrollments],
        "lesson_progress": [{
            "course": p.lesson.module.course.slug, "lesson": p.lesson.slug,
            "last_seen": _iso(p.last_seen), "completed_at": _iso(p.completed_at),
        } for p in progress],
        "attempts": [{
            "course": a.quiz.course.slug, "quiz": a.quiz.slug, "number": a.number, "state": a.state,
            "started_at": _iso(a.started_at), "submitted_at": _iso(a.submitted_at),
            "score": None if a.pk in no_marks else _number(a.score),
            "max_score": _number(a.max_score),
            "passed": None if a.pk in no_marks else a.passed,
            "marks_withheld": a.pk in no_marks,
            "responses": [{
                "slot": r.slot, "question": r.version.data.get("slug"), "answer": r.answer,
                "score": None if a.pk in no_marks else _number(r.score),
                "feedback": "" if a.pk in no_feedback else r.feedback,
                "comment": "" if a.pk in no_feedback else r.comment,
            } for r in a.responses.all()],
        } for a in attempts],
        "reviews": [{
            "question": c.question.slug, "due": _iso(c.due), "reviews": c.reviews,
            "log": [{"rating": log.get_rating_display(), "fraction": log.fraction,
                     "reviewed_at": _iso(log.reviewed_at)} for log in c.logs.all()],
        } for c in cards],
    }  # fmt: skip


def _certificate(enrollment):
    certificate = getattr(enrollment, "certificate", None)
    if certificate is None:
        return None
    return {
        "code": certificate.code,
        "name": certificate.name,
        "issued_at": _iso(certificate.issued_at),
    }


def _number(value):
    return None if value is None else float(value)


@transaction.atomic
def account_delete(*, user) -> None:
    """Delete the account and personal data; keep anonymous attempts for statistics."""
    anonymous = get_user_model().objects.create(
        username=f"{ANONYMOUS_PREFIX}{secrets.token_hex(8)}", is_active=False
    )
    anonymous.set_unusable_password()
    anonymous.save(update_fields=["password"])
    Attempt.objects.filter(user=user).update(user=anonymous)
    user.delete()  # cascades: enrolments, certificates, progress, cards, evidence, overrides
