from django.urls import path  # noqa: F401 - patterns are added as the launch flow lands

app_name = "lti"

urlpatterns: list = []
