"""Quiz statistics: Moodle's formulas, checked against numbers worked out by hand.

The worked example used throughout: five attempts (rows) at three questions.

    attempt   x1  x2  x3 (of 2)   X = total
    a1         1   1   2          4
    a2         1   0   1          2
    a3         0   0   0          0
    a4         1   1   2          4
    a5         0   1   0          1

Means: x̄1 = x̄2 = 0.6, x̄3 = 1.0, X̄ = 11/5 = 2.2. Variances divide by S − 1 = 4.
Rest of test Y = X − x:
    Y1 = [3, 1, 0, 3, 1], Ȳ1 = 1.6   Y2 = [3, 2, 0, 3, 0], Ȳ2 = 1.6   Y3 = [2, 1, 0, 2, 1], Ȳ3 = 1.2
Expected values below are written as the arithmetic that produces them, never by calling
the function under test.
"""

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Cohort, Enrollment
from quizzes.grading import grade
from quizzes.models import Attempt, QuizDraw, Response
from quizzes.questions import question_version, question_write_spec
from quizzes.services import attempt_save, attempt_start, attempt_submit, response_grade
from quizzes.statistics import (
    FLAG_LABELS,
    covariance,
    discrimination_index,
    discriminative_efficiency,
    effective_weights,
    error_ratio,
    facility_index,
    intended_weight,
    internal_consistency,
    k2_statistic,
    kurtosis,
    median,
    question_flags,
    quiz_statistics,
    skewness,
    standard_deviation,
    standard_error,
    variance,
)
from tests.factories import CourseFactory, UserFactory, make_question, make_quiz
from tests.quizzes.samples import SPECS
from tests.quizzes.test_attempts import right_form

X1 = [1, 1, 0, 1, 0]
X2 = [1, 0, 0, 1, 1]
X3 = [2, 1, 0, 2, 0]
TOTALS = [4, 2, 0, 4, 1]
Y1 = [3, 1, 0, 3, 1]
Y2 = [3, 2, 0, 3, 0]
Y3 = [2, 1, 0, 2, 1]
approx = pytest.approx


# The formulas, one by one.


