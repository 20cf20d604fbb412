"""Autosave is real: answers typed into an attempt survive closing the page without
saving or submitting, both after the autosave has run and when the page is closed
before it could (the page then sends what changed as it goes)."""

import time

import pytest

from courses.models import Enrollment
from quizzes.models import Response
from tests.browser import quiz
from tests.factories import UserFactory
from tests.quizzes.samples import SPECS

pytestmark = pytest.mark.browser


def test_answers_survive_closing_the_page_without_submitting(browser, mini_course):
    learner = UserFactory(username="ada")
    Enrollment.objects.create(user=learner, course=mini_course)
    browser.login_as(learner)
    browser.visit(mini_course.final.get_absolute_url())
    browser.follow(browser.button("Start the quiz"))
    attempt_url = browser.path
    fields = dict(quiz.questions(browser))

    quiz.answer_by_mouse(browser, "short_answer", fields["short_answer"])
    quiz.answer_by_mouse(browser, "single", fields["single"])
    browser.wait_for_text("#autosave-status", "Saved at")
    browser.shot("autosaved")

    # The numeric answer is typed and the tab closed at once, before the autosave's pause.
    attempt_tab = browser.driver.current_window_handle
    browser.driver.switch_to.new_window("tab")
    other_tab = browser.driver.current_window_handle
    browser.driver.switch_to.window(attempt_tab)
    browser.find(f"#{fields['numeric']}").send_keys("1975")
    browser.driver.close()
    browser.driver.switch_to.window(other_tab)
    assert _saved_answer(learner, "numeric") == "1975"

    browser.visit(mini_course.final.get_absolute_url())
    browser.follow(browser.link("Continue attempt 1"))
    assert browser.path == attempt_url
    browser.shot("back-again")
    assert browser.find(f"#{fields['short_answer']}").get_attribute("value") == "Helsinki Final Act"
    assert browser.find(f"#{fields['numeric']}").get_attribute("value") == "1975"
    checked = browser.find(f"input[name={fields['single']}]:checked")
    assert browser.text(f"label[for={checked.get_attribute('id')}]") == "Helsinki Final Act"
    unanswered = browser.find_all(".question-nav a[aria-label$='not answered']")
    assert len(unanswered) == 5


def _saved_answer(learner, kind: str, timeout: float = 5):
    """The answer the server holds, waiting a little for the page's last request."""
    slug = SPECS[kind]["slug"]
    deadline = time.monotonic() + timeout
    while True:
        answer = Response.objects.get(attempt__user=learner, version__question__slug=slug).answer
        if answer is not None or time.monotonic() > deadline:
            return answer
        time.sleep(0.1)
