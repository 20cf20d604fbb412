"""Browser tests: headless Chromium driven by Selenium against pytest-django's live server.

The tools are looked for once, when this module is imported. Without them the tests skip
with the reason printed in pytest's summary, except under CI=true, where a missing tool
fails every browser test: CI must run them (docs/testing.md).

Each test writes to test-output/browser/<test name>/: a screenshot of each main page it
visits and, when it fails, the last page as failure.png and failure.html.
"""

import os
import re
import shutil
import subprocess
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.browser.helpers import Browser

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "browser"
AXE_CACHE = ROOT / ".cache" / "axe"
AXE_FILE = AXE_CACHE / "node_modules" / "axe-core" / "axe.min.js"
AXE_PACKAGE = "axe-core@4"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Without these Chromium tries to reach Google's servers, which a test must never do.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
]
MINI_COURSE = ROOT / "tests" / "courses" / "files" / "mini-course"
INSTALL_HINT = "apt-get install -y chromium chromium-driver nodejs npm"

IN_CI = os.environ.get("CI", "").strip().lower() == "true"


def _missing_browser() -> str:
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not os.access(tool, os.X_OK):
            return f"browser tests need {tool}, which is missing ({INSTALL_HINT})"
    return ""


def _missing_axe_tools() -> str:
    if AXE_FILE.exists():
        return ""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        return f"accessibility tests need {' and '.join(missing)} to install axe-core"
    return ""


MISSING_BROWSER = _missing_browser()
MISSING_AXE_TOOLS = _missing_axe_tools()


def _skip_or_fail(reason: str) -> None:
    """A missing tool skips locally and fails in CI, where the tests must run."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: end-to-end test in headless Chromium")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep the page a failing browser test was on: failure.png and failure.html."""
    report = yield
    browser = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if report.failed and report.when == "call" and isinstance(browser, Browser):
        browser.keep_failure()
    return report


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (starting one costs seconds); fresh profile."""
    if MISSING_BROWSER:
        _skip_or_fail(MISSING_BROWSER)
    profile = tempfile.mkdtemp(prefix="indivisible-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def axe_source(chromium) -> str:
    """axe-core from the npm registry, installed once into .cache/axe (never committed)."""
    if not AXE_FILE.exists():
        if MISSING_AXE_TOOLS:
            _skip_or_fail(MISSING_AXE_TOOLS)
        AXE_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["npm", "install", "--no-save", "--no-audit", "--no-fund",  # noqa: S607 - npm on PATH
             "--prefix", str(AXE_CACHE), AXE_PACKAGE],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        if done.returncode or not AXE_FILE.exists():
            _skip_or_fail(f"npm could not install {AXE_PACKAGE}: {done.stderr.strip()[-500:]}")
    return AXE_FILE.read_text(encoding="utf-8")


@pytest.fixture
def browser(django_db_setup, live_server, chromium, request):
    """The session's Chromium, logged out, with this test's output folder emptied.

    The order of the arguments is the order of set-up, and the reverse of tear-down: the
    browser quits first, closing its kept-alive connections, so the server's request
    threads close their database connections; then the server stops; then the test
    database is dropped (PostgreSQL refuses to drop a database still in use).
    """
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    output = OUTPUT / name
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    browser = Browser(chromium, live_server.url, output)
    browser.reset()
    yield browser
    # Leave the page while the test database still exists: a late autosave or beacon
    # reaching the server after it is gone would fail the next test's set-up.
    browser.leave()


@pytest.fixture
def a11y(browser, axe_source) -> Browser:
    """A browser that can run axe-core on its page."""
    browser.axe_source = axe_source
    return browser


@pytest.fixture
def mini_course(transactional_db):
    """The test mini-course (three lessons, glossary, timeline) plus a required final quiz
    with one question of every kind, so passing it and reading every lesson completes it."""
    from courses.models import Course
    from tests.factories import SourceFactory, make_question, make_quiz
    from tests.quizzes.samples import SPECS

    call_command("loadcourse", str(MINI_COURSE), stdout=StringIO())
    course = Course.objects.get(slug="mini-course")
    SourceFactory(course=course, slug="src", title="The source")
    questions = [make_question(course, spec) for spec in SPECS.values()]
    course.final = make_quiz(
        course, questions, slug="final", title="Final test", required=True, pass_mark=50
    )
    return course