class TestItemFormulas:
    def test_facility_is_the_mean_mark_over_the_maximum_in_percent(self):
        assert facility_index(X1, 1) == approx(100 * 3 / 5)  # three of five right: 60%
        assert facility_index(X3, 2) == approx(100 * (5 / 5) / 2)  # mean 1 of 2 marks: 50%

    def test_facility_is_null_for_a_question_worth_nothing(self):
        assert facility_index([0, 0], 0) is None
        assert facility_index([], 1) is None

    def test_variance_and_sd_divide_by_s_minus_one(self):
        # x1 − x̄1 = [.4, .4, −.6, .4, −.6]; squares .16·3 + .36·2 = 1.2; 1.2 / 4 = 0.3
        assert variance(X1) == approx(1.2 / 4)
        assert standard_deviation(X1) == approx(math.sqrt(0.3))
        # x3 − x̄3 = [1, 0, −1, 1, −1]; squares sum to 4; 4 / 4 = 1
        assert standard_deviation(X3) == approx(1.0)

    def test_covariance_with_the_rest_of_the_test(self):
        # Y1 − Ȳ1 = [1.4, −.6, −1.6, 1.4, −.6]
        # products with x1 − x̄1: .56 − .24 + .96 + .56 + .36 = 2.2; 2.2 / 4 = 0.55
        assert covariance(X1, Y1) == approx(2.2 / 4)

    def test_sd_and_variance_are_null_below_two_attempts_and_zero_without_spread(self):
        assert variance([1]) is None and standard_deviation([1]) is None
        assert covariance([1], [2]) is None
        assert standard_deviation([0.3, 0.3, 0.3]) == 0.0

    def test_discrimination_index_correlates_the_item_with_the_rest_of_the_test(self):
        # Var(x1) = 0.3; Var(Y1) = (1.96 + .36 + 2.56 + 1.96 + .36) / 4 = 1.8; Cov = 0.55
        assert discrimination_index(X1, Y1) == approx(100 * 0.55 / math.sqrt(0.3 * 1.8))
        # Y2 − Ȳ2 = [1.4, .4, −1.6, 1.4, −1.6]: Var = (1.96+.16+2.56+1.96+2.56)/4 = 2.3
        # Cov(x2, Y2) = (.56 − .24 + .96 + .56 − .64) / 4 = 0.3
        assert discrimination_index(X2, Y2) == approx(100 * 0.3 / math.sqrt(0.3 * 2.3))
        # Y3 − Ȳ3 = [.8, −.2, −1.2, .8, −.2]: Var = 2.8/4 = 0.7; Cov = (.8+0+1.2+.8+.2)/4 = .75
        assert discrimination_index(X3, Y3) == approx(100 * 0.75 / math.sqrt(1.0 * 0.7))

    def test_discrimination_index_is_null_without_spread_or_attempts(self):
        assert discrimination_index([1, 1, 1], [0, 1, 2]) is None
        assert discrimination_index([0, 1, 1], [2, 2, 2]) is None
        assert discrimination_index([1], [3]) is None

    def test_discriminative_efficiency_pairs_independently_sorted_marginals(self):
        # sorted x2 = [0, 0, 1, 1, 1] → deviations [−.6, −.6, .4, .4, .4]
        # sorted Y2 = [0, 0, 2, 3, 3] → deviations [−1.6, −1.6, .4, 1.4, 1.4]
        # CovMax = (.96 + .96 + .16 + .56 + .56) / 4 = 0.8; DE = 100 · 0.3 / 0.8
        assert discriminative_efficiency(X2, Y2) == approx(100 * 0.3 / 0.8)
        # x1 and Y1 are already in the same order, so Cov = CovMax: DE = 100
        assert discriminative_efficiency(X1, Y1) == approx(100.0)

    def test_discriminative_efficiency_is_null_when_covmax_is_zero(self):
        assert discriminative_efficiency([1, 1, 1], [0, 1, 2]) is None
        assert discriminative_efficiency([1], [1]) is None

    def test_discrimination_can_be_negative(self):
        # The weaker learners (rest 0 and 1) got it right, the stronger (rest 2, 3) did not.
        # x − x̄ = [.5, .5, −.5, −.5], Y − Ȳ = [−1.5, −.5, .5, 1.5]: Σ = −2, Σx² = 1, ΣY² = 5
        assert discrimination_index([1, 1, 0, 0], [0, 1, 2, 3]) == approx(100 * -2 / math.sqrt(5))

    def test_intended_weight_is_the_share_of_the_maximum(self):
        assert intended_weight(2, 4) == approx(50.0)
        assert intended_weight(1, 0) is None

    def test_effective_weights_share_the_roots_of_covariances_with_the_total(self):
        # X − X̄ = [1.8, −.2, −2.2, 1.8, −1.2]
        # Cov(x1, X) = (.72 − .08 + 1.32 + .72 + .72) / 4 = 0.85
        # Cov(x2, X) = (.72 + .12 + 1.32 + .72 − .48) / 4 = 0.6
        # Cov(x3, X) = (1.8 + 0 + 2.2 + 1.8 + 1.2) / 4 = 1.75
        roots = math.sqrt(0.85) + math.sqrt(0.6) + math.sqrt(1.75)
        assert covariance(X3, TOTALS) == approx(1.75)
        assert effective_weights([0.85, 0.6, 1.75]) == approx(
            [100 * math.sqrt(c) / roots for c in (0.85, 0.6, 1.75)]
        )

    def test_a_negative_covariance_has_no_effective_weight_and_leaves_the_sum(self):
        assert effective_weights([0.25, -0.1, 1.0]) == [approx(100 * 0.5 / 1.5), None, approx(
            100 * 1.0 / 1.5
        )]  # fmt: skip

    def test_effective_weights_are_null_when_nothing_covaries(self):
        assert effective_weights([0.0, 0.0]) == [None, None]
        assert effective_weights([None, None]) == [None, None]
        assert effective_weights([]) == []

    def test_a_null_covariance_counts_as_zero_as_in_moodle(self):
        assert effective_weights([None, 4.0]) == [0.0, approx(100.0)]


