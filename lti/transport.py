"""HTTP to LTI platforms (their keysets, token and score endpoints), always with a time limit.

The library calls `requests` without a timeout; a platform that stops answering must not
hold a learner's request for ever. Tests replace `platform_session` to reach a platform
running in the test process.
"""

import requests

TIMEOUT_SECONDS = 10


class PlatformSession(requests.Session):
    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        return super().request(method, url, *args, **kwargs)


def platform_session() -> requests.Session:
    session = PlatformSession()
    session.headers["User-Agent"] = "Indivisible-LTI"
    return session
