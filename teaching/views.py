"""Instructor pages: thin views over teaching.selectors, teaching.gradebook and services.

Every course page goes through `instructor_required` (teaching/permissions.py); every
page that lists learners takes `?cohort=<id>`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from courses.progress import ProgressError, cohort_join
from quizzes.services import QuizError, response_grade
from quizzes.statistics import ATTEMPT_SETS, FLAG_LABELS, quiz_statistics
from teaching import export, gradebook, selectors
from teaching.forms import CohortForm, GradeForm, JoinForm
from teaching.permissions import courses_taught, instructor_required
from teaching.services import cohort_create

GRADED = gettext_noop("Grade saved for {learner}.")
QUEUE_EMPTY = gettext_noop("Every essay is graded.")
COHORT_CREATED = gettext_noop("Cohort “{name}” created; its join code is {code}.")
JOINED = gettext_noop("You joined {cohort} in {course}.")


def _with_cohort(url: str, cohort) -> str:
    return f"{url}?cohort={cohort.pk}" if cohort else url


def _cohorts(request, course):
    return selectors.cohort_choice(course, request.GET.get("cohort"))


@login_required
@require_GET
def index(request):
    """The courses I teach; staff without a course see an empty list, learners a 403."""
    courses = selectors.courses_with_counts(courses_taught(request.user))
    if not (request.user.is_staff or courses):
        raise PermissionDenied("You do not teach a course.")
    return render(request, "teaching/index.html", {"courses": courses})


@require_GET
@instructor_required
def course(request, course):
    cohorts, cohort = _cohorts(request, course)
    return render(request, "teaching/course.html", {
        "course": course, "cohorts": cohorts, "cohort": cohort,
        "overview": selectors.course_overview(course, cohort),
        "quizzes": gradebook.gradebook_quizzes(course),
    })  # fmt: skip


@require_GET
@instructor_required
def gradebook_page(request, course):
    cohorts, cohort = _cohorts(request, course)
    book = gradebook.gradebook_page(
        course, cohort=cohort, sort=request.GET.get("sort", ""), page=request.GET.get("page")
    )
    return render(request, "teaching/gradebook.html", {
        "course": course, "cohorts": cohorts, "cohort": cohort, "book": book,
    })  # fmt: skip


@require_GET
@instructor_required
def gradebook_csv(request, course):
    _, cohort = _cohorts(request, course)
    quizzes, rows = gradebook.gradebook_rows(
        course, cohort=cohort, sort=request.GET.get("sort", "")
    )
    response = StreamingHttpResponse(
        export.csv_stream(export.csv_lines(quizzes, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{course.slug}-gradebook.csv"'
    return response


@require_GET
@instructor_required
def learner(request, course, user):
    return render(request, "teaching/learner.html", {
        "course": course, "report": selectors.learner_report(course, user),
    })  # fmt: skip


@require_GET
@instructor_required
def attempt(request, course, pk):
    attempt = selectors.course_attempt(course, pk)
    return render(request, "teaching/attempt.html", {
        "course": course, "attempt": attempt, "quiz": attempt.quiz,
        "cards": selectors.attempt_cards_for_instructor(course, attempt),
    })  # fmt: skip


@require_GET
@instructor_required
def grading(request, course):
    cohorts, cohort = _cohorts(request, course)
    queue = selectors.awaiting_grading(course, cohort).select_related(
        "version", "attempt__quiz", "attempt__user"
    )
    page = Paginator(queue, gradebook.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "teaching/grading.html", {
        "course": course, "cohorts": cohorts, "cohort": cohort, "page": page,
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
@instructor_required
def grade(request, course, pk):
    """Grade one essay, then go on to the oldest one still waiting (in the same cohort)."""
    cohorts, cohort = _cohorts(request, course)
    response = selectors.gradable_response(course, pk)
    initial = {"score": response.score, "comment": response.comment}
    form = GradeForm(request.POST or None, points=response.points, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            response_grade(
                response=response, score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"], grader=request.user,
            )  # fmt: skip
        except QuizError as exc:
            form.add_error("score", exc.message)
        else:
            learner = response.attempt.user.get_username()
            messages.success(request, gettext(GRADED).format(learner=learner))
            return redirect(_next_essay(request, course, cohort))
    return render(request, "teaching/grade.html", {
        "course": course, "cohort": cohort, "response": response, "form": form,
        "answer": response.answer or "", "guidance": response.version.data.get("guidance", ""),
    }, status=400 if form.errors else 200)  # fmt: skip


def _next_essay(request, course, cohort) -> str:
    following = selectors.awaiting_grading(course, cohort).first()
    if following is None:
        messages.info(request, gettext(QUEUE_EMPTY))
        return _with_cohort(reverse("teaching:grading", args=[course.slug]), cohort)
    return _with_cohort(reverse("teaching:grade", args=[course.slug, following.pk]), cohort)


@require_http_methods(["GET", "POST"])
@instructor_required
def cohorts(request, course):
    form = CohortForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        cohort = cohort_create(course=course, name=form.cleaned_data["name"])
        created = gettext(COHORT_CREATED).format(name=cohort.name, code=cohort.join_code)
        messages.success(request, created)
        return redirect("teaching:cohorts", course=course.slug)
    return render(request, "teaching/cohorts.html", {
        "course": course, "form": form, "cohorts": selectors.cohorts_with_counts(course),
        "join_url": request.build_absolute_uri(reverse("cohorts:join")),
    }, status=400 if form.errors else 200)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def join(request):
    """A learner joins a cohort by its code, enrolling in its course if needed."""
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = cohort_join(code=form.cleaned_data["code"], user=request.user)
        except ProgressError as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(request, gettext(JOINED).format(
                cohort=enrollment.cohort.name, course=enrollment.course.title
            ))  # fmt: skip
            return redirect(enrollment.course)
    return render(request, "teaching/join.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@instructor_required
def statistics(request, course, quiz):
    """Moodle's quiz statistics (quizzes/statistics.py) for first or all attempts, by cohort."""
    cohorts, cohort = _cohorts(request, course)
    quiz = get_object_or_404(course.quizzes, slug=quiz)
    attempts = request.GET.get("attempts")
    attempts = attempts if attempts in ATTEMPT_SETS else ATTEMPT_SETS[0]
    flag_labels = {key: gettext(label) for key, label in FLAG_LABELS.items()}
    return render(request, "teaching/statistics.html", {
        "course": course, "cohorts": cohorts, "cohort": cohort, "quiz": quiz,
        "attempts": attempts, "flag_labels": flag_labels,
        "stats": quiz_statistics(quiz=quiz, attempts=attempts, cohort=cohort),
    })  # fmt: skip
