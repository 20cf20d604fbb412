"""Every teaching URL refuses anonymous visitors, learners and other courses' instructors."""

import pytest
from django.urls import reverse

from quizzes.models import Response
from tests.factories import UserFactory
from tests.teaching.conftest import cohort, enrol, submitted_essay_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(essay_quiz, learner):
    """The sample course taught by `instructor`, with an enrolled learner's essay to grade."""
    course = essay_quiz.course
    group = cohort(course)
    enrol(learner, course, group)
    attempt = submitted_essay_attempt(essay_quiz, learner)
    essay = Response.objects.get(attempt=attempt, needs_grading=True)
    slug = course.slug
    return {
        "course": course, "cohort": group,
        "urls": [
            reverse("teaching:course", args=[slug]),
            reverse("teaching:course", args=[slug]) + f"?cohort={group.pk}",
            reverse("teaching:gradebook", args=[slug]),
            reverse("teaching:gradebook_csv", args=[slug]),
            reverse("teaching:learner", args=[slug, learner.pk]),
            reverse("teaching:attempt", args=[slug, attempt.pk]),
            reverse("teaching:grading", args=[slug]),
            reverse("teaching:grade", args=[slug, essay.pk]),
            reverse("teaching:cohorts", args=[slug]),
            reverse("teaching:statistics", args=[slug, essay_quiz.slug]),
        ],
        "posts": [
            (reverse("teaching:grade", args=[slug, essay.pk]), {"score": "1", "comment": "x"}),
            (reverse("teaching:cohorts", args=[slug]), {"name": "Intruders"}),
        ],
        "essay": essay,
    }  # fmt: skip


def test_anonymous_is_sent_to_log_in_everywhere(client, world):
    for url in [reverse("teaching:index"), reverse("cohorts:join"), *world["urls"]]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    for url, data in world["posts"]:
        assert client.post(url, data).status_code == 302, url
    _assert_nothing_changed(world)


@pytest.mark.parametrize("who", ["learner", "other_instructor", "staff"])
def test_people_who_do_not_teach_the_course_get_404(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    for url in world["urls"]:
        assert client.get(url).status_code == 404, url
    for url, data in world["posts"]:
        assert client.post(url, data).status_code == 404, url
    _assert_nothing_changed(world)


def _assert_nothing_changed(world):
    world["essay"].refresh_from_db()
    assert world["essay"].needs_grading and world["essay"].score is None
    assert not world["course"].cohorts.filter(name="Intruders").exists()


def test_the_instructor_and_a_superuser_reach_every_page(client, world, instructor):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    for user in (instructor, superuser):
        client.force_login(user)
        for url in world["urls"]:
            assert client.get(url).status_code == 200, (user, url)


def test_teaching_index_is_refused_to_someone_who_teaches_nothing(client, learner):
    client.force_login(learner)
    assert client.get(reverse("teaching:index")).status_code == 403


def test_teaching_index_lists_only_my_courses(client, course, instructor, other_instructor):
    client.force_login(other_instructor)
    response = client.get(reverse("teaching:index"))
    assert response.status_code == 200
    assert "Peace studies" not in response.text
    client.force_login(instructor)
    assert "Peace studies" in client.get(reverse("teaching:index")).text


def test_objects_of_another_course_are_404_even_for_an_instructor(
    client, world, course, instructor, learner
):
    """`instructor` teaches both courses; ids from one never work under the other's URL."""
    other = course.slug
    attempt = world["essay"].attempt
    client.force_login(instructor)
    for url in [
        reverse("teaching:attempt", args=[other, attempt.pk]),
        reverse("teaching:grade", args=[other, world["essay"].pk]),
        reverse("teaching:learner", args=[other, learner.pk]),  # not enrolled in `course`
        reverse("teaching:gradebook", args=[other]) + f"?cohort={world['cohort'].pk}",
        reverse("teaching:statistics", args=[other, attempt.quiz.slug]),
    ]:
        assert client.get(url).status_code == 404, url


def test_only_essays_of_submitted_attempts_are_gradable(client, world, instructor):
    client.force_login(instructor)
    slug = world["course"].slug
    single = (
        Response.objects.filter(attempt=world["essay"].attempt)
        .exclude(pk=world["essay"].pk)
        .first()
    )
    assert client.get(reverse("teaching:grade", args=[slug, single.pk])).status_code == 404


def test_posts_need_a_csrf_token(world, instructor, learner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    for url, data in world["posts"]:
        assert client.post(url, data).status_code == 403, url
    client.force_login(learner)
    code = world["cohort"].join_code
    assert client.post(reverse("cohorts:join"), {"code": code}).status_code == 403
    _assert_nothing_changed(world)