class TestTestFormulas:
    def test_median_of_odd_and_even_counts(self):
        assert median(TOTALS) == 2  # sorted [0, 1, 2, 4, 4]
        assert median([4, 1, 3, 0]) == (1 + 3) / 2
        assert median([]) is None

    def test_sd_of_totals(self):
        # (X − X̄)² = 3.24 + .04 + 4.84 + 3.24 + 1.44 = 12.8; 12.8 / 4 = 3.2
        assert standard_deviation(TOTALS) == approx(math.sqrt(12.8 / 4))
        assert k2_statistic(TOTALS) == approx(5 * (12.8 / 5) / 4)

    def test_skewness_with_moodles_k_statistics(self):
        # m2 = 12.8/5 = 2.56; Σ(X − X̄)³ = 5.832 − .008 − 10.648 + 5.832 − 1.728 = −0.72
        # m3 = −0.144; k2 = 5·2.56/4 = 3.2; k3 = 25·(−0.144)/(4·3) = −0.3
        assert skewness(TOTALS) == approx(-0.3 / 3.2**1.5)

    def test_kurtosis_with_moodles_k_statistics(self):
        # Σ(X − X̄)⁴ = 10.4976 + .0016 + 23.4256 + 10.4976 + 2.0736 = 46.496; m4 = 9.2992
        # k4 = 25·(6·9.2992 − 3·4·2.56²)/(4·3·2) = 25·(55.7952 − 78.6432)/24 = −23.8
        assert kurtosis(TOTALS) == approx(-23.8 / 3.2**2)

    def test_moments_need_enough_attempts_and_some_spread(self):
        assert skewness([1, 2]) is None
        assert skewness([1, 2, 4]) is not None
        assert kurtosis([1, 2, 4]) is None
        assert skewness([3, 3, 3, 3]) is None and kurtosis([3, 3, 3, 3]) is None

    def test_cic_is_cronbachs_alpha_over_the_slots(self):
        # Σ Var(x_i) = 0.3 + 0.3 + 1.0 = 1.6; k2 = 3.2; P = 3
        # CIC = 100 · 3/2 · (1 − 1.6/3.2) = 75
        expected = 100 * 3 / 2 * (1 - 1.6 / 3.2)
        assert internal_consistency(TOTALS, [0.3, 0.3, 1.0]) == approx(expected)

    def test_cic_is_null_where_moodle_skips_it(self):
        assert internal_consistency(TOTALS, [1.6]) is None  # P = 1
        assert internal_consistency([1, 3], [0.5, 0.5]) is None  # S = 2
        assert internal_consistency([2, 2, 2], [0.0, 0.0]) is None  # k2 = 0

    def test_a_null_slot_variance_adds_nothing(self):
        assert internal_consistency(TOTALS, [1.6, None]) == approx(100 * 2 * (1 - 1.6 / 3.2))

    def test_error_ratio_and_standard_error(self):
        assert error_ratio(75.0) == approx(100 * math.sqrt(1 - 0.75))  # 50
        assert standard_error(50.0, math.sqrt(3.2)) == approx(50 * math.sqrt(3.2) / 100)
        assert error_ratio(None) is None and standard_error(None, 1.0) is None


class TestFlags:
    @pytest.mark.parametrize(
        ("facility", "discrimination", "flags"),
        [
            (90.0, 50.0, ()),
            (90.5, 50.0, ("too_easy",)),
            (20.0, 20.0, ()),
            (19.9, 20.0, ("too_hard",)),
            (50.0, -0.1, ("negative_discrimination",)),
            (50.0, 0.0, ("low_discrimination",)),
            (50.0, 19.99, ("low_discrimination",)),
            (95.0, None, ("too_easy",)),
            (None, None, ()),
        ],
    )
    def test_thresholds(self, facility, discrimination, flags):
        assert question_flags(facility, discrimination) == flags
        assert all(flag in FLAG_LABELS for flag in flags)


# quiz_statistics over the database.


