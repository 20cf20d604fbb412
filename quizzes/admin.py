"""Admin for questions and quizzes.

Each kind-specific inline validates its rows together with the question's kind through
quizzes.questionspec, the same rules the seed loader and the importers use, so the admin
cannot save a question nobody can answer (a single choice without a 100% choice, say).
Saving a question freezes a new version when its content changed.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from courses.admin import (
    CourseChoicesMixin,
    CourseScopedMixin,
    publish,
    related_filter,
    scope_to_courses,
    unpublish,
)
from courses.models import Course
from quizzes.formats import FORMATS, MAX_INPUT_BYTES, FormatError
from quizzes.importing import questions_export, questions_import
from quizzes.models import (
    Attempt,
    Choice,
    FeedbackBand,
    MatchPair,
    NumericAnswer,
    OrderingItem,
    Question,
    Quiz,
    QuizDraw,
    QuizOverride,
    QuizQuestion,
    Regrade,
    Response,
    TextAnswer,
)
from quizzes.questions import question_spec, question_version, question_write_spec, with_related
from quizzes.questionspec import validate_question
from quizzes.review import validate_review

PLACEHOLDERS = {"slug": "placeholder", "prompt": "x", "source": "x", "explanation": "x"}
SLUG_MAX = 80
FORMAT_LABELS = {"gift": "GIFT", "aiken": "Aiken", "moodlexml": "Moodle XML"}
EXPORT_FILES = {
    "gift": ("questions.gift.txt", "text/plain; charset=utf-8"),
    "moodlexml": ("questions.xml", "application/xml; charset=utf-8"),
}
FILE_TOO_LARGE = gettext_noop("The file is larger than {size} MB; split it.")
QUIZ_NOT_IN_COURSE = gettext_noop("This quiz belongs to another course.")


class SpecFormSet(BaseInlineFormSet):
    """Checks the inline's rows as part of the canonical question, for its kinds only."""

    kinds: tuple[str, ...] = ()

    def rows(self) -> list[dict]:
        return [
            {k: v for k, v in form.cleaned_data.items() if k not in ("id", "question", "DELETE")}
            for form in sorted(self.forms, key=lambda f: f.cleaned_data.get("position") or 0)
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def spec_part(self, rows: list[dict]) -> dict:
        raise NotImplementedError

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.kind not in self.kinds:
            return
        part = self.spec_part(self.rows())
        spec = {**PLACEHOLDERS, "kind": self.instance.kind, **part}
        errors = [e for e in validate_question(spec) if e.field.split("[")[0] in part]
        if errors:
            raise forms.ValidationError([str(e) for e in errors])


def _without_position(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "position"} for row in rows]


class ChoiceFormSet(SpecFormSet):
    kinds = ("single", "multiple")

    def spec_part(self, rows):
        return {"choices": _without_position(rows)}


class TextAnswerFormSet(SpecFormSet):
    kinds = ("short_answer",)

    def spec_part(self, rows):
        return {"answers": _without_position(rows)}


class NumericAnswerFormSet(SpecFormSet):
    kinds = ("numeric",)

    def spec_part(self, rows):
        return {"answers": _without_position(rows)}


class OrderingItemFormSet(SpecFormSet):
    kinds = ("ordering",)

    def spec_part(self, rows):
        return {"items": [row["text"] for row in rows]}


class MatchPairFormSet(SpecFormSet):
    kinds = ("matching",)

    def spec_part(self, rows):
        return {
            "pairs": [{"left": r["left"], "right": r["right"]} for r in rows if r.get("left")],
            "distractors": [r["right"] for r in rows if not r.get("left")],
        }


class KindInline(admin.TabularInline):
    extra = 0
    kinds: tuple[str, ...] = ()


class ChoiceInline(KindInline):
    model, formset, kinds = Choice, ChoiceFormSet, ("single", "multiple")
    fields = ("position", "text", "credit", "feedback")


class TextAnswerInline(KindInline):
    model, formset, kinds = TextAnswer, TextAnswerFormSet, ("short_answer",)
    fields = ("position", "text", "credit", "feedback")


class NumericAnswerInline(KindInline):
    model, formset, kinds = NumericAnswer, NumericAnswerFormSet, ("numeric",)
    fields = ("position", "value", "tolerance", "credit", "feedback")


class OrderingItemInline(KindInline):
    model, formset, kinds = OrderingItem, OrderingItemFormSet, ("ordering",)
    fields = ("position", "text")


