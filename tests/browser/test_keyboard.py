"""A whole quiz with the keyboard alone: log in, start, answer every kind of question,
finish and submit, without one click. Tab must reach every control, in page order."""

import pytest
from selenium.webdriver.common.keys import Keys

from courses.models import Enrollment
from tests.browser import quiz
from tests.factories import UserFactory
from tests.quizzes.samples import SPECS

pytestmark = pytest.mark.browser


def test_a_learner_completes_a_quiz_by_keyboard_alone(browser, mini_course):
    learner = UserFactory(username="kira")
    Enrollment.objects.create(user=learner, course=mini_course)
    browser.visit(mini_course.final.get_absolute_url())

    browser.tab_to(lambda e: "?next=" in (e.get_attribute("href") or ""), "the Log in link")
    browser.press_to_navigate()
    browser.tab_to_id("id_username")
    browser.press("kira", Keys.TAB, "a-long-test-password")
    browser.press_to_navigate(Keys.ENTER)
    assert browser.path == mini_course.final.get_absolute_url()

    browser.tab_to_button("Start the quiz")
    browser.press_to_navigate()
    assert browser.path.startswith("/attempts/")

    skip = browser.tab_to(lambda e: True, "the first focusable element")
    assert skip.text == "Skip to main content"
    browser.press(Keys.ENTER)
    assert browser.focused.get_attribute("id") == "main"

    quiz.answer_all(browser, mouse=False)
    browser.shot("attempt-by-keyboard")
    browser.tab_to_button("Finish attempt")
    browser.press_to_navigate()
    assert "8 questions; 0 not answered." in browser.text()

    browser.tab_to_button("Submit all and finish")
    browser.press_to_navigate()
    assert browser.heading() == "Attempt 1: result"
    browser.shot("result")
    states = quiz.result_states(browser)
    assert states == dict.fromkeys(SPECS, "Correct") | {"essay": "Awaiting grading"}
