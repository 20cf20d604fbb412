"""Spaced-repetition reviews: the deck, the FSRS schedule, the memory model and the page."""

from datetime import timedelta

import pytest
from django.core import signing
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from fsrs import Card, Rating

from quizzes.models import (
    Attempt,
    Evidence,
    Question,
    QuestionVersion,
    Response,
    ReviewCard,
    ReviewLog,
)
from quizzes.presentation import NOT_AN_OPTION
from quizzes.questions import question_version
from quizzes.reviews import (
    FORM_SALT,
    RATING_INVALID,
    RATING_REQUIRED,
    SCHEDULER,
    STALE,
    ReviewError,
    card_fields,
    concept_recall,
    review_answer,
    review_next,
    review_question,
    reviews_due_cached,
    reviews_due_count,
    reviews_due_fresh,
)
from quizzes.services import attempt_save, attempt_start, attempt_submit
from tests.factories import ConceptFactory, CourseFactory, UserFactory, make_question, make_quiz
from tests.quizzes.samples import RIGHT_ANSWERS, SECRET, SPECS
from tests.quizzes.test_attempts import form
from tests.quizzes.test_quiz_views import KEY_WORDS

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def course(quiz_course):
    """The sample questions tagged: every one with `csce`, true/false with `osce` too."""
    csce = ConceptFactory(course=quiz_course, slug="csce", term="CSCE")
    osce = ConceptFactory(course=quiz_course, slug="osce", term="OSCE")
    for kind, question in quiz_course.sample_questions.items():
        question.concepts.set([csce, osce] if kind == "true_false" else [csce])
        question_version(question)
    return quiz_course


def deal(user, question, due, **fields) -> ReviewCard:
    """A new card of `question` in the learner's deck, due at `due`."""
    return ReviewCard.objects.create(
        user=user, question=question, **{**card_fields(Card(due=due)), **fields}
    )


def answer_form(shown, answer) -> QueryDict:
    """The fields a browser sends for `answer` (canonical) to the question as shown."""
    data = QueryDict(mutable=True)
    data["token"] = shown.token
    kind, order = shown.version.data["kind"], shown.order
    if kind == "single":
        data["q1"] = str(order["choices"].index(answer))
    elif kind == "multiple":
        data.setlist("q1", [str(order["choices"].index(i)) for i in answer])
    elif kind == "true_false":
        data["q1"] = "true" if answer else "false"
    elif kind == "ordering":
        for position, index in enumerate(order["items"]):
            data[f"q1-{position}"] = str(answer.index(index) + 1)
    elif kind == "matching":
        for pair, option in enumerate(answer):
            data[f"q1-{pair}"] = str(order["options"].index(option))
    else:
        data["q1"] = answer
    return data


def snapshot():
    return (
        list(Attempt.objects.order_by("pk").values()),
        list(Response.objects.order_by("pk").values()),
    )


def card_row(card):
    return ReviewCard.objects.filter(pk=card.pk).values().get()


