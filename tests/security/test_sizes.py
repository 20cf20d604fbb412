"""Size and shape: oversized, malformed and hostile files and answers get a clear error in
bounded time and memory, and leave nothing half-written."""

import re
import shutil
import time
import tracemalloc
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from courses.models import Course, Lesson
from quizzes.formats import MAX_QUESTIONS, FormatError
from quizzes.importing import questions_import
from quizzes.models import Question
from quizzes.presentation import ESSAY_MAX_CHARS
from quizzes.services import attempt_start
from tests.factories import CourseFactory, UserFactory, make_quiz
from tests.security.conftest import instructor_of

pytestmark = pytest.mark.django_db

COURSE_FILES = Path(__file__).parent.parent / "courses" / "files" / "mini-course"
SECONDS = 30  # generous for a loaded CI machine; each case takes well under a second or two
MEGABYTES = 64

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE quiz ['
    '<!ENTITY a "aaaaaaaaaa">'
    + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    + "]><quiz><question type=\"essay\"><name><text>&j;</text></name>"
    "<questiontext><text>&j;</text></questiontext></question></quiz>"
)  # fmt: skip
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<quiz><question type="essay"><name><text>&x;</text></name></question></quiz>'
)


def bounded(call):
    """Run `call`; return what it raised (or returned), after checking time and memory."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = call()
    except Exception as error:  # noqa: BLE001 - the caller inspects it
        outcome = error
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"
    assert peak < MEGABYTES, f"peaked at {peak:.0f} MB"
    return outcome


def gift_questions(count: int) -> str:
    return "\n\n".join(
        f"::Q{n}:: Is {n} even? {{{'T' if n % 2 == 0 else 'F'}}}" for n in range(count)
    )


# Question files


def test_a_ten_thousand_question_file_is_refused_whole():
    course = CourseFactory()
    error = bounded(
        lambda: questions_import(course=course, fmt="gift", text=gift_questions(10_000))
    )
    assert isinstance(error, FormatError)
    assert f"more than {MAX_QUESTIONS:,} questions" in str(error)
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "text,message",
    [
        (BILLION_LAUGHS, "declares XML entities"),
        (EXTERNAL_ENTITY, "declares XML entities"),
        ("<quiz>" * 100_000, "not well formed"),
        ("", "not well formed"),
    ],
    ids=["billion-laughs", "external-entity", "deeply-nested", "empty"],
)
def test_hostile_xml_is_refused_quickly(text, message):
    course = CourseFactory()
    error = bounded(lambda: questions_import(course=course, fmt="moodlexml", text=text))
    assert isinstance(error, FormatError) and message in str(error), error
    assert not Question.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_with_its_line():
    course = CourseFactory()
    data = "::Q1:: Café? {T}\n\n::Q2:: Crème? {F}\n".encode("latin-1")
    error = bounded(lambda: questions_import(course=course, fmt="gift", text=data))
    assert isinstance(error, FormatError)
    assert "line 1" in str(error) and "is not UTF-8" in str(error)
    assert not Question.objects.exists()


def test_a_binary_file_is_refused():
    course = CourseFactory()
    with pytest.raises(FormatError, match="NUL character"):
        questions_import(course=course, fmt="gift", text=b"::Q:: x {T}\x00\x01\x02")
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "The submitted file is empty."),
        (b"\xff\xfe::Q1:: x {T}", "is not UTF-8"),
        (BILLION_LAUGHS.encode(), "declares XML entities"),
        (gift_questions(10_000).encode(), f"more than {MAX_QUESTIONS:,} questions"),
    ],
    ids=["empty", "not-utf8", "billion-laughs", "ten-thousand"],
)
def test_the_admin_import_page_shows_a_clear_error_and_imports_nothing(client, content, message):
    course = CourseFactory(slug="imports")
    client.force_login(instructor_of(course, "ines"))
    fmt = "moodlexml" if content.startswith(b"<?xml") else "gift"
    upload = SimpleUploadedFile("bank.txt", content, content_type="text/plain")
    response = bounded(lambda: client.post(
        reverse("admin:quizzes_question_import"),
        {"course": course.pk, "fmt": fmt, "file": upload},
    ))  # fmt: skip
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.exists()


def test_an_empty_question_file_is_an_error_on_the_command_line(tmp_path):
    CourseFactory(slug="imports")
    path = tmp_path / "empty.gift.txt"
    path.write_text("// nothing but a comment\n")
    with pytest.raises(CommandError):
        call_command("importquestions", "imports", str(path), "--format", "gift",
                     stdout=StringIO())  # fmt: skip


# Seed files


@pytest.fixture
def course_dir(tmp_path) -> Path:
    target = tmp_path / "mini-course"
    shutil.copytree(COURSE_FILES, target)
    return target


def load_error(path: Path) -> str:
    err = StringIO()
    outcome = bounded(lambda: call_command("loadcourse", str(path), stdout=StringIO(), stderr=err))
    assert isinstance(outcome, CommandError), outcome
    assert not Course.objects.exists() and not Lesson.objects.exists()
    return err.getvalue()


def test_deeply_nested_yaml_is_refused(course_dir):
    (course_dir / "concepts.yaml").write_text("[" * 100_000 + "]" * 100_000)
    # The line is there when LibYAML's own depth limit is what stopped the parse.
    expected = r"concepts\.yaml(:\d+)?: YAML is nested more than 50 levels deep"
    assert re.search(expected, load_error(course_dir))


def test_yaml_aliases_cannot_multiply_a_small_file(course_dir):
    laughs = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    (course_dir / "timeline.yaml").write_text(laughs)
    assert "anchors and aliases" in load_error(course_dir)


def test_a_seed_file_that_is_not_utf8_is_refused(course_dir):
    lesson = course_dir / "modules" / "01-history" / "01-first.md"
    lesson.write_bytes(lesson.read_text().replace("a", "é").encode("latin-1"))
    assert "01-first.md" in load_error(course_dir) and "not UTF-8" in load_error(course_dir)


def test_an_empty_seed_file_is_refused(course_dir):
    (course_dir / "course.yaml").write_text("")
    assert "course.yaml" in load_error(course_dir)


def test_an_oversized_seed_file_is_refused_before_it_is_read(course_dir):
    (course_dir / "sources.yaml").write_text("# padding\n" * 300_000)
    assert "larger than" in load_error(course_dir)


# Answers


@pytest.mark.parametrize("size", [ESSAY_MAX_CHARS + 1, 1_000_000])
def test_an_oversized_answer_is_refused_and_nothing_is_saved(client, quiz_course, size):
    learner = UserFactory()
    quiz = make_quiz(quiz_course, list(quiz_course.sample_questions.values()), slug="big")
    attempt = attempt_start(quiz=quiz, user=learner)
    essay = attempt.responses.get(version__data__kind="essay").slot
    client.force_login(learner)
    response = bounded(lambda: client.post(
        reverse("quizzes:autosave", args=[attempt.pk]), {f"q{essay}": "x" * size, "q1": "0"}
    ))  # fmt: skip
    assert response.status_code == 400
    assert f"{ESSAY_MAX_CHARS} characters or fewer" in response.json()["errors"][str(essay)]
    assert not attempt.responses.exclude(answer=None).exists()


def test_a_request_body_over_the_upload_limit_is_refused(settings, quiz_course):
    settings.DEBUG = False  # as in production: Django's 400 page, not the debug page
    learner = UserFactory()
    quiz = make_quiz(quiz_course, [quiz_course.sample_questions["essay"]], slug="huge")
    attempt = attempt_start(quiz=quiz, user=learner)
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    response = client.post(reverse("quizzes:autosave", args=[attempt.pk]), {"q1": "x" * 3_000_000})
    assert response.status_code == 400
    assert not attempt.responses.exclude(answer=None).exists()
