"""Learner-facing pages of a course: thin views over courses.selectors."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from courses import pageshell, progress, selectors
from courses.forms import SignupForm
from courses.models import Certificate, Enrollment, Lesson


def catalog(request):
    return render(request, "courses/catalog.html", {"courses": selectors.catalog()})


def detail(request, course):
    course = selectors.course_for_viewer(course, request.user)
    kind = request.GET.get("kind")
    if kind not in Lesson.Kind.values:
        kind = None
    modules = selectors.course_outline(course, selectors.can_preview(request.user, course), kind)
    enrollment = _enrollment(request.user, course)
    return render(request, "courses/course_detail.html", {
        "enrollment": enrollment,
        "progress": progress.course_progress(course=course, user=request.user, with_unmet=True)
        if enrollment else None,
        "course": course, "modules": modules, "kind": kind, "kinds": Lesson.Kind.choices,
        "lesson_count": sum(len(m.visible) for m in modules),
        "course_quizzes": [
            q for q in course.quizzes.all() if q.is_published and not (q.module_id or q.lesson_id)
        ],
    })  # fmt: skip


def lesson(request, course, lesson):
    """The lesson from its cached shell (courses.pageshell); the viewer's progress per request."""
    course = selectors.course_for_viewer(course, request.user)
    preview = selectors.can_preview(request.user, course)

    def shared() -> tuple[dict, dict]:
        full = selectors.lesson_for_viewer(course, lesson, preview)
        neighbours = selectors.lesson_neighbours(course, full, preview)
        return {"course": course, "lesson": full, "neighbours": neighbours}, {"id": full.pk}

    shell = pageshell.shell_for(
        "courses/lesson_detail.html",
        key=("lesson", course.pk, course.updated_at.timestamp(), lesson, preview),
        shared=shared,
    )
    state = Lesson(pk=shell.data["id"], slug=lesson)
    enrollment = request.user.is_authenticated and next(iter(
        Enrollment.objects.filter(user=request.user, course=course).only("last_lesson_id")[:1]
    ), None)  # fmt: skip
    if enrollment:
        progress.lesson_seen(lesson=state, enrollment=enrollment)
    return pageshell.respond(request, shell, {
        "course": course, "enrollment": enrollment, "lesson_slug": lesson,
        "lesson_done": selectors.lesson_done(state.pk, request.user),
    })  # fmt: skip


def sources(request, course):
    course = selectors.course_for_viewer(course, request.user)
    return render(request, "courses/sources.html", {
        "course": course, "sources": course.sources.order_by("title"),
    })  # fmt: skip


def glossary(request, course):
    course = selectors.course_for_viewer(course, request.user)
    return render(request, "courses/glossary.html", {
        "course": course, "groups": selectors.glossary(course),
    })  # fmt: skip


def concept(request, course, concept):
    course = selectors.course_for_viewer(course, request.user)
    concept = selectors.concept_detail(course, concept, selectors.can_preview(request.user, course))
    return render(request, "courses/concept_detail.html", {
        "course": course, "concept": concept, "map": selectors.concept_map(concept),
    })  # fmt: skip


def timeline(request, course):
    course = selectors.course_for_viewer(course, request.user)
    events = course.timeline.select_related("source").prefetch_related("concepts")
    return render(request, "courses/timeline.html", {"course": course, "events": events})


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    lessons, concepts = selectors.search(query) if query else ([], [])
    return render(request, "courses/search.html", {
        "query": query, "lessons": lessons, "concepts": concepts,
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("courses:catalog")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, gettext("Welcome! Your account is ready."))
        return redirect("courses:catalog")
    return render(request, "registration/signup.html", {"form": form})


def _enrollment(user, course) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return (
        Enrollment.objects.select_related("last_lesson", "certificate")
        .filter(user=user, course=course)
        .first()
    )


@login_required
@require_POST
def enrol(request, course):
    course = selectors.course_for_viewer(course, request.user)
    try:
        progress.course_enroll(course=course, user=request.user)
    except progress.ProgressError as exc:
        messages.error(request, exc.message)
    else:
        enrolled = gettext("You are enrolled in %(course)s.") % {"course": course.title}
        messages.success(request, enrolled)
    return redirect(course)


@login_required
@require_POST
def mark(request, course, lesson):
    """Mark a lesson complete, or undo it (`complete=0`)."""
    course = selectors.course_for_viewer(course, request.user)
    lesson = selectors.lesson_for_viewer(course, lesson, preview=False)
    complete = request.POST.get("complete") != "0"
    try:
        certificate = progress.lesson_mark(lesson=lesson, user=request.user, complete=complete)
    except progress.ProgressError as exc:
        messages.error(request, exc.message)
        return redirect(lesson)
    if certificate:
        messages.success(request, gettext("You completed the course. Your certificate is ready."))
        return redirect("courses:certificate_print", code=certificate.code)
    messages.success(
        request, gettext("Marked as complete.") if complete else gettext("Marked as not complete.")
    )
    return redirect(lesson)


def certificate(request, code):
    """Public verification: name, course and date, nothing else; unknown codes are 404."""
    certificate = get_object_or_404(Certificate, code=code)
    return render(request, "courses/certificate_verify.html", {"certificate": certificate})


@login_required
def certificate_print(request, code):
    """The printable certificate, for its owner only."""
    certificate = Certificate.objects.select_related("enrollment").filter(code=code).first()
    if certificate is None or certificate.enrollment.user_id != request.user.pk:
        raise Http404("No such certificate.")
    return render(request, "courses/certificate_print.html", {"certificate": certificate})
