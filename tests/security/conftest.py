"""Worlds for the adversarial tests: a course whose every text field holds a payload, and
two courses with their own learners and instructors for the access matrix."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from courses.models import (
    Certificate,
    Citation,
    Cohort,
    ConceptRelation,
    Enrollment,
    TimelineEvent,
)
from quizzes.models import FeedbackBand, ReviewCard
from quizzes.services import attempt_save, attempt_start, attempt_submit, response_grade
from tests.factories import (
    ConceptFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    SourceFactory,
    UserFactory,
    make_question,
    make_quiz,
)
from tests.quizzes.samples import SPECS
from tests.quizzes.test_attempts import form, right_form

INSTRUCTOR_GROUP = "Instructor"


@pytest.fixture(autouse=True)
def cohort_urls(settings):
    """Serve /cohorts/join/ even before the site's urls.py mounts it (as tests/teaching do)."""
    settings.ROOT_URLCONF = "tests.teaching.urls"


def instructor_of(course, username: str):
    """A staff member in the Instructor group who teaches `course` (and nothing else)."""
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=INSTRUCTOR_GROUP))
    course.instructors.add(user)
    return user


def hostile_specs(payload: str) -> list[dict]:
    """The sample questions with `payload` in every text a learner or grader sees."""
    specs = []
    for kind, spec in SPECS.items():
        spec = {**spec, "prompt": f"{payload}\n\n{spec['prompt']}", "explanation": payload}
        if kind in ("single", "multiple"):
            spec["choices"] = [
                {**c, "text": f"{c['text']} {payload}", "feedback": payload}
                for c in spec["choices"]
            ]
        elif kind == "true_false":
            spec.update(feedback_true=payload, feedback_false=payload)
        elif kind in ("short_answer", "numeric"):
            spec["answers"] = [{**a, "feedback": payload} for a in spec["answers"]]
        elif kind == "ordering":
            spec["items"] = [f"{item} {payload}" for item in spec["items"]]
        elif kind == "matching":
            spec["pairs"] = [
                {"left": f"{p['left']} {payload}", "right": f"{p['right']} {payload}"}
                for p in spec["pairs"]
            ]
            spec["distractors"] = [f"{d} {payload}" for d in spec["distractors"]]
        elif kind == "essay":
            spec["guidance"] = payload
        specs.append(spec)
    return specs


def build_hostile_world(payload: str) -> SimpleNamespace:
    """One course with `payload` in every field, a learner's attempts and an instructor."""
    short = payload[:100]
    course = CourseFactory(slug="hostile", title=short, summary=short, description=payload)
    source = SourceFactory(
        course=course, slug="src", title=short, authors=[short], publisher=short, summary=payload
    )
    module = ModuleFactory(course=course, slug="m", title=short, summary=payload)
    concept = ConceptFactory(course=course, slug="c", term=short, definition=payload)
    other = ConceptFactory(course=course, slug="d", term="Other", definition="Plain.")
    ConceptRelation.objects.create(source=concept, target=other, kind="enables", note=short)
    lesson = LessonFactory(module=module, slug="l", title=short, body=payload, objectives=[short])
    lesson.concepts.add(concept)
    Citation.objects.create(lesson=lesson, source=source, locator=short, quote=payload)
    TimelineEvent.objects.create(
        course=course, date="1975-08-01", precision="day", title=short, description=payload,
        source=source,
    )  # fmt: skip
    questions = [make_question(course, spec) for spec in hostile_specs(payload)]
    for question in questions:
        question.concepts.add(concept)
    quiz = make_quiz(course, questions, slug="q", title=short, description=payload, lesson=lesson)
    FeedbackBand.objects.create(quiz=quiz, min_percent=0, text=payload)

    learner = UserFactory(username="lena", first_name=short, last_name=short)
    cohort = Cohort.objects.create(course=course, name=short)
    enrollment = Enrollment.objects.create(user=learner, course=course, cohort=cohort)
    certificate = Certificate.objects.create(enrollment=enrollment, name=short, course_title=short)
    done = attempt_start(quiz=quiz, user=learner)
    answers = right_form(done)
    for response in done.responses.select_related("version"):
        if response.version.data["kind"] in ("short_answer", "essay"):
            answers[f"q{response.slot}"] = payload
    assert attempt_save(attempt=done, data=answers) == {}
    done = attempt_submit(attempt=done)
    essay = done.responses.get(version__data__kind="essay")
    instructor = instructor_of(course, "ines")
    response_grade(response=essay, score=essay.points, comment=payload, grader=instructor)
    ReviewCard.objects.filter(user=learner).update(due=timezone.now() - timedelta(days=1))
    open_attempt = attempt_start(quiz=quiz, user=learner)
    essay_slot = open_attempt.responses.get(version__data__kind="essay").slot
    assert attempt_save(attempt=open_attempt, data=form(**{f"q{essay_slot}": payload})) == {}
    return SimpleNamespace(
        payload=payload, course=course, module=module, lesson=lesson, concept=concept,
        source=source, quiz=quiz, learner=learner, cohort=cohort, certificate=certificate,
        done=done, open=open_attempt, essay=essay, instructor=instructor,
        superuser=UserFactory(username="root", is_staff=True, is_superuser=True),
    )  # fmt: skip


MARKER = "zzalphamarker"  # in course A's titles: never on another instructor's admin lists


@pytest.fixture
def world(quiz_course):
    """Course A (`qc`) with the owner's objects; course B taught by instructor_b."""
    course = quiz_course
    course.title = f"Course A {MARKER}"
    course.save()
    module = ModuleFactory(course=course, title=f"Module {MARKER}")
    lesson = LessonFactory(module=module, slug="lesson-a", title=f"Lesson {MARKER}")
    concept = ConceptFactory(course=course, slug="concept-a", term=f"Concept {MARKER}")
    quiz = make_quiz(course, list(course.sample_questions.values()), slug="quiz-a",
                     title=f"Quiz {MARKER}")  # fmt: skip
    owner, learner = UserFactory(username="owner"), UserFactory(username="other")
    enrollment = Enrollment.objects.create(user=owner, course=course, completed_at=timezone.now())
    Enrollment.objects.create(user=learner, course=course)
    done = attempt_start(quiz=quiz, user=owner)
    attempt_save(attempt=done, data=right_form(done))
    done = attempt_submit(attempt=done)
    open_attempt = attempt_start(quiz=quiz, user=owner)
    attempt_save(attempt=open_attempt, data=form(q1="1"))
    course_b = CourseFactory(slug="beta", title="Course B")
    return SimpleNamespace(
        course=course, lesson=lesson, concept=concept, quiz=quiz, owner=owner, learner=learner,
        done=done, open=open_attempt, card=ReviewCard.objects.filter(user=owner).first(),
        essay=done.responses.get(version__data__kind="essay"),
        certificate=Certificate.objects.create(enrollment=enrollment, name="O", course_title="A"),
        instructor_a=instructor_of(course, "teacher-a"),
        instructor_b=instructor_of(course_b, "teacher-b"),
    )  # fmt: skip
