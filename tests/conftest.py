import pytest

from tests.factories import UserFactory


@pytest.fixture
def learner(db):
    return UserFactory(username="lena")


@pytest.fixture
def staff(db):
    return UserFactory(username="sam", is_staff=True)
