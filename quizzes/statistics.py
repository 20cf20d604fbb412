"""Quiz statistics exactly as Moodle's statistics report computes them (docs/statistics.md).

API, for the instructor pages:

    quiz_statistics(*, quiz, attempts="first", cohort=None) -> QuizStatistics

- `attempts`: "first" (each learner's first submitted attempt; Moodle's recommended
  default) or "all". Only submitted attempts with no essay awaiting grading count; a
  learner whose first attempt still awaits grading is left out of "first".
- `cohort`: a courses.Cohort, to count only its learners' attempts.
- `QuizStatistics`: the whole test (`attempts` = S, `max_mark`, `mean`, `median`, `sd` in
  marks and as `*_percent` of the maximum; `skewness`, `kurtosis`, `cic`, `error_ratio`,
  `standard_error`), then `questions` (QuestionStatistics in quiz order, drawn questions
  last) and `random_slots` (RandomSlotStatistics: each randomly filled position as a whole,
  Moodle's "Random question" rows).
- `QuestionStatistics` = the ItemStatistics numbers (facility, sd, sd_percent,
  intended_weight, effective_weight, discrimination_index, discriminative_efficiency) plus
  the question's identity, `answers` (AnswerCount rows: how often each option or answer
  was given), `unanswered` and `flags` (keys of FLAG_LABELS).

Percentages are on a 0-100 scale. A statistic is None wherever Moodle's is null (too few
attempts, zero variance, ...). The formulas are pure functions over lists of floats, each
naming the row of shared/design/REFERENCE.md section 2 it implements; `quiz_statistics`
reads the data in four queries, whatever the number of attempts, and hands it to them.
"""

import json
import math
import operator
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Case, FloatField, OuterRef, Subquery, TextField, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext, gettext_noop

from quizzes.grading import grade, normalise_text, parse_number
from quizzes.models import Attempt, QuestionVersion, Quiz, Response

ATTEMPT_SETS = ("first", "all")
BAD_ATTEMPT_SET = "attempts must be 'first' or 'all', not {value!r}."

# Flag thresholds (percent / discrimination index); see docs/statistics.md for why.
TOO_EASY_ABOVE = 90.0
TOO_HARD_BELOW = 20.0
LOW_DISCRIMINATION_BELOW = 20.0
TOP_ANSWERS = 5

FLAG_LABELS = {  # English; the statistics page shows them translated
    "too_easy": gettext_noop("Too easy: facility above 90%"),
    "too_hard": gettext_noop("Too hard: facility below 20%"),
    "negative_discrimination": gettext_noop(
        "Negative discrimination: weaker learners did better; check the key"
    ),
    "low_discrimination": gettext_noop("Low discrimination: index below 20"),
}
CHOICE_KINDS = ("single", "multiple", "true_false")


# Formulas: pure functions over plain numbers.


def _deviations(values: Sequence[float]) -> list[float]:
    """Differences from the mean; exactly 0 when all values are equal (no float noise)."""
    if min(values) == max(values):
        return [0.0] * len(values)
    mean = sum(values) / len(values)
    return [value - mean for value in values]


