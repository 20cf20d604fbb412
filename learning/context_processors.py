"""Navigation data for every page, computed only when a template shows it."""

from functools import partial

from django.core.cache import cache
from django.utils import timezone

from courses.selectors import taught_course_ids
from quizzes.models import ReviewCard

DUE_CACHE_SECONDS = 60


def due_reviews(user) -> int:
    """Cards due now; cached a minute per learner so the nav bar costs no query per page."""
    key = f"reviews-due:{user.pk}"
    count = cache.get(key)
    if count is None:
        count = ReviewCard.objects.filter(user=user, due__lte=timezone.now()).count()
        cache.set(key, count, DUE_CACHE_SECONDS)
    return count


def navigation(request) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    # Templates call callables, so these run only where the nav bar renders them.
    return {
        "nav_reviews_due": partial(due_reviews, user),
        "nav_teaches": partial(lambda: bool(taught_course_ids(user))),
    }
