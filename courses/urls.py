from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("search/", views.search, name="search"),
    path("signup/", views.signup, name="signup"),
    path("courses/<slug:course>/", views.detail, name="detail"),
    path("courses/<slug:course>/lessons/<slug:lesson>/", views.lesson, name="lesson"),
    path("courses/<slug:course>/sources/", views.sources, name="sources"),
    path("courses/<slug:course>/glossary/", views.glossary, name="glossary"),
    path("courses/<slug:course>/glossary/<slug:concept>/", views.concept, name="concept"),
    path("courses/<slug:course>/timeline/", views.timeline, name="timeline"),
    path("courses/<slug:course>/enrol/", views.enrol, name="enrol"),
    path("courses/<slug:course>/lessons/<slug:lesson>/mark/", views.mark, name="mark"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
    path("certificates/<str:code>/print/", views.certificate_print, name="certificate_print"),
]
