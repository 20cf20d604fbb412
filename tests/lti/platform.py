"""A real LTI 1.3 platform running in the test process, built on the lti1p3platform package.

The platform is the learning management system's side: it starts logins, signs id_tokens
with its own RSA key (generated here), verifies the tool's deep-linking JWTs and token
requests against the tool's published keyset, and runs a gradebook (AGS) that records
the scores it is sent. The Django test client plays the browser between the two; the
tool's HTTP calls to the platform (keyset, token, scores) go through a `requests` adapter
that answers in process, so nothing leaves the machine.
"""

import json
from urllib.parse import parse_qsl, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration as PlatformRegistration
from lti1p3platform.request import Request
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService

from lti.transport import PlatformSession

ISSUER = "https://lms.example.edu"
HOST = "lms.example.edu"
CLIENT_ID = "indivisible-tool"
DEPLOYMENT_ID = "deployment-1"
TOOL = "http://testserver"
LINEITEMS = f"{ISSUER}/courses/7/lineitems"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
DEEP_LINK_RETURN = f"{ISSUER}/deep-link-return"


def rsa_pem_pair() -> tuple[str, str]:
    """A fresh RSA key pair as (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class DictRequest(Request):
    """A request as lti1p3platform reads it, from plain values."""

    def build_metadata(self, data: dict) -> dict:
        return {
            "method": data.get("method", "GET"),
            "form_data": data.get("form", {}),
            "get_data": data.get("query", {}),
            "headers": data.get("headers", {}),
            "content_type": data.get("content_type"),
            "path": data.get("path", "/"),
            "json": data.get("json"),
        }


class PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs) -> PlatformRegistration:
        return self._registration


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict, **kwargs) -> dict:
        return launch_data


class Gradebook(AssignmentsGradesService):
    """The platform's AGS endpoints; only the score service is exercised."""

    received: list

    def update_score(self, line_item_id, score):
        self.received.append((line_item_id, score))
        return UpdateScoreStatus.SUCCESS

    def find_lineitems(self, *args, **kwargs):
        raise NotImplementedError

    def find_lineitem(self, line_item_id):
        raise NotImplementedError

    def create_lineitem(self, creation_data):
        raise NotImplementedError

    def update_lineitem(self, update_data):
        raise NotImplementedError

    def delete_lineitem(self, line_item_id):
        raise NotImplementedError

    def get_results(self, *args, **kwargs):
        raise NotImplementedError


class Platform:
    """One platform (issuer, client id, deployment) and the browser of whoever uses it."""

    def __init__(self, client, *, issuer=ISSUER, deployment_id=DEPLOYMENT_ID, key_pair=None):
        self.client = client
        self.private_key, self.public_key = key_pair or rsa_pem_pair()
        self.registration = (
            PlatformRegistration()
            .set_iss(issuer)
            .set_client_id(CLIENT_ID)
            .set_deployment_id(deployment_id)
            .set_oidc_login_url(f"{TOOL}/lti/login/")
            .set_launch_url(f"{TOOL}/lti/launch/")
            .set_deeplink_launch_url(f"{TOOL}/lti/launch/")
            .set_platform_private_key(self.private_key)
            .set_platform_public_key(self.public_key)
        )
        self.conf = PlatformConf(registration=self.registration)
        self.scores: list[tuple[str, dict]] = []
        self.calls: list[tuple[str, str]] = []
        self.scores_fail = False

    def trust_tool(self) -> None:
        """Fetch the tool's public keyset, as an admin's registration makes a platform do."""
        self.registration.set_tool_key_set(self.client.get("/lti/jwks/").json())

    def login(self, hint: str = "link-1"):
        """Start a launch: the browser follows the platform to the tool's login URL."""
        login = Login(None, self.conf)
        login.set_lti_message_hint(hint=hint)
        return self.client.get(login.initiate_login("platform-user"))

    def launch_form(
        self,
        *,
        sub="learner-42",
        roles=(LEARNER,),
        custom=None,
        lineitem=None,
        deep_link=False,
        return_url=DEEP_LINK_RETURN,
        name="Ada Lovelace",
        email="ada@example.org",
        expires_in=300,
    ) -> dict:
        """Log in at the tool, then build the signed launch the browser posts back to it."""
        response = self.login()
        assert response.status_code == 302, response.content
        location = urlsplit(response["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/auth"
        launch = Launch(DictRequest({"query": dict(parse_qsl(location.query))}), self.conf)
        launch.set_id_token_expiration(expires_in)
        launch.set_user_data(sub, list(roles), full_name=name, email_address=email)
        launch.set_resource_link_claim("link-1", title="Week 1")
        launch.set_launch_context_claim("course-7", context_title="Security 101")
        if custom is not None:
            launch.set_custom_parameters_claim(custom)
        if lineitem:
            launch.set_ags(lineitems_url=LINEITEMS, lineitem_url=lineitem)
        if deep_link:
            launch.set_dl(return_url, title="Add content", accept_types={"ltiResourceLink"})
        return launch.lti_launch()

    def post(self, form: dict):
        return self.client.post(
            form["launch_url"], {"id_token": form["id_token"], "state": form["state"]}
        )

    def launch(self, **kwargs):
        return self.post(self.launch_form(**kwargs))

    def verify_deep_link(self, jwt: str) -> list[dict]:
        """The content items of a deep-linking response, after checking its signature."""
        return self.conf.validate_deeplinking_resp({"JWT": jwt})

    def decode(self, jwt: str) -> dict:
        """A JWT from the tool, verified against the tool's keyset (claims included)."""
        return self.conf.tool_validate_and_decode(jwt)

    # The platform's HTTP endpoints, reached by the tool through PlatformAdapter.

    def answer(self, request: requests.PreparedRequest) -> tuple[int, object]:
        url = urlsplit(request.url)
        self.calls.append((request.method, url.path))
        if request.method == "GET" and url.path == "/jwks":
            return 200, {"keys": self.registration.get_jwks()}
        if request.method == "POST" and url.path == "/token":
            return 200, self.conf.get_access_token(dict(parse_qsl(request.body)))
        if request.method == "POST" and url.path.endswith("/scores"):
            return self._score(request, url.path.removesuffix("/scores"))
        return 404, {"error": "not found"}

    def _score(self, request, lineitem_path: str) -> tuple[int, object]:
        if self.scores_fail:
            return 503, {"error": "gradebook unavailable"}
        gradebook = Gradebook(
            DictRequest({"method": "POST", "headers": dict(request.headers),
                         "json": json.loads(request.body)}),
            self.conf, lineitems_url=LINEITEMS, lineitem_url=f"{ISSUER}{lineitem_path}",
        )  # fmt: skip
        gradebook.received = self.scores
        response = gradebook.handle_update_score(f"{ISSUER}{lineitem_path}")
        return response.code, {"message": response.message}


class PlatformAdapter(requests.adapters.BaseAdapter):
    """Answers the tool's requests from the in-process platform; refuses any other host."""

    def __init__(self, platform: Platform) -> None:
        super().__init__()
        self.platform = platform

    def send(self, request, **kwargs):
        if urlsplit(request.url).netloc != HOST:
            raise requests.ConnectionError(f"No network in tests: {request.url}")
        status, body = self.platform.answer(request)
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url, response.request = request.url, request
        return response

    def close(self) -> None:
        pass


def session_for(platform: Platform) -> requests.Session:
    session = PlatformSession()
    adapter = PlatformAdapter(platform)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
