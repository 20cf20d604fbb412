"""The learner's side of cohorts, mounted at /cohorts/ (not under /teach/)."""

from django.urls import path

from teaching import views

app_name = "cohorts"

urlpatterns = [
    path("join/", views.join, name="join"),
]
