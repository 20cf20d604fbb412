"""Admin for course content, made for teaching.

Superusers see everything. Everyone else (instructors: staff in the "Instructor" group)
sees and edits only the courses they teach (Course.instructors): each ModelAdmin names
the lookup from its model to the course (`course_path`), and CourseScopedMixin filters
its rows, its foreign-key and many-to-many choices, and answers 404 for another course's
object. The group's permissions decide what an instructor may do with what they see.
"""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from courses.markdown import render_markdown
from courses.models import (
    Citation,
    Cohort,
    Concept,
    ConceptRelation,
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
    Module,
    Source,
    TimelineEvent,
    course_link_resolver,
)

PUBLISHED = "{count} {name} published."
UNPUBLISHED = "{count} {name} unpublished."


def is_scoped(user) -> bool:
    """Whether the admin limits this user to the courses they teach: all but superusers."""
    return not user.is_superuser


def scope_to_courses(queryset, course_path: str, user):
    """The rows of `queryset` whose course (reached by `course_path`) `user` teaches."""
    if not is_scoped(user):
        return queryset
    return queryset.filter(**{f"{course_path}__in": Course.objects.taught_by(user)})


class CourseChoicesMixin:
    """Offers a scoped user only their courses' objects in foreign keys and many-to-many.

    Works on ModelAdmins and inlines. A related model's course lookup is the `course_path`
    of its own ModelAdmin; a related model with none offers nothing, and users are the
    learners enrolled in the user's courses (for quiz overrides).
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if is_scoped(request.user):
            kwargs["queryset"] = self.scoped_choices(db_field.related_model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if is_scoped(request.user):
            kwargs["queryset"] = self.scoped_choices(db_field.related_model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def scoped_choices(self, model, user):
        if not is_scoped(user):
            return model._default_manager.all()
        taught = Course.objects.taught_by(user)
        if model is get_user_model():
            return model._default_manager.filter(enrollments__course__in=taught).distinct()
        try:
            course_path = self.admin_site.get_model_admin(model).course_path
        except (NotRegistered, AttributeError):
            return model._default_manager.none()
        return scope_to_courses(model._default_manager.all(), course_path, user)


class CourseScopedMixin(CourseChoicesMixin):
    """Limits a ModelAdmin's rows to the courses a scoped user teaches."""

    course_path = "course"

    def get_queryset(self, request):
        return scope_to_courses(super().get_queryset(request), self.course_path, request.user)

    def get_object(self, request, object_id, from_field=None):
        """404, not the admin's redirect, for an object that is missing or out of scope."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object in the courses you teach.")
        return obj


def _set_published(modeladmin, request, queryset, published: bool) -> None:
    values = {"is_published": published}
    if any(f.name == "updated_at" for f in queryset.model._meta.fields):
        values["updated_at"] = timezone.now()  # update() skips auto_now
    count = queryset.update(**values)
    message = PUBLISHED if published else UNPUBLISHED
    name = queryset.model._meta.verbose_name_plural
    modeladmin.message_user(request, message.format(count=count, name=name))


@admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
def publish(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, True)


@admin.action(description="Unpublish selected %(verbose_name_plural)s", permissions=["change"])
def unpublish(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, False)


def related_filter(field_path: str = "course"):
    """A list filter offering only objects the changelist's rows use (so, scoped ones)."""
    return (field_path, admin.RelatedOnlyFieldListFilter)


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ("position", "slug", "title")
    extra = 0


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ("position", "slug", "title", "kind", "minutes", "is_published")
    extra = 0
    show_change_link = True


class CitationInline(CourseChoicesMixin, admin.StackedInline):
    """Stacked, so every field has a visible label (a tabular inline's cells have none)."""

    model = Citation
    fields = ("position", "source", "locator", "quote")
    extra = 0


class RelationInline(CourseChoicesMixin, admin.TabularInline):
    model = ConceptRelation
    fk_name = "source"
    fields = ("kind", "target", "note")
    extra = 0


@admin.register(Course)
class CourseAdmin(CourseScopedMixin, admin.ModelAdmin):
    course_path = "pk"
    list_display = (
        "title", "slug", "language", "module_count", "lesson_count", "is_published",
        "updated_at",
    )  # fmt: skip
    list_filter = ("is_published", "language")
    search_fields = ("title", "slug", "summary")
    filter_horizontal = ("instructors",)
    inlines = [ModuleInline]
    actions = [publish, unpublish]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_modules=Count("modules", distinct=True),
                n_lessons=Count("modules__lessons", distinct=True),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        """Only superusers choose who teaches a course."""
        return ("instructors",) if is_scoped(request.user) else ()

    @admin.display(description="Modules", ordering="n_modules")
    def module_count(self, obj):
        return obj.n_modules

    @admin.display(description="Lessons", ordering="n_lessons")
    def lesson_count(self, obj):
        return obj.n_lessons