def _sum_of_products(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(map(operator.mul, a, b))


def covariance(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Σ(x−x̄)(y−ȳ)/(S−1); None for S < 2 (REFERENCE.md §2: divisors S−1,
    `secondary_question_walker`). Also Cov(x, X) of the 'Effective weight' row."""
    if len(x) < 2:
        return None
    return _sum_of_products(_deviations(x), _deviations(y)) / (len(x) - 1)


def variance(values: Sequence[float]) -> float | None:
    """Σ(x−x̄)²/(S−1); None for S < 2 (REFERENCE.md §2, `markvariance`)."""
    if len(values) < 2:
        return None
    deviations = _deviations(values)
    return _sum_of_products(deviations, deviations) / (len(values) - 1)


def facility_index(marks: Sequence[float], max_mark: float) -> float | None:
    """F = 100·x̄/maxmark (REFERENCE.md §2 'Facility index F'); None if maxmark = 0."""
    if not marks or not max_mark:
        return None
    return 100 * math.fsum(marks) / len(marks) / max_mark


def standard_deviation(values: Sequence[float]) -> float | None:
    """√(Σ(x−x̄)²/(S−1)) (REFERENCE.md §2 'Item SD' and whole-test 'SD'); None for S < 2."""
    var = variance(values)
    return None if var is None else math.sqrt(var)


def intended_weight(max_mark: float, quiz_max_mark: float) -> float | None:
    """100·maxmark/Σ maxmarks (REFERENCE.md §2 'Intended weight'); None for a 0-mark quiz."""
    return 100 * max_mark / quiz_max_mark if quiz_max_mark else None


def discrimination_index(marks: Sequence[float], rest: Sequence[float]) -> float | None:
    """D = 100·Cov(x, Y)/√(Var(x)·Var(Y)), Y = rest of test (REFERENCE.md §2
    'Discrimination index D'); None for S < 2 or when Var(x)·Var(Y) = 0."""
    return _discrimination(_deviations(marks), _deviations(rest)) if len(marks) > 1 else None


def discriminative_efficiency(marks: Sequence[float], rest: Sequence[float]) -> float | None:
    """DE = 100·Cov(x, Y)/CovMax, CovMax pairing x and Y each sorted ascending
    (REFERENCE.md §2 'Discriminative efficiency DE'); None for S < 2 or CovMax = 0."""
    return _efficiency(_deviations(marks), _deviations(rest)) if len(marks) > 1 else None


def _discrimination(dx: list[float], dy: list[float]) -> float | None:
    product = _sum_of_products(dx, dx) * _sum_of_products(dy, dy)
    if not product:
        return None
    return 100 * _sum_of_products(dx, dy) / math.sqrt(product)  # the (S−1)s cancel


def _efficiency(dx: list[float], dy: list[float]) -> float | None:
    # Sorting the deviations sorts the values: all share one mean.
    most = _sum_of_products(sorted(dx), sorted(dy))
    return 100 * _sum_of_products(dx, dy) / most if most else None


def effective_weights(covariances: Sequence[float | None]) -> list[float | None]:
    """EW_i = 100·√Cov(x_i, X)/Σ_j √Cov(x_j, X) over the slots with Cov ≥ 0
    (REFERENCE.md §2 'Effective weight'). None for a negative covariance and for all
    when the denominator is 0; a null covariance (S < 2) counts as 0, as in Moodle's PHP."""
    roots = [math.sqrt(c) if c is not None and c >= 0 else None for c in covariances]
    total = math.fsum(root for root in roots if root is not None)
    if not total:
        return [None] * len(roots)
    return [None if c is not None and c < 0 else 100 * (roots[i] or 0) / total
            for i, c in enumerate(covariances)]  # fmt: skip


def median(totals: Sequence[float]) -> float | None:
    """The middle total, or the mean of the two middle ones (REFERENCE.md §2 'Median')."""
    if not totals:
        return None
    ordered, half = sorted(totals), len(totals) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def _moments(totals: Sequence[float]) -> tuple[float, float, float]:
    """m_k = Σ(T−T̄)^k/S for k = 2, 3, 4 (REFERENCE.md §2 'Moments')."""
    d = _deviations(totals)
    squares = [v * v for v in d]
    s = len(totals)
    return (
        math.fsum(squares) / s,
        _sum_of_products(squares, d) / s,
        _sum_of_products(squares, squares) / s,
    )


def k2_statistic(totals: Sequence[float]) -> float | None:
    """k2 = S·m2/(S−1), the unbiased variance (REFERENCE.md §2 'Moments'); None for S < 2."""
    s = len(totals)
    return s * _moments(totals)[0] / (s - 1) if s > 1 else None


def skewness(totals: Sequence[float]) -> float | None:
    """k3/k2^{3/2}, k3 = S²·m3/((S−1)(S−2)) (REFERENCE.md §2 'Skewness'); None for S < 3
    or k2 = 0 (M-quizstats `calculate()`)."""
    s = len(totals)
    if s < 3:
        return None
    m2, m3, _ = _moments(totals)
    k2 = s * m2 / (s - 1)
    if not k2:
        return None
    return (s * s * m3 / ((s - 1) * (s - 2))) / k2**1.5


def kurtosis(totals: Sequence[float]) -> float | None:
    """k4/k2², k4 = S²((S+1)m4 − 3(S−1)m2²)/((S−1)(S−2)(S−3)) (REFERENCE.md §2
    'Kurtosis'); None for S < 4 or k2 = 0."""
    s = len(totals)
    if s < 4:
        return None
    m2, _, m4 = _moments(totals)
    k2 = s * m2 / (s - 1)
    if not k2:
        return None
    k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
    return k4 / (k2 * k2)


def internal_consistency(
    totals: Sequence[float], slot_variances: Sequence[float | None]
) -> float | None:
    """CIC (Cronbach's α) = 100·P/(P−1)·(1 − Σ Var(x_i)/k2), P = number of slots
    (REFERENCE.md §2 'CIC'). Moodle computes it only for S > 2, k2 ≠ 0 and P > 1; a
    null slot variance adds 0."""
    p, k2 = len(slot_variances), k2_statistic(totals)
    if len(totals) < 3 or not k2 or p < 2:
        return None
    spread = math.fsum(v for v in slot_variances if v is not None)
    return 100 * p / (p - 1) * (1 - spread / k2)


def error_ratio(cic: float | None) -> float | None:
    """ER = 100·√(1 − CIC/100) (REFERENCE.md §2 'Error ratio')."""
    if cic is None:
        return None
    return 100 * math.sqrt(max(0.0, 1 - cic / 100))  # CIC ≤ 100; the max absorbs float noise


def standard_error(ratio: float | None, sd: float | None) -> float | None:
    """SE = ER·SD/100 (REFERENCE.md §2 'Standard error')."""
    return None if ratio is None or sd is None else ratio * sd / 100


def question_flags(facility: float | None, discrimination: float | None) -> tuple[str, ...]:
    """Keys of FLAG_LABELS that apply, from the facility (%) and discrimination index."""
    flags = []
    if facility is not None and facility > TOO_EASY_ABOVE:
        flags.append("too_easy")
    if facility is not None and facility < TOO_HARD_BELOW:
        flags.append("too_hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative_discrimination")
    elif discrimination is not None and discrimination < LOW_DISCRIMINATION_BELOW:
        flags.append("low_discrimination")
    return tuple(flags)


def percent_of(value: float | None, whole: float | None) -> float | None:
    return None if value is None or not whole else 100 * value / whole


# Results.


@dataclass(frozen=True)
class ItemStatistics:
    """Moodle's per-question numbers for one item; percentages on a 0-100 scale."""

    attempts: int
    max_mark: float
    mean_mark: float
    facility: float | None
    sd: float | None
    sd_percent: float | None
    intended_weight: float | None
    effective_weight: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None


@dataclass(frozen=True)
class AnswerCount:
    """How often an option (or a normalised answer) was given; `credit` is the percent of
    the question's points it earns under the newest answered version's key."""

    label: str
    count: int
    percent: float
    credit: float | None


@dataclass(frozen=True)
class QuestionStatistics(ItemStatistics):
    question_id: int
    slug: str
    name: str
    kind: str
    position: int | None  # its slot's position in the quiz; None when drawn from a category
    drawn: bool  # drawn at random, so its rest of test is the whole test (Y = X)
    answers: tuple[AnswerCount, ...]
    unanswered: int
    flags: tuple[str, ...]


@dataclass(frozen=True)
class RandomSlotStatistics(ItemStatistics):
    number: int  # "Random question 1, 2, ...": the n-th randomly filled position


@dataclass(frozen=True)
class QuizStatistics:
    quiz_id: int
    attempt_set: str
    cohort_id: int | None
    attempts: int
    max_mark: float | None
    mean: float | None
    median: float | None
    sd: float | None
    mean_percent: float | None
    median_percent: float | None
    sd_percent: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None
    questions: tuple[QuestionStatistics, ...]
    random_slots: tuple[RandomSlotStatistics, ...]


# Reading the data.


@dataclass(eq=False)
class _Item:
    """Marks of one item, with each attempt's test score X (Moodle's `summarks`)."""

    drawn: bool
    marks: list[float]
    overall: list[float]
    max_mark: float

    @classmethod
    def from_rows(cls, rows: list[tuple], overall: dict[int, float], *, drawn: bool) -> "_Item":
        return cls(
            drawn=drawn,
            marks=list(map(operator.itemgetter(2), rows)),
            overall=list(map(overall.__getitem__, map(operator.itemgetter(0), rows))),
            max_mark=max(map(operator.itemgetter(3), rows)),
        )

    def rest(self) -> list[float]:
        """Y = X − x for a position; Y = X for a question drawn at random (REFERENCE.md §2)."""
        if self.drawn:
            return self.overall
        return list(map(operator.sub, self.overall, self.marks))


def quiz_statistics(*, quiz: Quiz, attempts: str = "first", cohort=None) -> QuizStatistics:
    """Moodle's test and item statistics over the quiz's finished attempts."""
    if attempts not in ATTEMPT_SETS:
        raise ValueError(BAD_ATTEMPT_SET.format(value=attempts))
    included = _included_attempts(quiz, attempts, cohort)
    totals = _rows(included.values_list(_float("score"), _float("max_score")))
    rows = _rows(
        Response.objects.filter(attempt__in=included.values("pk"))
        .order_by("attempt_id", "slot")
        .values_list("attempt_id", "version_id", _float("score"), _float("points"), _answer(quiz))
    )
    versions = {
        pk: (question_id, number, data)
        for pk, question_id, number, data in QuestionVersion.objects.filter(
            pk__in={row[1] for row in rows}
        ).values_list("pk", "question_id", "number", "data")
    }
    positions, fixed = _quiz_slots(quiz)
    questions, slots = _items(rows, versions, fixed)
    quiz_max = max((most for _, most in totals), default=None)
    measured = {item: _measure(item, quiz_max) for item in {*questions.values(), *slots.values()}}
    slot_items = list(slots.values())
    weights = effective_weights([measured[item][2] for item in slot_items])
    for item, weight in zip(slot_items, weights, strict=True):
        measured[item][0]["effective_weight"] = weight
    scores = [score for score, _ in totals]
    return QuizStatistics(
        quiz_id=quiz.pk, attempt_set=attempts, cohort_id=getattr(cohort, "pk", None),
        **_test_statistics(scores, quiz_max, [measured[item][1] for item in slot_items]),
        questions=_question_results(
            questions, versions, positions, _tally_answers(rows, versions), measured
        ),
        random_slots=tuple(
            RandomSlotStatistics(number=key[1], **measured[item][0])
            for key, item in slots.items() if key[0] == "random"
        ),
    )  # fmt: skip


def _float(name: str):
    return Coalesce(Cast(name, FloatField()), Value(0.0))


def _answer(quiz: Quiz):
    """Response.answer as JSON text, left out (NULL) for essays: nobody counts essays."""
    essays = QuestionVersion.objects.filter(question__course=quiz.course_id, data__kind="essay")
    return Case(
        When(version_id__in=essays.values("pk"), then=Value(None)),
        default=Cast("answer", TextField()), output_field=TextField(),
    )  # fmt: skip


def _rows(queryset) -> list[tuple]:
    """The rows as plain tuples. Django's per-row converters would cost more than the query
    itself at 100,000 responses (bench/statistics_bench.py); the casts make them floats."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _included_attempts(quiz: Quiz, attempts: str, cohort):
    submitted = Attempt.objects.submitted().filter(quiz=quiz)
    if cohort is not None:
        submitted = submitted.filter(user__enrollments__cohort=cohort)
    if attempts == "first":
        first = submitted.filter(user=OuterRef("user")).order_by("number").values("number")[:1]
        submitted = submitted.filter(number=Subquery(first))
    return submitted.filter(needs_grading=False).order_by()


def _quiz_slots(quiz: Quiz) -> tuple[dict[int, int], set[int]]:
    """{question id: position} of the quiz's slots, and the questions every attempt gets
    (none when each attempt draws a subset of the slots)."""
    positions = dict(quiz.slots.values_list("question_id", "position"))
    if quiz.questions_per_attempt and quiz.questions_per_attempt < len(positions):
        return positions, set()
    return positions, set(positions)


def _items(rows, versions, fixed) -> tuple[dict[int, _Item], dict[tuple, _Item]]:
    """Per question, and per slot: a fixed question is its own slot; each attempt's n-th
    randomly drawn question fills the slot ("random", n). Rows come by attempt and slot."""
    overall: dict[int, float] = defaultdict(float)
    for attempt_id, _, score, _, _ in rows:
        overall[attempt_id] += score
    question_of = {pk: question_id for pk, (question_id, _, _) in versions.items()}
    by_question, by_rank = defaultdict(list), defaultdict(list)
    current, rank = None, 0
    for row in rows:
        question_id = question_of[row[1]]
        by_question[question_id].append(row)
        if question_id not in fixed:
            current, rank = row[0], (rank + 1 if row[0] == current else 1)
            by_rank[rank].append(row)
    questions = {
        question_id: _Item.from_rows(group, overall, drawn=question_id not in fixed)
        for question_id, group in by_question.items()
    }
    slots = {("question", pk): item for pk, item in questions.items() if not item.drawn}
    for rank, group in sorted(by_rank.items()):
        slots["random", rank] = _Item.from_rows(group, overall, drawn=False)
    return questions, slots


def _measure(item: _Item, quiz_max: float | None) -> tuple[dict, float | None, float | None]:
    """The item's ItemStatistics fields, its variance (for CIC) and Cov(x, X) (for EW).

    The same sums as `variance`, `covariance`, `discrimination_index` and
    `discriminative_efficiency`, with two or three lists of deviations instead of seven
    (bench/statistics_bench.py).
    """
    s = len(item.marks)
    numbers = {
        "attempts": s, "max_mark": item.max_mark, "mean_mark": math.fsum(item.marks) / s,
        "facility": facility_index(item.marks, item.max_mark),
        "intended_weight": intended_weight(item.max_mark, quiz_max or 0),
        "effective_weight": None,  # set once every slot's covariance is known
        "sd": None, "sd_percent": None,
        "discrimination_index": None, "discriminative_efficiency": None,
    }  # fmt: skip
    if s < 2:
        return numbers, None, None
    dx, dy = _deviations(item.marks), _deviations(item.rest())
    d_total = dy if item.drawn else _deviations(item.overall)
    var = _sum_of_products(dx, dx) / (s - 1)
    numbers.update(
        sd=math.sqrt(var), sd_percent=percent_of(math.sqrt(var), item.max_mark),
        discrimination_index=_discrimination(dx, dy), discriminative_efficiency=_efficiency(dx, dy),
    )  # fmt: skip
    return numbers, var, _sum_of_products(dx, d_total) / (s - 1)


def _test_statistics(scores, quiz_max, slot_variances) -> dict:
    sd = standard_deviation(scores)
    cic = internal_consistency(scores, slot_variances)
    ratio = error_ratio(cic)
    mean = math.fsum(scores) / len(scores) if scores else None
    middle = median(scores)
    return {
        "attempts": len(scores), "max_mark": quiz_max,
        "mean": mean, "median": middle, "sd": sd,
        "mean_percent": percent_of(mean, quiz_max), "median_percent": percent_of(middle, quiz_max),
        "sd_percent": percent_of(sd, quiz_max),
        "skewness": skewness(scores), "kurtosis": kurtosis(scores),
        "cic": cic, "error_ratio": ratio, "standard_error": standard_error(ratio, sd),
    }  # fmt: skip


def _question_results(questions, versions, positions, tallies, measured):
    newest = {}
    for question_id, number, data in versions.values():
        if question_id not in newest or number > newest[question_id][0]:
            newest[question_id] = (number, data)
    results = []
    for question_id, item in questions.items():
        data = newest[question_id][1]
        numbers = measured[item][0]
        answers, unanswered = _answer_rows(data, tallies.get(question_id), len(item.marks))
        results.append(QuestionStatistics(
            **numbers, question_id=question_id, slug=data.get("slug", ""),
            name=data.get("name") or data.get("slug", ""), kind=data["kind"],
            position=positions.get(question_id), drawn=item.drawn, answers=answers,
            unanswered=unanswered,
            flags=question_flags(numbers["facility"], numbers["discrimination_index"]),
        ))  # fmt: skip
    return tuple(sorted(results, key=lambda q: (q.position is None, q.position or 0, q.slug)))


# Distractor analysis: answer counts from Response.answer.


@dataclass
class _Tally:
    counts: Counter = field(default_factory=Counter)
    # key -> (version number, label, version data, one raw answer) of the newest version
    seen: dict = field(default_factory=dict)
    unanswered: int = 0


def _tally_answers(rows, versions) -> dict[int, _Tally]:
    """Count the distinct answers (JSON text) of each version, then decode each once."""
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for (version_id, text), n in Counter(map(operator.itemgetter(1, 4), rows)).items():
        question_id, number, data = versions[version_id]
        tally = tallies[question_id]
        answer = None if text is None else json.loads(text)
        if answer is None:
            tally.unanswered += n
            continue
        for key, label in _answer_keys(data, answer):
            tally.counts[key] += n
            if key not in tally.seen or number > tally.seen[key][0]:
                tally.seen[key] = (number, label, data, answer)
    return tallies


def _answer_rows(data: dict, tally: _Tally | None, responses: int):
    """The AnswerCount rows of a question: every option for choice kinds, else the top 5."""
    if data["kind"] == "essay":
        return (), 0
    tally = tally or _Tally()
    if data["kind"] in CHOICE_KINDS:
        extra = sorted(tally.counts, key=lambda k: (k[0], _index_or(k[1], -1), repr(k)))
        keys = list(dict.fromkeys([*_all_options(data), *extra]))
    else:
        ranked = sorted(tally.counts, key=lambda k: (-tally.counts[k], tally.seen[k][1]))
        keys = ranked[:TOP_ANSWERS]
    rows = []
    for key in keys:
        count = tally.counts[key]
        if key in tally.seen:
            _, label, version, raw = tally.seen[key]
        else:
            label, version, raw = _option_label(data, key), data, key[1]
        rows.append(AnswerCount(label, count, 100 * count / responses, _credit(version, key, raw)))
    return tuple(rows), tally.unanswered


def _all_options(data: dict) -> list[tuple]:
    if data["kind"] == "true_false":
        return [("true_false", True), ("true_false", False)]
    return [("choice", index) for index in range(len(data["choices"]))]


def _option_label(data: dict, key: tuple) -> str:
    if key[0] == "true_false":
        return gettext("True") if key[1] else gettext("False")
    return data["choices"][key[1]]["text"]


def _credit(data: dict, key: tuple, raw) -> float | None:
    """Percent of the points this option or answer earns (a choice's own credit)."""
    if key[0] == "choice":
        return float(data["choices"][key[1]]["credit"])
    if key[0] == "other":
        return None
    fraction = grade(data, key[1] if key[0] == "true_false" else raw).fraction
    return None if fraction is None else 100 * fraction


def _answer_keys(data: dict, answer) -> list[tuple[tuple, str]]:
    """(key, label) pairs an answer counts towards; a multiple response counts per choice."""
    kind = data["kind"]
    try:
        if kind == "single":
            return [_choice_key(data, answer)]
        if kind == "multiple":
            return [_choice_key(data, index) for index in answer]
        if kind == "true_false" and isinstance(answer, bool):
            return [(("true_false", answer), gettext("True") if answer else gettext("False"))]
        if kind == "short_answer":
            text = normalise_text(answer)
            return [(("text", text), text)]
        if kind == "numeric":
            number = parse_number(answer)
            return [(("number", number), _format_number(number))]
        if kind == "ordering":
            labels = [_entry(data["items"], index) for index in answer]
            return [(("sequence", tuple(answer)), " → ".join(labels))]
        if kind == "matching":
            return [(("matches", tuple(answer)), _matching_label(data, answer))]
    except (AttributeError, TypeError, ValueError, IndexError, KeyError):
        pass
    return [(("other", repr(answer)), str(answer))]


def _index_or(value, default: int) -> int:
    return value if type(value) is int else default


def _entry(records: list, index):
    """records[index] for a whole-number index in range (never counting from the end)."""
    if not 0 <= _index_or(index, -1) < len(records):
        raise IndexError(index)
    return records[index]


def _choice_key(data: dict, index) -> tuple[tuple, str]:
    return ("choice", index), _entry(data["choices"], index)["text"]


def _format_number(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


def _matching_label(data: dict, answer: list) -> str:
    options = [pair["right"] for pair in data["pairs"]] + list(data["distractors"])
    return "; ".join(
        f"{pair['left']} → {_entry(options, option) if option is not None else '—'}"
        for pair, option in zip(data["pairs"], answer, strict=True)
    )
