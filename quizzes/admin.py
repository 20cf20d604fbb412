"""Admin for questions and quizzes.

Each kind-specific inline validates its rows together with the question's kind through
quizzes.questionspec, the same rules the seed loader and the importers use, so the admin
cannot save a question nobody can answer (a single choice without a 100% choice, say).
Saving a question freezes a new version when its content changed.
"""

from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet

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
    Response,
    TextAnswer,
)
from quizzes.questions import question_version, with_related
from quizzes.questionspec import validate_question
from quizzes.review import validate_review
from quizzes.services import question_regrade, response_grade

PLACEHOLDERS = {"slug": "placeholder", "prompt": "x", "source": "x", "explanation": "x"}


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


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    list_display = ("__str__", "slug", "kind", "category", "points", "course", "updated_at")
    list_filter = ("kind", "category", "course")
    list_select_related = ("course",)
    search_fields = ("slug", "name", "prompt")
    filter_horizontal = ("concepts",)
    actions = ["regrade"]
    fieldsets = (
        (None, {"fields": ("course", "slug", "name", "kind", "prompt", "points", "category")}),
        ("Explanation and source", {"fields": ("explanation", "source", "locator", "concepts")}),
        ("True/false", {"fields": ("answer_true", "feedback_true", "feedback_false")}),
        ("Essay", {"fields": ("min_words", "guidance")}),
    )
    all_inlines = (
        ChoiceInline, TextAnswerInline, NumericAnswerInline, OrderingItemInline, MatchPairInline,
    )  # fmt: skip

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

    @admin.action(description="Regrade past attempts with the current answer key")
    def regrade(self, request, queryset):
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


class QuizQuestionInline(admin.TabularInline):
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


class QuizOverrideInline(admin.TabularInline):
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


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    form = QuizForm
    list_display = (
        "title", "slug", "course", "lesson", "attempts_allowed", "time_limit_minutes",
        "is_published",
    )  # fmt: skip
    list_filter = ("is_published", "required", "course")
    list_select_related = ("course", "lesson")
    search_fields = ("title", "slug")
    inlines = [QuizQuestionInline, QuizDrawInline, FeedbackBandInline, QuizOverrideInline]


class ResponseInline(admin.TabularInline):
    model = Response
    fields = ("slot", "version", "answer", "score", "needs_grading", "comment")
    readonly_fields = ("slot", "version", "answer", "score", "needs_grading", "comment")
    extra = 0
    can_delete = False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = (
        "quiz", "user", "number", "state", "score", "max_score", "passed", "submitted_at",
    )  # fmt: skip
    list_filter = ("state", "needs_grading", "quiz__course")
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
            raise forms.ValidationError("Give a score.")
        if not 0 <= score <= self.instance.points:
            raise forms.ValidationError(f"The score must be between 0 and {self.instance.points}.")
        return score


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Grading essays: the learner's text, the grader's guidance, a score and a comment."""

    form = ResponseGradeForm
    list_display = ("attempt", "slot", "question_name", "needs_grading", "score", "graded_at")
    list_filter = ("needs_grading", "attempt__quiz__course", "attempt__quiz")
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
        response_grade(
            response=obj, score=form.cleaned_data["score"], comment=obj.comment, grader=request.user
        )
