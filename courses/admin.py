from django.contrib import admin

from courses.models import (
    Citation,
    Concept,
    ConceptRelation,
    Course,
    Lesson,
    LessonProgress,
    Module,
    Source,
    TimelineEvent,
)


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ("position", "slug", "title")
    extra = 0


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ("position", "slug", "title", "kind", "minutes", "is_published")
    extra = 0
    show_change_link = True


class CitationInline(admin.TabularInline):
    model = Citation
    fields = ("position", "source", "locator", "quote")
    extra = 0


class RelationInline(admin.TabularInline):
    model = ConceptRelation
    fk_name = "source"
    fields = ("kind", "target", "note")
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "language", "is_published", "updated_at")
    list_filter = ("is_published", "language")
    search_fields = ("title", "slug", "summary")
    filter_horizontal = ("instructors",)
    inlines = [ModuleInline]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "position")
    list_filter = ("course",)
    list_select_related = ("course",)
    search_fields = ("title", "slug")
    inlines = [LessonInline]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ("title", "module", "kind", "minutes", "is_published", "updated_at")
    list_filter = ("kind", "is_published", "module__course")
    list_select_related = ("module",)
    search_fields = ("title", "slug", "body")
    filter_horizontal = ("concepts",)
    inlines = [CitationInline]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "publisher", "published", "course")
    list_filter = ("kind", "course")
    list_select_related = ("course",)
    search_fields = ("title", "slug", "publisher")


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ("term", "slug", "course")
    list_filter = ("course",)
    list_select_related = ("course",)
    search_fields = ("term", "slug", "definition")
    inlines = [RelationInline]


@admin.register(TimelineEvent)
class TimelineEventAdmin(admin.ModelAdmin):
    list_display = ("date", "title", "source", "course")
    list_filter = ("course",)
    list_select_related = ("source", "course")
    search_fields = ("title", "description")
    filter_horizontal = ("concepts",)


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ("user", "lesson", "last_seen", "completed_at")
    list_select_related = ("user", "lesson")
    search_fields = ("user__username", "lesson__title")
