"""Traceable: every claim names an existing source, every internal reference resolves."""

from .helpers import INTERNAL_LINK, prose

RELATION_KINDS = {
    "enables", "defines_scope_of", "end_state_of", "derived_from", "precursor_of",
    "contrasts_with", "overlaps_with", "part_of", "related_to",
}  # fmt: skip


def test_every_lesson_cites_an_existing_source(course):
    """A lesson without a valid citation cannot be checked against the sources."""
    uncited = [
        course.relative(lesson.path)
        for lesson in course.lessons
        if not any(
            citation.get("source") in course.source_slugs
            for citation in lesson.meta.get("citations") or []
        )
    ]
    assert not uncited, f"lessons without a citation of an existing source: {uncited}"


def test_lesson_citations_name_existing_sources_with_locators(course):
    """A citation is only useful if it points at a real source and a place in it."""
    bad = [
        f"{course.relative(lesson.path)}: {citation}"
        for lesson in course.lessons
        for citation in lesson.meta.get("citations") or []
        if citation.get("source") not in course.source_slugs or not citation.get("locator")
    ]
    assert not bad, "citations with an unknown source or no locator:\n" + "\n".join(bad)


def test_every_question_names_an_existing_source(course):
    """Each answer must rest on a source the learner can look up."""
    bad = [
        f"{course.relative(quiz.path)}: {question.get('slug')} -> {question.get('source')}"
        for quiz, question in course.questions()
        if question.get("source") not in course.source_slugs
    ]
    assert not bad, "questions without an existing source:\n" + "\n".join(bad)


def test_every_timeline_event_names_an_existing_source(course):
    """Dates are only taught if a source gives them."""
    bad = [
        f"{event.get('date')} {event.get('title')} -> {event.get('source')}"
        for event in course.timeline
        if event.get("source") not in course.source_slugs
    ]
    assert not bad, "timeline events without an existing source:\n" + "\n".join(bad)


def test_concept_definitions_name_existing_sources(course):
    """A glossary entry's `source`, when given, must be one of the course's sources."""
    bad = [
        f"{concept.get('slug')} -> {concept.get('source')}"
        for concept in course.concepts
        if concept.get("source") and concept["source"] not in course.source_slugs
    ]
    assert not bad, f"concepts citing unknown sources: {bad}"


def test_concepts_listed_by_lessons_exist(course):
    """A lesson's `concepts:` list links the lesson to glossary entries that must exist."""
    bad = [
        f"{course.relative(lesson.path)}: {slug}"
        for lesson in course.lessons
        for slug in lesson.meta.get("concepts") or []
        if slug not in course.concept_slugs
    ]
    assert not bad, "unknown concepts in lesson front matter:\n" + "\n".join(bad)


def test_concepts_listed_by_questions_and_events_exist(course):
    """Mastery per concept is computed from these lists, so each slug must resolve."""
    listed = [
        (course.relative(quiz.path), question.get("slug"), slug)
        for quiz, question in course.questions()
        for slug in question.get("concepts") or []
    ] + [
        ("timeline.yaml", event.get("date"), slug)
        for event in course.timeline
        for slug in event.get("concepts") or []
    ]
    bad = [
        f"{where}: {owner}: {slug}"
        for where, owner, slug in listed
        if slug not in course.concept_slugs
    ]
    assert not bad, "unknown concepts:\n" + "\n".join(bad)


def test_concept_and_lesson_links_resolve(course):
    """`[text](concept:slug)` and `[text](lesson:slug)` links must reach an existing target."""
    targets = {"concept": course.concept_slugs, "lesson": course.lesson_slugs}
    broken = {
        f"{piece.where}: {scheme}:{slug}"
        for piece in prose(course)
        for scheme, slug in INTERNAL_LINK.findall(piece.text)
        if slug not in targets[scheme]
    }
    assert not broken, "broken internal links:\n" + "\n".join(sorted(broken))


def test_quizzes_point_to_existing_lessons_and_modules(course):
    """A check quiz or module test attached to nothing would never be shown."""
    bad = [
        f"{course.relative(quiz.path)}: {key} {quiz.data[key]}"
        for quiz in course.quizzes
        for key, known in (("lesson", course.lesson_slugs), ("module", course.module_slugs))
        if quiz.data.get(key) is not None and quiz.data[key] not in known
    ]
    assert not bad, "quizzes attached to unknown lessons or modules:\n" + "\n".join(bad)


def test_question_slugs_are_unique(course):
    """`ref` looks questions up by slug across the course, so slugs must not repeat."""
    seen, repeated = set(), set()
    for _quiz, question in course.questions():
        slug = question.get("slug")
        (repeated if slug in seen else seen).add(slug)
    assert not repeated, f"question slugs used more than once: {sorted(repeated)}"


def test_question_refs_point_to_defined_questions(course):
    """A `ref` must name a question defined in some quiz of the course."""
    defined = {question.get("slug") for _quiz, question in course.questions()}
    bad = [
        f"{course.relative(quiz.path)}: ref {item['ref']}"
        for quiz in course.quizzes
        for item in quiz.questions
        if "ref" in item and item["ref"] not in defined
    ]
    assert not bad, "refs to undefined questions:\n" + "\n".join(bad)


def test_concept_relations_have_known_kinds_and_existing_targets(course):
    """Relations draw the concept map; a dangling target or unknown kind breaks it."""
    bad = [
        f"{concept.get('slug')} {relation.get('kind')} {relation.get('target')}"
        for concept in course.concepts
        for relation in concept.get("relations") or []
        if relation.get("kind") not in RELATION_KINDS
        or relation.get("target") not in course.concept_slugs
    ]
    assert not bad, "bad relations:\n" + "\n".join(bad)
