"""Learner pages: content shown, unpublished content hidden, queries that do not grow."""

import pytest
from django.urls import reverse

from courses.models import ConceptRelation
from tests.factories import (
    CitationFactory,
    ConceptFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    SourceFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = CourseFactory(slug="peace", title="Peace studies")
    module = ModuleFactory(course=course, slug="history", title="History")
    source = SourceFactory(course=course, slug="report", title="The big report", publisher="Press")
    peace = ConceptFactory(
        course=course, slug="peace", term="Peace", definition="Calm *between* states."
    )
    war = ConceptFactory(course=course, slug="war", term="War")
    ConceptRelation.objects.create(
        source=peace, target=war, kind="contrasts_with", note="opposites"
    )
    first = LessonFactory(
        module=module, slug="first", title="First lesson", body="See [war](concept:war)."
    )
    first.concepts.add(peace)
    CitationFactory(lesson=first, source=source, locator="Section 4", quote="peace is one")
    LessonFactory(module=module, slug="second", title="Second lesson", kind="critique")
    LessonFactory(module=module, slug="draft", title="Draft lesson", is_published=False)
    TimelineEventFactory(
        course=course, source=source, title="Treaty signed", date="1975-08-01", precision="day"
    )
    return course


def get(client, name, *args, **query):
    return client.get(reverse(name, args=args), query)


def test_catalog_lists_published_courses_only(client, course):
    CourseFactory(title="Hidden course", is_published=False)
    response = get(client, "courses:catalog")
    assert response.status_code == 200
    assert "Peace studies" in response.text
    assert "Hidden course" not in response.text
    assert "2 lessons" in response.text


def test_course_page_shows_modules_lessons_badges_minutes(client, course):
    response = get(client, "courses:detail", "peace")
    assert response.status_code == 200
    assert "First lesson" in response.text and "Second lesson" in response.text
    assert "kind-critique" in response.text
    assert " min<" in response.text
    assert "Draft lesson" not in response.text


def test_course_page_filters_by_kind(client, course):
    response = get(client, "courses:detail", "peace", kind="critique")
    assert "Second lesson" in response.text
    assert "First lesson" not in response.text


def test_unknown_kind_filter_shows_everything(client, course):
    response = get(client, "courses:detail", "peace", kind="<script>")
    assert "First lesson" in response.text and "<script>" not in response.text


def test_lesson_page_shows_body_objectives_citations_concepts_and_neighbours(client, course):
    response = get(client, "courses:lesson", "peace", "first")
    text = response.text
    assert response.status_code == 200
    assert 'href="/courses/peace/glossary/war/"' in text
    assert "Know a thing." in text
    assert "The big report" in text and "Section 4" in text and "peace is one" in text
    assert 'href="/courses/peace/glossary/peace/"' in text
    assert 'rel="next" href="/courses/peace/lessons/second/"' in text
    assert 'rel="prev"' not in text
    assert text.count("<h1") == 1


def test_unpublished_lesson_is_404_for_learners_but_visible_to_superusers(client, course):
    assert get(client, "courses:lesson", "peace", "draft").status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert get(client, "courses:lesson", "peace", "draft").status_code == 404  # staff alone: no
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = get(client, "courses:lesson", "peace", "draft")
    assert response.status_code == 200 and "unpublished" in response.text


def test_unpublished_course_is_404_except_for_its_instructors(client, course):
    course.is_published = False
    course.save()
    assert get(client, "courses:detail", "peace").status_code == 404
    assert get(client, "courses:lesson", "peace", "first").status_code == 404
    assert get(client, "courses:glossary", "peace").status_code == 404
    client.force_login(UserFactory())
    assert get(client, "courses:detail", "peace").status_code == 404
    teacher = UserFactory()
    course.instructors.add(teacher)
    client.force_login(teacher)
    assert get(client, "courses:detail", "peace").status_code == 200


def test_unpublished_lessons_are_skipped_by_previous_next(client, course):
    response = get(client, "courses:lesson", "peace", "second")
    assert "Draft lesson" not in response.text


def test_sources_page_gives_full_references(client, course):
    response = get(client, "courses:sources", "peace")
    assert response.status_code == 200
    assert 'id="source-report"' in response.text
    assert "A. Author. “The big report”. Press." in response.text


def test_glossary_is_grouped_a_to_z(client, course):
    response = get(client, "courses:glossary", "peace")
    assert response.status_code == 200
    assert 'id="letter-P"' in response.text and 'id="letter-W"' in response.text
    assert "Calm <em>between</em> states." in response.text


def test_concept_page_shows_relations_map_and_lessons(client, course):
    response = get(client, "courses:concept", "peace", "peace")
    text = response.text
    assert response.status_code == 200
    assert "<svg" in text and 'role="group"' in text  # it holds links, so not role="img"
    assert "Peace contrasts with War." in text  # the SVG's text alternative
    assert "contrasts with</strong>" in text and "opposites" in text
    assert "First lesson" in text


def test_concept_page_shows_incoming_relations(client, course):
    response = get(client, "courses:concept", "peace", "war")
    assert "Peace</a> <strong>contrasts with</strong> War" in response.text


def test_timeline_shows_dates_at_their_precision(client, course):
    response = get(client, "courses:timeline", "peace")
    assert response.status_code == 200
    assert "1 August 1975" in response.text and "Treaty signed" in response.text


def test_search_finds_lessons_and_concepts_case_insensitively(client, course):
    response = get(client, "courses:search", q="FIRST")
    assert "First lesson" in response.text
    response = get(client, "courses:search", q="calm between")
    assert "Glossary (1)" in response.text and "Peace" in response.text


def test_search_requires_every_word_and_hides_unpublished(client, course):
    assert "Lessons (0)" in get(client, "courses:search", q="first nonsenseword").text
    assert "Draft lesson" not in get(client, "courses:search", q="draft").text


def test_unknown_pages_use_the_friendly_404(client, settings, course):
    settings.DEBUG = False
    response = client.get("/courses/nope/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_pages_have_landmarks_skip_link_and_labels(client, course):
    text = get(client, "courses:detail", "peace").text
    assert 'href="#main"' in text and '<main id="main"' in text
    assert '<nav class="navbar' in text and "<footer" in text
    assert (
        '<label for="kind"' in text and '<label class="visually-hidden" for="site-search"' in text
    )


def test_no_page_loads_assets_from_another_host(client, course):
    for name, args in [("courses:catalog", ()), ("courses:lesson", ("peace", "first"))]:
        text = get(client, name, *args).text
        assert "cdn" not in text.lower()
        assert 'src="http' not in text and 'stylesheet" href="http' not in text


def build_course(lessons: int):
    course = CourseFactory(slug=f"big-{lessons}")
    source = SourceFactory(course=course)
    concepts = [ConceptFactory(course=course) for _ in range(3)]
    modules = [ModuleFactory(course=course) for _ in range(4)]
    for i in range(lessons):
        lesson = LessonFactory(module=modules[i % 4])
        lesson.concepts.set(concepts)
        CitationFactory(lesson=lesson, source=source)
    return course


@pytest.mark.parametrize("lessons", [5, 200])
def test_course_page_query_budget(client, django_assert_max_num_queries, lessons):
    course = build_course(lessons)
    with django_assert_max_num_queries(10):
        assert client.get(course.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("lessons", [5, 200])
def test_lesson_page_query_budget(client, django_assert_max_num_queries, lessons):
    course = build_course(lessons)
    lesson = course.modules.first().lessons.last()
    client.force_login(UserFactory())
    client.get(lesson.get_absolute_url())  # fills the per-learner nav cache: steady state next
    with django_assert_max_num_queries(10):
        assert client.get(lesson.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("related", [2, 20])
def test_concept_page_query_budget(client, django_assert_max_num_queries, related):
    course = CourseFactory(slug=f"map-{related}")
    centre = ConceptFactory(course=course, slug="centre")
    for _ in range(related):
        ConceptRelation.objects.create(
            source=centre, target=ConceptFactory(course=course), kind="enables"
        )
    client.force_login(UserFactory())
    client.get(centre.get_absolute_url())
    with django_assert_max_num_queries(12):
        assert client.get(centre.get_absolute_url()).status_code == 200
