"""What the quizzes app adds to a course's completion rule: every required quiz passed."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext

from courses.models import Enrollment
from courses.progress import Unmet, enrollment_check_completion
from quizzes.models import Attempt, Quiz


def required_quizzes_unmet(enrollment: Enrollment) -> list[Unmet]:
    passed = Attempt.objects.filter(quiz=OuterRef("pk"), user=enrollment.user_id, passed=True)
    missing = (
        Quiz.objects.published().filter(course=enrollment.course_id, required=True)
        .annotate(passed=Exists(passed)).filter(passed=False)
        .select_related("course").order_by("module__position", "lesson__position", "title")
    )  # fmt: skip
    text = gettext("Pass the quiz “{title}”.")
    return [Unmet(text.format(title=quiz.title), quiz.get_absolute_url()) for quiz in missing]


def completion_after_grading(attempt: Attempt) -> None:
    """A passed attempt may complete the course; check the learner's enrolment."""
    if not attempt.passed:
        return
    enrollment = Enrollment.objects.filter(
        user=attempt.user_id, course=attempt.quiz.course_id
    ).first()
    if enrollment and not enrollment.completed_at:
        enrollment_check_completion(enrollment=enrollment)