@admin.register(Module)
class ModuleAdmin(CourseScopedMixin, admin.ModelAdmin):
    list_display = ("title", "course", "position", "lesson_count")
    list_filter = (related_filter(),)
    list_select_related = ("course",)
    search_fields = ("title", "slug", "summary")
    inlines = [LessonInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_lessons=Count("lessons"))

    @admin.display(description="Lessons", ordering="n_lessons")
    def lesson_count(self, obj):
        return obj.n_lessons


@admin.register(Lesson)
class LessonAdmin(CourseScopedMixin, admin.ModelAdmin):
    """Lessons, with a preview of the body rendered as learners will see it.

    The Preview button saves and continues editing without JavaScript; with it,
    static/js/admin_preview.js posts the unsaved text to `preview_view` and shows the
    sanitised HTML in place.
    """

    course_path = "module__course"
    list_display = (
        "title", "module", "course", "kind", "minutes", "is_published", "updated_at",
    )  # fmt: skip
    list_filter = ("kind", "is_published", related_filter("module__course"))
    list_select_related = ("module__course",)
    search_fields = ("title", "slug", "body")
    readonly_fields = ("preview",)
    fields = (
        "module", "slug", "title", "kind", "objectives", "body", "preview", "minutes",
        "position", "is_published", "concepts",
    )  # fmt: skip
    inlines = [CitationInline]
    actions = [publish, unpublish]

    class Media:
        js = ("js/admin_preview.js",)

    @admin.display(description="Course", ordering="module__course__title")
    def course(self, obj):
        return obj.module.course

    @admin.display(description="Preview")
    def preview(self, obj):
        # body_html is render_markdown's sanitised output, made when the lesson was saved.
        body = mark_safe(obj.body_html)  # noqa: S308 - sanitised by render_markdown
        return format_html(
            '<div id="lesson-preview" class="lesson-preview" aria-live="polite">{}</div>'
            '<button type="submit" name="_continue" class="button" data-preview-url="{}">'
            "Preview</button>"
            '<div class="help">Without JavaScript, Preview saves the lesson first.</div>',
            body or "(nothing saved yet)",
            reverse("admin:courses_lesson_preview"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.preview_view))
        return [path("preview/", view, name="courses_lesson_preview"), *super().get_urls()]

    def preview_view(self, request):
        """The sanitised HTML of unsaved Markdown (POST `body`, optional `module` id)."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        module_id = request.POST.get("module", "")
        modules = self.scoped_choices(Module, request.user).select_related("course")
        module = modules.filter(pk=module_id).first() if module_id.isdecimal() else None
        resolver = course_link_resolver(module.course.slug) if module else None
        html = render_markdown(request.POST.get("body", ""), resolver=resolver)
        return HttpResponse(html, content_type="text/html; charset=utf-8")


@admin.register(Source)
class SourceAdmin(CourseScopedMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "publisher", "published", "course")
    list_filter = ("kind", related_filter())
    list_select_related = ("course",)
    search_fields = ("title", "slug", "publisher")


@admin.register(Concept)
class ConceptAdmin(CourseScopedMixin, admin.ModelAdmin):
    list_display = ("term", "slug", "course")
    list_filter = (related_filter(),)
    list_select_related = ("course",)
    search_fields = ("term", "slug", "definition")
    inlines = [RelationInline]


@admin.register(TimelineEvent)
class TimelineEventAdmin(CourseScopedMixin, admin.ModelAdmin):
    list_display = ("date", "title", "source", "course")
    list_filter = (related_filter(),)
    list_select_related = ("source", "course")
    search_fields = ("title", "description")


@admin.register(Cohort)
class CohortAdmin(CourseScopedMixin, admin.ModelAdmin):
    list_display = ("name", "course", "join_code", "learner_count", "created_at")
    list_filter = (related_filter(),)
    list_select_related = ("course",)
    search_fields = ("name", "join_code")
    readonly_fields = ("join_code",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_learners=Count("enrollments"))

    @admin.display(description="Learners", ordering="n_learners")
    def learner_count(self, obj):
        return obj.n_learners


@admin.register(Enrollment)
class EnrollmentAdmin(CourseScopedMixin, admin.ModelAdmin):
    list_display = ("user", "course", "cohort", "enrolled_at", "completed_at")
    list_filter = (related_filter(),)
    list_select_related = ("user", "course", "cohort__course")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user", "last_lesson")
    date_hierarchy = "enrolled_at"


@admin.register(LessonProgress)
class LessonProgressAdmin(CourseScopedMixin, admin.ModelAdmin):
    course_path = "lesson__module__course"
    list_display = ("user", "lesson", "last_seen", "completed_at")
    list_filter = (related_filter("lesson__module__course"),)
    list_select_related = ("user", "lesson")
    search_fields = ("user__username", "lesson__title")


admin.site.site_header = "Indivisible administration"
admin.site.site_title = "Indivisible admin"