class TestDeckFlow:
    def test_due_card_is_served_graded_and_rescheduled_without_touching_the_attempt(
        self, course, learner
    ):
        questions = [course.sample_questions[k] for k in ("true_false", "single")]
        start = timezone.now() - 30 * DAY
        attempt = attempt_start(quiz=make_quiz(course, questions), user=learner, now=start)
        attempt_save(attempt=attempt, data=form(q1="false", q2="1"), now=start)
        attempt_submit(attempt=attempt, now=start)
        before = snapshot()
        now = timezone.now()
        assert reviews_due_count(user=learner, now=now) == 2
        card = review_next(user=learner, now=now)
        assert card.question.slug == "q-single"  # missed in the quiz: due first

        shown = review_question(card=card)
        outcome = review_answer(card=card, data=answer_form(shown, 0), now=now)

        card.refresh_from_db()
        assert outcome.rating == Rating.Good and outcome.outcome.fraction == 1.0
        assert card.reviews == 1 and card.last_review == now and card.due > now
        assert card.state["due"] == card.due.isoformat()
        log = ReviewLog.objects.get(card=card)
        assert (log.rating, log.fraction, log.reviewed_at) == (3, 1.0, now)
        evidence = Evidence.objects.get(review=log)
        assert (evidence.concept.slug, evidence.fraction, evidence.mixed) == ("csce", 1.0, True)
        hit = review_next(user=learner, now=now)
        assert hit.question.slug == "q-tf"
        review_answer(card=hit, data=answer_form(review_question(card=hit), False), now=now)
        hit.refresh_from_db()
        assert hit.due > now + 2 * DAY  # right in the quiz and now: past the learning steps
        assert reviews_due_count(user=learner, now=now) == 0
        assert snapshot() == before  # reviews never change grades

    def test_a_wrong_answer_comes_back_sooner_than_a_right_one(self, course, learner):
        now = timezone.now()
        right = deal(learner, course.sample_questions["true_false"], now - DAY)
        wrong = deal(learner, course.sample_questions["single"], now - DAY)
        review_answer(card=right, data=answer_form(review_question(card=right), False), now=now)
        review_answer(card=wrong, data=answer_form(review_question(card=wrong), 1), now=now)
        right.refresh_from_db()
        wrong.refresh_from_db()
        assert now < wrong.due < right.due
        assert wrong.logs.get().rating == Rating.Again
        assert sorted(Evidence.objects.values_list("concept__slug", "fraction")) == [
            ("csce", 0.0), ("csce", 1.0), ("osce", 1.0)
        ]  # fmt: skip

    def test_partial_credit_rates_hard(self, course, learner):
        now = timezone.now()
        card = deal(learner, course.sample_questions["single"], now)
        outcome = review_answer(card=card, data=answer_form(review_question(card=card), 2), now=now)
        assert outcome.rating == Rating.Hard and outcome.log.fraction == 0.5

    def test_only_due_cards_of_the_learner_and_the_course_are_served(self, course, learner):
        now = timezone.now()
        other_course = CourseFactory()
        other_question = make_question(other_course, {**SPECS["true_false"], "slug": "tf"})
        deal(learner, course.sample_questions["single"], now + DAY)
        deal(UserFactory(), course.sample_questions["numeric"], now - 9 * DAY)
        mine = deal(learner, other_question, now - DAY)
        assert review_next(user=learner, now=now) == mine
        assert review_next(user=learner, now=now, course=course) is None
        assert reviews_due_count(user=learner, now=now) == 1

    def test_a_replayed_form_counts_once(self, course, learner):
        now = timezone.now()
        card = deal(learner, course.sample_questions["true_false"], now)
        data = answer_form(review_question(card=card), False)
        review_answer(card=card, data=data, now=now)
        with pytest.raises(ReviewError, match=STALE):
            review_answer(card=card, data=data, now=now + timedelta(seconds=5))
        assert ReviewLog.objects.count() == 1 and card_row(card)["reviews"] == 1

    def test_a_question_edited_since_it_was_shown_is_refused(self, course, learner):
        now = timezone.now()
        question = course.sample_questions["true_false"]
        card = deal(learner, question, now)
        data = answer_form(review_question(card=card), False)
        newest = QuestionVersion.objects.filter(question=question).latest()
        QuestionVersion.objects.create(
            question=question, number=newest.number + 1, data={**newest.data, "answer": True}
        )
        before = card_row(card)
        with pytest.raises(ReviewError, match=STALE):
            review_answer(card=card, data=data, now=now)
        assert card_row(card) == before

    def test_the_newest_version_is_graded(self, course, learner):
        now = timezone.now()
        question = course.sample_questions["true_false"]
        card = deal(learner, question, now)
        newest = QuestionVersion.objects.filter(question=question).latest()
        QuestionVersion.objects.create(
            question=question, number=newest.number + 1, data={**newest.data, "answer": True}
        )
        outcome = review_answer(card=card, data=answer_form(review_question(card=card), True),
                                now=now)  # fmt: skip
        assert outcome.rating == Rating.Good


