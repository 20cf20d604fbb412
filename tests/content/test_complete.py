"""Complete: every module, lesson, concept and question kind is present and connected."""

from collections import Counter

import pytest

from .helpers import LESSON_KIND_BY_MODULE, QUESTION_KINDS

# Size targets of the shipped course (lessons, glossary, timeline, question bank).
MINIMUMS = {"lessons": 16, "concepts": 15, "timeline events": 15, "questions": 150}


def test_every_module_has_a_lesson(course):
    """An empty module would show learners a heading with nothing to study."""
    with_lessons = {lesson.module for lesson in course.lessons}
    empty = sorted(course.module_slugs - with_lessons)
    assert not empty, f"modules without lessons: {empty}"


def test_lessons_are_of_their_modules_kind(course):
    """History modules hold history lessons, concepts hold concept lessons, and so on."""
    wrong = [
        f"{course.relative(lesson.path)}: {lesson.meta.get('kind')} in module {lesson.module}"
        for lesson in course.lessons
        if lesson.module in LESSON_KIND_BY_MODULE
        and lesson.meta.get("kind") != LESSON_KIND_BY_MODULE[lesson.module]
    ]
    assert not wrong, "lessons of the wrong kind:\n" + "\n".join(wrong)


def test_every_lesson_has_a_check_quiz(course):
    """Each lesson ends with a check quiz so learners can test themselves at once."""
    checked = {quiz.data.get("lesson") for quiz in course.quizzes}
    unchecked = sorted(course.lesson_slugs - checked)
    assert not unchecked, f"lessons without a check quiz: {unchecked}"


def test_every_question_kind_is_used(course):
    """The course exercises all eight question kinds the platform supports."""
    used = Counter(question.get("kind") for _quiz, question in course.questions())
    unused = [kind for kind in QUESTION_KINDS if not used[kind]]
    assert not unused, f"question kinds never used: {unused}"


def test_every_concept_is_taught_by_a_lesson(course):
    """A glossary entry no lesson teaches is a term learners never meet in context."""
    taught = {slug for lesson in course.lessons for slug in lesson.meta.get("concepts") or []}
    untaught = sorted(course.concept_slugs - taught)
    assert not untaught, f"concepts no lesson lists: {untaught}"


def test_every_concept_is_tested_by_a_question(course):
    """Mastery per concept needs at least one question on each concept."""
    tested = {
        slug for _quiz, question in course.questions() for slug in question.get("concepts") or []
    }
    untested = sorted(course.concept_slugs - tested)
    assert not untested, f"concepts no question tests: {untested}"


def test_random_draws_can_be_filled(course):
    """A quiz that draws N questions from a category needs at least N in the bank."""
    bank = Counter(question.get("category") for _quiz, question in course.questions())
    short = [
        f"{course.relative(quiz.path)}: {draw['count']} from {draw['category']}, "
        f"bank has {bank[draw['category']]}"
        for quiz in course.quizzes
        for draw in quiz.data.get("draw") or []
        if bank[draw["category"]] < draw["count"]
    ]
    assert not short, "draws the bank cannot fill:\n" + "\n".join(short)


@pytest.mark.parametrize("what", MINIMUMS)
def test_course_reaches_its_size_target(course, what):
    """The shipped course promises a full curriculum, not a sketch."""
    if course.slug != "indivisible-security":
        pytest.skip("size targets are set for the indivisible-security course only")
    counts = {
        "lessons": len(course.lessons),
        "concepts": len(course.concepts),
        "timeline events": len(course.timeline),
        "questions": sum(1 for _ in course.questions()),
    }
    assert counts[what] >= MINIMUMS[what], f"{counts[what]} {what}, target {MINIMUMS[what]}"
