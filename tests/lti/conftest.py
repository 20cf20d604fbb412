import pytest

from lti import transport
from lti.keys import new_key_pair
from lti.models import Registration
from tests.factories import ModuleFactory, make_quiz
from tests.lti.platform import (
    CLIENT_ID,
    DEPLOYMENT_ID,
    ISSUER,
    Platform,
    rsa_pem_pair,
    session_for,
)


@pytest.fixture(scope="session")
def tool_keys():
    """The tool's key pair, made once: RSA generation costs a third of a second."""
    return new_key_pair()


@pytest.fixture(scope="session")
def platform_keys():
    return rsa_pem_pair()


@pytest.fixture
def registration(db, tool_keys):
    """The tool's side of the registration, as an admin enters it."""
    private_key, public_key = tool_keys
    registration = Registration.objects.create(
        private_key=private_key,
        public_key=public_key,
        name="Test LMS",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_login_url=f"{ISSUER}/auth",
        auth_token_url=f"{ISSUER}/token",
        keyset_url=f"{ISSUER}/jwks",
    )
    registration.deployments.create(deployment_id=DEPLOYMENT_ID)
    return registration


@pytest.fixture
def platform(client, registration, monkeypatch, platform_keys):
    """The platform, trusting the tool's keys, and reachable from the tool in process."""
    platform = Platform(client, key_pair=platform_keys)
    platform.trust_tool()
    monkeypatch.setattr(transport, "platform_session", lambda: session_for(platform))
    return platform


@pytest.fixture
def content(quiz_course):
    """The `qc` course with a module and a two-question quiz (single choice, true/false)."""
    questions = quiz_course.sample_questions
    module = ModuleFactory(course=quiz_course, slug="history", title="History")
    quiz = make_quiz(
        quiz_course, [questions["single"], questions["true_false"]], slug="check", title="Check"
    )
    return quiz_course, module, quiz


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Runs `transaction.on_commit` callbacks, which the test's transaction never commits."""
    return django_capture_on_commit_callbacks