class TestEssays:
    def test_the_learners_rating_is_required_and_validated(self, course, learner):
        now = timezone.now()
        card = deal(learner, course.sample_questions["essay"], now)
        data = answer_form(review_question(card=card), "My essay.")
        before = card_row(card)
        with pytest.raises(ReviewError, match=RATING_REQUIRED):
            review_answer(card=card, data=data, now=now)
        data["rating"] = "5"
        with pytest.raises(ReviewError, match=RATING_INVALID):
            review_answer(card=card, data=data, now=now)
        assert card_row(card) == before and not ReviewLog.objects.exists()

        data["rating"] = "4"
        outcome = review_answer(card=card, data=data, now=now)
        assert outcome.rating == Rating.Easy
        log = ReviewLog.objects.get()
        assert (log.rating, log.fraction) == (4, None)
        assert not Evidence.objects.exists()  # a self-rating is not graded evidence

    def test_page_asks_for_a_rating_after_showing_the_explanation(self, course, learner, client):
        client.force_login(learner)
        card = deal(learner, course.sample_questions["essay"], timezone.now())
        page = client.get(reverse("quizzes:reviews"))
        token = page.context["shown"].token
        url = reverse("quizzes:review_answer", args=[card.pk])
        rate = client.post(url, {"token": token, "q1": "Security is indivisible."})
        assert rate.status_code == 200 and card_row(card)["reviews"] == 0
        assert f"{SECRET}explainessay" in rate.text and f"{SECRET}guidance" not in rate.text
        for value, label in ((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")):
            assert f'name="rating" value="{value}">{label}' in rate.text
        assert 'name="q1" value="Security is indivisible."' in rate.text
        bad = client.post(url, {"token": token, "q1": "x", "rating": "easy"})
        assert bad.status_code == 400 and RATING_INVALID in bad.text
        done = client.post(url, {"token": token, "q1": "x", "rating": "3"})
        assert done.status_code == 200 and "You rated it Good" in done.text
        assert card_row(card)["reviews"] == 1


class TestPage:
    def test_question_page_leaks_nothing_and_hides_the_order(self, course, learner, client):
        client.force_login(learner)
        now = timezone.now()
        for n, question in enumerate(course.sample_questions.values()):
            deal(learner, question, now - n * timedelta(minutes=1))
        for _ in course.sample_questions:
            response = client.get(reverse("quizzes:reviews"))
            assert response.status_code == 200
            text = response.text
            assert SECRET not in text and not KEY_WORDS.search(text), KEY_WORDS.search(text)
            shown = response.context["shown"]
            assert shown.version.data["prompt"] in text
            payload = signing.loads(shown.token, salt=FORM_SALT)
            assert set(payload) == {"card", "round", "version"}  # no display order
            kind = shown.version.data["kind"]
            data = answer_form(shown, RIGHT_ANSWERS[kind])
            if kind == "essay":
                data["rating"] = "3"
            url = reverse("quizzes:review_answer", args=[shown.card.pk])
            result = client.post(url, dict(data.lists()))
            assert result.status_code == 200
            assert kind == "essay" or shown.card.logs.get().fraction == 1.0
        assert "Nothing due" in client.get(reverse("quizzes:reviews")).text

    def test_result_shows_outcome_feedback_explanation_source_and_next_due(
        self, course, learner, client
    ):
        client.force_login(learner)
        card = deal(learner, course.sample_questions["single"], timezone.now())
        shown = client.get(reverse("quizzes:reviews")).context["shown"]
        response = client.post(
            reverse("quizzes:review_answer", args=[card.pk]), answer_form(shown, 1)
        )
        text = response.text
        assert response.status_code == 200 and "Incorrect" in text
        assert f"{SECRET}fbwrong" in text and f"{SECRET}explainsingle" in text
        assert f'href="/courses/{course.slug}/sources/#source-src">The source</a>' in text
        card.refresh_from_db()
        assert "again in 1\xa0day</strong>" in text and card.reviews == 1
        assert 'href="/reviews/">Next card</a>' in text

    def test_wrong_shape_is_refused_with_a_message_and_changes_nothing(
        self, course, learner, client
    ):
        client.force_login(learner)
        card = deal(learner, course.sample_questions["single"], timezone.now())
        shown = client.get(reverse("quizzes:reviews")).context["shown"]
        before = card_row(card)
        url = reverse("quizzes:review_answer", args=[card.pk])
        response = client.post(url, {"token": shown.token, "q1": "7"})
        assert response.status_code == 400 and NOT_AN_OPTION in response.text
        assert card_row(card) == before and not ReviewLog.objects.exists()
        tampered = client.post(url, {"token": shown.token + "x", "q1": "0"})
        assert tampered.status_code == 302 and tampered["Location"] == reverse("quizzes:reviews")
        assert card_row(card) == before

    def test_another_learners_card_is_404(self, course, learner, client):
        card = deal(learner, course.sample_questions["true_false"], timezone.now())
        shown = review_question(card=card)
        intruder = UserFactory()
        client.force_login(intruder)
        response = client.post(
            reverse("quizzes:review_answer", args=[card.pk]), answer_form(shown, False)
        )
        assert response.status_code == 404 and card_row(card)["reviews"] == 0
        assert "Nothing due" in client.get(reverse("quizzes:reviews")).text

    def test_anonymous_visitors_are_sent_to_log_in(self, course, learner, client):
        card = deal(learner, course.sample_questions["true_false"], timezone.now())
        for response in (
            client.get(reverse("quizzes:reviews")),
            client.post(reverse("quizzes:review_answer", args=[card.pk]), {"q1": "false"}),
        ):
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_posts_need_a_csrf_token(self, course, learner):
        card = deal(learner, course.sample_questions["true_false"], timezone.now())
        client = Client(enforce_csrf_checks=True)
        client.force_login(learner)
        data = answer_form(review_question(card=card), False)
        assert (
            client.post(reverse("quizzes:review_answer", args=[card.pk]), data).status_code == 403
        )
        assert card_row(card)["reviews"] == 0

    def test_unknown_course_filter_is_404(self, learner, client):
        client.force_login(learner)
        assert client.get(reverse("quizzes:reviews") + "?course=nope").status_code == 404

    def test_nothing_due_shows_the_next_due_time_and_recall(self, course, learner, client):
        client.force_login(learner)
        now = timezone.now()
        deal(learner, course.sample_questions["single"], now + 3 * DAY,
             stability=5.0, last_review=now - DAY)  # fmt: skip
        text = client.get(reverse("quizzes:reviews")).text
        assert "Nothing due" in text and "Your next card is due on" in text
        assert 'href="/courses/qc/glossary/csce/">CSCE</a>' in text
        expected = round(SCHEDULER.get_card_retrievability(
            Card(card_id=1, stability=5.0, last_review=now - DAY), now) * 100)  # fmt: skip
        assert f"<td>{expected}%</td>" in text

    @pytest.mark.parametrize("count", [5, 200])
    def test_review_page_query_budget(
        self, course, learner, client, django_assert_max_num_queries, count
    ):
        client.force_login(learner)
        bulk_deck(course, learner, count)
        # 8, and the review policies of the learner's quizzes, read for the page and the nav
        with django_assert_max_num_queries(10):
            response = client.get(reverse("quizzes:reviews"))
        assert response.context["due"] == count and len(response.context["recall"]) == 2
        ReviewCard.objects.update(due=timezone.now() + DAY)
        with django_assert_max_num_queries(10):
            assert "Nothing due" in client.get(reverse("quizzes:reviews")).text


def bulk_deck(course, user, count: int) -> None:
    """`count` due, reviewed cards on two concepts, written in bulk."""
    now = timezone.now()
    questions = Question.objects.bulk_create(
        Question(course=course, slug=f"bulk-{n}", kind="true_false", prompt="P", answer_true=True)
        for n in range(count)
    )
    template = QuestionVersion.objects.filter(question=course.sample_questions["true_false"])
    data = template.latest().data
    QuestionVersion.objects.bulk_create(
        QuestionVersion(question=q, number=1, data={**data, "slug": q.slug}, prompt_html="<p>P</p>")
        for q in questions
    )
    through = Question.concepts.through
    concepts = list(course.concepts.all())
    through.objects.bulk_create(
        through(question=q, concept=concepts[n % 2]) for n, q in enumerate(questions)
    )
    ReviewCard.objects.bulk_create(
        ReviewCard(user=user, question=q, **card_fields(
            SCHEDULER.review_card(Card(due=now - 9 * DAY), Rating.Good,
                                  review_datetime=now - 9 * DAY)[0]))
        for q in questions
    )  # fmt: skip


class TestConceptRecall:
    def test_recall_is_the_mean_retrievability_and_the_drop_the_earliest(self, course, learner):
        now = timezone.now()
        decay = -SCHEDULER.parameters[20]
        factor = 0.9 ** (1 / decay) - 1

        def formula(days, stability):
            return (1 + factor * days / stability) ** decay

        deal(learner, course.sample_questions["true_false"], now,
             stability=10.0, last_review=now - 5 * DAY)  # fmt: skip
        deal(learner, course.sample_questions["single"], now,
             stability=4.0, last_review=now - 4 * DAY)  # fmt: skip
        deal(learner, course.sample_questions["essay"], now)  # never reviewed
        deal(UserFactory(), course.sample_questions["numeric"], now,
             stability=1.0, last_review=now - 30 * DAY)  # fmt: skip

        rows = {r.slug: r for r in concept_recall(user=learner, course=course, now=now)}

        assert formula(4, 4.0) == pytest.approx(0.9)  # stability: days for 100% -> 90%
        csce = rows["csce"]
        assert (csce.cards, csce.reviewed) == (3, 2)
        assert csce.recall == pytest.approx((formula(5, 10.0) + formula(4, 4.0)) / 2)
        assert csce.below_target_on == now  # 4 days ago + 4 days of stability
        osce = rows["osce"]
        assert (osce.cards, osce.recall) == (1, pytest.approx(formula(5, 10.0)))
        assert osce.below_target_on == now + 5 * DAY
        assert [r.slug for r in concept_recall(user=learner, course=course, now=now)] == [
            "csce", "osce"
        ]  # weakest first  # fmt: skip

    def test_cards_of_other_courses_are_left_out(self, course, learner):
        other = CourseFactory()
        ConceptFactory(course=other, slug="csce")
        question = make_question(other, {**SPECS["true_false"], "slug": "tf", "concepts": ["csce"]})
        deal(learner, question, timezone.now())
        assert concept_recall(user=learner, course=course, now=timezone.now()) == []
        assert len(concept_recall(user=learner, course=None, now=timezone.now())) == 1


def test_cached_due_count_is_dropped_after_a_review(
    course, learner, django_assert_num_queries, django_capture_on_commit_callbacks
):
    now = timezone.now()
    card = deal(learner, course.sample_questions["true_false"], now - DAY)
    with django_assert_num_queries(2):  # the review policies of the learner's quizzes, the count
        assert reviews_due_cached(user=learner) == 1
    with django_assert_num_queries(0):
        assert reviews_due_cached(user=learner) == 1
    with django_capture_on_commit_callbacks(execute=True):
        review_answer(card=card, data=answer_form(review_question(card=card), False), now=now)
    assert reviews_due_cached(user=learner) == 0


def test_cached_due_count_is_dropped_when_a_submit_adds_cards(
    course, learner, django_capture_on_commit_callbacks
):
    assert reviews_due_cached(user=learner) == 0
    attempt = attempt_start(quiz=make_quiz(course, [course.sample_questions["true_false"]]),
                            user=learner)  # fmt: skip
    attempt_save(attempt=attempt, data=form(q1="true"))  # wrong: the new card is due at once
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attempt_submit(attempt=attempt)
    assert callbacks and reviews_due_cached(user=learner) == 1


def test_a_fresh_count_is_kept_for_the_nav(course, learner, django_assert_num_queries):
    assert reviews_due_cached(user=learner) == 0
    deal(learner, course.sample_questions["true_false"], timezone.now() - DAY)
    assert reviews_due_fresh(user=learner) == 1  # the dashboard counts it now ...
    with django_assert_num_queries(0):
        assert reviews_due_cached(user=learner) == 1  # ... and the nav reuses it
