"""LTI workflows: a resource launch, a deep-linking reply, and grade passback (docs/lti.md).

They take the claims of a launch the library has already validated (lti/tool.py); none
of them reads or signs a token itself.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.roles import DesignerRole, TeacherRole
from pylti1p3.service_connector import ServiceConnector

from courses.models import Course, Module
from courses.progress import ProgressError, course_enroll
from indivisible.logs import log_event
from lti import transport
from lti.models import Account, GradeLink, Registration, ScoreRetry
from lti.tool import library_registration
from quizzes.models import Attempt, Quiz
from quizzes.selectors import quiz_grade

logger = logging.getLogger(__name__)

CLAIM_CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
CLAIM_AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
CLAIM_DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_MAXIMUM = 100
"""Grades go back as percentages, the unit of the quiz grade under every grading method."""

# English constants (tests compare them); lti/views.py shows them translated.
REFUSED = gettext_noop(
    "Your learning platform's launch could not be verified, so nobody was signed in."
)
NOT_AVAILABLE = gettext_noop(
    "The course, module or quiz this link opens is not available on this site."
)
INSTRUCTORS_ONLY = gettext_noop("Only an instructor of the course can choose what a link opens.")
DISABLED = gettext_noop("This account is disabled. Ask the site's administrators.")
NOTHING_CHOSEN = gettext_noop("Choose a course, a module or a quiz.")
BAD_RETURN_URL = gettext_noop(
    "The learning platform sent no usable address to return the choice to."
)


class LaunchError(Exception):
    """A launch or a choice that cannot be served; `message` is for the user."""

    def __init__(self, message: str, code: str, status: int = 403) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


@dataclass(frozen=True)
class Target:
    """What a link opens: a course, one of its modules, or one of its quizzes."""

    course: Course
    module: Module | None = None
    quiz: Quiz | None = None

    @property
    def item(self):
        return self.quiz or self.module or self.course

    @property
    def custom(self) -> dict[str, str]:
        """The link's custom parameters, which name the target on every later launch."""
        custom = {"course": self.course.slug}
        if self.quiz:
            custom["quiz"] = self.quiz.slug
        elif self.module:
            custom["module"] = self.module.slug
        return custom


@dataclass(frozen=True)
class LaunchResult:
    user: object
    url: str


def target_from_custom(custom: dict) -> Target | None:
    """The target a link's custom parameters name (`course`, and `module` or `quiz`)."""
    if not custom.get("course"):
        return None
    course = Course.objects.published().filter(slug=str(custom["course"])).first()
    if course and custom.get("quiz"):
        quiz = Quiz.objects.published().filter(course=course, slug=str(custom["quiz"])).first()
        return _target_or_404(quiz and Target(course, quiz=quiz))
    if course and custom.get("module"):
        module = course.modules.filter(slug=str(custom["module"])).first()
        return _target_or_404(module and Target(course, module=module))
    return _target_or_404(course and Target(course))


def target_from_choice(choice: str) -> Target:
    """The target an instructor ticked on the deep-linking page (`quiz:12`, `module:3`...)."""
    kind, _, pk = choice.partition(":")
    if kind not in ("course", "module", "quiz") or not pk.isdecimal():
        raise LaunchError(NOTHING_CHOSEN, "nothing_chosen", status=400)
    if kind == "quiz":
        quiz = Quiz.objects.published().select_related("course").filter(pk=int(pk)).first()
        return _target_or_404(quiz and Target(quiz.course, quiz=quiz))
    if kind == "module":
        modules = Module.objects.filter(course__is_published=True).select_related("course")
        module = modules.filter(pk=int(pk)).first()
        return _target_or_404(module and Target(module.course, module=module))
    course = Course.objects.published().filter(pk=int(pk)).first()
    return _target_or_404(course and Target(course))


def _target_or_404(target: Target | None) -> Target:
    if target is None:
        raise LaunchError(NOT_AVAILABLE, "not_found", status=404)
    return target


def may_choose_content(claims: dict) -> bool:
    """Instructors, administrators and content developers of the platform's course."""
    return TeacherRole(claims).check() or DesignerRole(claims).check()


