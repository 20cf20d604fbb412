"""loadcourse / exportcourse: validate everything first, write all-or-nothing, round-trip."""

import filecmp
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import (
    Citation,
    Concept,
    ConceptRelation,
    Course,
    Lesson,
    LessonProgress,
    TimelineEvent,
)
from tests.factories import UserFactory

FILES = Path(__file__).parent / "files"


@pytest.fixture
def course_dir(tmp_path) -> Path:
    target = tmp_path / "mini-course"
    shutil.copytree(FILES / "mini-course", target)
    return target


def load(path, *args) -> str:
    out = StringIO()
    call_command("loadcourse", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def load_error(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("loadcourse", str(path), *args, stdout=out, stderr=err)
    return str(excinfo.value), err.getvalue()


def snapshot() -> dict:
    """Everything loadcourse writes, to prove a failed load changed nothing."""
    return {
        "courses": list(Course.objects.values_list("slug", "title", "summary")),
        "lessons": list(Lesson.objects.values_list("slug", "title", "body", "kind")),
        "concepts": list(Concept.objects.values_list("slug", "definition")),
        "relations": ConceptRelation.objects.count(),
        "events": TimelineEvent.objects.count(),
        "citations": Citation.objects.count(),
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"test setup: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.django_db
class TestGoodInput:
    def test_loads_every_kind_of_object(self, course_dir):
        output = load(course_dir)
        course = Course.objects.get(slug="mini-course")
        assert "Loaded" in output
        assert list(course.modules.values_list("slug", flat=True)) == ["history", "ideas"]
        first = Lesson.objects.get(slug="first")
        assert first.minutes == 7
        assert first.objectives == ["Name the treaty."]
        assert sorted(first.concepts.values_list("slug", flat=True)) == ["peace", "security"]
        assert first.citations.get().quote == "peace is indivisible"
        assert ConceptRelation.objects.filter(
            source__slug="peace", target__slug="security", kind="precursor_of"
        ).exists()
        assert course.timeline.count() == 2
        assert course.sources.get(slug="report").published_display == "2025"

    def test_renders_markdown_with_internal_links_resolved(self, course_dir):
        load(course_dir)
        first = Lesson.objects.get(slug="first")
        assert 'href="/courses/mini-course/glossary/peace/"' in first.body_html
        assert 'href="/courses/mini-course/lessons/second/"' in first.body_html

    def test_minutes_default_from_word_count(self, course_dir):
        load(course_dir)
        assert Lesson.objects.get(slug="second").minutes == 1

    def test_second_load_reports_no_change(self, course_dir):
        load(course_dir)
        before = snapshot()
        output = load(course_dir)
        assert "No changes" in output
        assert "created" not in output and "updated" not in output
        assert snapshot() == before

    def test_edit_updates_in_place(self, course_dir):
        load(course_dir)
        lesson_id = Lesson.objects.get(slug="first").pk
        edit(
            course_dir / "modules/01-history/01-first.md",
            "The treaty of 1975",
            "The treaty of 1976",
        )
        output = load(course_dir)
        assert "lessons: 1 updated, 2 unchanged" in output
        lesson = Lesson.objects.get(slug="first")
        assert lesson.pk == lesson_id and "1976" in lesson.body

    def test_changed_concept_tags_count_as_update(self, course_dir):
        load(course_dir)
        edit(
            course_dir / "modules/01-history/01-first.md",
            "concepts: [peace, security]",
            "concepts: [peace]",
        )
        assert "lessons: 1 updated" in load(course_dir)
        assert list(Lesson.objects.get(slug="first").concepts.values_list("slug", flat=True)) == [
            "peace"
        ]

    def test_dry_run_writes_nothing(self, course_dir):
        output = load(course_dir, "--dry-run")
        assert "Dry run" in output and "lessons: 3 created" in output
        assert not Course.objects.exists()


@pytest.mark.django_db
class TestBadInput:
    """Each bad file: non-zero exit, file + line + field in the message, database unchanged."""

    @pytest.fixture(autouse=True)
    def loaded(self, course_dir):
        load(course_dir)
        self.before = snapshot()

    def assert_rejected(self, course_dir, *expected):
        message, errors = load_error(course_dir)
        assert "the database was not changed" in message
        for text in expected:
            assert text in errors, f"{text!r} not in {errors!r}"
        assert snapshot() == self.before

    def test_yaml_syntax_error_names_file_and_line(self, course_dir):
        edit(course_dir / "concepts.yaml", "term: Security", "term: [Security")
        self.assert_rejected(course_dir, "concepts.yaml:", "YAML syntax")

    def test_yaml_syntax_error_in_front_matter_has_file_line(self, course_dir):
        edit(course_dir / "modules/01-history/01-first.md", "minutes: 7", "minutes: [7")
        message, errors = load_error(course_dir)
        assert "01-first.md:" in errors and "YAML syntax" in errors
        line = int(errors.split("01-first.md:")[1].split(":")[0])
        assert 5 <= line <= 8

    def test_missing_field(self, course_dir):
        edit(course_dir / "modules/02-ideas/01-idea.md", "title: An idea\n", "")
        self.assert_rejected(course_dir, "01-idea.md:2: title: is required")

    def test_unknown_lesson_kind(self, course_dir):
        edit(course_dir / "modules/02-ideas/01-idea.md", "kind: concept", "kind: opinion")
        self.assert_rejected(course_dir, "01-idea.md:4: kind: 'opinion' is not one of")

    def test_unknown_field_is_named(self, course_dir):
        edit(
            course_dir / "modules/02-ideas/module.yaml", "title: Ideas", "title: Ideas\ntitel: typo"
        )
        self.assert_rejected(course_dir, "module.yaml:3: titel: unknown field")

    def test_duplicate_slug(self, course_dir):
        shutil.copy(
            course_dir / "modules/02-ideas/01-idea.md", course_dir / "modules/01-history/03-idea.md"
        )
        self.assert_rejected(course_dir, "duplicate slug 'idea'")

    def test_citation_of_unknown_source(self, course_dir):
        edit(course_dir / "modules/02-ideas/01-idea.md", "source: report", "source: nowhere")
        self.assert_rejected(course_dir, "01-idea.md:", "source: unknown source 'nowhere'")

    def test_relation_to_unknown_concept(self, course_dir):
        edit(course_dir / "concepts.yaml", "target: defence", "target: offence")
        self.assert_rejected(course_dir, "concepts.yaml:", "target: unknown concept 'offence'")

    def test_link_to_unknown_lesson_names_body_line(self, course_dir):
        edit(course_dir / "modules/01-history/01-first.md", "(lesson:second)", "(lesson:third)")
        self.assert_rejected(course_dir, "01-first.md:16: body: link to unknown lesson 'third'")

    def test_slug_must_match_file_name(self, course_dir):
        edit(course_dir / "modules/02-ideas/01-idea.md", "slug: idea", "slug: other")
        self.assert_rejected(
            course_dir, "01-idea.md:2: slug: must equal the file name's slug 'idea'"
        )

    def test_yaml_aliases_are_refused(self, course_dir):
        (course_dir / "timeline.yaml").write_text(
            '- &a {date: "1990", title: x, description: y, source: report}\n- *a\n'
        )
        self.assert_rejected(course_dir, "timeline.yaml:1: YAML syntax: anchors and aliases")

    def test_non_utf8_file(self, course_dir):
        (course_dir / "sources.yaml").write_bytes(b"- slug: r\n  title: caf\xe9\n")
        self.assert_rejected(course_dir, "sources.yaml: not UTF-8")

    def test_bad_date(self, course_dir):
        edit(course_dir / "timeline.yaml", '"1920"', '"the twenties"')
        self.assert_rejected(course_dir, "timeline.yaml:", "date: use YYYY, YYYY-MM or YYYY-MM-DD")

    def test_all_problems_are_reported_at_once(self, course_dir):
        edit(course_dir / "modules/02-ideas/01-idea.md", "kind: concept", "kind: opinion")
        edit(course_dir / "concepts.yaml", "target: defence", "target: offence")
        message, errors = load_error(course_dir)
        assert message.startswith("2 problem(s)")

    def test_missing_folder(self, tmp_path):
        message, errors = load_error(tmp_path / "nothing-here")
        assert "no course folder" in errors


@pytest.mark.django_db
class TestAtomicity:
    def test_failure_while_writing_rolls_everything_back(self, course_dir, monkeypatch):
        """A crash after some rows are written leaves no trace of the load."""
        load(course_dir)
        before = snapshot()
        edit(course_dir / "course.yaml", "title: Mini course", "title: Renamed course")
        edit(course_dir / "modules/01-history/01-first.md", "The treaty of 1975", "Changed")

        def explode(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr("courses.content._write_timeline", explode)
        with pytest.raises(RuntimeError):
            load(course_dir)
        assert snapshot() == before


@pytest.mark.django_db
class TestPrune:
    def test_removed_items_are_kept_without_prune(self, course_dir):
        load(course_dir)
        (course_dir / "modules/02-ideas/01-idea.md").unlink()
        output = load(course_dir)
        assert "kept (not in the files; use --prune to delete): lesson idea" in output
        assert Lesson.objects.filter(slug="idea").exists()

    def test_prune_deletes_removed_items(self, course_dir):
        load(course_dir)
        (course_dir / "modules/02-ideas/01-idea.md").unlink()
        output = load(course_dir, "--prune")
        assert "lessons: 2 unchanged, 1 deleted" in output
        assert not Lesson.objects.filter(slug="idea").exists()

    def test_prune_refuses_to_delete_learner_progress(self, course_dir):
        load(course_dir)
        LessonProgress.objects.create(user=UserFactory(), lesson=Lesson.objects.get(slug="idea"))
        (course_dir / "modules/02-ideas/01-idea.md").unlink()
        before = snapshot()
        message, errors = load_error(course_dir, "--prune")
        assert "lesson 'idea' has progress from 1 learner(s)" in errors
        assert snapshot() == before


@pytest.mark.django_db
def test_export_then_load_then_export_is_lossless(course_dir, tmp_path):
    load(course_dir)
    first, second = tmp_path / "export1", tmp_path / "export2"
    call_command("exportcourse", "mini-course", str(first), stdout=StringIO())
    Course.objects.all().delete()
    assert "Loaded" in load(first / "mini-course")
    call_command("exportcourse", "mini-course", str(second), stdout=StringIO())
    comparison = filecmp.dircmp(first / "mini-course", second / "mini-course")
    assert_same_tree(comparison)
    assert "No changes" in load(course_dir)


def assert_same_tree(comparison: filecmp.dircmp) -> None:
    assert not comparison.left_only and not comparison.right_only, comparison.report()
    _, mismatch, errors = filecmp.cmpfiles(
        comparison.left, comparison.right, comparison.common_files, shallow=False
    )
    assert not mismatch and not errors, mismatch
    for sub in comparison.subdirs.values():
        assert_same_tree(sub)


@pytest.mark.django_db
def test_export_unknown_course_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No course with slug 'nope'"):
        call_command("exportcourse", "nope", str(tmp_path))


@pytest.mark.django_db
def test_a_billion_laughs_yaml_is_refused_quickly(course_dir):
    """Nested aliases would expand to 10^9 items; the loader stops at the first reuse."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    (course_dir / "course.yaml").write_text("\n".join(lines) + "\n")
    message, errors = load_error(course_dir)
    assert "course.yaml:1: YAML syntax: anchors and aliases" in errors


SEED_COURSE = Path(__file__).resolve().parents[2] / "seeds" / "indivisible-security"
RELOAD_QUERY_BUDGET = 40  # bulk reads: a fixed set of queries, whatever the course's size
FIRST_LOAD_FIXED_QUERIES = 60  # those reads, and one bulk insert per table


@pytest.mark.django_db
def test_a_reload_that_changes_nothing_costs_the_same_few_queries_for_any_course(
    course_dir, django_assert_max_num_queries, django_assert_num_queries
):
    """The mini course has 2 quizzes and 3 lessons, the shipped one 26 and 21: same queries."""
    load(course_dir)
    load(SEED_COURSE)
    with django_assert_max_num_queries(RELOAD_QUERY_BUDGET) as small:
        assert "No changes" in load(course_dir)
    with django_assert_num_queries(len(small.captured_queries)):
        assert "No changes" in load(SEED_COURSE)


@pytest.mark.django_db
def test_a_first_load_writes_rows_in_bulk():
    """One query per object whose save() renders Markdown; every other row goes in bulk."""
    from quizzes.models import QuestionVersion, Quiz

    with CaptureQueriesContext(connection) as first:
        load(SEED_COURSE)
    rendered = sum(
        model.objects.count()
        for model in (Course, Concept, TimelineEvent, Lesson, Quiz, QuestionVersion)
    )
    assert Citation.objects.exists() and ConceptRelation.objects.exists()
    assert len(first.captured_queries) <= FIRST_LOAD_FIXED_QUERIES + rendered


@pytest.mark.django_db
class TestEditsWrittenInBulk:
    def test_changed_citations_count_as_update(self, course_dir):
        load(course_dir)
        edit(course_dir / "modules/01-history/01-first.md", "locator: Section 2", "locator: 3")
        assert "lessons: 1 updated, 2 unchanged" in load(course_dir)
        citations = Citation.objects.filter(lesson__slug="first")
        assert list(citations.values_list("locator", "quote", "position")) == [
            ("3", "peace is indivisible", 0)
        ]

    def test_changed_event_concepts_count_as_update(self, course_dir):
        load(course_dir)
        edit(course_dir / "timeline.yaml", "concepts: [security]", "concepts: [peace, defence]")
        assert "timeline events: 1 updated, 1 unchanged" in load(course_dir)
        event = TimelineEvent.objects.get(title="A treaty is signed")
        assert sorted(event.concepts.values_list("slug", flat=True)) == ["defence", "peace"]

    def test_changed_slots_and_draws_count_as_quiz_update(self, course_dir):
        from quizzes.models import Quiz

        load(course_dir)
        edit(course_dir / "quizzes/test-ideas.yaml", "  - ref: peace-first\n", "")
        edit(course_dir / "quizzes/test-ideas.yaml", "shuffle_questions: true",
             "shuffle_questions: true\ndraw:\n  - {category: history, count: 1}")  # fmt: skip
        assert "quizzes: 1 updated, 1 unchanged" in load(course_dir)
        quiz = Quiz.objects.get(slug="test-ideas")
        assert [s.question.slug for s in quiz.slots.all()] == ["match-terms"]
        assert list(quiz.draws.values_list("category", "count")) == [("history", 1)]
        assert Quiz.objects.get(slug="check-first").slots.count() == 3
