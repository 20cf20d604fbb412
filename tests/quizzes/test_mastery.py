"""The mastery model: levels from recent answers, confirmation by mixed practice, demotion."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.mastery import Answer, concept_mastery, level_for, weighted_score
from quizzes.models import Evidence
from tests.factories import ConceptFactory, CourseFactory, UserFactory

NOW = timezone.now()


def answers(*fractions, mixed=False):
    """Newest first, one minute apart."""
    return [Answer(f, mixed, NOW - timedelta(minutes=i)) for i, f in enumerate(fractions)]


def test_weighted_score_favours_recent_answers():
    # (5*1 + 4*0) / 9 = 0.5556 ; (5*0 + 4*1) / 9 = 0.4444
    assert weighted_score(answers(1, 0)) == pytest.approx(5 / 9)
    assert weighted_score(answers(0, 1)) == pytest.approx(4 / 9)
    assert weighted_score([]) is None


def test_only_the_last_five_count():
    # newest five are all right: (5+4+3+2+1)/15 = 1.0, the old misses no longer count
    assert weighted_score(answers(1, 1, 1, 1, 1, 0, 0)[:5]) == 1.0


@pytest.mark.parametrize(
    ("recent", "total", "level"),
    [
        ([], 0, "not_started"),
        (answers(0.5), 1, "attempted"),  # 0.5 < 0.6 but not a miss
        (answers(1), 1, "familiar"),  # 100% but fewer than 3 answers
        (answers(1, 1, 1), 3, "proficient"),
        (answers(1, 1, 0.5), 3, "proficient"),  # (5+4+1.5)/12 = 0.875
        (answers(1, 1, 1, 1), 4, "proficient"),  # confirmed only by mixed practice
        (answers(1, 1, 1, 1, mixed=True), 4, "mastered"),
        (answers(1, 1, 1, mixed=True), 3, "proficient"),  # not proficient before the latest
        (
            answers(0, 1, 1, 1, 1, mixed=True),
            5,
            "attempted",
        ),  # a miss: (0+4+3+2+1)/15=0.67 familiar, demoted
        (answers(0.4), 1, "attempted"),  # a miss at the lowest level stays attempted
    ],
)
def test_levels(recent, total, level):
    assert level_for(recent, total) == level


@pytest.mark.django_db
def test_concept_mastery_reads_the_latest_answers_per_concept(django_assert_max_num_queries):
    user, other = UserFactory(), UserFactory()
    course = CourseFactory()
    strong, weak = ConceptFactory(course=course), ConceptFactory(course=course)
    for i in range(40):  # many old misses, then four mixed right answers
        Evidence.objects.create(
            user=user, concept=strong, fraction=0, at=NOW - timedelta(days=10, minutes=i)
        )
    for i in range(4):
        Evidence.objects.create(
            user=user, concept=strong, fraction=1, mixed=True, at=NOW - timedelta(minutes=i)
        )
    Evidence.objects.create(user=user, concept=weak, fraction=0, at=NOW)
    Evidence.objects.create(user=other, concept=weak, fraction=1, at=NOW)
    with django_assert_max_num_queries(1):
        mastery = concept_mastery(user=user, course=course)
    assert mastery[strong.pk].answers == 44
    # newest 1,1,1,1 (mixed), 0: score 14/15; before the latest (1,1,1,0,0) 12/15 = 0.8,
    # already proficient, and the latest is a right mixed answer: mastered
    assert mastery[strong.pk].level == "mastered"
    assert mastery[strong.pk].score == pytest.approx(14 / 15)
    assert mastery[weak.pk].level == "attempted" and mastery[weak.pk].score == 0
