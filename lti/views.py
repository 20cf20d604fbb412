"""LTI endpoints: the tool's keyset, login initiation, launch, and the deep-linking page.

Launch and login come from the platform, cross-site, so they cannot carry a CSRF token:
the library's checks stand in for it (the id_token signed by the platform's key, the
state cookie set at login, a nonce good for one launch). Every refusal is a 403 page
that says why.
"""

from urllib.parse import urlsplit

from django.contrib.auth import login as auth_login
from django.core import signing
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.exception import LtiException, OIDCException

from indivisible.logs import log_event
from lti import selectors, services, tool

DEEP_LINK_SALT = "lti.deep-link"
EXPIRED = gettext_noop(
    "The page to choose content has expired or was altered. Start again from the platform."
)
NOT_SUPPORTED = gettext_noop(
    "This kind of LTI message is not supported; only links and deep linking are."
)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _refused(request, reason: str, *, message: str = services.REFUSED, status: int = 403):
    log_event("lti.launch.refused", status=status, reason=reason[:200])
    return render(
        request, "lti/refused.html", {"message": gettext(message), "reason": reason}, status=status
    )


def _framed_by_platform(response, claims: dict):
    """Let the platform that asked for deep linking show the page in its frame and take the
    page's form: its origin is that of the return URL it sent. Other pages stay unframeable."""
    parts = urlsplit(services.deep_link_return_url(claims))
    origin = f"{parts.scheme}://{parts.netloc}"
    response.xframe_options_exempt = True
    # What django-csp's csp_replace decorator sets; here it depends on the launch.
    response._csp_replace = {"frame-ancestors": [origin], "form-action": ["'self'", origin]}
    return response


def _launch_url(request) -> str:
    return request.build_absolute_uri(reverse("lti:launch"))


@require_GET
def jwks(request):
    return JsonResponse(tool.tool_jwks())


@csrf_exempt  # a platform starts the login cross-site; it only stores a nonce and a state
@require_http_methods(["GET", "POST"])
def login(request):
    tool.launch_values_prune()
    try:
        return tool.oidc_login(request).redirect(_launch_url(request))
    except (OIDCException, LtiException) as exc:
        return _refused(request, str(exc))


@csrf_exempt  # see the module docstring: the signed id_token, state and nonce protect it
@require_POST
def launch(request):
    try:
        message = tool.message_launch(request)
    except LtiException as exc:
        return _refused(request, str(exc))
    claims = message.get_launch_data()
    if message.is_deep_link_launch():
        return _deep_link_page(request, message, claims)
    if not message.is_resource_launch():
        return _refused(request, NOT_SUPPORTED, message=NOT_SUPPORTED)
    try:
        result = services.launch_resource(registration=tool.registration_of(message), claims=claims)
    except services.LaunchError as exc:
        return _refused(request, exc.code, message=exc.message, status=exc.status)
    auth_login(request, result.user, backend=MODEL_BACKEND)
    return redirect(result.url)


def _deep_link_page(request, message, claims, *, error: str = "", status: int = 200):
    if not services.may_choose_content(claims):
        return _refused(request, "not an instructor", message=services.INSTRUCTORS_ONLY)
    try:
        services.deep_link_return_url(claims)
    except services.LaunchError as exc:
        return _refused(request, exc.code, message=exc.message)
    context = {
        "courses": selectors.deep_link_choices(),
        "token": signing.dumps(message.get_launch_id(), salt=DEEP_LINK_SALT),
        "error": gettext(error) if error else "",
    }
    response = render(request, "lti/deep_link.html", context, status=status)
    return _framed_by_platform(response, claims)


# Shown in the platform's frame, where the browser may withhold this site's cookies, so a
# CSRF cookie cannot be relied on. The signed token in the form stands in for it: only the
# page answering a validated instructor launch has it, and it lasts as long as the launch.
@csrf_exempt
@require_POST
def deep_link(request):
    try:
        launch_id = signing.loads(
            request.POST.get("launch", ""),
            salt=DEEP_LINK_SALT,
            max_age=tool.LAUNCH_LIFETIME_SECONDS,
        )
        message = tool.message_launch_restore(request, launch_id)
    except (signing.BadSignature, LtiException):
        return _refused(request, "deep-linking token", message=EXPIRED)
    claims = message.get_launch_data()
    if not message.is_deep_link_launch() or not services.may_choose_content(claims):
        return _refused(request, "not an instructor", message=services.INSTRUCTORS_ONLY)
    try:
        target = services.target_from_choice(request.POST.get("item", ""))
    except services.LaunchError as exc:
        return _deep_link_page(request, message, claims, error=exc.message, status=exc.status)
    reply = services.deep_link_reply(launch=message, target=target, launch_url=_launch_url(request))
    response = render(request, "lti/deep_link_return.html", {"reply": reply, "target": target})
    return _framed_by_platform(response, claims)


@require_GET
def canvas_config(request):
    """The JSON a Canvas admin pastes (or points to) when creating an LTI developer key."""
    launch_url = _launch_url(request)
    placement = {
        "text": "Indivisible",
        "message_type": "LtiDeepLinkingRequest",
        "target_link_uri": launch_url,
    }
    return JsonResponse({
        "title": "Indivisible",
        "description": "Courses and quizzes; quiz grades go to the gradebook.",
        "oidc_initiation_url": request.build_absolute_uri(reverse("lti:login")),
        "target_link_uri": launch_url,
        "public_jwk_url": request.build_absolute_uri(reverse("lti:jwks")),
        "scopes": [
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
            "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        ],
        "extensions": [{
            "platform": "canvas.instructure.com",
            "privacy_level": "public",
            "settings": {"placements": [
                {"placement": "link_selection", **placement},
                {"placement": "assignment_selection", **placement},
            ]},
        }],
    })  # fmt: skip