def take(quiz, user, marks, *, number=1, state=Attempt.State.SUBMITTED, needs_grading=False):
    """An attempt with (question, score) or (question, score, answer) per slot, in order."""
    now = timezone.now()
    rows = [mark if len(mark) == 3 else (*mark, None) for mark in marks]
    attempt = Attempt.objects.create(
        quiz=quiz, user=user, number=number, state=state, started_at=now - timedelta(minutes=5),
        submitted_at=now if state == Attempt.State.SUBMITTED else None,
        score=sum(Decimal(str(score)) for _, score, _ in rows),
        max_score=sum(question.points for question, _, _ in rows), needs_grading=needs_grading,
    )  # fmt: skip
    Response.objects.bulk_create(
        Response(attempt=attempt, slot=slot, version=question.versions.latest(),
                 points=question.points, score=Decimal(str(score)), answer=answer,
                 fraction=float(score) / float(question.points))
        for slot, (question, score, answer) in enumerate(rows, 1)
    )  # fmt: skip
    return attempt


def question(course, slug, kind="true_false", **fields):
    spec = {"slug": slug, "kind": kind, "prompt": f"{slug}?", "answer": True, **fields}
    return make_question(course, spec)


@pytest.fixture
def course(db):
    return CourseFactory()


@pytest.fixture
def three(course):
    return [question(course, "q1"), question(course, "q2"), question(course, "q3", points=2)]


@pytest.fixture
def worked(course, three):
    """The worked example of the module docstring as five learners' first attempts."""
    quiz = make_quiz(course, three)
    for marks in zip(X1, X2, X3, strict=True):
        take(quiz, UserFactory(), list(zip(three, marks, strict=True)))
    return quiz


class TestWorkedExample:
    def test_whole_test_statistics(self, worked):
        stats = quiz_statistics(quiz=worked)
        assert stats.attempts == 5 and stats.max_mark == 4.0
        assert stats.mean == approx(11 / 5) and stats.mean_percent == approx(100 * 2.2 / 4)
        assert stats.median == 2.0 and stats.median_percent == approx(50.0)
        assert stats.sd == approx(math.sqrt(3.2))
        assert stats.sd_percent == approx(100 * math.sqrt(3.2) / 4)
        assert stats.skewness == approx(-0.3 / 3.2**1.5)
        assert stats.kurtosis == approx(-23.8 / 3.2**2)
        assert stats.cic == approx(75.0)
        assert stats.error_ratio == approx(50.0)
        assert stats.standard_error == approx(50 * math.sqrt(3.2) / 100)
        assert stats.random_slots == ()

    def test_question_statistics(self, worked, three):
        stats = quiz_statistics(quiz=worked)
        q1, q2, q3 = stats.questions
        assert [q.question_id for q in stats.questions] == [q.pk for q in three]
        assert [q.position for q in stats.questions] == [0, 1, 2]
        assert not any(q.drawn for q in stats.questions)
        assert (q1.facility, q2.facility, q3.facility) == (approx(60.0), approx(60.0), approx(50.0))
        assert q3.sd == approx(1.0) and q3.sd_percent == approx(100 * 1.0 / 2)
        assert q1.sd_percent == approx(100 * math.sqrt(0.3))
        assert q1.discrimination_index == approx(100 * 0.55 / math.sqrt(0.3 * 1.8))
        assert q2.discrimination_index == approx(100 * 0.3 / math.sqrt(0.3 * 2.3))
        assert q3.discrimination_index == approx(100 * 0.75 / math.sqrt(0.7))
        assert q2.discriminative_efficiency == approx(37.5)
        assert [q.intended_weight for q in stats.questions] == [25.0, 25.0, 50.0]
        roots = math.sqrt(0.85) + math.sqrt(0.6) + math.sqrt(1.75)
        assert q1.effective_weight == approx(100 * math.sqrt(0.85) / roots)
        assert q3.effective_weight == approx(100 * math.sqrt(1.75) / roots)
        assert q2.flags == ()  # 60% and D ≈ 36

    def test_true_false_answers_are_counted(self, course, three):
        quiz = make_quiz(course, three[:1])
        for answer in (True, True, False, None):
            take(quiz, UserFactory(), [(three[0], int(answer is True), answer)])
        (q,) = quiz_statistics(quiz=quiz).questions
        assert [(a.label, a.count, a.credit) for a in q.answers] == [
            ("True", 2, 100.0),
            ("False", 1, 0.0),
        ]
        assert q.unanswered == 1
        assert [a.percent for a in q.answers] == [100 * 2 / 4, 100 * 1 / 4]


