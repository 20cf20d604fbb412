"""axe-core on every main page, as a visitor, a learner and an instructor: no serious or
critical violation. Each test visits its pages in turn and fails once, at the end, with
every violation found (rule, page, elements), so one run reports them all."""

import pytest

from courses.models import Lesson
from quizzes.models import Response
from tests.browser import quiz
from tests.browser.helpers import describe_violations
from tests.browser.scenes import learner_scene

pytestmark = pytest.mark.browser

COURSE = "/courses/mini-course"


def audit(browser, pages: dict[str, str]) -> list[str]:
    """Visit each page, screenshot it, run axe; the report of each page that fails."""
    failures = []
    for name, path in pages.items():
        browser.visit(path)
        failures += check_page(browser, name)
    return failures


def check_page(browser, name: str) -> list[str]:
    browser.shot(name)
    assert "Server Error" not in browser.driver.title, f"{name} failed: {browser.path}"
    serious = browser.axe(name)
    return [describe_violations(name, browser.path, serious)] if serious else []


def review_every_due_card(browser) -> list[str]:
    """Each step of a review (question, self-rating for an essay, result) until none is due."""
    failures = []
    browser.visit("/reviews/")
    for number in range(1, 10):
        if "Nothing due" in browser.text():
            break
        failures += check_page(browser, f"review-{number}-question")
        [(kind, prefix)] = quiz.questions(browser)
        quiz.answer_by_mouse(browser, kind, prefix)
        browser.follow(browser.button("Check my answer"))
        if kind == "essay":
            failures += check_page(browser, f"review-{number}-rate")
            browser.follow(browser.button("Good"))
        failures += check_page(browser, f"review-{number}-result")
        browser.follow(browser.link("Next card"))
    assert "Nothing due" in browser.text()
    return failures + check_page(browser, "reviews-empty")


def test_public_pages_have_no_serious_violations(a11y, mini_course):
    scene = learner_scene(mini_course)
    failures = audit(a11y, {
        "catalog": "/",
        "course": f"{COURSE}/",
        "lesson": f"{COURSE}/lessons/first/",
        "glossary": f"{COURSE}/glossary/",
        "concept": f"{COURSE}/glossary/peace/",
        "timeline": f"{COURSE}/timeline/",
        "sources": f"{COURSE}/sources/",
        "search": "/search/?q=peace",
        "signup": "/signup/",
        "login": "/accounts/login/",
        "certificate-public": scene.certificate.get_absolute_url(),
    })  # fmt: skip
    assert not failures, "\n\n".join(failures)


def test_learner_pages_have_no_serious_violations(a11y, mini_course):
    scene = learner_scene(mini_course)
    a11y.login_as(scene.learner)
    failures = audit(a11y, {
        "course-enrolled": f"{COURSE}/",
        "lesson-enrolled": f"{COURSE}/lessons/first/",
        "quiz": mini_course.final.get_absolute_url(),
        "attempt": scene.running.get_absolute_url(),
        "submit": f"/attempts/{scene.running.pk}/submit/",
        "result": f"/attempts/{scene.result.pk}/result/",
        "dashboard": "/dashboard/",
        "my-data": "/account/data/",
        "certificate-print": f"/certificates/{scene.certificate.code}/print/",
    })  # fmt: skip
    failures += review_every_due_card(a11y)
    assert not failures, "\n\n".join(failures)


def test_instructor_pages_have_no_serious_violations(a11y, mini_course):
    scene = learner_scene(mini_course, graded=False)
    essay = Response.objects.get(attempt=scene.result, needs_grading=True)
    teach = "/teach/mini-course"
    a11y.login_as(scene.instructor)
    failures = audit(a11y, {
        "teaching": "/teach/",
        "teaching-course": f"{teach}/",
        "gradebook": f"{teach}/gradebook/",
        "grading-queue": f"{teach}/grading/",
        "grade": f"{teach}/grading/{essay.pk}/",
        "learner-report": f"{teach}/learners/{scene.learner.pk}/",
        "learner-attempt": f"{teach}/attempts/{scene.result.pk}/",
        "statistics": f"{teach}/quizzes/final/statistics/",
        "cohorts": f"{teach}/cohorts/",
    })  # fmt: skip
    assert not failures, "\n\n".join(failures)


def test_admin_pages_an_instructor_uses_have_no_serious_violations(a11y, mini_course):
    """The admin is Django's, but the lesson editor (with its preview) and the question
    import are where instructors work, so they are held to the same rule."""
    scene = learner_scene(mini_course, graded=False)
    lesson = Lesson.objects.get(slug="first")
    a11y.login_as(scene.instructor)
    failures = audit(a11y, {
        "admin": "/admin/",
        "admin-lesson": f"/admin/courses/lesson/{lesson.pk}/change/",
        "admin-question-import": "/admin/quizzes/question/import/",
    })  # fmt: skip
    assert not failures, "\n\n".join(failures)
