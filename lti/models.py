"""LTI 1.3: the platforms that may launch this tool, who they launched, and grades owed.

A `Registration` is one platform's configuration of this tool (issuer and client id), with
the key pair the tool signs with for that platform. `Account` links a platform user
(issuer, subject) to a local user: identity comes only from the signed launch, never from
an e-mail address. `GradeLink` remembers a platform gradebook column (an AGS line item)
that a learner reached a quiz through, so later quiz grades can be sent there.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from lti.keys import new_key_pair, public_jwk


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Registration(models.Model):
    name = models.CharField(max_length=200, help_text="For admins, e.g. “University Moodle”.")
    issuer = models.CharField(
        max_length=255, help_text="The platform's issuer (iss), e.g. https://moodle.example.edu."
    )
    client_id = models.CharField(max_length=255, help_text="The client ID the platform gave.")
    auth_login_url = models.URLField(
        "platform authentication URL", max_length=500, help_text="Its OIDC authorisation endpoint."
    )
    auth_token_url = models.URLField(
        "platform access token URL", max_length=500, help_text="Its OAuth 2 token endpoint."
    )
    keyset_url = models.URLField(
        "platform public keyset URL", max_length=500, help_text="Its JWKS URL."
    )
    token_audience = models.CharField(
        max_length=500, blank=True,
        help_text="Blank: token requests are addressed to the token URL, as Moodle, Canvas "
        "and Open edX expect. Fill in only if the platform documents another audience.",
    )  # fmt: skip
    is_active = models.BooleanField(default=True)
    private_key = models.TextField(editable=False, help_text="PEM; generated, never shown.")
    public_key = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_registration_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.private_key:
            self.private_key, self.public_key = new_key_pair()
        super().save(*args, **kwargs)

    @property
    def kid(self) -> str:
        return public_jwk(self.public_key)["kid"]


class Deployment(models.Model):
    """A deployment id the platform sends in launches; launches with any other are refused."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="deployments"
    )
    deployment_id = models.CharField(max_length=255)

    class Meta:
        ordering = ["registration", "deployment_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "deployment_id"], name="lti_deployment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration}: {self.deployment_id}"


class Account(models.Model):
    """A platform user, by the issuer's stable subject id, and the local user it signs in."""

    issuer = models.CharField(max_length=255)
    sub = models.CharField("subject", max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_accounts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_launch_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issuer", "sub"]
        constraints = [models.UniqueConstraint(fields=["issuer", "sub"], name="lti_account_unique")]

    def __str__(self) -> str:
        return f"{self.sub} at {self.issuer}"


class GradeLink(models.Model):
    """A platform line item that `account` reached `quiz` through; grades go back to it.

    `endpoint` keeps the launch's AGS claim (scopes and URLs) as the library needs it.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="grade_links")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="grade_links"
    )
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="lti_links")
    lineitem = models.URLField(max_length=500)
    endpoint = models.JSONField()
    sent_at = models.DateTimeField(null=True, blank=True)
    score_sent = models.FloatField(null=True, blank=True, help_text="Percent, as last sent.")

    class Meta:
        ordering = ["quiz", "account"]
        constraints = [
            models.UniqueConstraint(fields=["account", "lineitem"], name="lti_grade_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.quiz} → {self.lineitem}"


class ScoreRetry(models.Model):
    """A grade that could not be sent; `ltiretry` sends the then-current grade again."""

    link = models.OneToOneField(GradeLink, on_delete=models.CASCADE, related_name="retry")
    error = models.TextField()
    tries = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "score retries"

    def __str__(self) -> str:
        return f"{self.link} ({self.tries} tries)"


class LaunchValueQuerySet(models.QuerySet):
    def live(self, now):
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class LaunchValue(models.Model):
    """The library's short-lived launch state (nonces, launch data), shared by all workers.

    Kept in the database rather than the cache: without Redis each worker has its own
    memory cache, and the login and the launch may reach different workers.
    """

    key = models.CharField(max_length=255, unique=True)
    value = models.JSONField()
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = LaunchValueQuerySet.as_manager()

    def __str__(self) -> str:
        return self.key
