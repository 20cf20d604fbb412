"""Pages rendered once and completed per request: the shared part from the cache, the
viewer's own parts ("holes") rendered fresh each time.

Most of a lesson page is the same for every viewer: the lesson, its sources, its
neighbours, the header. Rendering it costs several times what the whole request may cost
(docs/benchmarks.md). A template marks what depends on the viewer or the request with
``{% hole "name" %} … {% endhole %}`` (courses/templatetags/shell.py). `shell_for`
renders the template once with no request at all, so nothing of a viewer can reach the
cached text: no user, no session, no messages, no CSRF token (a ``{% csrf_token %}``
outside a hole is an error, not a stale token served to everyone). It caches the text
between the holes and, on each request, `respond` renders only the holes with the request's context.
A page renders the same either way; tests compare the two byte for byte.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.template import Context
from django.template.context import make_context
from django.template.loader import get_template, render_to_string
from django.utils.crypto import salted_hmac
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

SHELL_SECONDS = 24 * 3600  # keys carry the content's version, so an old shell is never read
COLLECTOR = "_pageshell_holes"  # the context variable that puts HoleNode into shell mode
NO_CSRF = "\x1eno-csrf-token-in-a-shell\x1e"

# Every hole by (template name, hole name), registered when its template is parsed.
HOLES: dict[tuple[str, str], object] = {}


@cache
def _marker_sign() -> str:
    """A secret part of each hole's marker, so no lesson text can forge a marker."""
    return salted_hmac("courses.pageshell", "hole marker").hexdigest()[:24]


def hole_marker(index: int) -> str:
    return f"\x1e{_marker_sign()}:{index}\x1e"


@cache
def _marker_pattern() -> re.Pattern:
    return re.compile(f"\x1e{_marker_sign()}:\\d+\x1e")


@dataclass
class Shell:
    """A page's shared part; `data` is what the view keeps of it (ids it needs per request)."""

    template_name: str
    data: dict
    parts: list[str] = field(default_factory=list)
    holes: list[tuple[str, str]] = field(default_factory=list)
    context: dict | None = None  # the whole shared context, when shells are turned off


def shell_for(template_name: str, *, key: tuple, shared: Callable[[], tuple[dict, dict]]) -> Shell:
    """The page's shell from the cache, or rendered and cached.

    `key` names everything the shared part depends on (the content's version included);
    language and time zone are added here. `shared()` returns the shared context and the
    view's data, and runs only when the shell is not cached (it may raise Http404).
    """
    if not settings.PAGE_SHELLS:
        context, data = shared()
        return Shell(template_name, data, context=context)
    cache_key = "shell:" + ":".join(
        map(str, (template_name, get_language(), get_current_timezone_name(), *key))
    )
    shell = django_cache.get(cache_key)
    if shell is None:
        context, data = shared()
        shell = Shell(template_name, data, *render_shell(template_name, context))
        django_cache.set(cache_key, shell, SHELL_SECONDS)
    return shell


def respond(request, shell: Shell, own: dict, status: int = 200) -> HttpResponse:
    """The page: the shell's parts with each hole rendered in the request's context.

    `own` is the context of the holes: the viewer's state.
    """
    if shell.context is not None:
        clash = [name for name in own if shell.context.get(name, own[name]) is not own[name]]
        if clash:
            raise ImproperlyConfigured(f"{shell.template_name}: {clash} both shared and own.")
        text = render_to_string(shell.template_name, {**shell.context, **own}, request)
    else:
        text = fill(request, shell, own)
    return HttpResponse(text, status=status)


def render_shell(template_name: str, context: dict) -> tuple[list[str], list[tuple[str, str]]]:
    """The template's text split at its holes, and which hole goes between each two parts."""
    holes: list[tuple[str, str]] = []
    text = get_template(template_name).render({**context, COLLECTOR: holes, "csrf_token": NO_CSRF})
    if NO_CSRF in text:
        raise ImproperlyConfigured(
            f"{template_name}: a {{% csrf_token %}} outside a {{% hole %}} would be cached "
            "and served to every viewer."
        )
    parts = _marker_pattern().split(text)
    if len(parts) != len(holes) + 1:
        raise ImproperlyConfigured(f"{template_name}: a hole's marker is missing or repeated.")
    return parts, holes


def fill(request, shell: Shell, own: dict) -> str:
    template = get_template(shell.template_name).template
    context = make_context(own, request)
    out = [shell.parts[0]]
    with context.bind_template(template):
        for hole, text in zip(shell.holes, shell.parts[1:], strict=True):
            out.append(_hole(hole).nodelist.render(context))
            out.append(text)
    return "".join(out)


def _hole(hole: tuple[str, str]):
    """The hole's node; a shell cached by another process names templates not parsed here yet."""
    if hole not in HOLES:
        get_template(hole[0])
    return HOLES[hole]


def in_shell_mode(context: Context) -> list | None:
    return context.get(COLLECTOR)
