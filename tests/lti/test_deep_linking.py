"""Deep linking: an instructor picks a course, module or quiz; the platform gets a signed reply."""

import re
from html import unescape

import pytest
from django.core import signing
from django.urls import reverse
from django.utils.html import escape

from lti.services import BAD_RETURN_URL, INSTRUCTORS_ONLY, NOT_AVAILABLE, NOTHING_CHOSEN
from lti.views import DEEP_LINK_SALT, EXPIRED
from tests.factories import CourseFactory, ModuleFactory, make_quiz
from tests.lti.platform import CLIENT_ID, DEEP_LINK_RETURN, DEPLOYMENT_ID, INSTRUCTOR, ISSUER

pytestmark = pytest.mark.django_db

CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"


def hidden(response, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert match, f"no hidden field {name}"
    return unescape(match.group(1))


def picker(platform):
    response = platform.launch(sub="teacher-1", roles=(INSTRUCTOR,), deep_link=True)
    assert response.status_code == 200, response.content
    return response


def choose(client, page, item: str):
    return client.post(reverse("lti:deep_link"), {"launch": hidden(page, "launch"), "item": item})


class TestPicker:
    def test_instructor_sees_courses_modules_and_quizzes(self, platform, content):
        course, module, quiz = content
        page = picker(platform).content.decode()
        assert "<h1>Choose what the link opens</h1>" in page
        choices = [
            (f"course:{course.pk}", "The whole course"),
            (f"module:{module.pk}", module.title),
            (f"quiz:{quiz.pk}", quiz.title),
        ]
        for value, label in choices:
            assert f'value="{value}"' in page and label in page
        assert 'for="quiz-' in page  # every radio has its label

    def test_unpublished_content_is_not_offered(self, platform, content):
        _, _, quiz = content
        CourseFactory(is_published=False, title="Draft course")
        quiz.is_published = False
        quiz.save()
        page = picker(platform).content.decode()
        assert "Draft course" not in page and f'value="quiz:{quiz.pk}"' not in page

    def test_page_may_be_framed_by_the_platform_only(self, platform, content):
        response = picker(platform)
        assert "X-Frame-Options" not in response.headers
        policy = response.headers["Content-Security-Policy"]
        assert f"frame-ancestors {ISSUER}" in policy
        assert "form-action 'self' " + ISSUER in policy

    def test_return_url_that_is_not_a_web_address_is_refused(self, platform, content):
        response = platform.launch(
            sub="teacher-1", roles=(INSTRUCTOR,), deep_link=True, return_url="javascript:alert(1)"
        )
        assert response.status_code == 403
        assert escape(BAD_RETURN_URL) in response.content.decode()
        assert "javascript:" not in response.content.decode()

    def test_other_pages_stay_unframeable(self, platform, content, client):
        response = client.get(reverse("courses:catalog"))
        assert response.headers["X-Frame-Options"] == "DENY"

    def test_query_count_does_not_grow_with_the_catalogue(
        self, platform, content, django_assert_max_num_queries
    ):
        for _ in range(4):
            course = CourseFactory()
            ModuleFactory(course=course)
            make_quiz(course, [])
        form = platform.launch_form(sub="teacher-1", roles=(INSTRUCTOR,), deep_link=True)
        # 16 validate and store the launch (savepoints included), 3 read the catalogue.
        with django_assert_max_num_queries(19):
            response = platform.post(form)
        assert response.content.decode().count('name="item"') == 5 * 3


class TestReply:
    def test_quiz_reply_is_a_jwt_the_platform_verifies(self, platform, content, client):
        course, _, quiz = content
        response = choose(client, picker(platform), f"quiz:{quiz.pk}")
        assert response.status_code == 200
        page = response.content.decode()
        assert f'action="{DEEP_LINK_RETURN}"' in page
        jwt = hidden(response, "JWT")
        [item] = platform.verify_deep_link(jwt)
        assert item["type"] == "ltiResourceLink"
        assert item["url"] == "http://testserver/lti/launch/"
        assert item["title"] == quiz.title
        assert item["custom"] == {"course": course.slug, "quiz": quiz.slug}
        assert item["lineItem"] == {
            "scoreMaximum": 100, "label": quiz.title, "resourceId": f"quiz-{quiz.pk}",
            "tag": "quiz",
        }  # fmt: skip
        claims = platform.decode(jwt)
        assert claims["iss"] == CLIENT_ID and claims["aud"] == [ISSUER]
        assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == DEPLOYMENT_ID
        assert (
            claims["https://purl.imsglobal.org/spec/lti/claim/message_type"]
            == "LtiDeepLinkingResponse"
        )

    def test_module_and_course_replies_carry_no_line_item(self, platform, content, client):
        course, module, _ = content
        page = picker(platform)
        [module_item] = platform.verify_deep_link(
            hidden(choose(client, page, f"module:{module.pk}"), "JWT")
        )
        assert module_item["custom"] == {"course": course.slug, "module": module.slug}
        assert "lineItem" not in module_item
        [course_item] = platform.verify_deep_link(
            hidden(choose(client, page, f"course:{course.pk}"), "JWT")
        )
        assert course_item["custom"] == {"course": course.slug}

    def test_deep_linked_quiz_then_launches_to_the_quiz(self, platform, content, client):
        _, _, quiz = content
        [item] = platform.verify_deep_link(
            hidden(choose(client, picker(platform), f"quiz:{quiz.pk}"), "JWT")
        )
        response = platform.launch(sub="learner-9", custom=item["custom"])
        assert response["Location"] == quiz.get_absolute_url()

    @pytest.mark.parametrize("item", ["", "quiz:", "quiz:abc", "quiz:\u00b2", "lesson:1", "1"])
    def test_nothing_chosen_shows_the_page_again(self, platform, content, client, item):
        response = choose(client, picker(platform), item)
        assert response.status_code == 400
        assert escape(NOTHING_CHOSEN) in response.content.decode()
        assert 'name="item"' in response.content.decode()

    def test_unpublished_choice_is_refused(self, platform, content, client):
        _, _, quiz = content
        page = picker(platform)
        quiz.is_published = False
        quiz.save()
        response = choose(client, page, f"quiz:{quiz.pk}")
        assert response.status_code == 404
        assert escape(NOT_AVAILABLE) in response.content.decode()

    def test_forged_token_is_refused(self, platform, content, client):
        _, _, quiz = content
        picker(platform)
        response = client.post(
            reverse("lti:deep_link"), {"launch": "lti1p3-launch-guess", "item": f"quiz:{quiz.pk}"}
        )
        assert response.status_code == 403 and escape(EXPIRED) in response.content.decode()

    def test_token_for_a_missing_launch_is_refused(self, platform, content, client):
        token = signing.dumps("lti1p3-launch-nowhere", salt=DEEP_LINK_SALT)
        response = client.post(reverse("lti:deep_link"), {"launch": token, "item": "course:1"})
        assert response.status_code == 403

    def test_learner_launch_token_cannot_make_links(self, platform, content, client):
        from lti.models import LaunchValue

        platform.launch(sub="learner-9", custom={"course": "qc"})
        launch_id = LaunchValue.objects.get(key__contains="launch").key.removeprefix("lti1p3-")
        token = signing.dumps(launch_id, salt=DEEP_LINK_SALT)
        response = client.post(reverse("lti:deep_link"), {"launch": token, "item": "course:1"})
        assert response.status_code == 403
        assert escape(INSTRUCTORS_ONLY) in response.content.decode()

    def test_get_is_not_allowed(self, client, db):
        assert client.get(reverse("lti:deep_link")).status_code == 405
