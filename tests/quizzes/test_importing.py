"""Question files in and out of a course: importquestions / exportquestions and their services.

An import reads the whole file first and writes in one transaction, so every failure
below also checks that nothing was saved.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.formats import MAX_QUESTIONS, FormatError, parse
from quizzes.importing import questions_export, questions_import
from quizzes.models import Question, QuestionVersion, QuizQuestion
from quizzes.questions import question_spec, with_related
from tests.factories import ConceptFactory, CourseFactory, SourceFactory, make_question, make_quiz

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
FORMAT_FILES = Path(__file__).parent / "formats" / "files"
CARRIED_BY_NO_FILE = ("source", "locator", "concepts")


@pytest.fixture
def course():
    return CourseFactory(slug="bank")


def run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_error(command: str, *args) -> str:
    with pytest.raises(CommandError) as excinfo:
        run(command, *args)
    return str(excinfo.value)


def import_file(name: str, *args, course="bank", fmt="gift") -> str:
    return run("importquestions", course, str(FILES / name), "--format", fmt, *args)


def import_error(name: str, *args, fmt="gift", folder=FILES) -> str:
    return run_error("importquestions", "bank", str(folder / name), "--format", fmt, *args)


def summary(output: str) -> dict[str, int]:
    pairs = (line.split(": ", 1) for line in output.splitlines() if ": " in line)
    return {name: int(value) for name, value in pairs if value.isdigit()}


# Importing with the command.


def test_import_creates_questions_and_reports_the_skipped_one(course):
    output = import_file("bank.gift.txt", "--skip-unsupported")
    assert summary(output) == {
        "Found": 4, "Created": 3, "Updated": 0, "Unchanged": 0, "Skipped": 1, "Errors": 0,
    }  # fmt: skip
    assert "skipped line 16: unsupported question type: description" in output
    questions = {q.slug: q for q in course.questions.all()}
    assert set(questions) == {"helsinki-year", "league-article", "osce-renamed"}
    assert {q.category for q in questions.values()} == {"helsinki"}
    assert questions["osce-renamed"].answer_true is True
    assert questions["helsinki-year"].numeric_answers.count() == 2
    assert all(q.versions.count() == 1 for q in questions.values())


def test_verbose_import_lists_each_question_with_its_line(course):
    output = import_file("bank.gift.txt", "--skip-unsupported", "--verbosity", "2")
    assert "created line 5: helsinki-year" in output
    assert "created line 19: osce-renamed" in output


def test_an_unsupported_type_refuses_the_whole_file(course):
    message = import_error("bank.gift.txt")
    assert message.endswith(
        "bank.gift.txt: line 16: unsupported question type: description; nothing was imported."
    )
    assert Question.objects.count() == 0


def test_a_bad_answer_names_the_file_and_line_and_saves_nothing(course):
    message = import_error("bad-line.gift.txt")
    assert "bad-line.gift.txt: line 5: not a number: 'abc'" in message
    assert Question.objects.count() == 0  # the valid question before it is not kept


def test_a_bad_xml_answer_names_its_element_path(course):
    message = import_error("bad-answer.moodle.xml", fmt="moodlexml")
    assert "bad-answer.moodle.xml: quiz/question[2]/answer[1]/fraction: not a number" in message
    assert Question.objects.count() == 0


def test_aiken_files_are_imported_as_single_choice(course):
    import_file("bank.aiken.txt", fmt="aiken")
    question = course.questions.get()
    assert question.kind == "single"
    assert [(c.text, c.credit) for c in question.choices.all()] == [
        ("The Treaty of Versailles", 100), ("The Helsinki Final Act", 0),
    ]  # fmt: skip


def test_bytes_that_are_not_utf8_are_refused_with_their_offset(course):
    message = import_error("latin1.gift.txt")
    # "// question: latin\n" is 19 bytes, "Caf" three more: é (0xE9) is at offset 22.
    assert "line 2, byte offset 22: byte 0xE9 is not UTF-8; save the file as UTF-8" in message
    assert Question.objects.count() == 0


def test_a_byte_order_mark_is_accepted(course):
    import_file("bom.gift.txt")
    assert course.questions.get().slug == "with-bom"


def test_dry_run_reports_but_saves_nothing(course):
    output = import_file("bank.gift.txt", "--skip-unsupported", "--dry-run")
    assert summary(output)["Created"] == 3
    assert "Dry run: nothing was saved." in output
    assert Question.objects.count() == 0 and QuestionVersion.objects.count() == 0


def test_unknown_course_quiz_and_file_are_command_errors(course, tmp_path):
    assert "no course 'nope'" in run_error(
        "importquestions", "nope", str(FILES / "bank.gift.txt"), "--format", "gift"
    )
    assert "course 'bank' has no quiz 'nope'" in import_error("bank.gift.txt", "--quiz", "nope")
    missing = tmp_path / "missing.txt"
    assert f"{missing}: No such file" in run_error(
        "importquestions", "bank", str(missing), "--format", "gift"
    )


# Slugs that the course already has.


def test_a_slug_clash_is_an_error_naming_slug_and_line_and_nothing_is_saved(course):
    make_question(course, {"slug": "osce-renamed", "kind": "essay", "prompt": "Old."})
    message = import_error("bank.gift.txt", "--skip-unsupported")
    assert "line 19: the course already has a question 'osce-renamed'" in message
    assert list(course.questions.values_list("slug", flat=True)) == ["osce-renamed"]


def test_the_same_slug_in_another_course_is_no_clash(course):
    other = CourseFactory()
    make_question(other, {"slug": "osce-renamed", "kind": "essay", "prompt": "Elsewhere."})
    import_file("bank.gift.txt", "--skip-unsupported")
    assert course.questions.filter(slug="osce-renamed", kind="true_false").exists()
    assert other.questions.get().kind == "essay"


def test_update_overwrites_with_a_new_version_and_keeps_what_files_do_not_carry(course):
    source = SourceFactory(course=course, slug="src")
    concept = ConceptFactory(course=course, slug="csce")
    old = make_question(course, {
        "slug": "osce-renamed", "kind": "true_false", "prompt": "Old prompt.", "answer": False,
        "points": 3, "source": "src", "locator": "p. 4", "concepts": ["csce"],
    })  # fmt: skip
    output = import_file("bank.gift.txt", "--skip-unsupported", "--update")
    assert summary(output)["Updated"] == 1 and summary(output)["Created"] == 2
    old.refresh_from_db()
    assert old.prompt == "The CSCE became the OSCE in 1995." and old.answer_true is True
    assert (old.points, old.source, old.locator) == (3, source, "p. 4")
    assert list(old.concepts.all()) == [concept]
    assert [v.number for v in old.versions.all()] == [2, 1]


def test_updating_with_the_same_file_changes_nothing(course):
    import_file("bank.gift.txt", "--skip-unsupported")
    output = import_file("bank.gift.txt", "--skip-unsupported", "--update")
    assert summary(output)["Unchanged"] == 3 and summary(output)["Updated"] == 0
    assert QuestionVersion.objects.count() == 3


# Adding to a quiz.


def test_imported_questions_are_appended_to_the_quiz_in_file_order(course):
    first = make_question(course, {"slug": "first", "kind": "essay", "prompt": "First."})
    quiz = make_quiz(course, [first], slug="check")
    output = import_file("bank.gift.txt", "--skip-unsupported", "--quiz", "check")
    assert "Added to quiz check: 3" in output
    slugs = list(quiz.slots.order_by("position").values_list("question__slug", flat=True))
    assert slugs == ["first", "helsinki-year", "league-article", "osce-renamed"]


def test_a_question_already_in_the_quiz_is_not_added_twice(course):
    import_file("bank.gift.txt", "--skip-unsupported")
    quiz = make_quiz(course, [course.questions.get(slug="league-article")], slug="check")
    import_file("bank.gift.txt", "--skip-unsupported", "--update", "--quiz", "check")
    assert QuizQuestion.objects.filter(quiz=quiz).count() == 3


def test_the_service_refuses_a_quiz_of_another_course(course):
    quiz = make_quiz(CourseFactory(), [], slug="elsewhere")
    with pytest.raises(ValueError, match="the quiz 'elsewhere' belongs to another course"):
        questions_import(course=course, fmt="gift", text="Q?{T}", quiz=quiz)


# Limits and hostile files.


def test_a_file_over_the_question_limit_is_refused_and_saves_nothing(course):
    text = "\n\n".join(f"// question: q{i}\nStatement {i}.{{T}}" for i in range(10_000))
    with pytest.raises(FormatError, match=f"more than {MAX_QUESTIONS:,} questions; split it"):
        questions_import(course=course, fmt="gift", text=text)
    assert Question.objects.count() == 0


def test_billion_laughs_is_refused_and_saves_nothing(course):
    message = import_error("billion-laughs.xml", fmt="moodlexml", folder=FORMAT_FILES)
    assert "document: the file declares XML entities" in message
    assert Question.objects.count() == 0


def test_an_oversized_upload_is_refused_before_decoding(course):
    with pytest.raises(FormatError, match="larger than 5 MB"):
        questions_import(course=course, fmt="gift", text=b"x" * (5 * 1024 * 1024 + 1))


# Exporting.


def test_export_round_trips_every_kind_through_moodle_xml(quiz_course, tmp_path):
    out = tmp_path / "bank.xml"
    output = run("exportquestions", "qc", str(out), "--format", "moodlexml")
    assert f"Exported 8 question(s) to {out}." in output
    target = CourseFactory(slug="copy")
    questions_import(course=target, fmt="moodlexml", text=out.read_bytes())

    def specs(course):
        return {
            q.slug: {k: v for k, v in question_spec(q).items() if k not in CARRIED_BY_NO_FILE}
            for q in with_related(course.questions.all())
        }

    assert specs(target) == specs(quiz_course)


def test_export_of_a_quiz_keeps_its_order(quiz_course, tmp_path):
    samples = quiz_course.sample_questions
    make_quiz(quiz_course, [samples["essay"], samples["single"], samples["true_false"]],
              slug="mixed")  # fmt: skip
    out = tmp_path / "mixed.gift.txt"
    run("exportquestions", "qc", str(out), "--format", "gift", "--quiz", "mixed")
    slugs = [q["slug"] for q in parse("gift", out.read_text()).questions]
    assert slugs == ["q-essay", "q-single", "q-tf"]


def test_export_of_a_category(course, tmp_path):
    import_file("bank.gift.txt", "--skip-unsupported")
    make_question(course, {"slug": "elsewhere", "kind": "essay", "prompt": "Other.",
                           "category": "other"})  # fmt: skip
    out = tmp_path / "helsinki.gift.txt"
    run("exportquestions", "bank", str(out), "--format", "gift", "--category", "helsinki")
    slugs = sorted(q["slug"] for q in parse("gift", out.read_text()).questions)
    assert slugs == ["helsinki-year", "league-article", "osce-renamed"]


def test_export_refuses_what_the_format_cannot_hold_and_writes_nothing(quiz_course, tmp_path):
    out = tmp_path / "all.gift.txt"
    message = run_error("exportquestions", "qc", str(out), "--format", "gift")
    assert "q-ordering" in message and "GIFT has no ordering questions" in message
    assert not out.exists()


def test_export_with_nothing_to_export_is_an_error(course, tmp_path):
    out = tmp_path / "none.xml"
    assert "no questions to export" in run_error(
        "exportquestions", "bank", str(out), "--format", "moodlexml"
    )


def test_questions_export_follows_the_queryset(quiz_course):
    samples = quiz_course.sample_questions
    queryset = Question.objects.filter(pk__in=[samples["single"].pk, samples["essay"].pk])
    text = questions_export(questions=queryset.order_by("-slug"), fmt="gift")
    assert [q["slug"] for q in parse("gift", text).questions] == ["q-single", "q-essay"]
