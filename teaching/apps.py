from django.apps import AppConfig


class TeachingConfig(AppConfig):
    """Instructor pages outside the admin: gradebook, learners, essays, cohorts, statistics."""

    name = "teaching"
    verbose_name = "Teaching"
