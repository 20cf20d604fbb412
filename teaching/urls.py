from django.urls import path

from teaching import views

app_name = "teaching"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:course>/", views.course, name="course"),
    path("<slug:course>/gradebook/", views.gradebook_page, name="gradebook"),
    path("<slug:course>/gradebook.csv", views.gradebook_csv, name="gradebook_csv"),
    path("<slug:course>/learners/<int:user>/", views.learner, name="learner"),
    path("<slug:course>/attempts/<int:pk>/", views.attempt, name="attempt"),
    path("<slug:course>/grading/", views.grading, name="grading"),
    path("<slug:course>/grading/<int:pk>/", views.grade, name="grade"),
    path("<slug:course>/cohorts/", views.cohorts, name="cohorts"),
    path("<slug:course>/quizzes/<slug:quiz>/statistics/", views.statistics, name="statistics"),
]