class TestFewAttempts:
    def test_one_attempt(self, course, three):
        quiz = make_quiz(course, three)
        take(quiz, UserFactory(), [(three[0], 1), (three[1], 0), (three[2], 1)])
        stats = quiz_statistics(quiz=quiz)
        assert (stats.attempts, stats.mean, stats.median) == (1, 2.0, 2.0)
        assert stats.sd is None and stats.skewness is None and stats.kurtosis is None
        assert stats.cic is None and stats.error_ratio is None and stats.standard_error is None
        q1, _, q3 = stats.questions
        assert q1.facility == approx(100.0) and q3.facility == approx(50.0)
        assert q1.sd is None and q1.discrimination_index is None
        assert q1.discriminative_efficiency is None and q1.effective_weight is None

    def test_two_attempts(self, course, three):
        quiz = make_quiz(course, three)
        take(quiz, UserFactory(), [(three[0], 1), (three[1], 1), (three[2], 2)])
        take(quiz, UserFactory(), [(three[0], 0), (three[1], 1), (three[2], 0)])
        stats = quiz_statistics(quiz=quiz)
        # totals 4 and 1: mean 2.5, deviations ±1.5, SD = √(4.5 / 1)
        assert stats.sd == approx(math.sqrt(4.5))
        assert stats.median == approx(2.5)
        assert stats.skewness is None and stats.cic is None
        q1, q2, _ = stats.questions
        # x1 = [1, 0], Y1 = [3, 1]: perfectly correlated
        assert q1.discrimination_index == approx(100.0)
        # x2 = [1, 1] has no spread: no D, no DE, SD 0, effective weight 0 of a positive sum
        assert q2.sd == 0.0 and q2.discrimination_index is None
        assert q2.discriminative_efficiency is None and q2.effective_weight == 0.0

    def test_no_spread_at_all(self, course, three):
        quiz = make_quiz(course, three)
        for _ in range(4):
            take(quiz, UserFactory(), [(three[0], 1), (three[1], 1), (three[2], 2)])
        stats = quiz_statistics(quiz=quiz)
        assert stats.sd == 0.0 and stats.skewness is None and stats.kurtosis is None
        assert stats.cic is None
        for q in stats.questions:
            assert q.sd == 0.0 and q.discrimination_index is None
            assert q.discriminative_efficiency is None and q.effective_weight is None
            assert q.flags == ("too_easy",)

    def test_no_attempts(self, course, three):
        stats = quiz_statistics(quiz=make_quiz(course, three))
        assert stats.attempts == 0 and stats.mean is None and stats.median is None
        assert stats.questions == () and stats.max_mark is None


