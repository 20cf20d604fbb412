"""pylti1p3 wired to this site: registrations and launch state in the database.

Everything about tokens (OIDC login, id_token signature and claims, deep-linking JWTs,
AGS access tokens and scores) is the library's. This module only tells it where the
registrations are, where to keep its state, and one rule it does not enforce itself: a
nonce is good for one launch.
"""

from datetime import timedelta

from django.utils import timezone
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.session import DjangoSessionService
from pylti1p3.deployment import Deployment as LibraryDeployment
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration as LibraryRegistration
from pylti1p3.tool_config import ToolConfAbstract

from lti import transport
from lti.keys import public_jwk
from lti.models import LaunchValue, Registration

LAUNCH_LIFETIME_SECONDS = 3600
"""How long nonces and launch data are kept (a deep-linking page must be used within it)."""


def library_registration(registration: Registration) -> LibraryRegistration:
    library = (
        LibraryRegistration()
        .set_issuer(registration.issuer)
        .set_client_id(registration.client_id)
        .set_auth_login_url(registration.auth_login_url)
        .set_auth_token_url(registration.auth_token_url)
        .set_key_set_url(registration.keyset_url)
        .set_tool_private_key(registration.private_key)
        .set_tool_public_key(registration.public_key)
    )
    if registration.token_audience:
        library.set_auth_audience(registration.token_audience)
    return library


def tool_jwks() -> dict:
    """The public keys of every active registration, for platforms to verify our JWTs."""
    return {"keys": [public_jwk(r.public_key) for r in Registration.objects.active()]}


class ToolConf(ToolConfAbstract):
    """Registrations from the database; `registration` is the row the last lookup found."""

    def __init__(self) -> None:
        super().__init__()
        self.registration: Registration | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss: str, client_id: str | None, *args, **kwargs):
        """The active registration of (issuer, client id); without a client id (optional
        in a login request), the issuer's only one."""
        rows = Registration.objects.active().filter(issuer=iss)
        if client_id:
            rows = rows.filter(client_id=client_id)
        found = list(rows[:2])
        if len(found) != 1:
            return None
        self.registration = found[0]
        return library_registration(found[0])

    def find_deployment(self, iss: str, deployment_id: str):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        if self.registration is None:
            return None
        known = self.registration.deployments.filter(deployment_id=deployment_id).exists()
        return LibraryDeployment().set_deployment_id(deployment_id) if known else None


class DatabaseLaunchStorage(LaunchDataStorage):
    """The library's key-value store, in `LaunchValue` rows shared by every worker.

    No session-id cookie: keys are random, and the library's state cookie already ties a
    launch to the browser that started the login.
    """

    def get_session_cookie_name(self) -> None:
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def _live(self, key: str):
        return LaunchValue.objects.live(timezone.now()).filter(key=self._prepare_key(key))

    def get_value(self, key: str):
        return self._live(key).values_list("value", flat=True).first()

    def set_value(self, key: str, value, exp: int | None = None) -> None:
        expires = timezone.now() + timedelta(seconds=exp) if exp else None
        LaunchValue.objects.update_or_create(
            key=self._prepare_key(key), defaults={"value": value, "expires_at": expires}
        )

    def check_value(self, key: str) -> bool:
        return self._live(key).exists()

    def consume(self, key: str) -> bool:
        """Delete a live key; True for exactly one of any number of concurrent callers."""
        deleted, _ = self._live(key).delete()
        return deleted > 0


class OneTimeNonceSessionService(DjangoSessionService):
    """The library only checks that a nonce was issued; checking it here also spends it,
    so a captured id_token cannot be posted a second time."""

    def check_nonce(self, nonce: str) -> bool:
        return self.data_storage.consume(self._get_key("nonce", nonce))


def launch_values_prune() -> int:
    """Delete expired launch state; returns how many rows went."""
    deleted, _ = LaunchValue.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def oidc_login(request) -> DjangoOIDCLogin:
    login = DjangoOIDCLogin(request, ToolConf(), session_service=DjangoSessionService(request))
    login.set_launch_data_storage(DatabaseLaunchStorage())
    login.set_launch_data_lifetime(LAUNCH_LIFETIME_SECONDS)
    return login


def _message_launch(request) -> DjangoMessageLaunch:
    launch = DjangoMessageLaunch(
        request,
        ToolConf(),
        session_service=OneTimeNonceSessionService(request),
        launch_data_storage=DatabaseLaunchStorage(),
        requests_session=transport.platform_session(),
    )
    launch.set_launch_data_lifetime(LAUNCH_LIFETIME_SECONDS)
    return launch


def message_launch(request) -> DjangoMessageLaunch:
    """The launch in `request`, validated; raises the library's LtiException if it is not."""
    return _message_launch(request).validate()


def message_launch_restore(request, launch_id: str) -> DjangoMessageLaunch:
    """A launch validated earlier, by its id (for the deep-linking page's second request)."""
    return DjangoMessageLaunch.from_cache(
        launch_id,
        request,
        ToolConf(),
        session_service=OneTimeNonceSessionService(request),
        launch_data_storage=DatabaseLaunchStorage(),
        requests_session=transport.platform_session(),
    )


def registration_of(launch: DjangoMessageLaunch) -> Registration:
    return launch.get_tool_conf().registration
