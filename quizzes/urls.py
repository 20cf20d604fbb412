from django.urls import path

from quizzes import review_views, views

app_name = "quizzes"

urlpatterns = [
    path("courses/<slug:course>/quizzes/<slug:quiz>/", views.detail, name="detail"),
    path("courses/<slug:course>/quizzes/<slug:quiz>/start/", views.start, name="start"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("attempts/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("attempts/<int:pk>/submit/", views.submit, name="submit"),
    path("attempts/<int:pk>/result/", views.result, name="result"),
    path("reviews/", review_views.review, name="reviews"),
    path("reviews/<int:pk>/", review_views.answer, name="review_answer"),
]
