"""Courses: what is taught (sources, modules, lessons, concepts, timeline) and who learns it.

Markdown fields keep their source text and a sanitised HTML copy rendered on save, so
pages never render Markdown per request and no template marks raw text safe.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from courses.markdown import render_markdown

SLUG_HELP = "Lowercase letters, digits and hyphens; unique within its parent."


class DatePrecision(models.TextChoices):
    YEAR = "year", "Year"
    MONTH = "month", "Month"
    DAY = "day", "Day"


def format_partial_date(value, precision: str) -> str:
    """Show a date only as precisely as it is known (1975, August 1975, 1 August 1975)."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    # Not DATE_FORMAT: English keeps "1 August 1975" (its DATE_FORMAT is "Aug. 1, 1975"),
    # and each translation gives its own order and month case ("j E Y" in Russian).
    return date_format(value, pgettext("date format of a known day", "j F Y"))


def course_link_resolver(course_slug: str):
    """Resolve `concept:` and `lesson:` links of one course to URLs, without queries."""

    def resolve(scheme: str, slug: str) -> str:
        name = "courses:concept" if scheme == "concept" else "courses:lesson"
        return reverse(name, args=[course_slug, slug])

    return resolve


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def taught_by(self, user):
        return self.filter(instructors=user)


class Course(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500)
    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    language = models.CharField(max_length=20, default="en")
    is_published = models.BooleanField(default=True)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="courses_taught"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.description_html = render_markdown(
            self.description, resolver=course_link_resolver(self.slug)
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", args=[self.slug])


class Source(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        PAPER = "paper", _("Paper")
        ARTICLE = "article", _("Article")
        GLOSSARY = "glossary", _("Glossary entry")
        ENCYCLOPEDIA = "encyclopedia", _("Encyclopedia")
        BOOK = "book", _("Book")
        TREATY = "treaty", _("Treaty")
        OTHER = "other", _("Other")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sources")
    slug = models.SlugField(help_text=SLUG_HELP)
    title = models.CharField(max_length=300)
    authors = models.JSONField(default=list, blank=True, help_text="A list of names.")
    publisher = models.CharField(max_length=200, blank=True)
    published = models.DateField(null=True, blank=True)
    published_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.TextField(blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["course", "title"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="source_slug_unique_in_course")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:sources", args=[self.course.slug]) + f"#source-{self.slug}"

    @property
    def published_display(self) -> str:
        return format_partial_date(self.published, self.published_precision)

    @property
    def reference(self) -> str:
        """A full reference in one line: authors, title, publisher, date."""
        parts = [", ".join(self.authors)] if self.authors else []
        parts.append(f"“{self.title}”")
        parts += [p for p in (self.publisher, self.published_display) if p]
        return ". ".join(parts) + "."


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    slug = models.SlugField(help_text=SLUG_HELP)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["course", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="module_slug_unique_in_course")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", args=[self.course.slug]) + f"#module-{self.slug}"


class Concept(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="concepts")
    slug = models.SlugField(help_text=SLUG_HELP)
    term = models.CharField(max_length=200)
    definition = models.TextField(help_text="Markdown.")
    definition_html = models.TextField(blank=True, editable=False)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locator = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["course", "term"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="concept_slug_unique_in_course")
        ]

    def __str__(self) -> str:
        return self.term

    def save(self, *args, **kwargs) -> None:
        self.definition_html = render_markdown(
            self.definition, resolver=course_link_resolver(self.course.slug)
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("courses:concept", args=[self.course.slug, self.slug])

    @property
    def initial(self) -> str:
        return self.term[:1].upper()


class ConceptRelation(models.Model):
    class Kind(models.TextChoices):
        ENABLES = "enables", "enables"
        DEFINES_SCOPE_OF = "defines_scope_of", "defines the scope of"
        END_STATE_OF = "end_state_of", "is the end state of"
        DERIVED_FROM = "derived_from", "is derived from"
        PRECURSOR_OF = "precursor_of", "is a precursor of"
        CONTRASTS_WITH = "contrasts_with", "contrasts with"
        OVERLAPS_WITH = "overlaps_with", "overlaps with"
        PART_OF = "part_of", "is part of"
        RELATED_TO = "related_to", "is related to"

    source = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["source", "kind", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="concept_relation_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="concept_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"


class LessonQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, module__course__is_published=True)

    def in_course(self, course):
        return self.filter(module__course=course)

    def in_reading_order(self):
        return self.order_by("module__position", "module_id", "position", "id")


class Lesson(models.Model):
    class Kind(models.TextChoices):
        HISTORY = "history", _("History")
        CONCEPT = "concept", _("Concept")
        PROPOSAL = "proposal", _("Proposal")
        CRITIQUE = "critique", _("Critique")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField(help_text="Unique within the course.")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    objectives = models.JSONField(default=list, blank=True, help_text="A list of sentences.")
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    minutes = models.PositiveIntegerField(default=5)
    position = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField(default=True)
    concepts = models.ManyToManyField(Concept, blank=True, related_name="lessons")
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["module", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="lesson_slug_unique_in_module")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """Lesson URLs and `lesson:` links name a lesson by slug within its course."""
        if self.module_id is None:
            return  # the form reports the missing or invalid module itself
        clash = (
            Lesson.objects.filter(module__course_id=self.module.course_id, slug=self.slug)
            .exclude(pk=self.pk)
            .exists()
        )
        if clash:
            raise ValidationError({"slug": _("Another lesson in this course has this slug.")})

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body, resolver=self.link_resolver)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("courses:lesson", args=[self.course.slug, self.slug])

    @cached_property
    def course(self) -> Course:
        return self.module.course

    @property
    def link_resolver(self):
        return course_link_resolver(self.course.slug)


class Citation(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.RESTRICT, related_name="citations")
    locator = models.CharField(max_length=200, blank=True)
    quote = models.TextField(blank=True, help_text="A short quotation, at most 40 words.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["lesson", "position", "id"]

    def __str__(self) -> str:
        return f"{self.source} ({self.locator})" if self.locator else str(self.source)

    def clean(self) -> None:
        if len(self.quote.split()) > 40:
            raise ValidationError({"quote": _("A quotation is at most 40 words.")})


class TimelineEvent(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="timeline")
    date = models.DateField()
    precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    title = models.CharField(max_length=300)
    description = models.TextField(help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    source = models.ForeignKey(Source, on_delete=models.RESTRICT, related_name="events")
    locator = models.CharField(max_length=200, blank=True)
    concepts = models.ManyToManyField(Concept, blank=True, related_name="events")

    class Meta:
        ordering = ["course", "date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "date", "title"], name="timeline_event_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date_display}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.description_html = render_markdown(
            self.description, resolver=course_link_resolver(self.course.slug)
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("courses:timeline", args=[self.course.slug]) + f"#event-{self.pk}"

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.precision)


class LessonProgress(models.Model):
    """A learner's contact with a lesson: last seen, and when marked complete."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    last_seen = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_progress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.lesson}"


def new_join_code() -> str:
    """Eight characters a learner can type: no 0/O or 1/I/L to confuse."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def new_certificate_code() -> str:
    """128 random bits: unguessable, so the public verification URL reveals nothing else."""
    return secrets.token_urlsafe(16)


class Cohort(models.Model):
    """A group of learners in a course (a class, a term); learners join with its code."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=120)
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course", "name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="cohort_name_unique_in_course")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.course})"


class EnrollmentQuerySet(models.QuerySet):
    def for_learner(self, user):
        return self.filter(user=user)

    def completed(self):
        return self.filter(completed_at__isnull=False)


class Enrollment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrollments"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    last_lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="enrollment_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"


class Certificate(models.Model):
    """Issued once when an enrolment completes; verified publicly by its code."""

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(max_length=40, unique=True, default=new_certificate_code)
    name = models.CharField(max_length=200, help_text="The learner's name as printed.")
    course_title = models.CharField(max_length=200)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.name}: {self.course_title}"

    def get_absolute_url(self) -> str:
        return reverse("courses:certificate", args=[self.code])
