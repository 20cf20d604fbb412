"""The learner's review page: the next due card, its result, and recall per concept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.timesince import timeuntil
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from courses.models import Course
from quizzes import reviews
from quizzes.cards import AttemptCard, ReviewCard
from quizzes.grading import right_answer_summary
from quizzes.models import ReviewLog
from quizzes.presentation import display_answer, learner_view


@login_required
@require_GET
def review(request):
    """The most overdue card as a question, or "Nothing due" and the recall table."""
    now, course, user = timezone.now(), _course_filter(request.GET.get("course")), request.user
    withheld = reviews.withheld_questions(user=user, now=now)
    card = reviews.review_next(user=user, now=now, course=course, withheld=withheld)
    context = {
        "mode": "question" if card else "empty", "now": now, "course_filter": course,
        "due": reviews.reviews_due_count(user=user, now=now, withheld=withheld),
        "recall": reviews.concept_recall(user=user, course=course, now=now, withheld=withheld),
    }  # fmt: skip
    if card is None:
        context["next_due"] = reviews.review_next_due(user=user, course=course, withheld=withheld)
    else:
        shown = reviews.review_question(card=card)
        context.update(shown=shown, qcard=_question_card(shown))
    return render(request, "quizzes/review.html", context)


@login_required
@require_POST
def answer(request, pk):
    """Grade and reschedule one card; an essay first asks the learner to rate themselves."""
    now, course = timezone.now(), _course_filter(request.POST.get("course"))
    card = get_object_or_404(
        reviews.own_cards(request.user, now).select_related("question__course"), pk=pk
    )
    try:
        if "rating" not in request.POST:
            shown, given = reviews.review_parse(card=card, data=request.POST)
            if shown.version.data["kind"] == "essay":
                return _rate_page(request, shown, given, course, now)
        outcome = reviews.review_answer(card=card, data=request.POST, now=now)
    except reviews.ReviewError as exc:
        return _refused(request, card, exc, course, now)
    return render(request, "quizzes/review.html", {
        "mode": "result", "outcome": outcome, "course_filter": course, "when":
        due_in_words(outcome.card.due, now), "rcard": _result_card(outcome),
        "rating_label": rating_label(outcome.rating),
        "course": card.question.course,
    })  # fmt: skip


def _refused(request, card, exc, course, now):
    """A stale form goes back to the deck; a bad answer or rating is shown again, unchanged."""
    if exc.code == "stale":
        messages.warning(request, exc.message)
        return redirect(_reviews_url(course))
    if exc.code == "shape":
        shown = reviews.review_question(card=card)
        return render(request, "quizzes/review.html", {
            "mode": "question", "shown": shown, "qcard": _question_card(shown, error=exc.message),
            "course_filter": course, "due": reviews.reviews_due_count(user=request.user, now=now),
        }, status=400)  # fmt: skip
    shown, given = reviews.review_parse(card=card, data=request.POST)
    return _rate_page(request, shown, given, course, now, error=exc.message, status=400)


def _rate_page(request, shown, given, course, now, error="", status=200):
    previews = reviews.rating_previews(card=shown.card, now=now)
    return render(request, "quizzes/review.html", {
        "mode": "rate", "shown": shown, "essay": given or "", "rating_error": error,
        "rcard": _result_card_for(shown, given), "course_filter": course,
        "course": shown.card.question.course,
        "ratings": [{"value": int(r), "label": rating_label(r), "when": due_in_words(due, now)}
                    for r, due in previews.items()],
    }, status=status)  # fmt: skip


def due_in_words(due, now) -> str:
    """The new due date in words: again in 3 days, again in 10 minutes, again now."""
    if due > now:
        return gettext("again in {wait}").format(wait=timeuntil(due, now, depth=1))
    return gettext("again now")


def rating_label(rating) -> str:
    """An fsrs Rating in the learner's language (Again, Hard, Good, Easy)."""
    return str(ReviewLog.Rating(int(rating)).label)


def _course_filter(slug: str | None) -> Course | None:
    return get_object_or_404(Course, slug=slug) if slug else None


def _reviews_url(course) -> str:
    url = reverse("quizzes:reviews")
    return f"{url}?{urlencode({'course': course.slug})}" if course else url


def _question_card(shown, answer=None, error="") -> AttemptCard:
    """The question as in an attempt: built from learner_view, so no key can reach the page."""
    data = shown.version.data
    return AttemptCard(
        slot=1, points=float(data["points"]), prompt_html=shown.version.prompt_html,
        view=learner_view(data, shown.order), values=display_answer(data, shown.order, answer),
        answered=answer not in (None, "", []), error=error,
    )  # fmt: skip


def _result_card_for(shown, answer, outcome=None) -> ReviewCard:
    """The answered question with its feedback, explanation, right answer and source."""
    data, course = shown.version.data, shown.card.question.course
    card = ReviewCard(**_question_card(shown, answer).__dict__, state=_state(outcome))
    card.explanation_html = shown.version.explanation_html
    card.right_answer = right_answer_summary(data)
    card.feedback = list(outcome.feedback) if outcome else []
    if data.get("source"):
        card.source_url = (
            reverse("courses:sources", args=[course.slug]) + f"#source-{data['source']}"
        )
        title = course.sources.filter(slug=data["source"]).values_list("title", flat=True).first()
        card.source_title, card.locator = title or data["source"], data.get("locator") or ""
    return card


def _result_card(outcome) -> ReviewCard:
    return _result_card_for(outcome.question, outcome.answer, outcome.outcome)


def _state(outcome) -> str:
    if outcome is None or outcome.fraction is None:
        return ""
    if outcome.fraction >= 0.999999:
        return "correct"
    return "partial" if outcome.fraction > 0 else "incorrect"
