"""Quiz pages: the quiz, an attempt (answer, save, autosave, submit) and its review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from courses.selectors import can_preview, course_for_viewer
from quizzes import selectors, services
from quizzes.cards import attempt_cards, review_cards
from quizzes.models import Attempt
from quizzes.review import review_options


def detail(request, course, quiz):
    course = course_for_viewer(course, request.user)
    quiz = selectors.quiz_for_viewer(course, quiz, request.user, can_preview(request.user, course))
    context = {"course": course, "quiz": quiz, "attempts": [], "refusal": None}
    if request.user.is_authenticated:
        attempts = list(quiz.attempts.for_learner(request.user).order_by("number"))
        rules = services.quiz_rules(quiz, request.user)
        in_progress = next((a for a in attempts if a.state == Attempt.State.IN_PROGRESS), None)
        for past in attempts:  # the review policy may hide marks for now
            past.quiz = quiz
            past.marks_shown = "marks" in review_options(past, timezone.now())
        context.update(
            attempts=attempts, rules=rules, in_progress=in_progress,
            refusal=None if in_progress
            else services.start_refusal(quiz, request.user, rules, timezone.now()),
            grade=selectors.quiz_grade(attempts, quiz.grading_method)
            if all(a.marks_shown for a in attempts if a.is_final) else None,
            question_count=quiz.questions_per_attempt or quiz.slots.count(),
        )  # fmt: skip
    return render(request, "quizzes/quiz_detail.html", context)


@login_required
@require_POST
def start(request, course, quiz):
    course = course_for_viewer(course, request.user)
    quiz = selectors.quiz_for_viewer(course, quiz, request.user, can_preview(request.user, course))
    try:
        attempt = services.attempt_start(quiz=quiz, user=request.user)
    except services.QuizError as exc:
        messages.error(request, exc.message)
        return redirect(quiz)
    return redirect(attempt)


@login_required
@require_http_methods(["GET", "POST"])
def attempt(request, pk):
    attempt = selectors.own_attempt(request.user, pk)
    if attempt.state != Attempt.State.IN_PROGRESS:
        return redirect("quizzes:result", pk=attempt.pk)
    if services.is_overdue(attempt, timezone.now()):
        services.attempt_submit(attempt=attempt)
        messages.warning(request, gettext(services.TIME_UP))
        return redirect("quizzes:result", pk=attempt.pk)
    errors = {}
    if request.method == "POST":
        try:
            errors = services.attempt_save(attempt=attempt, data=request.POST)
        except services.QuizError as exc:
            messages.warning(request, exc.message)
            return redirect("quizzes:result", pk=attempt.pk)
        if not errors:
            return _after_save(request, attempt)
        messages.error(
            request,
            gettext("Nothing was saved:")
            + " "
            + " ".join(
                gettext("Question {slot}: {message}").format(slot=slot, message=message)
                for slot, message in sorted(errors.items())
            ),
        )
    return _attempt_page(request, attempt, errors, status=400 if errors else 200)


def _after_save(request, attempt):
    action = request.POST.get("action", "save")
    if action == "finish":
        return redirect("quizzes:submit", pk=attempt.pk)
    page = request.POST.get("goto", "")
    messages.success(request, gettext("Your answers are saved."))
    url = attempt.get_absolute_url()
    return redirect(f"{url}?page={page}" if page.isdecimal() else url)


def _attempt_page(request, attempt, errors, status=200):
    responses = selectors.attempt_responses(attempt)
    cards = attempt_cards(responses, errors)
    page = _page(request, attempt, len(cards))
    shown = [cards[page - 1]] if page else cards
    return render(request, "quizzes/attempt.html", {
        "attempt": attempt, "quiz": attempt.quiz, "course": attempt.quiz.course, "cards": cards,
        "shown": shown, "page": page, "seconds_left": _seconds_left(attempt),
    }, status=status)  # fmt: skip


def _page(request, attempt, count: int) -> int:
    """0 shows every question; page N shows question N (for one question per page)."""
    if not attempt.quiz.one_question_per_page:
        return 0
    raw = request.GET.get("page", "1")
    return min(max(int(raw), 1), count) if raw.isdecimal() else 1


def _seconds_left(attempt) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - timezone.now()).total_seconds()))


@login_required
@require_POST
def autosave(request, pk):
    """Save answers in the background (JSON); the same rules as the save button."""
    attempt = selectors.own_attempt(request.user, pk)
    try:
        errors = services.attempt_save(attempt=attempt, data=request.POST)
    except services.QuizError as exc:
        return JsonResponse({"saved": False, "closed": True, "message": exc.message}, status=409)
    if errors:
        return JsonResponse(
            {"saved": False, "errors": {str(k): v for k, v in errors.items()}}, status=400
        )
    return JsonResponse(
        {"saved": True, "at": timezone.now().isoformat(), "seconds_left": _seconds_left(attempt)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, pk):
    attempt = selectors.own_attempt(request.user, pk)
    if request.method == "POST":
        services.attempt_submit(attempt=attempt)
        return redirect("quizzes:result", pk=attempt.pk)
    if attempt.state != Attempt.State.IN_PROGRESS:
        return redirect("quizzes:result", pk=attempt.pk)
    cards = attempt_cards(selectors.attempt_responses(attempt))
    return render(request, "quizzes/submit.html", {
        "attempt": attempt, "quiz": attempt.quiz, "course": attempt.quiz.course,
        "unanswered": [c for c in cards if not c.answered], "total": len(cards),
        "seconds_left": _seconds_left(attempt),
    })  # fmt: skip


@login_required
def result(request, pk):
    attempt = selectors.own_attempt(request.user, pk)
    if attempt.state == Attempt.State.IN_PROGRESS:
        return redirect(attempt)
    quiz, course = attempt.quiz, attempt.quiz.course
    options = review_options(attempt, timezone.now())
    cards = (
        review_cards(selectors.attempt_responses(attempt), options, course)
        if "attempt" in options
        else []
    )
    return render(request, "quizzes/result.html", {
        "attempt": attempt, "quiz": quiz, "course": course, "options": options, "cards": cards,
        "overall": selectors.overall_feedback(quiz, attempt.percent)
        if "overall_feedback" in options else "",
    })  # fmt: skip
