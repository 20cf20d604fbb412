"""Where an endpoint's time goes: pyinstrument over a few of its requests.

The requests are the load test's own (same sessions, same bodies), sent through Django's
test client in this process, so the profile shows the view, the ORM, the templates and
the middleware without the server around them. pyinstrument is installed into the
virtual environment on first use (py-spy, which samples a live server, cannot read this
machine's Python build).
"""

import importlib.util
import re
import subprocess
import sys
from http.cookies import SimpleCookie
from pathlib import Path

from django.test import Client

from bench.endpoints import Endpoint
from bench.fixtures import Visit
from quizzes.models import Attempt

REQUESTS = 30
FORM = "application/x-www-form-urlencoded"


def endpoint_profile(endpoint: Endpoint, lines: list[Visit], *, workdir: Path) -> Path:
    """Profile up to REQUESTS requests; writes profile-<endpoint>.txt and .html."""
    if importlib.util.find_spec("pyinstrument") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "pyinstrument"],  # noqa: S603 - fixed command
                       check=True)  # fmt: skip
    from pyinstrument import Profiler

    client = _client()
    usable = _still_usable(endpoint, lines)
    _send(client, usable[0])  # imports and template compilation are not the request's cost
    chosen = usable[1 : REQUESTS + 1] if endpoint.once else usable[:REQUESTS]
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for visit in chosen:
        _send(client, visit)
    profiler.stop()
    stem = workdir / ("profile-" + re.sub(r"[^a-z]+", "-", endpoint.name).strip("-"))
    stem.with_suffix(".html").write_text(profiler.output_html())
    text = stem.with_suffix(".txt")
    text.write_text(f"{len(chosen)} requests\n" + profiler.output_text(unicode=True, color=False))
    return text


def _client() -> Client:
    """A client that returns a server error as a response instead of raising it."""
    return Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)


def _send(client: Client, visit: Visit) -> int:
    client.cookies = SimpleCookie(visit.cookie)
    return client.generic(visit.method, visit.path, data=visit.body, content_type=FORM).status_code


def _still_usable(endpoint: Endpoint, lines: list[Visit]) -> list[Visit]:
    """For the attempt endpoints, only attempts the load test left in progress."""
    if endpoint.rotate != "attempt":
        return lines
    open_ids = set(Attempt.objects.in_progress().values_list("pk", flat=True))
    return [v for v in lines if int(re.search(r"/attempts/(\d+)/", v.path)[1]) in open_ids]
