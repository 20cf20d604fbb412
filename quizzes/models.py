"""Quizzes: questions (editable rows plus frozen versions), quizzes, attempts and responses.

A question is edited as rows (the kind-specific keys live in small related tables that
the admin shows as inlines). Whenever its content changes, a `QuestionVersion` freezes
the canonical dict (see quizzes/questionspec.py). Attempts point at versions, so editing a
question never changes what a past attempt showed or scored; a new attempt uses the
newest version.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.markdown import render_markdown
from courses.models import Concept, Course, Lesson, Module, Source, course_link_resolver
from quizzes.questionspec import KINDS

KIND_LABELS = {
    "single": _("Single choice"),
    "multiple": _("Multiple response"),
    "true_false": _("True/false"),
    "short_answer": _("Short answer"),
    "numeric": _("Numeric"),
    "ordering": _("Ordering"),
    "matching": _("Matching"),
    "essay": _("Essay"),
}


class QuestionQuerySet(models.QuerySet):
    def in_course(self, course):
        return self.filter(course=course)


class Question(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=[(k, KIND_LABELS[k]) for k in KINDS])
    prompt = models.TextField(help_text="Markdown.")
    explanation = models.TextField(
        blank=True, help_text="Markdown: why the right answer is right; shown after submission."
    )
    points = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    category = models.SlugField(max_length=50, default="general")
    concepts = models.ManyToManyField(Concept, blank=True, related_name="questions")
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    locator = models.CharField(max_length=200, blank=True)
    answer_true = models.BooleanField(
        null=True, blank=True, help_text="True/false questions: the right answer."
    )
    feedback_true = models.TextField(blank=True, help_text="True/false: shown to who chose True.")
    feedback_false = models.TextField(blank=True, help_text="True/false: shown to who chose False.")
    min_words = models.PositiveIntegerField(null=True, blank=True, help_text="Essays.")
    guidance = models.TextField(blank=True, help_text="Essays: for the grader only.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["course", "category", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "slug"], name="question_slug_unique_in_course"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.slug


class Choice(models.Model):
    """An option of a single-choice or multiple-response question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=1000)
    credit = models.FloatField(default=0, help_text="Percent of the points, -100 to 100.")
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text


class TextAnswer(models.Model):
    """An accepted answer of a short-answer question (`*` is a wildcard)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="text_answers")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=500)
    credit = models.FloatField(default=100)
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text


class NumericAnswer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="numeric_answers")
    position = models.PositiveIntegerField(default=0)
    value = models.FloatField()
    tolerance = models.FloatField(default=0)
    credit = models.FloatField(default=100)
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["question", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(tolerance__gte=0), name="tolerance_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.value:g} ± {self.tolerance:g}"


class OrderingItem(models.Model):
    """An item of an ordering question; `position` is its place in the right order."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="ordering_items")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text


class MatchPair(models.Model):
    """A left item and its right match; a blank left makes the right a distractor."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="match_pairs")
    position = models.PositiveIntegerField(default=0)
    left = models.CharField(max_length=500, blank=True)
    right = models.CharField(max_length=500)

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return f"{self.left} → {self.right}" if self.left else f"(distractor) {self.right}"


class QuestionVersion(models.Model):
    """A frozen canonical question dict, with its Markdown rendered once."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    prompt_html = models.TextField()
    explanation_html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.question} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        resolver = course_link_resolver(self.question.course.slug)
        self.prompt_html = render_markdown(self.data.get("prompt", ""), resolver=resolver)
        self.explanation_html = render_markdown(self.data.get("explanation", ""), resolver=resolver)
        super().save(*args, **kwargs)


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Highest grade")
    LAST = "last", _("Last attempt")
    FIRST = "first", _("First attempt")
    AVERAGE = "average", _("Average of attempts")


REVIEW_MOMENTS = ("during", "immediately", "open", "closed")
REVIEW_ITEMS = (
    "attempt", "correctness", "marks", "specific_feedback", "general_feedback",
    "right_answer", "overall_feedback",
)  # fmt: skip


def default_review() -> dict:
    """Moodle's defaults: nothing but the attempt while it runs, everything after submission."""
    after = list(REVIEW_ITEMS)
    return {"during": ["attempt"], "immediately": after, "open": after, "closed": after}


class QuizQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, course__is_published=True)


class Quiz(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="quizzes"
    )
    lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="quizzes"
    )
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    pass_mark = models.DecimalField(
        max_digits=5, decimal_places=2, default=60, help_text="Percent."
    )
    attempts_allowed = models.PositiveIntegerField(default=0, help_text="0 = unlimited.")
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True)
    grading_method = models.CharField(
        max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_choices = models.BooleanField(default=True)
    questions_per_attempt = models.PositiveIntegerField(
        null=True, blank=True, help_text="Draw this many of the quiz's questions (blank = all)."
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    delay_minutes = models.PositiveIntegerField(
        default=0, help_text="Minutes a learner waits between attempts."
    )
    one_question_per_page = models.BooleanField(default=False)
    required = models.BooleanField(default=False, help_text="Counts towards course completion.")
    is_published = models.BooleanField(default=True)
    review = models.JSONField(
        default=default_review, help_text="For each moment, what the learner sees."
    )
    questions = models.ManyToManyField(Question, through="QuizQuestion", related_name="quizzes")

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["course", "title"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="quiz_slug_unique_in_course"),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=100), name="pass_mark_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.description_html = render_markdown(
            self.description, resolver=course_link_resolver(self.course.slug)
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("quizzes:detail", args=[self.course.slug, self.slug])


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveIntegerField(default=0)
    points = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True,
        help_text="Blank: the question's own points.",
    )  # fmt: skip

    class Meta:
        ordering = ["quiz", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_unique")
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.position}: {self.question}"