class MatchPairInline(KindInline):
    model, formset, kinds = MatchPair, MatchPairFormSet, ("matching",)
    fields = ("position", "left", "right")


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = "__all__"

    def clean(self):
        data = super().clean()
        if data.get("kind") == "true_false" and data.get("answer_true") is None:
            self.add_error("answer_true", "A true/false question needs its right answer.")
        return data


class QuestionImportForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    fmt = forms.ChoiceField(label=_("Format"), choices=[(f, FORMAT_LABELS[f]) for f in FORMATS])
    file = forms.FileField(label=_("File"), help_text=_("UTF-8 text, at most 5 MB."))
    quiz = forms.ModelChoiceField(
        queryset=Quiz.objects.none(), required=False, label=_("Add to quiz"),
        help_text=_("Optional: append the imported questions to this quiz, in file order."),
    )  # fmt: skip
    skip_unsupported = forms.BooleanField(
        required=False, label=_("Skip question types this site cannot hold (instead of refusing)")
    )
    update = forms.BooleanField(
        required=False, label=_("Update questions whose slug the course already has")
    )
    dry_run = forms.BooleanField(required=False, label=_("Check only: save nothing"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["course"].queryset = scope_to_courses(Course.objects.all(), "pk", user)
        quizzes = Quiz.objects.select_related("course").order_by("course__title", "title")
        self.fields["quiz"].queryset = scope_to_courses(quizzes, "course", user)
        self.fields["quiz"].label_from_instance = lambda quiz: f"{quiz.course}: {quiz.title}"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_INPUT_BYTES:
            size = MAX_INPUT_BYTES // (1024 * 1024)
            raise forms.ValidationError(gettext(FILE_TOO_LARGE).format(size=size))
        return upload

    def clean(self):
        data = super().clean()
        quiz, course = data.get("quiz"), data.get("course")
        if quiz and course and quiz.course_id != course.pk:
            self.add_error("quiz", gettext(QUIZ_NOT_IN_COURSE))
        return data


@transaction.atomic
def _duplicate_question(question: Question) -> Question:
    """A copy with a free slug, "(copy)" in its name and its own first version."""
    spec = question_spec(question)
    course = question.course
    spec["slug"] = _free_slug(question.slug, course.questions.values_list("slug", flat=True))
    spec["name"] = f"{spec['name']} (copy)"[: Question._meta.get_field("name").max_length]
    copy = question_write_spec(
        course=course, spec=spec,
        sources={s.slug: s for s in course.sources.all()},
        concepts={c.slug: c for c in course.concepts.all()},
    )  # fmt: skip
    question_version(with_related(Question.objects.filter(pk=copy.pk)).get())
    return copy


def _free_slug(slug: str, taken) -> str:
    """`slug-copy`, else `slug-copy-2`... within the 80 characters a slug may have."""
    taken = set(taken)
    number, suffix = 1, "-copy"
    while True:
        candidate = slug[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1
        suffix = f"-copy-{number}"


@admin.register(Question)
class QuestionAdmin(CourseScopedMixin, admin.ModelAdmin):
    """Questions: edit with validated kind rows; import, export, duplicate and regrade."""

    form = QuestionForm
    list_display = (
        "__str__", "slug", "kind", "category", "points", "course", "quiz_count", "updated_at",
    )  # fmt: skip
    list_filter = ("kind", "category", related_filter())
    list_select_related = ("course",)
    search_fields = ("slug", "name", "prompt")
    actions = ["export_gift", "export_moodlexml", "duplicate", "regrade"]
    fieldsets = (
        (None, {"fields": ("course", "slug", "name", "kind", "prompt", "points", "category")}),
        ("Explanation and source", {"fields": ("explanation", "source", "locator", "concepts")}),
        ("True/false", {"fields": ("answer_true", "feedback_true", "feedback_false")}),
        ("Essay", {"fields": ("min_words", "guidance")}),
    )
    all_inlines = (
        ChoiceInline, TextAnswerInline, NumericAnswerInline, OrderingItemInline, MatchPairInline,
    )  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_quizzes=Count("slots"))

    @admin.display(description="Quizzes", ordering="n_quizzes")
    def quiz_count(self, obj):
        return obj.n_quizzes

    def get_inlines(self, request, obj):
        """An existing question shows only its kind's rows; a new one shows them all."""
        if obj is None:
            return self.all_inlines
        return [inline for inline in self.all_inlines if obj.kind in inline.kinds]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        question = with_related(Question.objects.filter(pk=form.instance.pk)).get()
        version = question_version(question)
        self.message_user(request, f"Saved as version {version.number}.")

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="quizzes_question_import"), *super().get_urls()]

    def import_view(self, request):
        """Upload a question file; all or nothing, errors shown with their line."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = QuestionImportForm(request.POST or None, request.FILES or None, user=request.user)
        report = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                report = questions_import(
                    course=data["course"], fmt=data["fmt"], text=data["file"].read(),
                    skip_unsupported=data["skip_unsupported"], quiz=data["quiz"],
                    update=data["update"], dry_run=data["dry_run"],
                )  # fmt: skip
            except FormatError as error:
                form.add_error("file", f"{data['file'].name}: {error}. Nothing was imported.")
            else:
                if not report.dry_run:
                    self.message_user(request, report.summary(), messages.SUCCESS)
                    for line in report.skipped:
                        self.message_user(request, f"Skipped {line}", messages.WARNING)
                    url = reverse("admin:quizzes_question_changelist")
                    return redirect(f"{url}?course__id__exact={data['course'].pk}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": "Import questions", "form": form, "report": report,
        }  # fmt: skip
        return TemplateResponse(request, "admin/quizzes/question/import.html", context)

    @admin.action(description="Export selected as GIFT")
    def export_gift(self, request, queryset):
        return self._export(request, queryset, "gift")

    @admin.action(description="Export selected as Moodle XML")
    def export_moodlexml(self, request, queryset):
        return self._export(request, queryset, "moodlexml")

    def _export(self, request, queryset, fmt: str):
        try:
            text = questions_export(questions=queryset, fmt=fmt)
        except FormatError as error:
            self.message_user(request, f"Nothing exported: {error}", messages.ERROR)
            return None
        filename, content_type = EXPORT_FILES[fmt]
        response = HttpResponse(text, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description="Duplicate selected questions", permissions=["add"])
    def duplicate(self, request, queryset):
        copies = [_duplicate_question(question) for question in with_related(queryset)]
        slugs = ", ".join(copy.slug for copy in copies)
        self.message_user(request, f"{len(copies)} question(s) duplicated: {slugs}.")

    @admin.action(description="Regrade past attempts with the current answer key")
    def regrade(self, request, queryset):
        from quizzes.services import question_regrade  # with LTI grade passback: slow to import

        for question in queryset:
            result = question_regrade(question=question, by=request.user)
            level = messages.WARNING if result.skipped else messages.SUCCESS
            skipped = f"; skipped: {'; '.join(result.skipped)}" if result.skipped else ""
            self.message_user(
                request,
                f"{question}: {result.checked} response(s) checked, "
                f"{result.changed} changed{skipped}.",
                level,
            )


class QuizQuestionInline(CourseChoicesMixin, admin.TabularInline):
    model = QuizQuestion
    fields = ("position", "question", "points")
    raw_id_fields = ("question",)
    extra = 0


class QuizDrawInline(admin.TabularInline):
    model = QuizDraw
    extra = 0


class FeedbackBandInline(admin.TabularInline):
    model = FeedbackBand
    extra = 0


class QuizOverrideInline(CourseChoicesMixin, admin.TabularInline):
    model = QuizOverride
    raw_id_fields = ("user",)
    extra = 0


class QuizForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = "__all__"

    def clean_review(self):
        value = self.cleaned_data["review"]
        problems = validate_review(value)
        if problems:
            raise forms.ValidationError(problems)
        return value


@transaction.atomic
def _duplicate_quiz(quiz: Quiz) -> Quiz:
    """An unpublished copy with its questions, draws and feedback; no learner's overrides."""
    children = [list(quiz.slots.all()), list(quiz.draws.all()), list(quiz.feedback_bands.all())]
    taken = quiz.course.quizzes.values_list("slug", flat=True)
    quiz.pk, quiz._state.adding = None, True
    quiz.slug = _free_slug(quiz.slug, taken)
    quiz.title = f"{quiz.title} (copy)"[: Quiz._meta.get_field("title").max_length]
    quiz.is_published = False
    quiz.save()
    for rows in children:
        for row in rows:
            row.pk, row.quiz = None, quiz
        if rows:
            type(rows[0]).objects.bulk_create(rows)
    return quiz