@transaction.atomic
def launch_resource(
    *, registration: Registration, claims: dict, now: datetime | None = None
) -> LaunchResult:
    """Sign in the launching user, enrol them, remember the quiz's gradebook column.

    Returns the user to log in and where to send them (the catalog if the link names
    nothing). Raises LaunchError if the target is gone or the account is disabled.
    """
    now = now or timezone.now()
    target = target_from_custom(claims.get(CLAIM_CUSTOM) or {})
    account = account_link(issuer=registration.issuer, claims=claims, now=now)
    if target is None:
        return LaunchResult(account.user, reverse("courses:catalog"))
    try:
        course_enroll(course=target.course, user=account.user)
    except ProgressError as exc:
        raise LaunchError(NOT_AVAILABLE, exc.code, status=404) from exc
    if target.quiz:
        grade_link_record(
            account=account, registration=registration, quiz=target.quiz, claims=claims
        )
    return LaunchResult(account.user, target.item.get_absolute_url())


def account_link(*, issuer: str, claims: dict, now: datetime) -> Account:
    """The account of the platform user (issuer, sub), with a new local user on first launch.

    Only the signed subject identifies the user: an e-mail address in the claims is copied
    to the profile but never used to find an existing account.
    """
    account = (
        Account.objects.select_related("user").filter(issuer=issuer, sub=claims["sub"]).first()
    )
    if account is None:
        account = _account_create(issuer, claims)
    if not account.user.is_active:
        raise LaunchError(DISABLED, "disabled")
    _profile_sync(account.user, claims)
    account.last_launch_at = now
    account.save(update_fields=["last_launch_at"])
    return account


def _account_create(issuer: str, claims: dict) -> Account:
    try:
        with transaction.atomic():
            # No usable password: the account signs in only through its platform, and
            # password reset by e-mail skips it.
            user = get_user_model().objects.create_user(username=f"lti-{secrets.token_hex(8)}")
            return Account.objects.create(issuer=issuer, sub=claims["sub"], user=user)
    except IntegrityError:  # a concurrent first launch of the same user won
        return Account.objects.select_related("user").get(issuer=issuer, sub=claims["sub"])


def _profile_sync(user, claims: dict) -> None:
    """Names and e-mail as the platform last sent them (it is their source)."""
    wanted = {
        "first_name": (claims.get("given_name") or claims.get("name") or "")[:150],
        "last_name": (claims.get("family_name") or "")[:150],
        "email": (claims.get("email") or "")[:254],
    }
    changed = [field for field, value in wanted.items() if value and getattr(user, field) != value]
    for field in changed:
        setattr(user, field, wanted[field])
    if changed:
        user.save(update_fields=changed)


def grade_link_record(
    *, account: Account, registration: Registration, quiz: Quiz, claims: dict
) -> GradeLink | None:
    """Remember the line item of a quiz launch, if the platform lets the tool post scores."""
    endpoint = claims.get(CLAIM_AGS) or {}
    if not endpoint.get("lineitem") or SCOPE_SCORE not in (endpoint.get("scope") or []):
        return None
    link, _ = GradeLink.objects.update_or_create(
        account=account, lineitem=endpoint["lineitem"],
        defaults={"registration": registration, "quiz": quiz, "endpoint": endpoint},
    )  # fmt: skip
    return link


@dataclass(frozen=True)
class DeepLinkReply:
    return_url: str
    jwt: str


def deep_link_reply(*, launch, target: Target, launch_url: str) -> DeepLinkReply:
    """The signed deep-linking response (built by the library) that creates a link to
    `target`; a quiz's link carries a line item for its grades, in percent."""
    resource = (
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(target.item.title)
        .set_custom_params(target.custom)
    )
    if target.quiz:
        resource.set_lineitem(
            LineItem()
            .set_score_maximum(SCORE_MAXIMUM)
            .set_label(target.quiz.title)
            .set_resource_id(f"quiz-{target.quiz.pk}")
            .set_tag("quiz")
        )
    jwt = launch.get_deep_link().get_response_jwt([resource])
    return DeepLinkReply(deep_link_return_url(launch.get_launch_data()), jwt)


def deep_link_return_url(claims: dict) -> str:
    """Where the platform wants the deep-linking response: an http(s) address only, since
    it becomes a form's action and the origin allowed to frame the page."""
    url = str(claims[CLAIM_DEEP_LINKING].get("deep_link_return_url") or "")
    if urlsplit(url).scheme not in ("https", "http") or not urlsplit(url).netloc:
        raise LaunchError(BAD_RETURN_URL, "bad_return_url")
    return url


