"""The site's URLs plus the learner's cohort pages at /cohorts/, until the site mounts them."""

from django.urls import include, path

from indivisible.urls import urlpatterns as site

MOUNTED = any(getattr(pattern, "namespace", None) == "cohorts" for pattern in site)

urlpatterns = list(site) + ([] if MOUNTED else [path("cohorts/", include("teaching.cohort_urls"))])
