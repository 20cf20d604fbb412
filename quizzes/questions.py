"""Questions between their two shapes: editable rows and the canonical dict.

`question_spec` reads rows into the canonical dict; `question_write_spec` writes a
canonical dict into rows. `question_version` freezes the current dict as a new
`QuestionVersion` when it differs from the newest one, so past attempts keep theirs.
"""

from decimal import Decimal

from django.db import transaction

from courses.models import Concept, Course, Source
from quizzes.models import (
    Choice,
    MatchPair,
    NumericAnswer,
    OrderingItem,
    Question,
    QuestionVersion,
    TextAnswer,
)
from quizzes.questionspec import normalise_question

RELATED = (
    "choices",
    "text_answers",
    "numeric_answers",
    "ordering_items",
    "match_pairs",
    "concepts",
)


def with_related(queryset):
    """Prefetch everything question_spec reads, so specs of many questions cost 7 queries."""
    return queryset.select_related("source").prefetch_related(*RELATED)


def question_spec(question: Question) -> dict:
    """The canonical, normalised dict of a question as its rows stand now."""
    spec = {
        "slug": question.slug, "name": question.name, "kind": question.kind,
        "prompt": question.prompt, "points": float(question.points),
        "category": question.category,
        "concepts": sorted(c.slug for c in question.concepts.all()),
        "source": question.source.slug if question.source else None,
        "locator": question.locator, "explanation": question.explanation,
    }  # fmt: skip
    spec.update(_kind_fields(question))
    return normalise_question(spec)


def _kind_fields(question: Question) -> dict:
    kind = question.kind
    if kind in ("single", "multiple"):
        return {
            "choices": [_record(c, "text", "credit", "feedback") for c in question.choices.all()]
        }
    if kind == "true_false":
        return {"answer": question.answer_true, "feedback_true": question.feedback_true,
                "feedback_false": question.feedback_false}  # fmt: skip
    if kind == "short_answer":
        return {
            "answers": [
                _record(a, "text", "credit", "feedback") for a in question.text_answers.all()
            ]
        }
    if kind == "numeric":
        return {"answers": [_record(a, "value", "tolerance", "credit", "feedback")
                            for a in question.numeric_answers.all()]}  # fmt: skip
    if kind == "ordering":
        return {"items": [item.text for item in question.ordering_items.all()]}
    if kind == "matching":
        pairs = list(question.match_pairs.all())
        return {"pairs": [{"left": p.left, "right": p.right} for p in pairs if p.left],
                "distractors": [p.right for p in pairs if not p.left]}  # fmt: skip
    return {"min_words": question.min_words, "guidance": question.guidance}


def _record(row, *names) -> dict:
    return {name: getattr(row, name) for name in names}


@transaction.atomic
def question_write_spec(
    *, course: Course, spec: dict, sources: dict[str, Source], concepts: dict[str, Concept],
    question: Question | None = None,
) -> Question:  # fmt: skip
    """Create or overwrite a question's rows from a valid canonical dict."""
    spec = normalise_question(spec)
    question = _set_fields(question or Question(course=course), spec, sources)
    is_new = question.pk is None
    question.save()
    question.concepts.set([concepts[slug] for slug in spec.get("concepts") or []])
    if not is_new:
        for name in ("choices", "text_answers", "numeric_answers", "ordering_items", "match_pairs"):
            getattr(question, name).all().delete()
    rows = _kind_rows(question, spec)
    if rows:
        type(rows[0]).objects.bulk_create(rows)
    return question


def questions_create(
    *, course: Course, specs: list[dict], sources: dict[str, Source],
    concepts: dict[str, Concept],
) -> list[Question]:  # fmt: skip
    """Create many new questions from valid canonical dicts in a few queries (a course load)."""
    specs = [normalise_question(spec) for spec in specs]
    questions = Question.objects.bulk_create(
        _set_fields(Question(course=course), spec, sources) for spec in specs
    )
    links = Question.concepts.through
    links.objects.bulk_create(
        links(question_id=question.pk, concept_id=concepts[slug].pk)
        for question, spec in zip(questions, specs, strict=True)
        for slug in spec.get("concepts") or []
    )
    rows_by_model: dict[type, list] = {}
    for question, spec in zip(questions, specs, strict=True):
        for row in _kind_rows(question, spec):
            rows_by_model.setdefault(type(row), []).append(row)
    for model, rows in rows_by_model.items():
        model.objects.bulk_create(rows)
    return questions


def _set_fields(question: Question, spec: dict, sources: dict[str, Source]) -> Question:
    question.slug = spec["slug"]
    question.name = spec.get("name") or ""
    question.kind = spec["kind"]
    question.prompt = spec["prompt"]
    question.explanation = spec.get("explanation") or ""
    question.points = Decimal(str(spec.get("points", 1)))
    question.category = spec.get("category") or "general"
    question.source = sources.get(spec.get("source")) if spec.get("source") else None
    question.locator = str(spec.get("locator") or "")
    question.answer_true = spec.get("answer") if spec["kind"] == "true_false" else None
    question.feedback_true = spec.get("feedback_true") or ""
    question.feedback_false = spec.get("feedback_false") or ""
    question.min_words = spec.get("min_words")
    question.guidance = spec.get("guidance") or ""
    return question


def _kind_rows(question: Question, spec: dict) -> list:
    """The unsaved answer rows of the question's kind (choices, answers, items or pairs)."""
    kind = spec["kind"]
    if kind in ("single", "multiple"):
        return [
            Choice(question=question, position=i, text=c["text"], credit=c["credit"],
                   feedback=c.get("feedback") or "")
            for i, c in enumerate(spec["choices"])
        ]  # fmt: skip
    if kind == "short_answer":
        return [
            TextAnswer(question=question, position=i, text=a["text"], credit=a["credit"],
                       feedback=a.get("feedback") or "")
            for i, a in enumerate(spec["answers"])
        ]  # fmt: skip
    if kind == "numeric":
        return [
            NumericAnswer(question=question, position=i, value=a["value"],
                          tolerance=a.get("tolerance") or 0, credit=a["credit"],
                          feedback=a.get("feedback") or "")
            for i, a in enumerate(spec["answers"])
        ]  # fmt: skip
    if kind == "ordering":
        return [
            OrderingItem(question=question, position=i, text=text)
            for i, text in enumerate(spec["items"])
        ]
    if kind == "matching":
        rows = [(p["left"], p["right"]) for p in spec["pairs"]]
        rows += [("", right) for right in spec.get("distractors") or []]
        return [
            MatchPair(question=question, position=i, left=left, right=right)
            for i, (left, right) in enumerate(rows)
        ]
    return []


def question_version(
    question: Question, latest: QuestionVersion | None = None, *, known: bool = False
) -> QuestionVersion:
    """The newest version, creating one first if the rows have changed since.

    Callers that already fetched the newest version pass it (`known=True`, even when it is
    None) to save the query.
    """
    spec = question_spec(question)
    if not known:
        latest = question.versions.order_by("-number").first()
    if latest and latest.data == spec:
        return latest
    return QuestionVersion.objects.create(
        question=question, number=(latest.number + 1) if latest else 1, data=spec
    )


def latest_versions(question_ids) -> dict[int, QuestionVersion]:
    """The newest version of each question, in one query."""
    versions: dict[int, QuestionVersion] = {}
    queryset = QuestionVersion.objects.filter(question_id__in=question_ids).order_by(
        "question_id", "-number"
    )
    for version in queryset:
        versions.setdefault(version.question_id, version)
    return versions
