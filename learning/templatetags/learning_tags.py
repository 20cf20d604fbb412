"""Tags that show a learner's own state on pages of the courses app (which imports nothing
from quizzes): mastery and predicted recall on a concept page."""

from django import template
from django.utils import timezone

from quizzes.mastery import concept_mastery
from quizzes.review import MARKS, attempts_hiding
from quizzes.reviews import concept_recall

register = template.Library()


@register.inclusion_tag("learning/_concept_status.html", takes_context=True)
def concept_status(context, concept):
    """The viewer's mastery level and predicted recall of one concept.

    As on the dashboard, answers whose marks a quiz's review policy still hides do not
    count, and cards it withholds are not in the recall (docs/security.md).
    """
    user, now = context["request"].user, timezone.now()
    if not user.is_authenticated:
        return {"show": False}
    hidden = attempts_hiding(user, MARKS, now)
    mastery = concept_mastery(user=user, course=concept.course, hidden_attempts=hidden).get(
        concept.pk
    )
    recall = next(
        (row for row in concept_recall(user=user, course=concept.course, now=now)
         if row.slug == concept.slug),
        None,
    )  # fmt: skip
    return {"show": True, "mastery": mastery, "recall": recall, "now": now}
