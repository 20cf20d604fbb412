"""factory_boy factories shared by the tests."""

import factory
from django.contrib.auth import get_user_model

from courses.models import Citation, Concept, Course, Lesson, Module, Source, TimelineEvent


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "A course for tests."
    description = "About **this** course."


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Source {n}")
    authors = ["A. Author"]
    kind = Source.Kind.REPORT


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    position = factory.Sequence(int)


class ConceptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concept

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"concept-{n}")
    term = factory.Sequence(lambda n: f"Concept {n}")
    definition = "A definition."


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    kind = Lesson.Kind.HISTORY
    body = "## Section\n\nSome text."
    objectives = ["Know a thing."]
    position = factory.Sequence(int)


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    lesson = factory.SubFactory(LessonFactory)
    source = factory.SubFactory(
        SourceFactory, course=factory.SelfAttribute("..lesson.module.course")
    )
    locator = "Section 1"


class TimelineEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEvent

    course = factory.SubFactory(CourseFactory)
    date = factory.Sequence(lambda n: f"{1900 + n}-01-01")
    precision = "year"
    title = factory.Sequence(lambda n: f"Event {n}")
    description = "Something happened."
    source = factory.SubFactory(SourceFactory, course=factory.SelfAttribute("..course"))


def make_question(course, spec: dict):
    """A question with its rows and first version, from a canonical dict."""
    from quizzes.questions import question_version, question_write_spec

    sources = {s.slug: s for s in course.sources.all()}
    concepts = {c.slug: c for c in course.concepts.all()}
    question = question_write_spec(course=course, spec=spec, sources=sources, concepts=concepts)
    question_version(question)
    return question


def make_quiz(course, questions, **settings):
    """A published quiz over `questions`, in order, with any Quiz field overridden."""
    from quizzes.models import Quiz, QuizQuestion

    defaults = {
        "slug": f"quiz-{Quiz.objects.count() + 1}",
        "title": "A quiz",
        "shuffle_choices": False,
    }
    quiz = Quiz.objects.create(course=course, **{**defaults, **settings})
    for position, question in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=question, position=position)
    return quiz
