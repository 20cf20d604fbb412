"""A new learner's whole journey, in a real browser: sign up, enrol, read and mark the
lessons, take the required quiz (the ordering question by keyboard), read the review,
do a spaced-repetition review, watch the dashboard change, finish the course and open
the certificate's public page logged out."""

import pytest

from quizzes.models import Attempt, Response
from quizzes.services import response_grade
from tests.browser import quiz
from tests.factories import UserFactory
from tests.quizzes.samples import SPECS

pytestmark = pytest.mark.browser

PASSWORD = "a-long-browser-password"


def test_new_learner_signs_up_learns_and_gets_a_public_certificate(browser, mini_course):
    sign_up(browser, "nadia")
    enrol(browser)
    assert dashboard_card(browser) == ("0 of 3 lessons complete.", "No quiz taken yet.", "0")
    browser.shot("dashboard-new")

    read_every_lesson(browser)
    take_the_final_test(browser)
    assert dashboard_card(browser)[1:] == ("awaiting grading", "1")
    browser.shot("dashboard-after-quiz")

    review_the_due_card(browser)
    assert dashboard_card(browser)[2] == "0"

    grade_the_essay(mini_course)
    code = open_certificate(browser)
    log_out(browser)
    browser.visit(f"/certificates/{code}/")
    browser.shot("certificate-public")
    assert browser.heading() == "Certificate verified"
    assert "nadia" in browser.text("dl") and "Mini course" in browser.text("dl")
    assert "Log in" in browser.text("header")


def sign_up(browser, username: str) -> None:
    browser.visit("/")
    browser.shot("catalog")
    browser.follow(browser.link("Sign up"))
    browser.fill("#id_username", username)
    browser.fill("#id_email", f"{username}@example.org")
    browser.fill("#id_password1", PASSWORD)
    browser.fill("#id_password2", PASSWORD)
    browser.shot("signup")
    browser.follow(browser.button("Create account"))
    assert "Welcome! Your account is ready." in browser.text()
    assert username in browser.text("header")


def enrol(browser) -> None:
    browser.follow(browser.link("Mini course"))
    browser.shot("course")
    browser.follow(browser.button("Enrol in this course"))
    assert "You are enrolled in Mini course." in browser.text()
    assert "0 of 3 lessons complete." in browser.text()


def dashboard_card(browser) -> tuple[str, str, str]:
    """(the course's progress line, the quiz history's result, reviews due) on the dashboard."""
    browser.follow(browser.link("Dashboard"))
    assert browser.heading() == "Your dashboard"
    progress = browser.text("article p.small")
    history = "section[aria-labelledby=history-title]"
    rows = browser.find_all(f"{history} tbody td:last-child")
    result = rows[0].text if rows else browser.text(f"{history} p")
    return progress, result, browser.text("section[aria-labelledby=reviews-title] .display-6")


def read_every_lesson(browser) -> None:
    """Start from the course page, mark each lesson complete, follow "next" to the end."""
    browser.follow(browser.link("Mini course"))
    browser.follow(browser.link("Start with:"))
    browser.shot("lesson")
    read = []
    while True:
        read.append(browser.heading())
        browser.follow(browser.button("Mark as complete"))
        assert "Marked as complete." in browser.text()
        assert "You marked this lesson complete." in browser.text()
        following = browser.find_all("a[rel=next]")
        if not following:
            break
        browser.follow(following[0])
    assert len(read) == 3, read
    browser.follow(browser.link("Mini course"))
    assert "3 of 3 lessons complete." in browser.text()


def take_the_final_test(browser) -> None:
    """Every kind of question, the ordering one by keyboard only; then submit and review."""
    browser.follow(browser.link("Pass the quiz “Final test”"))
    browser.shot("quiz")
    browser.follow(browser.button("Start the quiz"))
    assert browser.path.startswith("/attempts/")
    quiz.answer_all(browser, keyboard_kinds={"ordering"})
    browser.shot("attempt")
    browser.follow(browser.button("Finish attempt"))
    assert "8 questions; 0 not answered." in browser.text()
    browser.shot("submit")
    browser.follow(browser.button("Submit all and finish"))
    assert browser.heading() == "Attempt 1: result"
    assert "Awaiting grading:" in browser.text()
    states = quiz.result_states(browser)
    assert states == dict.fromkeys(SPECS, "Correct") | {"essay": "Awaiting grading"}
    ordering = browser.text(f"#question-{quiz.slot(browser, 'ordering')}")
    assert "The right answer: " + " → ".join(SPECS["ordering"]["items"]) in ordering
    assert SPECS["ordering"]["explanation"] in ordering
    browser.shot("result")


def review_the_due_card(browser) -> None:
    """The essay, ungraded, is due at once; the learner answers it and rates their recall."""
    browser.follow(browser.link("Start reviewing"))
    assert "1 card due" in browser.text()
    browser.fill("#q1", quiz.ESSAY)
    browser.shot("review-question")
    browser.follow(browser.button("Check my answer"))
    assert "How well did you remember it?" in browser.text()
    browser.follow(browser.button("Good"))
    assert "You rated it Good. You will see this card again in" in browser.text()
    browser.shot("review-result")


def grade_the_essay(course) -> None:
    """The instructor's part (its own journey drives the grading page): full marks."""
    grader = UserFactory(username="grader")
    course.instructors.add(grader)
    essay = Response.objects.get(attempt__quiz=course.final, needs_grading=True)
    response_grade(response=essay, score=essay.points, comment="Well argued.", grader=grader)
    assert Attempt.objects.get(pk=essay.attempt_id).passed is True


def open_certificate(browser) -> str:
    """The completed course on the dashboard links to the printable certificate."""
    browser.follow(browser.link("Dashboard"))
    assert "Completed" in browser.text("article")
    browser.follow(browser.link("your certificate"))
    browser.shot("certificate-print")
    assert browser.heading() == "nadia"
    assert "has completed the course" in browser.text()
    public = browser.find("main a[href^='/certificates/']").get_attribute("href")
    return public.rstrip("/").rsplit("/", 1)[-1]


def log_out(browser) -> None:
    browser.follow(browser.button("Log out"))
    assert "Log in" in browser.text("header")
