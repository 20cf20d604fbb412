"""Admin for LTI registrations: superusers only, since a registration holds a private key."""

from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from lti.models import Account, Deployment, GradeLink, Registration, ScoreRetry


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


class DeploymentInline(SuperuserOnly, admin.TabularInline):
    model = Deployment
    extra = 1


@admin.register(Registration)
class RegistrationAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["name", "issuer", "client_id", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "issuer", "client_id"]
    readonly_fields = ["kid", "public_key_pem", "created_at"]
    inlines = [DeploymentInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="public key (PEM)")
    def public_key_pem(self, obj):
        return format_html("<pre>{}</pre>", obj.public_key) if obj.public_key else "—"

    @admin.display(description="key id (kid)")
    def kid(self, obj):
        return obj.kid if obj.public_key else "Generated when the registration is saved."


@admin.register(Account)
class AccountAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["sub", "issuer", "user", "last_launch_at"]
    search_fields = ["sub", "issuer", "user__username"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "last_launch_at"]


class RecordedByLaunches(SuperuserOnly):
    """Rows that launches and passbacks write; an admin reads or deletes them."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GradeLink)
class GradeLinkAdmin(RecordedByLaunches, admin.ModelAdmin):
    list_display = ["quiz", "account", "lineitem", "score_sent", "sent_at"]


@admin.register(ScoreRetry)
class ScoreRetryAdmin(RecordedByLaunches, admin.ModelAdmin):
    list_display = ["link", "tries", "updated_at", "error"]