class TestWhichAttempts:
    @pytest.fixture
    def quiz(self, course, three):
        return make_quiz(course, three[:2])

    def test_first_uses_each_learners_first_submitted_attempt(self, quiz, three):
        a, b = UserFactory(), UserFactory()
        take(quiz, a, [(three[0], 0), (three[1], 0)], number=1)
        take(quiz, a, [(three[0], 1), (three[1], 1)], number=2)
        take(quiz, b, [(three[0], 1), (three[1], 0)], number=1, state=Attempt.State.ABANDONED)
        take(quiz, b, [(three[0], 1), (three[1], 1)], number=2)
        take(quiz, b, [(three[0], 1), (three[1], 0)], number=3)
        first = quiz_statistics(quiz=quiz, attempts="first")
        assert first.attempts == 2 and first.mean == approx((0 + 2) / 2)
        every = quiz_statistics(quiz=quiz, attempts="all")
        assert every.attempts == 4 and every.mean == approx((0 + 2 + 2 + 1) / 4)

    def test_attempts_awaiting_grading_or_unfinished_are_left_out(self, quiz, three):
        a, b = UserFactory(), UserFactory()
        take(quiz, a, [(three[0], 1), (three[1], 0)], number=1, needs_grading=True)
        take(quiz, a, [(three[0], 1), (three[1], 1)], number=2)
        take(quiz, b, [(three[0], 1), (three[1], 1)], state=Attempt.State.IN_PROGRESS)
        # a's first attempt awaits grading, so a is left out rather than their second used.
        assert quiz_statistics(quiz=quiz, attempts="first").attempts == 0
        assert quiz_statistics(quiz=quiz, attempts="all").attempts == 1

    def test_cohort_limits_the_learners(self, quiz, course, three):
        autumn = Cohort.objects.create(course=course, name="Autumn")
        a, b = UserFactory(), UserFactory()
        Enrollment.objects.create(user=a, course=course, cohort=autumn)
        Enrollment.objects.create(user=b, course=course)
        take(quiz, a, [(three[0], 1), (three[1], 1)])
        take(quiz, b, [(three[0], 0), (three[1], 0)])
        stats = quiz_statistics(quiz=quiz, cohort=autumn)
        assert stats.attempts == 1 and stats.mean == 2.0 and stats.cohort_id == autumn.pk
        assert quiz_statistics(quiz=quiz).attempts == 2

    def test_other_quizzes_do_not_count(self, quiz, course, three):
        other = make_quiz(course, three[:2])
        take(other, UserFactory(), [(three[0], 1), (three[1], 1)])
        assert quiz_statistics(quiz=quiz).attempts == 0

    def test_an_unknown_attempt_set_is_refused(self, quiz):
        with pytest.raises(ValueError, match="attempts must be 'first' or 'all', not 'best'"):
            quiz_statistics(quiz=quiz, attempts="best")


class TestRandomDraws:
    """One fixed question F and one question drawn from the category `pool` (A or B).

    attempt   F   drawn   X
    a1        1   A: 1    2
    a2        0   A: 0    0
    a3        1   B: 1    2
    a4        1   B: 0    1
    a5        0   A: 1    1
    """

    @pytest.fixture
    def stats(self, course):
        fixed = question(course, "f")
        a = question(course, "a", category="pool")
        b = question(course, "b", category="pool")
        quiz = make_quiz(course, [fixed])
        QuizDraw.objects.create(quiz=quiz, category="pool", count=1)
        for f, drawn, mark in [(1, a, 1), (0, a, 0), (1, b, 1), (1, b, 0), (0, a, 1)]:
            take(quiz, UserFactory(), [(fixed, f), (drawn, mark)])
        return quiz_statistics(quiz=quiz)

    def test_a_drawn_question_is_compared_with_the_whole_test(self, stats):
        fixed, a, b = stats.questions
        assert (fixed.slug, a.slug, b.slug) == ("f", "a", "b")
        assert a.drawn and b.drawn and not fixed.drawn
        assert a.position is None and fixed.position == 0
        # A: x = [1, 0, 1], Y = X = [2, 0, 1]. x − x̄ = [1/3, −2/3, 1/3], Y − Ȳ = [1, −1, 0]
        # Σ products = 1, Σx² = 2/3, ΣY² = 2 (with Y = X − x it would be 50)
        assert a.attempts == 3
        assert a.discrimination_index == approx(100 * 1 / math.sqrt(2 / 3 * 2))
        # B: x = [1, 0], Y = X = [2, 1]: perfectly correlated (Y = X − x would have no spread)
        assert b.discrimination_index == approx(100.0)
        assert a.effective_weight is None and b.effective_weight is None
        assert a.intended_weight == approx(100 * 1 / 2)

    def test_a_fixed_question_still_uses_the_rest_of_the_test(self, stats):
        # F: x = [1, 0, 1, 1, 0], Y = [1, 0, 1, 0, 1]; deviations [.4, −.6, .4, .4, −.6] and
        # [.4, −.6, .4, −.6, .4]: Σ = .16 + .36 + .16 − .24 − .24 = .2, Σx² = ΣY² = 1.2
        assert stats.questions[0].discrimination_index == approx(100 * 0.2 / 1.2)

    def test_the_random_slot_as_a_whole(self, stats):
        (slot,) = stats.random_slots
        # marks [1, 0, 1, 0, 1], Y = X − x = [1, 0, 1, 1, 0]: the same sums as F's, mirrored
        assert slot.number == 1 and slot.attempts == 5
        assert slot.facility == approx(60.0)
        assert slot.discrimination_index == approx(100 * 0.2 / 1.2)

    def test_cic_and_effective_weights_count_slots(self, stats):
        # P = 2 slots, each of variance 1.2/4 = 0.3. X = [2, 0, 2, 1, 1]: k2 = 2.8/4 = 0.7
        assert stats.cic == approx(100 * 2 / 1 * (1 - 0.6 / 0.7))
        # Cov(F, X) = Cov(slot, X) = 1.4/4: each slot weighs half
        assert stats.questions[0].effective_weight == approx(50.0)
        assert stats.random_slots[0].effective_weight == approx(50.0)

    def test_a_subset_of_the_slots_makes_every_question_drawn(self, course, three):
        quiz = make_quiz(course, three, questions_per_attempt=2)
        take(quiz, UserFactory(), [(three[0], 1), (three[2], 2)])
        take(quiz, UserFactory(), [(three[1], 0), (three[2], 1)])
        stats = quiz_statistics(quiz=quiz)
        assert all(q.drawn for q in stats.questions)
        assert [q.position for q in stats.questions] == [0, 1, 2]
        assert [s.number for s in stats.random_slots] == [1, 2]
        assert [s.attempts for s in stats.random_slots] == [2, 2]


