from django.contrib import admin
from django.urls import include, path

from indivisible import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("courses.urls")),
    path("", include("quizzes.urls")),
    path("", include("learning.urls")),
    path("teach/", include("teaching.urls")),
    path("cohorts/", include("teaching.cohort_urls")),
    path("lti/", include("lti.urls")),
]
