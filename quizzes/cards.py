"""What the templates get for each question of an attempt: a 'card'.

Attempt cards are built only from `learner_view` and the learner's own saved answer, so
the page cannot carry a key, a credit or feedback. Review cards add exactly the items the
quiz's review options allow at this moment.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from courses.models import Lesson
from quizzes.grading import right_answer_summary
from quizzes.models import Response
from quizzes.presentation import display_answer, learner_view


@dataclass
class AttemptCard:
    slot: int
    points: float
    prompt_html: str
    view: dict
    values: dict
    answered: bool
    error: str = ""

    @property
    def prefix(self) -> str:
        return f"q{self.slot}"

    def value(self, suffix: str = "") -> str:
        return self.values.get(suffix, "")

    @property
    def chosen(self) -> set[str]:
        """Chosen values for choice kinds (a list for multiple response)."""
        value = self.values.get("", "")
        return set(value) if isinstance(value, list) else {value}


def attempt_cards(
    responses: list[Response], errors: dict[int, str] | None = None
) -> list[AttemptCard]:
    errors = errors or {}
    cards = []
    for response in responses:
        data = response.version.data
        values = display_answer(data, response.order, response.answer)
        cards.append(AttemptCard(
            slot=response.slot, points=float(response.points),
            prompt_html=response.version.prompt_html,
            view=learner_view(data, response.order), values=values,
            answered=response.answer not in (None, "", []), error=errors.get(response.slot, ""),
        ))  # fmt: skip
    return cards


@dataclass
class ReviewCard(AttemptCard):
    state: str = ""  # correct | partial | incorrect | awaiting | unanswered
    score: float | None = None
    feedback: list[str] = field(default_factory=list)
    explanation_html: str = ""
    right_answer: str = ""
    comment: str = ""
    source_url: str = ""
    source_title: str = ""
    locator: str = ""
    lessons: list[dict] = field(default_factory=list)


def review_cards(responses: list[Response], options: frozenset[str], course) -> list[ReviewCard]:
    lessons = _lessons_for_missed(responses, course)
    titles = (
        dict(course.sources.values_list("slug", "title")) if "general_feedback" in options else {}
    )
    cards = []
    for card, response in zip(attempt_cards(responses), responses, strict=True):
        data = response.version.data
        review = ReviewCard(**card.__dict__, state=_state(response))
        if "marks" in options:
            review.score = None if response.score is None else float(response.score)
        if "specific_feedback" in options:
            review.feedback = list(response.feedback)
            review.comment = response.comment
        if "general_feedback" in options:
            review.explanation_html = response.version.explanation_html
            if data.get("source"):
                review.source_url = (
                    reverse("courses:sources", args=[course.slug]) + f"#source-{data['source']}"
                )
                review.source_title = titles.get(data["source"], data["source"])
                review.locator = data.get("locator") or ""
            if review.state in ("partial", "incorrect", "unanswered"):
                review.lessons = lessons.get(response.slot, [])
        if "right_answer" in options:
            review.right_answer = right_answer_summary(data)
        if "correctness" not in options:
            review.state = "awaiting" if review.state == "awaiting" else "hidden"
        cards.append(review)
    return cards


def _state(response: Response) -> str:
    if response.needs_grading:
        return "awaiting"
    if response.answer in (None, "", []):
        return "unanswered"
    if response.fraction is None:
        return "awaiting"
    if response.fraction >= 0.999999:
        return "correct"
    return "partial" if response.fraction > 0 else "incorrect"


def _lessons_for_missed(responses: list[Response], course) -> dict[int, list[dict]]:
    """Lessons teaching the concepts of each missed question, in one query."""
    wanted = {
        r.slot: set(r.version.data.get("concepts") or [])
        for r in responses
        if r.fraction is not None and r.fraction < 1
    }
    slugs = set().union(*wanted.values()) if wanted else set()
    if not slugs:
        return {}
    rows = (
        Lesson.objects.published().in_course(course).filter(concepts__slug__in=slugs)
        .values_list("concepts__slug", "slug", "title").order_by("module__position", "position")
    )  # fmt: skip
    by_concept: dict[str, list] = {}
    for concept, slug, title in rows:
        by_concept.setdefault(concept, []).append({"slug": slug, "title": title})
    result = {}
    for slot, concepts in wanted.items():
        seen, lessons = set(), []
        for concept in sorted(concepts):
            for lesson in by_concept.get(concept, []):
                if lesson["slug"] not in seen:
                    seen.add(lesson["slug"])
                    lessons.append(lesson)
        result[slot] = lessons
    return result