class QuizDraw(models.Model):
    """Draw `count` random questions of a category from the course's question bank."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="draws")
    category = models.SlugField(max_length=50)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["quiz", "category"]

    def __str__(self) -> str:
        return f"{self.count} from {self.category}"


class FeedbackBand(models.Model):
    """Overall feedback for scores at or above `min_percent` (the highest band that fits)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="feedback_bands")
    min_percent = models.DecimalField(max_digits=5, decimal_places=2)
    text = models.TextField()

    class Meta:
        ordering = ["quiz", "-min_percent"]

    def __str__(self) -> str:
        return f"≥ {self.min_percent}%"


class QuizOverride(models.Model):
    """Per-learner exceptions: extra time, extra attempts, a later close."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_overrides"
    )
    extra_minutes = models.PositiveIntegerField(default=0)
    extra_attempts = models.PositiveIntegerField(default=0)
    closes_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user"], name="quiz_override_unique")
        ]

    def __str__(self) -> str:
        return f"{self.quiz} – {self.user}"


class AttemptQuerySet(models.QuerySet):
    def for_learner(self, user):
        return self.filter(user=user)

    def submitted(self):
        return self.filter(state=Attempt.State.SUBMITTED)

    def in_progress(self):
        return self.filter(state=Attempt.State.IN_PROGRESS)


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        ABANDONED = "abandoned", _("Abandoned")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=3, default=0)
    passed = models.BooleanField(null=True, blank=True)
    needs_grading = models.BooleanField(default=False)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "user", "number"]
        constraints = [
            # Two racing "start" requests compute the same number; one of them fails here.
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="attempt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(state="in_progress"),
                name="one_attempt_in_progress",
            ),
        ]
        indexes = [models.Index(fields=["state", "deadline"], name="attempt_overdue_idx")]

    def __str__(self) -> str:
        return f"{self.quiz} – {self.user} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", args=[self.pk])

    @property
    def percent(self):
        if self.score is None or not self.max_score:
            return None
        return round(float(self.score) / float(self.max_score) * 100, 1)

    @property
    def is_final(self) -> bool:
        return self.state == self.State.SUBMITTED and not self.needs_grading


class Response(models.Model):
    """The learner's answer to one slot of an attempt, and its grade."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    slot = models.PositiveIntegerField(help_text="Position in the attempt, from 1.")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="responses")
    order = models.JSONField(default=dict, help_text="The frozen display order of its options.")
    points = models.DecimalField(max_digits=6, decimal_places=2)
    answer = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    fraction = models.FloatField(null=True, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    feedback = models.JSONField(default=list, blank=True)
    needs_grading = models.BooleanField(default=False)
    comment = models.TextField(blank=True, help_text="The grader's comment.")
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "slot"], name="response_slot_unique"),
            models.UniqueConstraint(fields=["attempt", "version"], name="response_question_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} slot {self.slot}"


class Regrade(models.Model):
    """What a regrade changed: one row per response whose score moved."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="regrades")
    old_version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    new_version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    old_score = models.DecimalField(max_digits=8, decimal_places=3, null=True)
    new_score = models.DecimalField(max_digits=8, decimal_places=3, null=True)
    regraded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    regraded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-regraded_at"]

    def __str__(self) -> str:
        return f"{self.response}: {self.old_score} → {self.new_score}"


class ReviewCard(models.Model):
    """A question in a learner's spaced-repetition deck, scheduled by FSRS.

    `state` holds the fsrs Card as a dict; `due`, `stability` and `last_review` are
    copied out of it so the database can select and aggregate without decoding JSON.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    state = models.JSONField()
    due = models.DateTimeField(db_index=True)
    stability = models.FloatField(
        null=True, blank=True, help_text="Days until recall drops to 90%."
    )
    last_review = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="review_card_unique")
        ]
        indexes = [models.Index(fields=["user", "due"], name="review_card_due_idx")]

    def __str__(self) -> str:
        return f"{self.user}: {self.question} (due {self.due:%Y-%m-%d})"


class ReviewLog(models.Model):
    """One review of a card: what the learner answered and how it was rated."""

    class Rating(models.IntegerChoices):
        AGAIN = 1, _("Again")
        HARD = 2, _("Hard")
        GOOD = 3, _("Good")
        EASY = 4, _("Easy")

    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="logs")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    fraction = models.FloatField(null=True, blank=True)
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"{self.card} rated {self.get_rating_display()}"


class Evidence(models.Model):
    """One graded answer about one concept, the input of the mastery model.

    Written when an attempt is graded and when a review is answered; `mixed` marks
    answers given outside a single lesson's check (module tests, exams, reviews), the
    kind of later, mixed practice that confirms mastery.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence"
    )
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="evidence")
    fraction = models.FloatField()
    mixed = models.BooleanField(default=False)
    at = models.DateTimeField()
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    review = models.ForeignKey(
        ReviewLog, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )

    class Meta:
        ordering = ["user", "concept", "-at"]
        verbose_name_plural = "evidence"
        indexes = [models.Index(fields=["user", "concept", "at"], name="evidence_user_concept_idx")]

    def __str__(self) -> str:
        return f"{self.user} on {self.concept}: {self.fraction:.2f}"