class TestAnswers:
    @pytest.fixture
    def quiz(self, quiz_course):
        return make_quiz(quiz_course, list(quiz_course.sample_questions.values()))

    def answer(self, quiz, **answers):
        questions = quiz.course.sample_questions
        marks = []
        for kind, question_ in questions.items():
            given = answers.get(kind)
            fraction = grade(question_.versions.latest().data, given).fraction or 0
            marks.append((question_, fraction * float(question_.points), given))
        take(quiz, UserFactory(), marks)

    def rows(self, stats, kind):
        found = next(q for q in stats.questions if q.kind == kind)
        return [(a.label, a.count, a.credit) for a in found.answers], found

    def test_choices_are_counted_by_canonical_index_including_unchosen_ones(self, quiz):
        for single, multiple in [(0, [0, 1]), (0, [0, 2]), (2, [1]), (None, None)]:
            self.answer(quiz, single=single, multiple=multiple)
        stats = quiz_statistics(quiz=quiz)
        rows, single = self.rows(stats, "single")
        assert rows == [
            ("Helsinki Final Act", 2, 100.0),
            ("Treaty of Versailles", 0, 0.0),
            ("Charter of Paris", 1, 50.0),
        ]
        assert single.unanswered == 1
        assert [a.percent for a in single.answers] == [50.0, 0.0, 25.0]
        rows, _ = self.rows(stats, "multiple")
        assert rows == [
            ("Collective security", 2, 50.0),
            ("Collective defence", 2, 50.0),
            ("Pizza", 1, -100.0),
        ]

    def test_free_answers_are_normalised_and_the_top_five_kept(self, quiz):
        texts = ["Helsinki Final Act", "helsinki final act.", " HELSINKI  fínal act ", "Paris",
                 "Vienna", "Vienna", "Rome", "Oslo", "Bonn"]  # fmt: skip
        for text in texts:
            self.answer(quiz, short_answer=text)
        rows, short = self.rows(quiz_statistics(quiz=quiz), "short_answer")
        assert rows == [
            ("helsinki final act", 3, 100.0),
            ("vienna", 2, 0.0),
            ("bonn", 1, 0.0),
            ("oslo", 1, 0.0),
            ("paris", 1, 0.0),
        ]
        assert short.unanswered == 0

    def test_numbers_ordering_and_matching(self, quiz):
        self.answer(quiz, numeric="1975", ordering=[0, 1, 2, 3], matching=[0, 1])
        self.answer(quiz, numeric="1975.0", ordering=[0, 1, 3, 2], matching=[2, 1])
        self.answer(quiz, numeric="1976,5", ordering=[0, 1, 2, 3], matching=[0, None])
        stats = quiz_statistics(quiz=quiz)
        rows, _ = self.rows(stats, "numeric")
        assert rows == [("1975", 2, 100.0), ("1976.5", 1, 50.0)]
        rows, _ = self.rows(stats, "ordering")
        right = "League of Nations → UN Charter → Helsinki Final Act → OSCE"
        swapped = "League of Nations → UN Charter → OSCE → Helsinki Final Act"
        assert rows == [(right, 2, 100.0), (swapped, 1, approx(100 / 3))]
        rows, _ = self.rows(stats, "matching")
        assert [label for label, _, _ in rows] == [
            "Collective defence → An attack on one; Collective security → All against an aggressor",
            "Collective defence → An attack on one; Collective security → —",
            "Collective defence → Nobody helps; Collective security → All against an aggressor",
        ]
        assert [credit for _, _, credit in rows] == [100.0, 50.0, 50.0]

    def test_an_option_only_an_older_version_had_keeps_its_label(self, quiz, quiz_course):
        self.answer(quiz, single=2)  # "Charter of Paris", in version 1
        single = quiz_course.sample_questions["single"]
        spec = {**SPECS["single"], "choices": SPECS["single"]["choices"][:2]}
        question_write_spec(course=quiz_course, spec=spec, sources={}, concepts={},
                            question=single)  # fmt: skip
        assert question_version(single).number == 2
        self.answer(quiz, single=0)
        rows, _ = self.rows(quiz_statistics(quiz=quiz), "single")
        assert rows == [
            ("Helsinki Final Act", 1, 100.0),
            ("Treaty of Versailles", 0, 0.0),
            ("Charter of Paris", 1, 50.0),
        ]

    def test_a_malformed_answer_is_shown_as_stored_without_credit(self, quiz):
        self.answer(quiz, numeric=1975, single=9)
        stats = quiz_statistics(quiz=quiz)
        assert self.rows(stats, "numeric")[0] == [("1975", 1, None)]
        assert self.rows(stats, "single")[0][-1] == ("9", 1, None)

    def test_essays_have_no_answer_rows(self, quiz):
        self.answer(quiz, essay="")
        rows, essay = self.rows(quiz_statistics(quiz=quiz), "essay")
        assert rows == [] and essay.unanswered == 0 and essay.attempts == 1


