import pytest

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's deliberate slowness protects real passwords; tests need none of it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def learner(db):
    return UserFactory(username="lena")


@pytest.fixture
def staff(db):
    return UserFactory(username="sam", is_staff=True)


@pytest.fixture
def quiz_course(db):
    """A course with a source `src` and one question of every kind."""
    from tests.factories import CourseFactory, SourceFactory, make_question
    from tests.quizzes.samples import SPECS

    course = CourseFactory(slug="qc")
    SourceFactory(course=course, slug="src", title="The source")
    course.sample_questions = {kind: make_question(course, spec) for kind, spec in SPECS.items()}
    return course


@pytest.fixture(autouse=True)
def empty_cache():
    """The nav bar caches counts per user id; ids repeat across tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's language: a request in another one leaves it active."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
