"""An instructor's journey, in a real browser: log in, edit a lesson in the admin with
the live preview, import a GIFT file, grade an essay from the queue, then read the
gradebook and the quiz's statistics."""

import pytest
from selenium.webdriver.support.ui import Select

from courses.models import Lesson
from quizzes.models import Attempt, Question
from tests.browser.scenes import learner_scene
from tests.quizzes.samples import RIGHT_ANSWERS, SPECS

pytestmark = pytest.mark.browser

GIFT = """\
// question: browser-host-city
::Host city::Which city hosted the 1975 conference?{=Helsinki ~Paris ~Vienna}

// question: browser-osce-name
The CSCE became the OSCE.{TRUE}
"""
ADDED = "\n\n## Added in the browser\n\nA **bold** claim."


def test_instructor_edits_imports_grades_and_reads_reports(browser, mini_course, tmp_path):
    scene = learner_scene(mini_course, graded=False)
    log_in(browser, "ines")
    edit_a_lesson_with_preview(browser)
    import_gift(browser, tmp_path)
    grade_the_essay(browser)
    assert Attempt.objects.get(pk=scene.result.pk).passed is True
    read_gradebook(browser)
    read_statistics(browser)


def log_in(browser, username: str) -> None:
    browser.visit("/")
    browser.follow(browser.link("Log in"))
    browser.fill("#id_username", username)
    browser.fill("#id_password", "a-long-test-password")
    browser.shot("login")
    browser.follow(browser.button("Log in"))
    assert username in browser.text("header")


def edit_a_lesson_with_preview(browser) -> None:
    """The preview shows the unsaved Markdown rendered; saving publishes it."""
    browser.follow(browser.link("Admin"))
    browser.follow(browser.link("Lessons"))
    browser.follow(browser.link("The first lesson"))
    body = browser.find("#id_body")
    body.send_keys(ADDED)
    browser.click(browser.find("button[data-preview-url]"))
    browser.wait_for_text("#lesson-preview", "Added in the browser")
    assert browser.text("#lesson-preview strong") == "bold"
    assert "Added in the browser" not in Lesson.objects.get(slug="first").body  # not saved yet
    browser.shot("admin-lesson-preview")
    browser.follow(browser.find("input[name=_save]"))
    assert "was changed successfully" in browser.text("body")
    browser.visit("/courses/mini-course/lessons/first/")
    assert browser.text(".lesson-body h2:last-of-type") == "Added in the browser"


def import_gift(browser, tmp_path) -> None:
    """Upload a GIFT file into the course; the admin lists the new questions."""
    upload = tmp_path / "questions.gift.txt"
    upload.write_text(GIFT, encoding="utf-8")
    browser.visit("/admin/quizzes/question/")
    browser.follow(browser.find("a[href='/admin/quizzes/question/import/']"))
    Select(browser.find("#id_course")).select_by_visible_text("Mini course")
    Select(browser.find("#id_fmt")).select_by_visible_text("GIFT")
    browser.find("#id_file").send_keys(str(upload))
    browser.shot("admin-import")
    browser.follow(browser.find("input[type=submit][value=Import]"))
    assert "Found: 2, Created: 2" in browser.text(".messagelist")
    assert "browser-host-city" in browser.text("#result_list")
    browser.shot("admin-imported")
    imported = Question.objects.filter(course__slug="mini-course", slug__startswith="browser-")
    assert sorted(imported.values_list("slug", "kind")) == [
        ("browser-host-city", "single"), ("browser-osce-name", "true_false"),
    ]  # fmt: skip


def grade_the_essay(browser) -> None:
    """From the course overview to the queue, one grade, and the queue is empty."""
    browser.visit("/")
    browser.follow(browser.link("Teaching"))
    browser.follow(browser.link("Mini course"))
    browser.shot("teaching-course")
    browser.follow(browser.link("1 essay to grade"))
    browser.shot("grading-queue")
    assert "lena" in browser.text("table")
    browser.follow(browser.find("table a[href*='/grading/']"))
    assert browser.heading() == "Grade an essay"
    assert RIGHT_ANSWERS["essay"].strip() in browser.text(".essay-answer")
    browser.fill("#id_score", "1")
    browser.fill("#id_comment", "Clear and well sourced.")
    browser.shot("grade")
    browser.follow(browser.button("Save the grade"))
    assert "Grade saved for lena." in browser.text()
    assert "Every essay is graded." in browser.text()


def read_gradebook(browser) -> None:
    browser.follow(browser.link("Gradebook"))
    assert browser.heading() == "Gradebook"
    row = browser.find("table.gradebook tbody tr")
    assert "lena" in row.text
    assert "81.2%" in row.text, row.text  # 6.5 of 8 points, the essay included
    browser.shot("gradebook")


def read_statistics(browser) -> None:
    browser.follow(browser.link("Overview"))
    browser.follow(browser.find("a[href$='/quizzes/final/statistics/']"))
    assert browser.heading() == "Final test: statistics"
    assert "Attempts counted 1" in browser.text("main")
    questions = browser.text("section[aria-labelledby=questions-title] table")
    assert all(spec["prompt"] in questions for spec in SPECS.values())
    browser.shot("statistics")
