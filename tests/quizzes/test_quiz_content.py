"""Quizzes in a course folder: loaded with the course, validated with file/line/field."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.models import Question, Quiz

MINI = Path(__file__).parent.parent / "courses" / "files" / "mini-course"


@pytest.fixture
def course_dir(tmp_path) -> Path:
    target = tmp_path / "mini-course"
    shutil.copytree(MINI, target)
    return target


def load(path) -> str:
    out = StringIO()
    call_command("loadcourse", str(path), stdout=out, stderr=out)
    return out.getvalue()


def rejected(path) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="the database was not changed"):
        call_command("loadcourse", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


pytestmark = pytest.mark.django_db


def test_quizzes_and_questions_load_with_settings(course_dir):
    assert "questions: 4 created" in load(course_dir)
    quiz = Quiz.objects.get(slug="check-first")
    assert quiz.lesson.slug == "first" and quiz.attempts_allowed == 2 and quiz.pass_mark == 50
    assert [s.question.slug for s in quiz.slots.order_by("position")] == [
        "treaty-year", "peace-first", "order-events",
    ]  # fmt: skip
    assert list(quiz.feedback_bands.values_list("text", flat=True)) == [
        "Well done.",
        "Read the lesson again.",
    ]
    test = Quiz.objects.get(slug="test-ideas")
    assert test.module.slug == "ideas" and test.time_limit_minutes == 10
    assert [s.question.slug for s in test.slots.all()] == ["peace-first", "match-terms"]
    assert Question.objects.get(slug="treaty-year").category == "history"  # the lesson's module
    assert Question.objects.get(slug="match-terms").versions.count() == 1


def test_reload_changes_nothing_and_an_edit_makes_a_new_version(course_dir):
    load(course_dir)
    assert "No changes" in load(course_dir)
    edit(course_dir / "quizzes/check-first.yaml", "It was signed in 1975.", "Signed in 1975.")
    assert "questions: 1 updated, 3 unchanged" in load(course_dir)
    assert Question.objects.get(slug="treaty-year").versions.count() == 2


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("{value: 1975, credit: 100}", "{value: 1975, credit: 90}",
         "17: questions[0].answers: at least one answer must have credit 100"),
        ("kind: ordering", "kind: sorting", "28: questions[2].kind: must be one of"),
        ("lesson: first", "lesson: nowhere", "3: lesson: unknown lesson 'nowhere'"),
        ("concepts: [security]", "concepts: [war]",
         "13: questions[0].concepts: unknown concept 'war'"),
        ("source: glossary", "source: press",
         "30: questions[2].source: unknown source 'press'"),
        ("items: [A league is founded, A treaty is signed, Today]", "items: [A, B]",
         "32: questions[2].items: needs at least 3 entries"),
        ("pass_mark: 50", "pass_mark: 150", "4: pass_mark: must be a percentage"),
        ("attempts_allowed: 2", "attempts_alowed: 2",
         "5: attempts_alowed: unknown field"),
    ],
)  # fmt: skip
def test_bad_quiz_files_name_file_line_and_field(course_dir, old, new, expected):
    edit(course_dir / "quizzes/check-first.yaml", old, new)
    errors = rejected(course_dir)
    assert f"check-first.yaml:{expected}" in errors
    assert errors.count("\n") == 1, errors  # one problem, one line: no cascade
    assert not Quiz.objects.exists()


def test_unknown_ref_and_duplicate_question_slug(course_dir):
    edit(course_dir / "quizzes/test-ideas.yaml", "ref: peace-first", "ref: missing")
    edit(course_dir / "quizzes/test-ideas.yaml", "slug: match-terms", "slug: treaty-year")
    errors = rejected(course_dir)
    assert "unknown question 'missing'" in errors
    assert "duplicate question slug 'treaty-year'" in errors


def test_draw_larger_than_the_pool_is_refused(course_dir):
    edit(course_dir / "quizzes/test-ideas.yaml", "shuffle_questions: true",
         "shuffle_questions: true\ndraw:\n  - {category: history, count: 9}")  # fmt: skip
    assert "draw[0].count: draws 9 from 'history', which has 3" in rejected(course_dir)


def test_prune_refuses_to_delete_a_quiz_with_attempts(course_dir):
    from quizzes.services import attempt_start
    from tests.factories import UserFactory

    load(course_dir)
    attempt_start(quiz=Quiz.objects.get(slug="test-ideas"), user=UserFactory())
    (course_dir / "quizzes/test-ideas.yaml").unlink()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("loadcourse", str(course_dir), "--prune", stdout=StringIO(), stderr=err)
    assert "quiz 'test-ideas' has 1 attempt(s)" in err.getvalue()
    assert Quiz.objects.filter(slug="test-ideas").exists()