def grade_passback(*, attempt: Attempt) -> None:
    """Send the learner's grade for the attempt's quiz to each platform gradebook column
    they reached the quiz through. Without such a column: one query, nothing else.

    Sending waits until the surrounding transaction commits, so a rolled-back submit sends
    nothing and no HTTP request runs while the attempt row is locked. A failure is logged
    and queued for `ltiretry`; it never reaches the learner.
    """
    link_ids = list(
        GradeLink.objects.filter(
            account__user_id=attempt.user_id, quiz_id=attempt.quiz_id
        ).values_list("pk", flat=True)
    )
    if link_ids:
        transaction.on_commit(lambda: scores_send(link_ids=link_ids))


def scores_send(*, link_ids: list[int]) -> int:
    """Send the current grade to each link, queueing failures; returns how many were sent."""
    links = GradeLink.objects.filter(pk__in=link_ids).select_related(
        "registration", "account", "quiz"
    )
    return sum(_send_or_queue(link) for link in links)


@dataclass(frozen=True)
class RetryReport:
    sent: int
    failed: int


def scores_retry() -> RetryReport:
    """Send again every grade that failed; each goes with the learner's grade as of now."""
    retries = ScoreRetry.objects.select_related("link__registration", "link__account", "link__quiz")
    sent = sum(_send_or_queue(retry.link) for retry in retries)
    return RetryReport(sent=sent, failed=ScoreRetry.objects.count())


def _send_or_queue(link: GradeLink) -> bool:
    try:
        score_send(link=link)
    except Exception as exc:  # a platform can fail in any way; the grade waits for a retry
        logger.warning("LTI grade passback to %s failed: %s", link.lineitem, exc)
        log_event("lti.score.failed", link=link.pk, quiz=link.quiz_id, error=type(exc).__name__)
        _retry_record(link, exc)
        return False
    return True


def _retry_record(link: GradeLink, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    retry, created = ScoreRetry.objects.get_or_create(link=link, defaults={"error": error})
    if not created:
        ScoreRetry.objects.filter(pk=retry.pk).update(error=error, tries=F("tries") + 1)


def score_grade(link: GradeLink, now: datetime) -> Grade:
    """The AGS score for a link: the quiz grade under its grading method, in percent.

    While an attempt waits for an essay to be graded by hand the score says PendingManual
    (with the grade of the attempts already final, if any); otherwise FullyGraded. The
    latest attempt's start and submission times go along as AGS's `submission`.
    """
    attempts = list(
        Attempt.objects.filter(quiz_id=link.quiz_id, user_id=link.account.user_id)
        .submitted()
        .order_by("number")
    )
    percent = quiz_grade(attempts, link.quiz.grading_method)
    pending = any(attempt.needs_grading for attempt in attempts)
    grade = (
        Grade()
        .set_user_id(link.account.sub)
        .set_activity_progress("Completed")
        .set_grading_progress("PendingManual" if pending else "FullyGraded")
        .set_timestamp(now.isoformat(timespec="milliseconds"))
    )
    if percent is not None:
        grade.set_score_given(percent).set_score_maximum(SCORE_MAXIMUM)
    if attempts:
        latest = max(attempts, key=lambda attempt: attempt.submitted_at)
        grade.set_extra_claims({"submission": {
            "startedAt": latest.started_at.isoformat(timespec="milliseconds"),
            "submittedAt": latest.submitted_at.isoformat(timespec="milliseconds"),
        }})  # fmt: skip
    return grade


def score_send(*, link: GradeLink, now: datetime | None = None) -> None:
    """Post the link's current score to the platform (the library gets the access token)."""
    now = now or timezone.now()
    grade = score_grade(link, now)
    connector = ServiceConnector(
        library_registration(link.registration), transport.platform_session()
    )
    AssignmentsGradesService(connector, link.endpoint).put_grade(grade)
    with transaction.atomic():
        link.sent_at, link.score_sent = now, grade.get_score_given()
        link.save(update_fields=["sent_at", "score_sent"])
        ScoreRetry.objects.filter(link=link).delete()
    log_event("lti.score.sent", link=link.pk, quiz=link.quiz_id, percent=link.score_sent)
