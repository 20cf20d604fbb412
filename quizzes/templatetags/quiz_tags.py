from django import template
from django.utils.safestring import mark_safe

from quizzes import inputs

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str):
    """mapping[key] in a template, '' when absent."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


@register.simple_tag(takes_context=True)
def question_inputs(context, card, disabled=False) -> str:
    """The question's inputs (quizzes/inputs.py), in the course's language."""
    course = context.get("course")
    return mark_safe(  # noqa: S308 - every value is escaped in quizzes/inputs.py
        inputs.question_inputs(card, getattr(course, "language", ""), bool(disabled))
    )
