"""Learner-facing pages of a course: thin views over courses.selectors."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from courses import selectors
from courses.forms import SignupForm
from courses.models import Lesson


def catalog(request):
    return render(request, "courses/catalog.html", {"courses": selectors.catalog()})


def detail(request, course):
    course = selectors.course_for_viewer(course, request.user)
    kind = request.GET.get("kind")
    if kind not in Lesson.Kind.values:
        kind = None
    modules = selectors.course_outline(course, selectors.can_preview(request.user, course), kind)
    return render(request, "courses/course_detail.html", {
        "course": course, "modules": modules, "kind": kind, "kinds": Lesson.Kind.choices,
        "lesson_count": sum(len(m.visible) for m in modules),
        "course_quizzes": [
            q for q in course.quizzes.all() if q.is_published and not (q.module_id or q.lesson_id)
        ],
    })  # fmt: skip


def lesson(request, course, lesson):
    course = selectors.course_for_viewer(course, request.user)
    preview = selectors.can_preview(request.user, course)
    lesson = selectors.lesson_for_viewer(course, lesson, preview)
    return render(request, "courses/lesson_detail.html", {
        "course": course, "lesson": lesson,
        "neighbours": selectors.lesson_neighbours(course, lesson, preview),
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
        messages.success(request, "Welcome! Your account is ready.")
        return redirect("courses:catalog")
    return render(request, "registration/signup.html", {"form": form})
