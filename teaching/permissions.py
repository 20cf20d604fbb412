"""Who may see a course's teaching pages: its instructors, and superusers."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404

from courses.models import Course


def courses_taught(user):
    """The courses a user may teach: every course for a superuser, else their own."""
    return Course.objects.all() if user.is_superuser else Course.objects.taught_by(user)


def taught_course(user, slug: str) -> Course:
    """The course, or 404 for a course the user does not teach (its existence stays private)."""
    return get_object_or_404(courses_taught(user), slug=slug)


def instructor_required(view):
    """Log in, then swap the URL's course slug for the course, which the user must teach."""

    @wraps(view)
    @login_required
    def wrapped(request, course: str, **kwargs):
        return view(request, taught_course(request.user, course), **kwargs)

    return wrapped
