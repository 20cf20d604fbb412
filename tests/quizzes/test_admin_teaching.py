"""The quiz admin for teaching: import page, export and duplicate actions, publishing,
instructors limited to their courses, and changelists at a fixed query count."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from quizzes.formats import parse
from quizzes.models import Attempt, Question, QuestionVersion, Quiz, Response
from quizzes.services import attempt_save, attempt_start, attempt_submit
from tests.courses.test_admin import instructor_of, logged_in
from tests.factories import CourseFactory, UserFactory, make_question, make_quiz
from tests.quizzes.test_attempts import form

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
IMPORT_URL = "/admin/quizzes/question/import/"
XSS_GIFT = (
    "// question: xss\n"
    '<script>alert("pwned")</script><img src\\=x onerror\\=alert(1)> Is this safe?{T}\n'
)


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (FILES / name).read_bytes())


def import_post(client, course, name, content=None, **fields):
    data = {"course": course.pk, "fmt": "gift", "file": upload(name, content), **fields}
    return client.post(IMPORT_URL, data)


def changelist_action(client, model: str, action: str, objects, follow=False):
    return client.post(
        reverse(f"admin:quizzes_{model}_changelist"),
        {"action": action, "_selected_action": [o.pk for o in objects]},
        follow=follow,
    )


# The import page.


def test_changelist_links_to_the_import_page(admin_client):
    page = admin_client.get(reverse("admin:quizzes_question_changelist")).text
    assert f'href="{IMPORT_URL}"' in page and "Import questions" in page


def test_import_page_creates_questions_and_reports(admin_client):
    course = CourseFactory()
    response = import_post(admin_client, course, "bank.gift.txt", skip_unsupported="on")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?course__id__exact={course.pk}")
    page = admin_client.get(response["Location"]).text
    assert "Found: 4, Created: 3, Updated: 0, Unchanged: 0, Skipped: 1, Errors: 0" in page
    assert "Skipped line 16: unsupported question type: description" in page
    assert course.questions.count() == 3


def test_import_page_shows_the_error_line_and_saves_nothing(admin_client):
    course = CourseFactory()
    response = import_post(admin_client, course, "bad-line.gift.txt")
    assert response.status_code == 200
    assert "bad-line.gift.txt: line 5: not a number: &#x27;abc&#x27;" in response.text
    assert "Nothing was imported." in response.text
    assert Question.objects.count() == 0


def test_import_page_dry_run_lists_what_would_happen(admin_client):
    course = CourseFactory()
    response = import_post(
        admin_client, course, "bank.gift.txt", skip_unsupported="on", dry_run="on"
    )
    assert response.status_code == 200
    assert "would create line 5: helsinki-year" in response.text
    assert Question.objects.count() == 0


def test_import_page_appends_to_a_quiz_of_the_course_only(admin_client):
    course, other = CourseFactory(), CourseFactory()
    quiz = make_quiz(other, [], slug="elsewhere")
    response = import_post(admin_client, course, "bank.gift.txt", skip_unsupported="on",
                           quiz=quiz.pk)  # fmt: skip
    assert "This quiz belongs to another course." in response.text
    own = make_quiz(course, [], slug="own")
    import_post(admin_client, course, "bank.gift.txt", skip_unsupported="on", quiz=own.pk)
    assert own.slots.count() == 3


def test_billion_laughs_upload_gives_a_clear_error_and_saves_nothing(admin_client):
    course = CourseFactory()
    content = (FILES.parent / "formats" / "files" / "billion-laughs.xml").read_bytes()
    response = import_post(admin_client, course, "lol.xml", content, fmt="moodlexml")
    assert "lol.xml: document: the file declares XML entities" in response.text
    assert Question.objects.count() == 0


def test_upload_that_is_not_utf8_names_the_byte(admin_client):
    response = import_post(admin_client, CourseFactory(), "latin1.gift.txt")
    assert "line 2, byte offset 22: byte 0xE9 is not UTF-8" in response.text


def test_oversized_upload_is_refused_before_reading(admin_client):
    content = b"x" * (5 * 1024 * 1024 + 1)
    response = import_post(admin_client, CourseFactory(), "big.gift.txt", content)
    assert "The file is larger than 5 MB; split it." in response.text
    assert Question.objects.count() == 0


def test_import_needs_the_add_permission(client):
    staff = UserFactory(is_staff=True)  # staff, but in no group and without permissions
    client.force_login(staff)
    assert client.get(IMPORT_URL).status_code == 403
    assert import_post(client, CourseFactory(), "bank.gift.txt").status_code == 403
    assert Question.objects.count() == 0


def test_instructor_imports_only_into_their_courses():
    mine, theirs = CourseFactory(), CourseFactory()
    client = logged_in(instructor_of(mine))
    choices = client.get(IMPORT_URL).context["form"].fields["course"].queryset
    assert list(choices) == [mine]
    response = import_post(client, theirs, "bank.gift.txt", skip_unsupported="on")
    assert "Select a valid choice" in response.text
    assert Question.objects.count() == 0
    import_post(client, mine, "bank.gift.txt", skip_unsupported="on")
    assert mine.questions.count() == 3


def test_learner_is_sent_to_the_admin_login_for_the_import_page(learner):
    client = logged_in(learner)
    for response in (client.get(IMPORT_URL), import_post(client, CourseFactory(), "bank.gift.txt")):
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert Question.objects.count() == 0


def test_import_page_needs_csrf(learner):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client = logged_in(staff, enforce_csrf_checks=True)
    assert import_post(client, CourseFactory(), "bank.gift.txt").status_code == 403


# An imported prompt with a script never runs, in the admin or on the site.


def test_imported_xss_prompt_is_escaped_in_the_admin_and_sanitised_on_the_site(admin_client):
    course = CourseFactory(slug="xss")
    import_post(admin_client, course, "xss.gift.txt", XSS_GIFT.encode())
    question = course.questions.get(slug="xss")
    assert "<script>" in question.prompt  # kept as written; rendering makes it safe
    pages = [
        admin_client.get(reverse("admin:quizzes_question_changelist")).text,
        admin_client.get(reverse("admin:quizzes_question_change", args=[question.pk])).text,
    ]
    learner = UserFactory()
    attempt = attempt_start(quiz=make_quiz(course, [question]), user=learner)
    pages.append(logged_in(learner).get(attempt.get_absolute_url()).text)
    attempt_save(attempt=attempt, data=form(q1="true"))
    attempt_submit(attempt=attempt)
    response = Response.objects.get(attempt=attempt)
    pages.append(
        admin_client.get(reverse("admin:quizzes_response_change", args=[response.pk])).text
    )
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
        assert not re.search(r"<[^<>]*onerror", page)  # in no tag, only in escaped text
    assert "Is this safe?" in pages[2]  # the site shows the sanitised prompt


# Export and duplicate actions.


def test_export_selected_as_gift_downloads_a_file(admin_client, quiz_course):
    chosen = [quiz_course.sample_questions[k] for k in ("single", "true_false")]
    response = changelist_action(admin_client, "question", "export_gift", chosen)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="questions.gift.txt"'
    slugs = sorted(q["slug"] for q in parse("gift", response.content.decode()).questions)
    assert slugs == ["q-single", "q-tf"]


def test_export_selected_as_moodle_xml_holds_every_kind(admin_client, quiz_course):
    chosen = list(quiz_course.sample_questions.values())
    response = changelist_action(admin_client, "question", "export_moodlexml", chosen)
    assert response["Content-Disposition"] == 'attachment; filename="questions.xml"'
    kinds = {q["kind"] for q in parse("moodlexml", response.content.decode()).questions}
    assert kinds == set(quiz_course.sample_questions)


def test_export_of_what_gift_cannot_hold_is_an_error_message(admin_client, quiz_course):
    chosen = [quiz_course.sample_questions["ordering"]]
    response = changelist_action(admin_client, "question", "export_gift", chosen, follow=True)
    assert "Content-Disposition" not in response
    assert "Nothing exported: question q-ordering: GIFT has no ordering questions" in (
        response.text
    )


def test_duplicate_question_copies_rows_under_a_free_slug(admin_client, quiz_course):
    single = quiz_course.sample_questions["single"]
    changelist_action(admin_client, "question", "duplicate", [single])
    changelist_action(admin_client, "question", "duplicate", [single])
    copy = Question.objects.get(slug="q-single-copy")
    assert Question.objects.filter(slug="q-single-copy-2").exists()
    assert [(c.text, c.credit) for c in copy.choices.all()] == [
        (c.text, c.credit) for c in single.choices.all()
    ]
    assert copy.source == single.source and copy.versions.count() == 1
    assert copy.versions.get().data["prompt"] == single.prompt


def test_duplicate_quiz_is_an_unpublished_copy_with_its_questions(admin_client, quiz_course):
    questions = list(quiz_course.sample_questions.values())[:3]
    quiz = make_quiz(quiz_course, questions, slug="check", title="Check")
    quiz.feedback_bands.create(min_percent=50, text="Half way.")
    changelist_action(admin_client, "quiz", "duplicate", [quiz])
    copy = Quiz.objects.get(slug="check-copy")
    assert copy.title == "Check (copy)" and not copy.is_published
    assert list(copy.questions.order_by("slots__position")) == questions
    assert copy.feedback_bands.get().text == "Half way."
    assert quiz.slots.count() == 3  # the original keeps its own rows


def test_publish_and_unpublish_quizzes(admin_client, quiz_course):
    quiz = make_quiz(quiz_course, [], slug="check")
    changelist_action(admin_client, "quiz", "unpublish", [quiz])
    quiz.refresh_from_db()
    assert not quiz.is_published
    response = changelist_action(admin_client, "quiz", "publish", [quiz], follow=True)
    quiz.refresh_from_db()
    assert quiz.is_published and "1 quizzes published." in response.text


# Instructors reach only the courses they teach.


@pytest.fixture
def course_b_essay_response():
    """Course B's quiz with a learner's essay waiting to be graded."""
    course = CourseFactory(slug="course-b")
    question = make_question(course, {"slug": "b-essay", "kind": "essay", "prompt": "Write."})
    attempt = attempt_start(quiz=make_quiz(course, [question], slug="b-quiz"), user=UserFactory())
    attempt_save(attempt=attempt, data=form(q1="My essay."))
    attempt_submit(attempt=attempt)
    return Response.objects.get(attempt=attempt)


def test_instructor_cannot_list_open_or_change_another_courses_questions(
    course_b_essay_response,
):
    mine = CourseFactory(slug="course-a")
    own = make_question(mine, {"slug": "a-essay", "kind": "essay", "prompt": "Mine."})
    client = logged_in(instructor_of(mine))
    page = client.get(reverse("admin:quizzes_question_changelist")).text
    assert "a-essay" in page and "b-essay" not in page
    other = Question.objects.get(slug="b-essay")
    url = reverse("admin:quizzes_question_change", args=[other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"prompt": "Hijacked"}).status_code == 404
    assert client.get(reverse("admin:quizzes_question_change", args=[own.pk])).status_code == 200
    other.refresh_from_db()
    assert other.prompt == "Write."


def test_instructor_cannot_grade_another_courses_responses(course_b_essay_response):
    mine = CourseFactory(slug="course-a")
    client = logged_in(instructor_of(mine))
    page = client.get(reverse("admin:quizzes_response_changelist")).text
    assert "My essay." not in page and "b-quiz" not in page.lower()
    url = reverse("admin:quizzes_response_change", args=[course_b_essay_response.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"score": "1", "comment": "x"}).status_code == 404
    course_b_essay_response.refresh_from_db()
    assert course_b_essay_response.score is None


def test_instructor_grades_their_own_courses_responses(course_b_essay_response):
    course_b = course_b_essay_response.attempt.quiz.course
    client = logged_in(instructor_of(course_b))
    url = reverse("admin:quizzes_response_change", args=[course_b_essay_response.pk])
    assert client.post(url, {"score": "1", "comment": "Good."}).status_code == 302
    course_b_essay_response.refresh_from_db()
    assert course_b_essay_response.score == 1


def test_instructor_can_only_add_questions_to_their_courses():
    mine, theirs = CourseFactory(), CourseFactory()
    client = logged_in(instructor_of(mine))
    data = {"course": theirs.pk, "slug": "sneaky", "kind": "essay", "prompt": "x",
            "points": "1", "category": "general"}  # fmt: skip
    response = client.post(reverse("admin:quizzes_question_add"), data)
    assert "Select a valid choice" in response.text
    assert not Question.objects.filter(slug="sneaky").exists()


def test_instructor_cannot_put_another_courses_question_in_their_quiz():
    mine, theirs = CourseFactory(), CourseFactory()
    quiz = make_quiz(mine, [], slug="mine")
    foreign = make_question(theirs, {"slug": "foreign", "kind": "essay", "prompt": "x"})
    client = logged_in(instructor_of(mine))
    field = (
        client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk]))
        .context["inline_admin_formsets"][0]
        .formset.form.base_fields["question"]
    )
    assert foreign not in field.queryset


def test_instructor_actions_touch_only_their_courses():
    mine, theirs = CourseFactory(), CourseFactory()
    mine_quiz = make_quiz(mine, [], slug="m", is_published=False)
    their_quiz = make_quiz(theirs, [], slug="t", is_published=False)
    client = logged_in(instructor_of(mine))
    changelist_action(client, "quiz", "publish", [mine_quiz, their_quiz])
    assert list(Quiz.objects.filter(is_published=True)) == [mine_quiz]


def test_learner_is_sent_to_the_admin_login_for_actions(learner, quiz_course):
    client = logged_in(learner)
    question = quiz_course.sample_questions["single"]
    for action in ("export_gift", "export_moodlexml", "duplicate"):
        response = changelist_action(client, "question", action, [question])
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert Question.objects.count() == len(quiz_course.sample_questions)


# Query budgets: a changelist costs the same with 5 or 500 rows.


def _questions(course, rows):
    return Question.objects.bulk_create(
        Question(course=course, slug=f"q{i}", kind="essay", prompt=f"Prompt {i}")
        for i in range(rows)
    )


def _attempts(rows):
    course = CourseFactory()
    question = _questions(course, 1)[0]
    data = {"slug": "q0", "prompt": "P"}
    version = QuestionVersion.objects.create(question=question, number=1, data=data)
    quiz, user, now = make_quiz(course, [question]), UserFactory(), timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(quiz=quiz, user=user, number=i + 1, state="submitted", started_at=now)
        for i in range(rows)
    )
    Response.objects.bulk_create(
        Response(attempt=a, slot=1, version=version, points=Decimal(1)) for a in attempts
    )


def _quizzes(rows):
    course = CourseFactory()
    Quiz.objects.bulk_create(
        Quiz(course=course, slug=f"quiz-{i}", title=f"Quiz {i}") for i in range(rows)
    )


SETUPS = {
    "question": (lambda rows: _questions(CourseFactory(), rows), 7),
    "quiz": (_quizzes, 6),
    "attempt": (_attempts, 6),
    "response": (_attempts, 7),
}


@pytest.mark.parametrize("rows", [5, 500])
@pytest.mark.parametrize("model", sorted(SETUPS))
def test_changelist_query_budget(admin_client, django_assert_max_num_queries, model, rows):
    setup, budget = SETUPS[model]
    setup(rows)
    with django_assert_max_num_queries(budget):
        response = admin_client.get(reverse(f"admin:quizzes_{model}_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == rows
