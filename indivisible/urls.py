from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path


def healthz(request):
    """The process is up; /healthz is also the benchmark baseline."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("courses.urls")),
    path("", include("quizzes.urls")),
    path("", include("learning.urls")),
    path("teach/", include("teaching.urls")),
]