class TestThroughTheAttemptWorkflow:
    def test_an_essay_awaiting_grading_keeps_the_attempt_out_until_graded(
        self, quiz_course, learner, staff
    ):
        quiz = make_quiz(quiz_course, list(quiz_course.sample_questions.values()))
        attempt = attempt_start(quiz=quiz, user=learner)
        assert attempt_save(attempt=attempt, data=right_form(attempt)) == {}
        attempt_submit(attempt=attempt)
        assert quiz_statistics(quiz=quiz).attempts == 0
        essay = attempt.responses.get(version__question__kind="essay")
        response_grade(response=essay, score=Decimal(1), comment="", grader=staff)
        stats = quiz_statistics(quiz=quiz)
        assert stats.attempts == 1 and stats.mean == approx(8.0)
        single = next(q for q in stats.questions if q.kind == "single")
        assert single.facility == approx(100.0)
        assert [a.count for a in single.answers] == [1, 0, 0]


def test_the_number_of_queries_does_not_grow_with_attempts(course, three):
    quiz = make_quiz(course, three)
    versions = [q.versions.latest() for q in three]

    def add(count: int) -> None:
        now = timezone.now()
        attempts = Attempt.objects.bulk_create(
            Attempt(quiz=quiz, user=UserFactory(), number=1, state=Attempt.State.SUBMITTED,
                    started_at=now, submitted_at=now, score=Decimal(i % 3), max_score=4)
            for i in range(count)
        )  # fmt: skip
        Response.objects.bulk_create(
            Response(attempt=attempt, slot=slot, version=version, points=version.data["points"],
                     score=Decimal((attempt.pk + slot) % 2), answer=bool(attempt.pk % 2))
            for attempt in attempts for slot, version in enumerate(versions, 1)
        )  # fmt: skip

    add(10)
    with CaptureQueriesContext(connection) as few:
        assert quiz_statistics(quiz=quiz).attempts == 10
    add(190)
    with CaptureQueriesContext(connection) as many:
        assert quiz_statistics(quiz=quiz).attempts == 200
    assert len(few) == len(many) <= 4
