"""The course admin for teaching: instructors see only their courses; lessons preview."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from courses.models import Course, Lesson, Module
from tests.factories import LessonFactory, ModuleFactory, UserFactory

pytestmark = pytest.mark.django_db

XSS_MARKDOWN = 'Hi <script>alert("x")</script> [me](javascript:alert(1)) and [c](concept:csce)'


def instructor_of(*courses, username="ines"):
    """A staff user in the Instructor group who teaches `courses`."""
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name="Instructor"))
    for course in courses:
        course.instructors.add(user)
    return user


def logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def two_courses():
    """Course A (taught by the instructor) and B, each with one lesson."""
    a = LessonFactory(module__course__slug="course-a", title="Lesson of A").module.course
    b = LessonFactory(module__course__slug="course-b", title="Lesson of B").module.course
    return a, b


# The Instructor group.


EDIT, ROWS = ("view", "add", "change"), ("view", "add", "change", "delete")
INSTRUCTOR_PERMISSIONS = {
    "courses": {
        "course": ("view", "change"), "module": EDIT, "lesson": EDIT, "citation": ROWS,
        "concept": EDIT, "conceptrelation": ROWS, "timelineevent": EDIT, "source": EDIT,
        "cohort": EDIT, "enrollment": ("view",), "lessonprogress": ("view",),
    },
    "quizzes": {
        "question": EDIT, "choice": ROWS, "textanswer": ROWS, "numericanswer": ROWS,
        "orderingitem": ROWS, "matchpair": ROWS, "quiz": EDIT, "quizquestion": ROWS,
        "quizdraw": ROWS, "feedbackband": ROWS, "quizoverride": ROWS,
        "attempt": ("view",), "response": ("view", "change"),
    },
}  # fmt: skip


def test_instructor_group_has_exactly_the_teaching_permissions():
    granted = set(
        Group.objects.get(name="Instructor").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    expected = {
        (label, f"{action}_{model}")
        for label, models in INSTRUCTOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }
    assert granted == expected
    codenames = {codename for _, codename in granted}
    assert "delete_course" not in codenames and "add_course" not in codenames
    assert not codenames & {"delete_lesson", "delete_question", "delete_quiz", "change_attempt"}


# Instructors see only the courses they teach.


def test_instructor_lists_only_their_courses_lessons(two_courses):
    a, b = two_courses
    client = logged_in(instructor_of(a))
    page = client.get(reverse("admin:courses_lesson_changelist")).text
    assert "Lesson of A" in page and "Lesson of B" not in page
    courses = client.get(reverse("admin:courses_course_changelist")).text
    assert a.title in courses and b.title not in courses


def test_instructor_cannot_open_or_change_another_courses_lesson(two_courses):
    a, b = two_courses
    client = logged_in(instructor_of(a))
    other = Lesson.objects.get(module__course=b)
    url = reverse("admin:courses_lesson_change", args=[other.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"title": "Hijacked", "body": "x", "slug": other.slug})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.title == "Lesson of B"
    assert client.get(reverse("admin:courses_course_change", args=[b.pk])).status_code == 404


def test_instructor_can_edit_their_own_lesson(two_courses):
    a, _ = two_courses
    client = logged_in(instructor_of(a))
    lesson = Lesson.objects.get(module__course=a)
    response = client.get(reverse("admin:courses_lesson_change", args=[lesson.pk]))
    assert response.status_code == 200


def test_instructor_can_only_choose_their_courses_modules(two_courses):
    a, b = two_courses
    client = logged_in(instructor_of(a))
    form = client.get(reverse("admin:courses_lesson_add")).context["adminform"].form
    assert set(form.fields["module"].queryset) == set(Module.objects.filter(course=a))


def test_instructor_cannot_add_a_module_to_another_course(two_courses):
    a, b = two_courses
    client = logged_in(instructor_of(a))
    data = {"course": b.pk, "slug": "sneaky", "title": "Sneaky", "position": "0",
            "lessons-TOTAL_FORMS": "0", "lessons-INITIAL_FORMS": "0"}  # fmt: skip
    response = client.post(reverse("admin:courses_module_add"), data)
    assert "Select a valid choice" in response.text
    assert not Module.objects.filter(slug="sneaky").exists()


def test_instructors_of_a_course_are_chosen_by_superusers_only(two_courses):
    a, _ = two_courses
    client = logged_in(instructor_of(a))
    form = client.get(reverse("admin:courses_course_change", args=[a.pk])).context["adminform"]
    assert "instructors" not in form.form.fields
    assert client.get(reverse("admin:courses_course_add")).status_code == 403


def test_staff_outside_the_group_sees_no_course_content(two_courses):
    client = logged_in(UserFactory(is_staff=True))
    assert client.get(reverse("admin:courses_lesson_changelist")).status_code == 403


# Publishing.


def test_publish_and_unpublish_lessons_and_courses(superuser_client, two_courses):
    a, b = two_courses
    lessons = list(Lesson.objects.values_list("pk", flat=True))
    url = reverse("admin:courses_lesson_changelist")
    superuser_client.post(url, {"action": "unpublish", "_selected_action": lessons})
    assert not Lesson.objects.filter(is_published=True).exists()
    response = superuser_client.post(
        url, {"action": "publish", "_selected_action": lessons[:1]}, follow=True
    )
    assert "1 lessons published." in response.text
    assert list(Lesson.objects.filter(is_published=True).values_list("pk", flat=True)) == [
        lessons[0]
    ]
    superuser_client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "unpublish", "_selected_action": [b.pk]},
    )
    assert list(Course.objects.published()) == [a]


def test_an_instructor_publishes_only_their_own_lessons(two_courses):
    a, b = two_courses
    Lesson.objects.update(is_published=False)
    client = logged_in(instructor_of(a))
    every = list(Lesson.objects.values_list("pk", flat=True))
    client.post(
        reverse("admin:courses_lesson_changelist"),
        {"action": "publish", "_selected_action": every},
    )
    assert list(Lesson.objects.filter(is_published=True)) == [Lesson.objects.get(module__course=a)]


# The lesson preview.


def test_preview_field_shows_the_saved_sanitised_body(superuser_client):
    lesson = LessonFactory(body=XSS_MARKDOWN)
    page = superuser_client.get(reverse("admin:courses_lesson_change", args=[lesson.pk])).text
    assert '<div id="lesson-preview"' in page and "<p>Hi" in page
    assert '<script>alert("x")' not in page and 'href="javascript' not in page
    assert "&lt;script&gt;" in page  # the source text, escaped in its textarea
    assert 'name="_continue"' in page
    assert 'data-preview-url="/admin/courses/lesson/preview/"' in page
    assert "js/admin_preview.js" in page


def test_preview_button_without_javascript_saves_and_continues(superuser_client):
    lesson = LessonFactory(body="Old.")
    url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    data = {"module": lesson.module_id, "slug": lesson.slug, "title": lesson.title,
            "kind": "history", "objectives": "[]", "body": "**New** text.", "minutes": "5",
            "position": "0", "is_published": "on", "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0", "_continue": "Preview"}  # fmt: skip
    response = superuser_client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    assert "<strong>New</strong> text." in superuser_client.get(url).text


def test_preview_view_renders_unsaved_text_sanitised_with_course_links(superuser_client):
    module = ModuleFactory(course__slug="course-a")
    response = superuser_client.post(
        reverse("admin:courses_lesson_preview"), {"body": XSS_MARKDOWN, "module": module.pk}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.text
    assert html.startswith("<p>Hi ") and "<script>" not in html and "javascript:" not in html
    assert '<a href="/courses/course-a/glossary/csce/" rel="noopener noreferrer">c</a>' in html


def test_preview_of_another_courses_module_resolves_no_links(two_courses):
    a, b = two_courses
    client = logged_in(instructor_of(a))
    response = client.post(
        reverse("admin:courses_lesson_preview"),
        {"body": "[c](concept:csce)", "module": Module.objects.get(course=b).pk},
    )
    assert response.status_code == 200 and "course-b" not in response.text


def test_preview_needs_post_and_csrf(two_courses):
    a, _ = two_courses
    url = reverse("admin:courses_lesson_preview")
    client = logged_in(instructor_of(a), enforce_csrf_checks=True)
    assert client.get(url).status_code == 405
    assert client.post(url, {"body": "x"}).status_code == 403


def test_preview_needs_lesson_permission():
    client = logged_in(UserFactory(is_staff=True))
    assert client.post(reverse("admin:courses_lesson_preview"), {"body": "x"}).status_code == 403


def test_learner_is_sent_to_the_admin_login_for_the_preview(learner):
    client = logged_in(learner)
    for method in (client.get, client.post):
        response = method(reverse("admin:courses_lesson_preview"))
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# Query budgets: a changelist costs the same with 5 or 500 rows.


@pytest.mark.parametrize("rows", [5, 500])
@pytest.mark.parametrize(("who", "budget"), [("superuser", 6), ("instructor", 8)])
def test_lesson_changelist_query_budget(client, django_assert_max_num_queries, rows, who, budget):
    module = ModuleFactory()
    Lesson.objects.bulk_create(
        Lesson(module=module, slug=f"l{i}", title=f"L{i}", kind="history", body="x")
        for i in range(rows)
    )
    if who == "superuser":
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
    else:  # scoped: the same rows through the course filter, plus the group's permissions
        client.force_login(instructor_of(module.course))
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("admin:courses_lesson_changelist"))
    assert response.status_code == 200 and response.context["cl"].result_count == rows


@pytest.mark.parametrize("rows", [5, 500])
def test_course_changelist_query_budget(superuser_client, django_assert_max_num_queries, rows):
    Course.objects.bulk_create(
        Course(slug=f"c{i}", title=f"C{i}", summary="s") for i in range(rows)
    )
    with django_assert_max_num_queries(6):
        response = superuser_client.get(reverse("admin:courses_course_changelist"))
    assert response.status_code == 200 and response.context["cl"].result_count == rows
