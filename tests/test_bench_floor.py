"""The benchmark's floor pages: served only under bench.urls, for logged-in readers only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


def test_the_site_itself_has_no_floor_pages(client):
    assert client.get("/bench/floor/reader").status_code == 404
    assert client.get("/bench/floor/frame").status_code == 404


@pytest.mark.usefixtures("bench_urls")
@pytest.mark.parametrize("path", ["/bench/floor/reader", "/bench/floor/frame"])
def test_a_floor_page_sends_a_stranger_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.usefixtures("bench_urls")
def test_the_reader_floor_loads_the_user(client, learner):
    client.force_login(learner)
    response = client.get("/bench/floor/reader")
    assert response.status_code == 200
    assert response.content.decode() == str(learner.pk)


@pytest.mark.usefixtures("bench_urls")
def test_the_frame_floor_is_the_site_frame_with_the_learners_nav(client, learner):
    client.force_login(learner)
    page = client.get("/bench/floor/frame").content.decode()
    assert learner.get_username() in page
    assert reverse("quizzes:reviews") in page


@pytest.mark.usefixtures("bench_urls")
def test_the_site_urls_are_still_there_under_bench_urls(client):
    assert client.get("/healthz").status_code == 200
    assert client.get(reverse("courses:catalog")).status_code == 200
