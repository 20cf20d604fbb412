"""Navigation data for every page, computed only when a template shows it."""

from functools import partial

from courses.selectors import taught_course_ids
from quizzes.reviews import reviews_due_cached


def navigation(request) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    # Templates call callables, so these run only where the nav bar renders them.
    return {
        "nav_reviews_due": partial(reviews_due_cached, user=user),
        "nav_teaches": partial(lambda: bool(taught_course_ids(user))),
    }
