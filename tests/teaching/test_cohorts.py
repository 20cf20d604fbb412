"""Cohorts: instructors create them, learners join by code, names are escaped everywhere."""

import pytest
from django.urls import reverse

from courses.models import Cohort, Enrollment
from courses.progress import NOT_PUBLISHED, UNKNOWN_CODE
from teaching.forms import NAME_TAKEN
from teaching.views import JOINED
from tests.factories import CourseFactory, make_quiz
from tests.teaching.conftest import cohort, enrol

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'


def test_create_a_cohort_and_see_its_join_code(client, instructor, course):
    client.force_login(instructor)
    url = reverse("teaching:cohorts", args=[course.slug])
    response = client.post(url, {"name": "  Autumn 2025  "})
    assert response.status_code == 302 and response.url == url
    created = Cohort.objects.get(course=course)
    assert created.name == "Autumn 2025" and len(created.join_code) == 8
    page = client.get(url).text
    assert created.join_code in page and "Autumn 2025" in page
    assert f"its join code is {created.join_code}" in page
    assert "http://testserver/cohorts/join/" in page


@pytest.mark.parametrize("name", ["Autumn", "autumn", "  AUTUMN "])
def test_a_taken_name_is_refused_whatever_its_case(client, instructor, course, name):
    cohort(course, "Autumn")
    client.force_login(instructor)
    response = client.post(reverse("teaching:cohorts", args=[course.slug]), {"name": name})
    assert response.status_code == 400
    assert NAME_TAKEN in response.text
    assert course.cohorts.count() == 1


def test_the_same_name_in_another_course_is_fine(client, instructor, course, other_instructor):
    cohort(CourseFactory(), "Autumn")
    client.force_login(instructor)
    client.post(reverse("teaching:cohorts", args=[course.slug]), {"name": "Autumn"})
    assert course.cohorts.filter(name="Autumn").exists()


def test_a_blank_name_is_refused(client, instructor, course):
    client.force_login(instructor)
    response = client.post(reverse("teaching:cohorts", args=[course.slug]), {"name": "   "})
    assert response.status_code == 400 and not course.cohorts.exists()


def test_a_cohort_name_is_escaped_on_every_page(client, instructor, course, learner):
    client.force_login(instructor)
    client.post(reverse("teaching:cohorts", args=[course.slug]), {"name": XSS})
    group = Cohort.objects.get(name=XSS)
    enrol(learner, course, group)
    quiz = make_quiz(course, [], slug="check")
    slug, pk = course.slug, {"cohort": group.pk}
    pages = [
        client.get(reverse("teaching:cohorts", args=[slug])),  # with the "created" message
        client.get(reverse("teaching:course", args=[slug]), pk),
        client.get(reverse("teaching:gradebook", args=[slug]), pk),
        client.get(reverse("teaching:grading", args=[slug]), pk),
        client.get(reverse("teaching:learner", args=[slug, learner.pk])),
        client.get(reverse("teaching:statistics", args=[slug, quiz.slug]), pk),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text, page.request["PATH_INFO"]
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text


def test_join_enrols_the_learner_in_the_cohort_whatever_the_case_of_the_code(
    client, course, learner
):
    group = cohort(course)
    client.force_login(learner)
    response = client.post(reverse("cohorts:join"), {"code": f"  {group.join_code.lower()} "})
    assert response.status_code == 302 and response.url == course.get_absolute_url()
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.cohort == group
    assert JOINED.format(cohort="Autumn", course="Peace studies") in client.get(response.url).text


def test_joining_another_cohort_moves_an_enrolled_learner(client, course, learner):
    enrol(learner, course, cohort(course, "Day"))
    evening = cohort(course, "Evening")
    client.force_login(learner)
    client.post(reverse("cohorts:join"), {"code": evening.join_code})
    assert Enrollment.objects.get(user=learner, course=course).cohort == evening
    assert Enrollment.objects.filter(user=learner).count() == 1


def test_an_unknown_code_is_a_form_error(client, course, learner):
    cohort(course)
    client.force_login(learner)
    response = client.post(reverse("cohorts:join"), {"code": "NOPE2345"})
    assert response.status_code == 400
    assert UNKNOWN_CODE in response.text
    assert not Enrollment.objects.filter(user=learner).exists()


def test_a_blank_code_is_a_form_error(client, learner):
    client.force_login(learner)
    assert client.post(reverse("cohorts:join"), {"code": ""}).status_code == 400


def test_a_code_for_an_unpublished_course_is_refused(client, learner):
    hidden = cohort(CourseFactory(is_published=False))
    client.force_login(learner)
    response = client.post(reverse("cohorts:join"), {"code": hidden.join_code})
    assert response.status_code == 400 and NOT_PUBLISHED in response.text
    assert not Enrollment.objects.filter(user=learner).exists()


def test_join_page_prefills_the_code_from_the_link_escaped(client, learner):
    client.force_login(learner)
    page = client.get(reverse("cohorts:join"), {"code": '"><script>x</script>'}).text
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in page
    assert "<script>x" not in page
    assert 'for="id_code"' in page
