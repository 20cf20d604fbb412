"""CSV exports: no cell a spreadsheet would run as a formula, whoever typed the text."""

import csv
import io

import pytest
from django.urls import reverse

from courses.models import Cohort, Enrollment
from tests.factories import CourseFactory, UserFactory, make_quiz
from tests.security.conftest import instructor_of
from tests.security.payloads import FORMULA_PAYLOADS

pytestmark = pytest.mark.django_db

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def gradebook_cells(client, course) -> list[list[str]]:
    response = client.get(reverse("teaching:gradebook_csv", args=[course.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_gradebook_csv_neutralises_formulas_in_every_text_column(client, payload):
    course = CourseFactory(slug="sheet")
    make_quiz(course, [], slug="q", title=payload)
    cohort = Cohort.objects.create(course=course, name=payload)
    # A username may itself start with + - or @ (Django allows them).
    learner = UserFactory(username="+1-cmd", first_name=payload, last_name=payload)
    Enrollment.objects.create(user=learner, course=course, cohort=cohort)
    client.force_login(instructor_of(course, "ines"))

    rows = gradebook_cells(client, course)
    cells = [cell for row in rows for cell in row]
    assert len(rows) == 2
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)], cells
    assert f"'{payload}" in cells  # kept, behind a quote, so nothing is lost
    assert "'+1-cmd" in cells