@admin.register(Quiz)
class QuizAdmin(CourseScopedMixin, admin.ModelAdmin):
    form = QuizForm
    list_display = (
        "title", "slug", "course", "lesson", "question_count", "attempts_allowed",
        "time_limit_minutes", "is_published",
    )  # fmt: skip
    list_filter = ("is_published", "required", related_filter())
    list_select_related = ("course", "lesson")
    search_fields = ("title", "slug")
    inlines = [QuizQuestionInline, QuizDrawInline, FeedbackBandInline, QuizOverrideInline]
    actions = [publish, unpublish, "duplicate"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_questions=Count("slots"))

    @admin.display(description="Questions", ordering="n_questions")
    def question_count(self, obj):
        return obj.n_questions

    @admin.action(description="Duplicate selected quizzes (unpublished)", permissions=["add"])
    def duplicate(self, request, queryset):
        copies = [_duplicate_quiz(quiz) for quiz in queryset.select_related("course")]
        slugs = ", ".join(copy.slug for copy in copies)
        self.message_user(request, f"{len(copies)} quiz(zes) duplicated, unpublished: {slugs}.")


class ResponseInline(admin.TabularInline):
    model = Response
    fields = ("slot", "version", "answer", "score", "needs_grading", "comment")
    readonly_fields = ("slot", "version", "answer", "score", "needs_grading", "comment")
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version__question")


@admin.register(Attempt)
class AttemptAdmin(CourseScopedMixin, admin.ModelAdmin):
    course_path = "quiz__course"
    list_display = (
        "quiz", "user", "number", "state", "score", "max_score", "passed", "submitted_at",
    )  # fmt: skip
    list_filter = ("state", "needs_grading", related_filter("quiz__course"))
    list_select_related = ("quiz", "user")
    search_fields = ("user__username", "quiz__title")
    readonly_fields = [f.name for f in Attempt._meta.fields]
    inlines = [ResponseInline]

    def has_add_permission(self, request):
        return False


class ResponseGradeForm(forms.ModelForm):
    class Meta:
        model = Response
        fields = ("score", "comment")

    def clean_score(self):
        score = self.cleaned_data["score"]
        if score is None:
            raise forms.ValidationError(gettext("Give a score."))
        if not 0 <= score <= self.instance.points:
            message = gettext("The score must be between 0 and {points}.")
            raise forms.ValidationError(message.format(points=self.instance.points))
        return score


@admin.register(Response)
class ResponseAdmin(CourseScopedMixin, admin.ModelAdmin):
    """Grading essays: the learner's text, the grader's guidance, a score and a comment."""

    course_path = "attempt__quiz__course"
    form = ResponseGradeForm
    list_display = ("attempt", "slot", "question_name", "needs_grading", "score", "graded_at")
    list_filter = (
        "needs_grading", related_filter("attempt__quiz__course"), related_filter("attempt__quiz"),
    )  # fmt: skip
    list_select_related = ("attempt__quiz", "attempt__user", "version")
    search_fields = ("attempt__user__username", "version__question__slug")
    readonly_fields = ("attempt", "slot", "prompt", "learner_answer", "guidance", "points")
    fields = readonly_fields + ("score", "comment")
    ordering = ("attempt__submitted_at", "slot")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Question")
    def question_name(self, obj):
        return obj.version.data.get("name") or obj.version.data["slug"]

    @admin.display(description="Prompt")
    def prompt(self, obj):
        return obj.version.data["prompt"]

    @admin.display(description="Answer")
    def learner_answer(self, obj):
        return obj.answer if obj.answer is not None else "(no answer)"

    @admin.display(description="Guidance for the grader")
    def guidance(self, obj):
        return obj.version.data.get("guidance") or "—"

    def save_model(self, request, obj, form, change):
        from quizzes.services import response_grade  # with LTI grade passback: slow to import

        response_grade(
            response=obj, score=form.cleaned_data["score"], comment=obj.comment, grader=request.user
        )


@admin.register(Regrade)
class RegradeAdmin(admin.ModelAdmin):
    """The audit trail of regrades: read-only, never edited or deleted by hand."""

    list_display = ("response", "old_score", "new_score", "regraded_by", "regraded_at")
    list_select_related = ("response__attempt__quiz", "response__attempt__user", "regraded_by")
    list_filter = ("response__attempt__quiz__course",)
    search_fields = ("response__attempt__user__username",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
